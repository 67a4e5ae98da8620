"""Pages in their site: the full HTML of each version (switcher, alternates, notices); the
indexes and the sitemap that list them are made by ``pipeline.render.indexes``.

Only *published* versions are advertised: the language switcher, ``hreflang`` alternates, the
sitemap and the indexes list them. A version below its publishing threshold is still written as
the translators' preview: ``noindex``, a visible notice, linked from no published page.

Every published page lists itself and all its published alternates of the same reading level,
reciprocally, plus ``x-default``; a plain page and its standard page share a BCP 47 tag, so they
link to each other visibly instead (WCAG 3.1.5).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from babel import Locale
from markupsafe import Markup

from pipeline.catalog import review
from pipeline.language import formulas
from pipeline.locales import LocaleInfo
from pipeline.model import Article, Catalog, Glossary, Page, Version
from pipeline.render import indexes
from pipeline.render.page import (
    Body,
    LocaleCatalogs,
    mark_spelled_out,
    relink_images,
    render_body,
)
from pipeline.render.ui import N_, TEMPLATES_DIR, UiText
from pipeline.source.dates import review_dates
from pipeline.store import kinds
from pipeline.store.cache import tables_folder

if TYPE_CHECKING:  # Jinja is imported where a template is rendered
    from jinja2 import Environment
PLAIN_LABEL = N_("{language} – plain language")
TO_PLAIN = N_("Read this page in plain language")
TO_STANDARD = N_("Read the standard version of this page")
REVIEWED = N_("Page last reviewed: {date}")
NEXT_REVIEW = N_("Next review due: {date}")
TRANSLATION_REVIEWED = N_("Translation reviewed on {date}")
PREVIEW = N_(
    "Preview for translators: {percent} % of this article is translated; it is published from {threshold} %. This page is not listed or indexed."
)
KEPT = N_("The original of this page was updated on {date}. This translation is being updated.")
READ_ORIGINAL = N_("Read the updated original")

Siblings = list[tuple[Version, LocaleInfo]]


def template_environment() -> Environment:
    """The templates, compiled once per change of their text where the build keeps a cache
    (Jinja's own bytecode cache, keyed by each template's source)."""
    from jinja2 import (  # noqa: PLC0415 (only when a page is rendered)
        Environment,
        FileSystemBytecodeCache,
        FileSystemLoader,
        select_autoescape,
    )

    folder = tables_folder(kinds.TEMPLATES)
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html", "xml"]),
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=FileSystemBytecodeCache(str(folder)) if folder else None,
    )
    environment.globals["bound"] = formulas.bound  # a target's direction, worded in one place
    return environment


LeafletHook = Callable[[Page, LocaleInfo, UiText], "dict[str, str] | None"]


def render_page(
    article: Article,
    version: Version,
    catalogs: LocaleCatalogs,
    source: LocaleInfo,
    glossary: Glossary,
    site: SiteContext,
    images: dict[str, str] | None = None,
    leaflet: LeafletHook | None = None,
) -> tuple[Page, str]:
    """The page's data and its full HTML.

    ``images`` maps each image's source path to its place under output/. ``leaflet``
    (``pipeline.render.leaflet.Leaflets``) makes the version's printable leaflet from the rendered body
    and returns the page's link to it ({href, size}), or None for no link.
    """
    ui = UiText(catalogs.ui, source.tag, catalogs.locale.tag)
    kept_notice = site.kept_notice(version, catalogs.locale, ui)
    page = replace(
        _page(article, version, render_body(article, catalogs, source, glossary, ui), images),
        review=tuple(review_lines(article, catalogs, source, ui)),
        kept_notice=str(kept_notice["text"]) if kept_notice else "",
    )
    html = site.env.get_template("page.html").render(
        **site.page_context(version, catalogs.locale, ui),
        page=page,
        title=page.title,
        description=page.description,
        body=Markup(page.body_html),
        words=page.words,
        leaflet=leaflet(page, catalogs.locale, ui) if leaflet else None,
        review=[Markup(line) for line in page.review],
        preview_notice=site.preview_notice(version, catalogs.locale, ui),
        kept_notice=kept_notice,
    )
    return page, html


def _page(article: Article, version: Version, body: Body, images: dict[str, str] | None) -> Page:
    """The version as data, before its frame: what the leaflet and the indexes read of it.
    Its images are linked relative to where the page is written; its title falls back to the
    source's metadata, then to the slug."""
    root = "../" * version.path.count("/")
    body_html = mark_spelled_out(
        relink_images(body.html, {src: root + path for src, path in (images or {}).items()})
    )
    return Page(
        version=version,
        title=body.meta.get("title", [article.metadata.get("title", article.slug)])[0],
        description=body.meta.get("description", [""])[0],
        body_html=body_html,
        fallbacks=body.fallbacks,
        words=body.words,
    )


def review_lines(
    article: Article,
    catalogs: LocaleCatalogs,
    source: LocaleInfo,
    ui: UiText,
) -> list[Markup]:
    """ "Page last reviewed: …", "Next review due: …", and for a translation whose review is
    current, "Translation reviewed on …": dates in the language of the sentence. The review's
    status is the build's (``catalogs.review``) where it computed it already."""
    locale, dates = catalogs.locale, review_dates(article)
    found = [(REVIEWED, dates.reviewed), (NEXT_REVIEW, dates.next_review)]
    if locale.name != source.name:
        state = catalogs.review or review.status(article, catalogs.article)
        found.append(
            (TRANSLATION_REVIEWED, state.review.date if state.current and state.review else None)
        )
    return [_dated(ui, msgid, day, locale, source) for msgid, day in found if day is not None]


def _dated(ui: UiText, msgid: str, day: date, locale: LocaleInfo, source: LocaleInfo) -> Markup:
    """A sentence left in the source language shows its date in that language too."""
    translated = ui.catalog is not None and ui.catalog.translation(msgid) is not None
    language = locale if translated or locale.language == source.language else source
    from babel.dates import format_date  # noqa: PLC0415 (only when a page is rendered)

    return ui.content(
        msgid, date=format_date(day, format="long", locale=Locale.parse(language.base))
    )


def floor_percent(value: float) -> float:
    """99.6 % is not 100 %: a share shown next to a threshold is rounded down."""
    return math.floor(value * 10) / 10


class SiteContext:
    """What every page of a build shares: the built versions, URLs, the template environment."""

    def __init__(
        self,
        site_url: str,
        site_name: str,
        source: LocaleInfo,
        versions: dict[str, Siblings],
        ui_catalogs: dict[str, Catalog | None],
        shares: dict[tuple[str, str], tuple[float, float]] | None = None,
    ) -> None:
        self.site_url = site_url
        self.site_name = site_name
        self.source = source
        self.versions = versions  # article slug -> [(version, locale)] of every page written
        self.ui_catalogs = ui_catalogs
        self.shares = shares or {}  # (article, locale) -> (translated percent, threshold)
        self.env = template_environment()

    def published(self, slug: str) -> Siblings:
        return [(v, loc) for v, loc in self.versions[slug] if not v.preview]

    def page_context(self, version: Version, locale: LocaleInfo, ui: UiText) -> dict[str, object]:
        """Published pages see the published versions; a preview also sees itself (and links to nothing new)."""
        siblings = [
            (v, loc) for v, loc in self.versions[version.article] if not v.preview or v == version
        ]
        root = "../" * version.path.count("/")
        return {
            **self.base_context(locale, ui, root),
            "canonical": self.site_url + version.path,
            "noindex": bool(version.preview),
            "alternates": [] if version.preview else self.alternates(siblings, locale.is_plain),
            "switcher": [self.switch_item(v, loc, root, v == version) for v, loc in siblings],
            "other_reading_level": self._other_reading_level(siblings, locale, root, ui),
        }

    def base_context(self, locale: LocaleInfo, ui: UiText, root: str) -> dict[str, object]:
        """What base.html needs on every page: the locale, the way home, the site's name in the page's language."""
        return {
            "locale": locale,
            "root": root,
            "site_name": ui.content(self.site_name),
            "site_name_text": ui.attribute(self.site_name),
            "source_tag": self.source.tag,
            "_": ui.content,
            "_a": ui.attribute,
            "_in_page_language": ui.in_page_language,
        }

    def preview_notice(self, version: Version, locale: LocaleInfo, ui: UiText) -> Markup | None:
        if not version.preview:
            return None
        percent, threshold = self.shares.get((version.article, locale.name), (0.0, 100.0))
        number = Locale.parse(locale.base)
        from babel.numbers import format_decimal  # noqa: PLC0415 (only for a preview's notice)

        return ui.content(
            PREVIEW,
            percent=format_decimal(floor_percent(percent), locale=number),
            threshold=format_decimal(threshold, locale=number),
        )

    def kept_notice(
        self, version: Version, locale: LocaleInfo, ui: UiText
    ) -> dict[str, object] | None:
        """A kept translation's notice: when its original changed, and a link to the original
        (the source language's page: what every version is translated or rewritten from)."""
        if not version.kept:
            return None
        siblings = self.versions[version.article]
        original = next(v for v, loc in siblings if loc.name == self.source.name)
        return {
            "text": _dated(ui, KEPT, date.fromisoformat(version.kept), locale, self.source),
            "href": "../" * version.path.count("/") + original.path,
            "hreflang": self.source.tag,
            "label": ui.content(READ_ORIGINAL),
        }

    def alternates(self, siblings: Siblings, plain: bool) -> list[dict[str, str]]:
        """hreflang links among versions of the same reading level (plain and standard share a tag)."""
        same_level = [(v, loc) for v, loc in siblings if loc.is_plain == plain and not v.preview]
        if not same_level:
            return []
        links = [{"hreflang": loc.tag, "href": self.site_url + v.path} for v, loc in same_level]
        default = next(
            (v for v, loc in same_level if loc.base == self.source.name), same_level[0][0]
        )
        return [*links, {"hreflang": "x-default", "href": self.site_url + default.path}]

    def language_name(self, locale: LocaleInfo) -> str:
        """A language as switchers name it, in itself ("Español"); a plain version's name says so."""
        name = locale.native_name[:1].upper() + locale.native_name[1:]
        if locale.is_plain:
            name = UiText(self.ui_catalogs.get(locale.name), self.source.tag, locale.tag).attribute(
                PLAIN_LABEL, language=name
            )
        return name

    def switch_item(
        self, version: Version, locale: LocaleInfo, root: str, current: bool
    ) -> dict[str, object]:
        """One language in a switcher: the link to its version, marked when it is this page."""
        return {
            "href": root + version.path,
            "hreflang": locale.tag,
            "label": self.language_name(locale),
            "current": current,
        }

    def _other_reading_level(
        self, siblings: Siblings, locale: LocaleInfo, root: str, ui: UiText
    ) -> dict[str, str] | None:
        """WCAG 3.1.5: the standard page links to its plain version, and the plain one back."""
        counterpart = f"{locale.base}@plain" if not locale.is_plain else locale.base
        match = next((v for v, loc in siblings if loc.name == counterpart), None)
        if match is None:
            return None
        label = ui.content(TO_STANDARD if locale.is_plain else TO_PLAIN)
        return {"href": root + match.path, "hreflang": locale.tag, "label": label}

    # The pages that list the versions (``pipeline.render.indexes``), as the build's reduce asks for them.

    def render_index(self, pages: list[Page]) -> str:
        return indexes.render_index(self, pages)

    def locale_indexes(self) -> dict[str, LocaleInfo]:
        return indexes.locale_indexes(self)

    def render_locale_index(self, locale: LocaleInfo, pages: list[Page]) -> str:
        return indexes.render_locale_index(self, locale, pages)

    def render_sitemap(self) -> str:
        return indexes.render_sitemap(self)
