"""One article version's body: the article in one language, marked up for readers, sanitized.

Rendering never checks: an untranslated or fuzzy unit shows the source text with its own
``lang`` and the page is still written. Whatever a msgstr holds, the article body is passed
through an HTML sanitizer (nh3, Ammonia) with the tags Markdown produces: a ``<script>``, an
event handler or a ``javascript:`` link in a translation never reaches a page.
"""

from __future__ import annotations

from dataclasses import dataclass

import nh3

from pipeline.annotate import AnnotateExtension, foreign_words, page_words
from pipeline.locales import LocaleInfo
from pipeline.model import Article, Catalog, Glossary, Word
from pipeline.segment import make_markdown
from pipeline.text import plain_text
from pipeline.ui import N_, UiText

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
BACKLINK = N_("Back to footnote {} in the text")
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
    md = make_markdown(translate, fallback_attrs, page_attrs, backlink_title=ui.numbered(BACKLINK), extra=(annotate,))
    html = md.convert(article.text)
    meta = {key: [_translated_meta(" ".join(lines), catalog, is_source)] for key, lines in getattr(md, "Meta", {}).items()}
    return Body(sanitize(html), meta, fallbacks, tuple(annotate.found))


def _translated_meta(text: str, catalog: Catalog | None, is_source: bool) -> str:
    """Title and description as plain text (entities decoded once: templates escape them)."""
    translated = None if is_source or catalog is None else catalog.translation(text)
    return plain_text(translated or text)
