"""Turns an article and a locale's catalogues into an accessible HTML page; writes the site.

Rendering never checks: an untranslated or fuzzy unit shows the source text with its own
``lang`` and the page is still written. Whatever a msgstr holds, the article body is passed
through an HTML sanitizer (nh3, Ammonia) with the tags Markdown produces: a ``<script>``, an
event handler or a ``javascript:`` link in a translation never reaches a page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from xml.sax.saxutils import escape as xml_escape

import nh3
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from pipeline.locales import LocaleInfo
from pipeline.annotate import AnnotateExtension, foreign_words, page_words
from pipeline.model import Article, Catalog, Glossary, Page, Version, Word
from pipeline.segment import make_markdown, to_html
from pipeline.ui import TEMPLATES_DIR, N_, UiText

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "dd", "del", "dfn", "div", "dl", "dt", "em", "h1", "h2",
    "h3", "h4", "h5", "h6", "hr", "img", "ins", "li", "ol", "p", "pre", "span", "strong", "sub", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "lang", "dir", "title"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height"},
    "td": {"style", "colspan", "rowspan"},
    "th": {"style", "colspan", "rowspan", "scope"},
    "ol": {"start"},
    "div": {"role", "tabindex", "aria-label"},  # for the table regions we add; harmless on any div
}
PLAIN_LABEL = N_("{language} – plain language")
TO_PLAIN = N_("Read this page in plain language")
TO_STANDARD = N_("Read the standard version of this page")
BACKLINK = N_("Back to footnote {} in the text")
INDEX_TITLE = N_("All articles")
TABLE_LABEL = N_("Table")


@dataclass(frozen=True)
class LocaleCatalogs:
    """The catalogues of one locale that a page needs; any may be missing (all falls back)."""

    locale: LocaleInfo
    article: Catalog | None
    glossary: Catalog | None
    ui: Catalog | None


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
        strip_comments=True,
        filter_style_properties={"text-align"},
    )


@dataclass(frozen=True)
class Body:
    html: str  # sanitized
    meta: dict[str, list[str]]  # translated title and description, as plain text
    fallbacks: int
    words: tuple[Word, ...]


def render_body(article: Article, catalogs: LocaleCatalogs, source: LocaleInfo, glossary: Glossary, ui: UiText) -> Body:
    """The article body in one language, its glossary words marked and abbreviations expanded."""
    locale, catalog = catalogs.locale, catalogs.article
    fallbacks = 0
    is_source = locale.name == source.name

    def translate(text: str, kind: str) -> str | None:
        nonlocal fallbacks
        if is_source:
            return text
        translated = catalog.translation(text) if catalog else None
        fallbacks += translated is None
        if translated == text and locale.language != source.language:
            return None  # kept in the source language on purpose (a citation): still marked as such
        return translated

    fallback_attrs = {"lang": source.tag}
    if source.direction != locale.direction:
        fallback_attrs["dir"] = source.direction
    page_attrs = {"lang": locale.tag, "dir": locale.direction} if "dir" in fallback_attrs else {"lang": locale.tag}
    words = page_words(glossary, catalogs.glossary, locale, source)
    annotate = AnnotateExtension(words, locale.language, foreign_words(words, glossary, locale, source), ui.attribute(TABLE_LABEL))
    md = make_markdown(translate, fallback_attrs, page_attrs, backlink_title=ui.attribute(BACKLINK), extra=(annotate,))
    html = md.convert(article.text)
    meta = {key: [_translated_meta(" ".join(lines), catalog, is_source)] for key, lines in getattr(md, "Meta", {}).items()}
    return Body(sanitize(html), meta, fallbacks, tuple(annotate.found))


def _translated_meta(text: str, catalog: Catalog | None, is_source: bool) -> str:
    translated = None if is_source or catalog is None else catalog.translation(text)
    return plain_text(translated or text)


def plain_text(markdown_text: str) -> str:
    """Markdown inline text as plain text, for ``<title>`` and ``<meta name=description>``."""
    html = to_html(markdown_text)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html)).strip().replace("&amp;", "&")


LeafletHook = Callable[[Page, LocaleInfo, UiText], "dict[str, str] | None"]


def render_page(article: Article, version: Version, catalogs: LocaleCatalogs, source: LocaleInfo, glossary: Glossary, site: SiteContext, leaflet: LeafletHook | None = None) -> tuple[Page, str]:
    """The page's data and its full HTML.

    ``leaflet`` (``pipeline.leaflet.Leaflets``) makes the version's printable leaflet from the
    rendered body and returns the page's link to it ({href, size}), or None for no link.
    """
    ui = UiText(catalogs.ui, source.tag, catalogs.locale.tag)
    body = render_body(article, catalogs, source, glossary, ui)
    title = body.meta.get("title", [article.slug])[0]
    description = body.meta.get("description", [""])[0]
    page = Page(version=version, title=title, description=description, body_html=body.html, fallbacks=body.fallbacks, words=body.words)
    html = site.env.get_template("page.html").render(
        **site.page_context(version, catalogs.locale, ui),
        page=page,
        title=title,
        description=description,
        body=Markup(body.html),
        words=page.words,
        leaflet=leaflet(page, catalogs.locale, ui) if leaflet else None,
    )
    return page, html


class SiteContext:
    """What every page of a build shares: versions, URLs, the template environment."""

    def __init__(self, site_url: str, site_name: str, source: LocaleInfo, versions: dict[str, list[tuple[Version, LocaleInfo]]], ui_catalogs: dict[str, Catalog | None]) -> None:
        self.site_url = site_url
        self.site_name = site_name
        self.source = source
        self.versions = versions  # article slug -> [(version, locale)]
        self.ui_catalogs = ui_catalogs
        self.env = Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=select_autoescape(["html", "xml"]), trim_blocks=True, lstrip_blocks=True)

    def page_context(self, version: Version, locale: LocaleInfo, ui: UiText) -> dict[str, object]:
        siblings = self.versions[version.article]
        depth = version.path.count("/")
        root = "../" * depth
        return {
            "locale": locale,
            "root": root,
            "site_name": self.site_name,
            "source_tag": self.source.tag,
            "canonical": self.site_url + version.path,
            "alternates": self.alternates(siblings, locale.is_plain),
            "switcher": [self._switch_item(v, loc, root, v == version) for v, loc in siblings],
            "other_reading_level": self._other_reading_level(siblings, locale, root, ui),
            "_": ui.content,
            "_a": ui.attribute,
        }

    def alternates(self, siblings: list[tuple[Version, LocaleInfo]], plain: bool) -> list[dict[str, str]]:
        """hreflang links among versions of the same reading level (plain and standard share a tag)."""
        same_level = [(v, loc) for v, loc in siblings if loc.is_plain == plain]
        links = [{"hreflang": loc.tag, "href": self.site_url + v.path} for v, loc in same_level]
        default = next((v for v, loc in same_level if loc.base == self.source.name), same_level[0][0])
        return [*links, {"hreflang": "x-default", "href": self.site_url + default.path}]

    def _switch_item(self, version: Version, locale: LocaleInfo, root: str, current: bool) -> dict[str, object]:
        name = locale.native_name[:1].upper() + locale.native_name[1:]
        if locale.is_plain:
            name = UiText(self.ui_catalogs.get(locale.name), self.source.tag, locale.tag).attribute(PLAIN_LABEL, language=name)
        return {"href": root + version.path, "hreflang": locale.tag, "label": name, "current": current}

    def _other_reading_level(self, siblings: list[tuple[Version, LocaleInfo]], locale: LocaleInfo, root: str, ui: UiText) -> dict[str, str] | None:
        """WCAG 3.1.5: the standard page links to its plain version, and the plain one back."""
        target = f"{locale.base}@plain" if not locale.is_plain else locale.base
        match = next((v for v, loc in siblings if loc.name == target), None)
        if match is None:
            return None
        label = ui.content(TO_STANDARD if locale.is_plain else TO_PLAIN)
        return {"href": root + match.path, "hreflang": locale.tag, "label": label}

    def render_index(self, pages: list[Page]) -> str:
        ui = UiText(self.ui_catalogs.get(self.source.name), self.source.tag, self.source.tag)
        articles = []
        by_path = {p.version.path: p for p in pages}
        for slug, siblings in self.versions.items():
            items = []
            for version, locale in siblings:
                page = by_path.get(version.path)
                item = self._switch_item(version, locale, "", False)
                item.update(title=page.title if page else "", dir=locale.direction)
                items.append(item)
            source_page = by_path.get(siblings[0][0].path)
            articles.append({"title": source_page.title if source_page else slug, "versions": items})
        return self.env.get_template("index.html").render(
            locale=self.source,
            root="",
            site_name=self.site_name,
            source_tag=self.source.tag,
            canonical=self.site_url,
            alternates=[],
            switcher=[],
            title=ui.attribute(INDEX_TITLE),
            description="",
            articles=articles,
            _=ui.content,
            _a=ui.attribute,
        )

    def render_sitemap(self) -> str:
        """``sitemap.xml`` with ``xhtml:link`` alternates, as search engines read hreflang."""
        lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">']
        for siblings in self.versions.values():
            for version, locale in siblings:
                lines.append(f"  <url>\n    <loc>{xml_escape(self.site_url + version.path)}</loc>")
                for alt in self.alternates(siblings, locale.is_plain):
                    lines.append(f'    <xhtml:link rel="alternate" hreflang="{alt["hreflang"]}" href="{xml_escape(alt["href"])}"/>')
                lines.append("  </url>")
        lines.append("</urlset>")
        return "\n".join(lines) + "\n"
