"""A build is a map over article versions plus a small reduce.

Each (article, locale) version — its checks, its page and its leaflet — is a pure function of its
inputs, so it is made once per distinct set of inputs (``cache``), on every core (a process pool
over versions; results come back in a fixed order, so a parallel build writes the same bytes as a
serial one), and its page goes to the staging folder as soon as it is made. The reduce step (index,
sitemap, report) needs only each version's small summary.

| stage          | inputs (all in the version's cache key)                                        |
|----------------|---------------------------------------------------------------------------------|
| checks         | article text, its PO, the locale's glossary.po, glossary.toml, configuration, date |
| page, leaflet  | the same, every locale's ui.po (switcher labels), the article's publication plan, images |

A leaflet is also kept under a key of what it prints alone (``render.leaflet.leaflet_key``: its
data, images, leaflet template and engine), so a version made again because the page's template
or the pipeline's code changed takes its leaflet from the cache instead of printing it again.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Mapping
from contextlib import closing
from dataclasses import dataclass, field, replace
from functools import cached_property, partial
from typing import Generic, Protocol, TypeVar

from pipeline import checks
from pipeline.build.forked import forked_map
from pipeline.build.publication import Plan
from pipeline.catalog.store import CatalogStore
from pipeline.locales import LocaleInfo
from pipeline.model import (
    GLOSSARY_DOMAIN,
    UI_DOMAIN,
    Article,
    Catalog,
    DocumentReadability,
    Finding,
    Page,
    ReviewState,
    Tally,
    Version,
)
from pipeline.render import leaflet
from pipeline.render.leaflet import Leaflets, LeafletSettings
from pipeline.render.page import LocaleCatalogs
from pipeline.render.site import SiteContext, render_page
from pipeline.report import readability as readability_view
from pipeline.report import site as sitereport
from pipeline.store import kinds
from pipeline.store.cache import Cache, digest


@dataclass(frozen=True)
class Made:
    """One version, made: the files to write and the summary the reduce step needs."""

    article: str
    locale: str
    result: (
        checks.VersionResult
    )  # the readability document without its units' scores (see ``make``)
    # None where no page is written (a plain version nobody wrote). Without its body and its
    # words: the indexes need its title alone.
    page: Page | None
    files: tuple[tuple[str, str | bytes], ...] = ()  # page, leaflet, view; none in a summary
    paths: tuple[str, ...] = ()  # where those files go under output/
    part: sitereport.Part | None = None  # its share of the site-wide report
    leaflet: bool = False
    notice: str | None = None  # why no leaflet could be made (no Typst, no fonts)
    review: ReviewState | None = None  # a translation's review record (None for the source)
    tally: Tally = Tally()  # its findings, counted

    def summary(self) -> Made:
        """Without the files' bytes, the report's text and the findings (``tally`` counts them):
        what a build whose files are still in ``output/`` loads. The report part and the
        findings are read from their own cache entries, and only where wanted."""
        if not self.files and not self.result.findings and not (self.part and self.part.blob):
            return self  # a summary already: a save loads 1,400 of them
        return replace(
            self,
            files=(),
            part=self.part.stored() if self.part else None,
            result=replace(self.result, findings=()),
        )


@dataclass
class Context:
    """What every version of one build shares; workers inherit it when the pool forks."""

    articles: dict[str, Article]
    locales: dict[str, LocaleInfo]
    source: LocaleInfo
    store: CatalogStore
    plan: Plan
    images: dict[
        tuple[str, str], dict[str, str]
    ]  # (article, locale) -> image as written -> path under output/
    image_digests: dict[str, str]  # path under output/ -> content hash (a leaflet embeds the image)
    leaflet_settings: LeafletSettings | None
    salt: str  # code, configuration, glossary and date: shared by every key
    # Made on first use: the keys need none of them, so a build with nothing to do parses no PO.
    make_check_site: Callable[[], checks.Site]
    make_site: Callable[[], SiteContext]
    file_of: Callable[[Article, str], str]  # (article, locale) -> the file its findings point to
    # A kept translation (``keeping``): the hash of the inputs it was published from, and those
    # inputs (the article and its catalogue, as published), parsed on first use.
    kept_keys: dict[tuple[str, str], str] = field(default_factory=dict)
    make_kept: Callable[[], dict[tuple[str, str], tuple[Article, Catalog | None]]] = dict
    cache: Cache | None = None  # where leaflets are kept by what they print (``Leaflets``)
    _article_keys: dict[str, str] = field(default_factory=dict, init=False, repr=False)

    @cached_property
    def check_site(self) -> checks.Site:
        return self.make_check_site()

    @cached_property
    def site(self) -> SiteContext:
        return self.make_site()

    @cached_property
    def kept(self) -> dict[tuple[str, str], tuple[Article, Catalog | None]]:
        return self.make_kept()

    def key(self, slug: str, locale: str) -> str:
        """Everything the version depends on (see the module's table)."""
        return digest(
            self.salt, self._article_key(slug), locale,
            self.store.digest(locale, slug), self.store.digest(locale, GLOSSARY_DOMAIN), *self.ui_digests,
            self.kept_keys.get((slug, locale), ""),
            *(f"{src}={out}={self.image_digests.get(out, '')}" for src, out in sorted(self.images.get((slug, locale), {}).items())),
        )  # fmt: skip

    def _article_key(self, slug: str) -> str:
        """What every version of an article shares (its text, its plan, its versions' shares),
        hashed once for all its versions rather than once for each."""
        if slug not in self._article_keys:
            plan = [(v.path, v.preview, loc.name) for v, loc in self.plan.versions.get(slug, [])]
            self._article_keys[slug] = digest(
                self.articles[slug].digest, slug, repr(plan), repr(self._shares.get(slug, []))
            )
        return self._article_keys[slug]

    def keys(self) -> dict[tuple[str, str], str]:
        """Every version's key, in article then locale order (the order of the build)."""
        return {
            (slug, name): self.key(slug, name) for slug in self.articles for name in self.locales
        }

    @cached_property
    def ui_digests(self) -> list[str]:
        return [self.store.digest(name, UI_DOMAIN) for name in sorted(self.locales)]

    @cached_property
    def _shares(self) -> dict[str, list[tuple[tuple[str, str], tuple[float, float]]]]:
        """article -> its versions' (translated share, threshold), sorted: one pass, not one per key."""
        found: dict[str, list[tuple[tuple[str, str], tuple[float, float]]]] = {}
        for item in sorted(self.plan.shares.items()):
            found.setdefault(item[0][0], []).append(item)
        return found


# Each worker loads its own syllable, hyphenation and word-frequency tables (from the cache, some
# milliseconds); a version costs some 35 ms at the generated corpus's size, 0.15 s at 2,000 words.
# From this many versions a build spreads them over ``jobs`` workers in chunks of ``CHUNK``;
# fewer go one at a time to at most ``jobs`` workers, which make them while this process reads
# every other version from the cache.
PARALLEL_FROM = 64


class Mapper(Protocol):
    """Where the versions a build must make are made: this machine's cores (``LocalPool``) or a
    Dask cluster (``cluster.DaskCluster``). Chosen in one place, ``cluster.mapper``."""

    def make(
        self, context: Context, cache: Cache, todo: dict[tuple[str, str], str]
    ) -> Generator[Made, None, None]:
        """Each version of ``todo`` ((article, locale) -> key), in its order, its entries in
        ``cache``. The work may begin before the first version is asked for; closing the
        generator stops it."""
        ...  # pragma: no cover


def _no_wait() -> None:
    """Where no warmer runs (a build given no ``Runtime``), the tables are made where used."""


@dataclass(frozen=True)
class LocalPool:
    """This process with ``jobs`` 1, else workers forked over ``jobs`` cores, begun at once: they
    inherit the context, and the parent writes each version's cache entries. ``ready``
    (``Runtime.ready``) returns once the lookup tables are in the cache, if a warmer builds them."""

    jobs: int
    ready: Callable[[], None] = _no_wait

    def make(
        self, context: Context, cache: Cache, todo: dict[tuple[str, str], str]
    ) -> Generator[Made, None, None]:
        if todo:
            self.ready()  # before the pool forks: its workers load the tables, not build them
        return _stored(cache, list(todo.values()), _run(context, list(todo), self.jobs))


def _stored(
    cache: Cache, keys: list[str], making: Generator[Made, None, None]
) -> Generator[Made, None, None]:
    try:
        for key, made in zip(keys, making, strict=True):
            store(cache, key, made)
            yield made
    finally:
        making.close()


def make_all(
    context: Context,
    cache: Cache,
    mapper: Mapper,
    keys: dict[tuple[str, str], str],
    in_place: Callable[[str, tuple[str, ...]], bool] = lambda key, paths: False,
    every_finding: bool = False,
    known: Mapping[str, Made] | None = None,
    begun: Begun | None = None,
) -> Generator[tuple[int, str, Made], None, None]:
    """(position in ``keys``, key, version) for every version, each as soon as it is ready: the
    cached ones first, in order, while ``begun`` (``begin``) makes those the cache has no summary
    of; then those, in order; then any other the cache turned out to lack (a part or files gone),
    made by ``mapper``. ``in_order`` puts them back in the build's order.

    A cached version is not made again; where ``in_place(key, paths)`` says its files are already
    in ``output/``, only its summary is loaded (the files are linked from there), without its
    findings unless ``every_finding``. ``known`` holds the last build's summaries by key.
    """
    begun = begun if begun is not None else begin(context, cache, mapper, keys)
    try:
        position = {item: n for n, item in enumerate(keys)}
        late: dict[tuple[str, str], str] = {}
        for item, key in keys.items():
            if item in begun.todo:
                continue
            made = cached_version(cache, key, in_place, every_finding, known or {})
            if made is None:
                late[item] = key
            else:
                yield position[item], key, made
        for (item, key), made in zip(begun.todo.items(), begun.made, strict=True):
            yield position[item], key, made
        with closing(mapper.make(context, cache, late)) as later:
            for (item, key), made in zip(late.items(), later, strict=True):
                yield position[item], key, made
    finally:
        begun.made.close()


V = TypeVar("V")


class Reordered(Generic[V]):
    """What comes in any order (``make_all``), given back in the build's: ``add`` returns what
    has become ready, each as soon as it and every one before it are there."""

    def __init__(self) -> None:
        self._waiting: dict[int, V] = {}
        self._ready = 0

    def add(self, position: int, value: V) -> list[V]:
        self._waiting[position] = value
        found = []
        while self._ready in self._waiting:
            found.append(self._waiting.pop(self._ready))
            self._ready += 1
        return found


def in_order(
    made: Iterable[tuple[int, str, Made]],
) -> Generator[tuple[str, Made], None, None]:
    """(key, version) in the build's order, each as soon as it and every one before it are ready."""
    order: Reordered[tuple[str, Made]] = Reordered()
    for position, key, version in made:
        yield from order.add(position, (key, version))


@dataclass(frozen=True)
class Begun:
    """The versions a build must make for certain (the cache has no summary of them), being made
    while the build reads every other version from the cache."""

    todo: dict[tuple[str, str], str]
    made: Generator[Made, None, None]


def begin(
    context: Context, cache: Cache, mapper: Mapper, keys: dict[tuple[str, str], str]
) -> Begun:
    """Start making the versions no build has made yet: a translator's save is one, made on the
    second core while this process links the other 1,399 of a real-size site."""
    todo = {item: key for item, key in keys.items() if not cache.has(kinds.SUMMARY, key)}
    return Begun(todo, mapper.make(context, cache, todo))


def store(cache: Cache, key: str, made: Made) -> None:
    """A made version's cache entries: what a later build, or the build that asked a cluster
    for it, reads back (``cached_version``)."""
    cache.put(kinds.SUMMARY, key, made.summary())
    cache.put(kinds.FINDINGS, key, made.result.findings)
    cache.put(kinds.FILES, key, made.files)
    if made.part is not None:
        cache.put_bytes(kinds.PART, key, made.part.blob)


def cached_version(
    cache: Cache,
    key: str,
    in_place: Callable[[str, tuple[str, ...]], bool],
    every_finding: bool,
    known: Mapping[str, Made],
) -> Made | None:
    """The summary alone where the files are in place, else the summary and the files."""
    summary = known.get(key) or cache.get(kinds.SUMMARY, key)
    if summary is None or (
        summary.part and not cache.has_bytes(kinds.PART, key, summary.part.size)
    ):
        return None
    if every_finding:
        findings = cache.get(kinds.FINDINGS, key)
        if findings is None:
            return None
        summary = replace(summary, result=replace(summary.result, findings=findings))
    if in_place(key, summary.paths):
        return summary
    files = cache.get(kinds.FILES, key)
    return None if files is None else replace(summary, files=files)


def _run(context: Context, todo: list[tuple[str, str]], jobs: int) -> Generator[Made, None, None]:
    """In this process with one job (lazily, as asked for); else over forked workers, begun now.
    The workers inherit the context (articles, loaded catalogues, templates) without pickling it."""
    if jobs <= 1 or not todo:
        return (make(context, slug, locale) for slug, locale in todo)
    making = partial(_make_pair, context)
    if len(todo) >= PARALLEL_FROM:
        return forked_map(making, todo, jobs)
    return forked_map(making, todo, min(jobs, len(todo)), chunk=1)


def _make_pair(context: Context, item: tuple[str, str]) -> Made:
    return make(context, *item)


def make(context: Context, slug: str, locale_name: str) -> Made:
    """Check one version and, where it is written, render its page (and leaflet), its readability
    view and its share of the report."""
    subject = _subject(context, slug, locale_name)
    article = subject.article
    result = checks.check_version(subject)
    version = next(
        (v for v, loc in context.site.versions.get(slug, []) if loc.name == locale_name), None
    )
    page, files, leaflets = _render(context, subject, version) if version else (None, [], None)
    if leaflets is not None and leaflets.problems:
        result = replace(
            result,
            findings=result.findings + _leaflet_findings(context, article, locale_name, leaflets),
        )
    files += _view(context, result, article, version)
    body = (page.version.path, page.body_html) if page else None
    return Made(
        slug,
        locale_name,
        checks.VersionResult(_scores_only(result.document), result.findings),
        replace(page, body_html="", words=()) if page else None,
        tuple(files),
        tuple(path for path, _ in files),
        sitereport.part(
            result.findings,
            result.document,
            context.site.env,
            context.source,
            article,
            body,
            file=subject.file,
        ),  # fmt: skip
        leaflet=any(path.endswith(".pdf") for path, _ in files),
        notice=leaflets.skipped if leaflets else None,
        review=None if subject.is_source else subject.review.line(slug, locale_name),
        tally=Tally.of(result.findings),
    )


def _view(
    context: Context, result: checks.VersionResult, article: Article, version: Version | None
) -> list[tuple[str, str | bytes]]:
    """The version's readability view, where it has a readability document."""
    if not result.document:
        return []
    site, path = context.site, version.path if version else None
    view = readability_view.view(result.document, article, site.env, site.site_name, context.source, path)  # fmt: skip
    return [view] if view else []


def _subject(context: Context, slug: str, locale_name: str) -> checks.Subject:
    """The version as its checks see it; its review status as the plan found it, if it did (a
    site that publishes reviewed translations only), else computed once on first use."""
    article, locale = context.articles[slug], context.locales[locale_name]
    is_source = locale.name == context.source.name
    catalog = None if is_source else context.store.get((locale.name, slug))
    file = context.file_of(article, locale_name)
    known = context.plan.reviews.get((slug, locale_name))
    return checks.Subject(context.check_site, article, locale, catalog, file, known)


def _scores_only(doc: DocumentReadability | None) -> DocumentReadability | None:
    """The units' scores are in the report's part and the view already: a site's summaries stay small."""
    return replace(doc, units=(), hardest=()) if doc else None


def _leaflet_findings(
    context: Context, article: Article, locale_name: str, leaflets: Leaflets
) -> tuple[Finding, ...]:
    """What the PDF engine said, at the article's line of an image or at the version's PO."""
    files = (
        context.file_of(article, context.source.name),
        context.file_of(article, locale_name),
    )
    images = context.images.get((article.slug, locale_name), {})
    return leaflet.findings(leaflets.problems, article, locale_name, files, images)


def _render(
    context: Context, subject: checks.Subject, version: Version
) -> tuple[Page, list[tuple[str, str | bytes]], Leaflets | None]:
    """The page, its files (the page, the leaflet), and its leaflet's maker (why none was made,
    what the engine said)."""
    article, locale = subject.article, subject.locale
    leaflets = (
        Leaflets(context.leaflet_settings, lambda page: not page.version.preview, context.cache)
        if context.leaflet_settings
        else None
    )
    catalogs = LocaleCatalogs.of(context.store, locale, article.slug)
    catalogs = replace(catalogs, review=None if subject.is_source else subject.review)
    if version.kept:  # the last published translation: its article and catalogue as published
        article, kept = context.kept[(article.slug, locale.name)]
        catalogs = replace(catalogs, article=kept, review=None)  # the page shows theirs
    images = context.images.get((article.slug, locale.name), {})
    page, html = render_page(
        article,
        version,
        catalogs,
        context.source,
        context.check_site.glossary,
        context.site,
        images,
        leaflet=leaflets,
    )
    files: list[tuple[str, str | bytes]] = [(version.path, html)]
    files += list(leaflets.files.items())[:1] if leaflets else []
    return page, files, leaflets
