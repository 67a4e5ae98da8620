"""Which versions a site advertises: the publishing threshold, previews, plain versions only when written.

A version below its threshold is still built, as a preview for translators that nothing public
links to; a plain version exists only once someone wrote plain text for it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from pipeline.build import keeping
from pipeline.catalog import review
from pipeline.catalog.store import CatalogStore
from pipeline.checks.shown import ARTICLE, INTERFACE
from pipeline.config import Config
from pipeline.locales import LocaleInfo
from pipeline.model import Article, Catalog, Preview, Stats, Version
from pipeline.render.site import floor_percent
from pipeline.source.dates import today
from pipeline.store import kinds
from pipeline.store.cache import Cache, code_version, digest

PlainWritten = Callable[[Article, LocaleInfo], bool]
ReviewGap = Callable[
    [Article, LocaleInfo], str
]  # why a version lacks a current review ("" when it has one)
KeptSince = Callable[[Article, LocaleInfo], str]  # ``keeping.kept_since``: "" where not kept


@dataclass(frozen=True)
class Plan:
    """Which versions are written, and which of those are only previews (and why)."""

    versions: dict[str, list[tuple[Version, LocaleInfo]]]  # article slug -> written versions
    previews: tuple[Preview, ...]
    shares: dict[
        tuple[str, str], tuple[float, float]
    ]  # (article, locale) -> (translated %, threshold %)
    # (article, locale) -> its review status, where the plan needed it (``require_review``): the
    # version's checks and page take it from here rather than hash its catalogue again
    reviews: dict[tuple[str, str], review.ReviewStatus] = field(default_factory=dict)


def plan_versions(
    config: Config,
    articles: tuple[Article, ...],
    figures: dict[tuple[str, str], Stats],
    written: PlainWritten,
    review_gap: ReviewGap = lambda article, locale: "",
    kept: KeptSince = lambda article, locale: "",
) -> Plan:
    """The publishing threshold applied to every article version (the source is always published);
    a published translation whose source changed may be kept instead (``keeping``)."""
    versions: dict[str, list[tuple[Version, LocaleInfo]]] = {}
    previews, shares = [], {}
    for article in articles:
        versions[article.slug] = []
        for locale in config.all_locales:
            shares[(article.slug, locale.name)] = (
                _article_share(figures[(article.slug, locale.name)]),
                config.threshold_for(locale.name),
            )
            version, preview = _plan_version(
                config,
                article,
                locale,
                figures[(article.slug, locale.name)],
                written,
                review_gap,
            )
            since = kept(article, locale) if preview is not None else ""
            if since:
                version, preview = _kept(article, locale, since), None
            if version is not None:
                versions[article.slug].append((version, locale))
            if preview is not None:
                previews.append(preview)
    return Plan(versions, tuple(previews), shares)


def _plan_version(
    config: Config,
    article: Article,
    locale: LocaleInfo,
    figures: Stats,
    written: PlainWritten,
    review_gap: ReviewGap,
) -> tuple[Version | None, Preview | None]:
    version = Version(article.slug, locale.name, f"{locale.output_dir}/{article.slug}.html")
    if locale.name == config.source_locale.name:
        return version, None
    percent, threshold = _article_share(figures), config.threshold_for(locale.name)
    if locale.is_plain and not written(article, locale):
        reason = "no plain-language text written yet (every entry is empty or the standard text): no page"
        return None, Preview(article.slug, locale.name, None, percent, threshold, reason)
    gap = review_gap(article, locale) if config.require_review else ""
    reasons = [
        *([] if percent >= threshold else [f"{floor_percent(percent):g} % translated, below the publishing threshold of {threshold:g} %"]),
        *([interface] if (interface := interface_gap(figures, threshold)) else []),
        *([whole] if percent >= threshold and (whole := _page_gap(figures, threshold)) else []),
        *([f"{gap}, and this site publishes only reviewed translations"] if gap else []),
    ]  # fmt: skip
    if not reasons:
        return version, None
    reason = "; ".join(reasons) + ": a preview for translators, not listed and not indexed"
    return replace(version, preview=reason), Preview(
        article.slug, locale.name, version.path, percent, threshold, reason
    )


def _kept(article: Article, locale: LocaleInfo, since: str) -> Version:
    """The last published translation, kept online with a notice that the original changed."""
    return Version(
        article.slug, locale.name, f"{locale.output_dir}/{article.slug}.html", kept=since
    )


def _article_share(figures: Stats) -> float:
    """The article's own share: what the preview notice and the report call "translated"."""
    article = figures.part(ARTICLE)
    return (article or figures).percent


def _page_gap(figures: Stats, threshold: float) -> str:
    """The page as a whole (article, interface, glossary entries) below the threshold."""
    if figures.percent >= threshold:
        return ""
    return f"{floor_percent(figures.percent):g} % of what the page shows is translated (its glossary entries count too), below the publishing threshold of {threshold:g} %"


def interface_gap(figures: Stats, threshold: float) -> str:
    """Why a version's interface keeps it from being published ("" when it does not).

    The interface must reach the threshold on its own: a long article translated in full would
    otherwise carry a page whose skip link, navigation and medical disclaimer are all in the
    source language over any threshold. At the default 100 %, every one of them is translated.
    """
    interface = figures.part(INTERFACE)
    if interface is None or not interface.missing or interface.percent >= threshold:
        return ""
    return f"{interface.missing} of its {interface.total} interface texts (ui.po) not translated yet, so the page's navigation and disclaimer would show in the source language"


def plain_written(article: Article, plain: Catalog | None, standard: Catalog | None) -> bool:
    """A plain version exists once one of its texts differs from the standard text of its language.

    ``msginit`` fills an English catalogue with the source texts: 100 % "translated", and still
    the standard page, which the standard page must not offer as its plain version.
    """
    if plain is None:
        return False

    def standard_text(msgid: str) -> str:
        return (standard.translation(msgid) if standard else None) or msgid

    return any(
        (text := plain.translation(m)) is not None and text != standard_text(m)
        for m in article.msgids
    )


def plan(
    config: Config,
    articles: tuple[Article, ...],
    catalogs: Mapping[tuple[str, str], Catalog],
    figures: dict[tuple[str, str], Stats],
    cache: Cache | None = None,
    previous: keeping.Previous | None = None,
) -> Plan:
    """The plan of a build (or of ``check``'s report) from the project's catalogues.

    With a cache, each article's plan is kept, by its key: the configuration, the date and the
    code (shared by all), the article's text, its catalogues' hashes, its versions' figures
    (which count the ``ui.po`` and ``glossary.po`` texts too) and their states at the last build
    (``previous``, which lets a changed source's published translation be kept). A translator's
    save plans its own article again, not the site's 1,400 versions.
    """
    previous, day = previous or {}, today()
    if cache is None or not isinstance(catalogs, CatalogStore):
        return _made(config, articles, catalogs, figures, cache, previous, day)
    last = cache.get(*PLAN_TABLE)
    last = last if isinstance(last, dict) else {}
    site = digest(code_version(), repr(config), day.isoformat())
    table: dict[str, tuple[str, Plan]] = {}
    for article in articles:
        key = _article_key(site, config, article, catalogs, figures, previous)
        found = last.get(article.slug)
        if not (isinstance(found, tuple) and found[0] == key and isinstance(found[1], Plan)):
            found = key, _made(config, (article,), catalogs, figures, cache, previous, day)
        table[article.slug] = found
    if any(table[slug] is not last.get(slug) for slug in table) or len(table) != len(last):
        cache.put(*PLAN_TABLE, table)
    return joined([part for _, part in table.values()])


PLAN_TABLE = (kinds.PLAN, "last build")  # (kind, key): article -> (its key, its plan), one entry


def _article_key(
    site: str,
    config: Config,
    article: Article,
    catalogs: CatalogStore,
    figures: dict[tuple[str, str], Stats],
    previous: keeping.Previous,
) -> str:
    """Everything an article's plan reads beside the site's part: its text, its catalogues, its
    versions' figures and last states."""
    items = [(article.slug, loc.name) for loc in config.all_locales]
    return digest(
        site,
        article.slug,
        article.digest,
        *(catalogs.digest(loc.name, article.slug) for loc in config.locales),
        repr([(figures.get(item), previous.get(item)) for item in items]),
    )


def joined(parts: list[Plan]) -> Plan:
    """The site's plan from its articles', in their order (as ``plan_versions`` makes it)."""
    return Plan(
        {slug: written for part in parts for slug, written in part.versions.items()},
        tuple(preview for part in parts for preview in part.previews),
        {item: share for part in parts for item, share in part.shares.items()},
        {item: status for part in parts for item, status in part.reviews.items()},
    )


def _made(
    config: Config,
    articles: tuple[Article, ...],
    catalogs: Mapping[tuple[str, str], Catalog],
    figures: dict[tuple[str, str], Stats],
    cache: Cache | None,
    previous: keeping.Previous,
    day: date,
) -> Plan:
    """The plan made, with the review status of each version whose review it asked."""
    reviews: dict[tuple[str, str], review.ReviewStatus] = {}

    def review_gap(article: Article, locale: LocaleInfo) -> str:
        item = (article.slug, locale.name)
        state = reviews[item] = review.status(article, catalogs.get(item[::-1]))
        return "" if state.current else state.reason

    made = plan_versions(
        config,
        articles,
        figures,
        lambda article, locale: _plain_written(config, catalogs, cache, article, locale),
        review_gap,
        lambda article, locale: keeping.kept_since(config, article, locale, previous, day),
    )
    return replace(made, reviews=reviews)


def _plain_written(
    config: Config,
    catalogs: Mapping[tuple[str, str], Catalog],
    cache: Cache | None,
    article: Article,
    locale: LocaleInfo,
) -> bool:
    """Whether a plain version was written, cached by the hashes of its PO and its standard's."""
    if cache is None or not isinstance(catalogs, CatalogStore):
        return written_in(config, catalogs, article, locale)
    key = plain_written_key(config, catalogs, article, locale)
    found = cache.get_slot(PLAIN_WRITTEN, plain_slot(article, locale), key)
    if found is None:
        found = written_in(config, catalogs, article, locale)
        cache.put_slot(PLAIN_WRITTEN, plain_slot(article, locale), key, found)
    return bool(found)


def plain_slot(article: Article, locale: LocaleInfo) -> str:
    """A plain version's one entry in the cache, whatever its inputs."""
    return f"{article.slug}\0{locale.name}"


# The cache's kind for ``_plain_written``; ``counting`` fills it too, ahead of the plan.
PLAIN_WRITTEN = kinds.PLAIN_WRITTEN


def written_in(
    config: Config,
    catalogs: Mapping[tuple[str, str], Catalog],
    article: Article,
    locale: LocaleInfo,
) -> bool:
    """``plain_written`` for a plain locale's catalogue and its standard's, read from ``catalogs``."""
    standard_name = _standard_name(config, locale)
    standard = catalogs.get((standard_name, article.slug)) if standard_name else None
    return plain_written(article, catalogs.get((locale.name, article.slug)), standard)


def plain_written_key(
    config: Config, catalogs: CatalogStore, article: Article, locale: LocaleInfo
) -> str:
    """Everything ``written_in`` reads: the article's text, the plain PO and its standard's."""
    standard_name = _standard_name(config, locale)
    theirs = catalogs.digest(standard_name, article.slug) if standard_name else "-"
    return kinds.versioned(article.text, catalogs.digest(locale.name, article.slug), theirs)


def _standard_name(config: Config, locale: LocaleInfo) -> str | None:
    """The locale whose text a plain version rewrites; None for the source (its text is the msgid)."""
    return locale.base if locale.base != config.source_locale.name else None
