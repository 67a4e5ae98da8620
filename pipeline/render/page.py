"""One article version's body: the article in one language, marked up for readers, sanitized.

Rendering never checks: an untranslated or fuzzy unit shows the source text with its own
``lang`` and the page is still written. Whatever a msgstr holds, the article body is passed
through an HTML sanitizer (nh3, Ammonia) with the tags Markdown produces: a ``<script>``, an
event handler or a ``javascript:`` link in a translation never reaches a page.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape as html_escape

import nh3
from markdown import Markdown

from pipeline.catalog.review import ReviewStatus
from pipeline.language.text import fragment_text, plain_text
from pipeline.locales import LocaleInfo
from pipeline.model import GLOSSARY_DOMAIN, UI_DOMAIN, Article, Catalog, Glossary, Word
from pipeline.render.annotate import AnnotateExtension, foreign_words, page_words
from pipeline.render.headings import TocSlotExtension, arrange
from pipeline.render.ui import N_, UiText
from pipeline.source.reader import META_KINDS
from pipeline.source.segment import make_markdown

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del",
    "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "picture", "pre", "q", "s", "samp",
    "small", "source", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "time", "tr", "u", "ul", "var", "wbr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "lang", "dir", "title"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height", "srcset", "sizes", "loading", "decoding"},
    "source": {"srcset", "sizes", "media", "type", "width", "height"},
    "td": {"style", "colspan", "rowspan", "headers"},
    "th": {"style", "colspan", "rowspan", "scope", "headers", "abbr"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "details": {"open"},
    "time": {"datetime"},
    "q": {"cite"},
    "div": {"role", "tabindex", "aria-label", "aria-labelledby"},  # the table regions we add
    "span": {"hidden"},  # a table region's name in the source language (``TableRegions``)
}
URL_SCHEMES = {"http", "https", "mailto"}
_SOURCE_WITHOUT_SRCSET = re.compile(r"<source(?![^>]*\ssrcset=)[^>]*>")
_SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.\-]*):")
BACKLINK = N_("Back to footnote {} in the text")
TABLE_LABEL = N_("Table")
_LINK_WITHOUT_TARGET = re.compile(r"<a(?![^>]*\s(?:href|id)=)(?:\s[^>]*)?>(.*?)</a>", re.S)


@dataclass(frozen=True)
class LocaleCatalogs:
    """The catalogues of one locale that a page needs; any may be missing (all falls back)."""

    locale: LocaleInfo
    article: Catalog | None
    glossary: Catalog | None
    ui: Catalog | None
    review: ReviewStatus | None = None  # the article catalogue's, where the build computed it

    @classmethod
    def of(
        cls, catalogs: Mapping[tuple[str, str], Catalog], locale: LocaleInfo, slug: str
    ) -> LocaleCatalogs:
        """From a project's catalogues, by (locale, domain)."""
        return cls(
            locale=locale,
            article=catalogs.get((locale.name, slug)),
            glossary=catalogs.get((locale.name, GLOSSARY_DOMAIN)),
            ui=catalogs.get((locale.name, UI_DOMAIN)),
        )


def sanitize(html: str) -> str:
    """Only the structure authors write (figures, disclosures, pictures); nothing that runs.

    Ammonia checks the schemes of ``href``/``src`` but not of ``srcset``: ``_srcset`` drops a
    ``srcset`` with any candidate that is not a relative or http(s) URL, and a ``<source>``
    left without one goes too (it would be invalid HTML). A link whose script URL was removed
    is left as its text: an ``<a>`` with neither ``href`` nor ``id`` is no link and no target.
    """
    cleaned = _SOURCE_WITHOUT_SRCSET.sub(
        "",
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            clean_content_tags={"script", "style"},
            attributes=ALLOWED_ATTRIBUTES,
            attribute_filter=_srcset,
            url_schemes=URL_SCHEMES,
            link_rel=None,
            strip_comments=True,
            filter_style_properties={"text-align"},
        ),
    )
    return _LINK_WITHOUT_TARGET.sub(r"\1", cleaned)


def _srcset(tag: str, attribute: str, value: str) -> str | None:
    if attribute != "srcset":
        return value
    urls = [candidate.split()[0] for candidate in value.split(",") if candidate.strip()]
    schemes = {m.group(1).lower() for url in urls if (m := _SCHEME.match(url))}
    return value if schemes <= {"http", "https"} else None


@dataclass(frozen=True)
class Body:
    html: str  # sanitized
    meta: dict[str, list[str]]  # translated title and description, as plain text
    fallbacks: int
    words: tuple[Word, ...]


def render_body(
    article: Article, catalogs: LocaleCatalogs, source: LocaleInfo, glossary: Glossary, ui: UiText
) -> Body:
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

    fallback_attrs, page_attrs = _language_marks(locale, source)
    words = page_words(glossary, catalogs.glossary, locale, source)
    foreign = foreign_words(words, glossary, locale, source)
    label_lang = None if ui.in_page_language(TABLE_LABEL) else fallback_attrs
    annotate = AnnotateExtension(
        words, locale.language, foreign, ui.attribute(TABLE_LABEL), label_lang
    )
    backlink = ui.numbered(BACKLINK)
    md = make_markdown(
        translate,
        fallback_attrs,
        page_attrs,
        backlink_title=backlink,
        extra=(annotate, TocSlotExtension(titled=bool(_metadata_title(article)))),
    )
    html = md.convert(article.text)
    meta, title_h1 = _with_title(article, md, catalog, locale, source, fallback_attrs)
    html = arrange(html, title_h1, (word.anchor for word in words))
    return Body(sanitize(html), meta, fallbacks, tuple(annotate.found))


def _metadata_title(article: Article) -> str:
    """The ``Title:``/``title:`` the author wrote, not the one read from the first heading."""
    title = next((u.msgid for u in article.units if u.kind == META_KINDS["title"]), "")
    return title


def _language_marks(
    locale: LocaleInfo, source: LocaleInfo
) -> tuple[dict[str, str], dict[str, str]]:
    """``lang`` (and ``dir``) for a text in the source language, and back to the page's language."""
    fallback_attrs = {"lang": source.tag}
    if source.direction != locale.direction:
        fallback_attrs["dir"] = source.direction
    page_attrs = (
        {"lang": locale.tag, "dir": locale.direction}
        if "dir" in fallback_attrs
        else {"lang": locale.tag}
    )
    return fallback_attrs, page_attrs


def _with_title(
    article: Article,
    md: Markdown,
    catalog: Catalog | None,
    locale: LocaleInfo,
    source: LocaleInfo,
    fallback_attrs: dict[str, str],
) -> tuple[dict[str, list[str]], str]:
    """The translated title and description, and the title as the ``h1`` a page without a
    Markdown level-1 heading gets (``headings.arrange`` decides)."""
    is_source = locale.name == source.name
    source_meta = {key: " ".join(lines) for key, lines in getattr(md, "Meta", {}).items()}
    source_meta.setdefault(
        "title", article.metadata.get("title", "")
    )  # titled by its first heading
    meta = {
        key: [_translated_meta(text, catalog, is_source)]
        for key, text in source_meta.items()
        if text
    }
    if not meta.get("title"):
        return meta, ""
    translated = locale.language == source.language or bool(
        catalog and catalog.translation(source_meta["title"])
    )
    return meta, _title_heading(meta["title"][0], translated, fallback_attrs)


def _title_heading(title: str, translated: bool, fallback_attrs: dict[str, str]) -> str:
    """A page needs one ``h1``: an article titled only in its front matter (a Jekyll post, whose
    layout prints the title) gets its title as the heading, marked when it stays in the source language."""
    marks = "" if translated else "".join(f' {k}="{v}"' for k, v in fallback_attrs.items())
    return f"<h1{marks}>{html_escape(title)}</h1>\n"


def _translated_meta(text: str, catalog: Catalog | None, is_source: bool) -> str:
    """Title and description as plain text (entities decoded once: templates escape them)."""
    translated = None if is_source or catalog is None else catalog.translation(text)
    return plain_text(translated or text)


_ABBR = re.compile(r"<abbr\b([^>]*)>(.*?)</abbr>", re.S)


_TITLE_ATTR = re.compile(r'\btitle="([^"]*)"')


_IMG_SRC = re.compile(r'(<img\b[^>]*?\bsrc=")([^"]*)(")')


def relink_images(body: str, urls: dict[str, str]) -> str:
    """Point each local image at its copy under output/, relative to the page, at any depth."""
    escaped = {
        html_lib.escape(src, quote=True): html_lib.escape(url, quote=True)
        for src, url in urls.items()
    }
    return _IMG_SRC.sub(
        lambda m: m.group(1) + escaped.get(m.group(2), m.group(2)) + m.group(3), body
    )


def mark_spelled_out(body: str) -> str:
    """Class ``spelled-out`` on an ``<abbr>`` whose expansion the text beside it already gives
    ("N-methyl-D-aspartate (NMDA)"), so print does not repeat it after the abbreviation."""

    def mark(match: re.Match[str]) -> str:
        title = _TITLE_ATTR.search(match.group(1))
        if title is None:
            return match.group(0)
        nearby = (
            _text(body[max(0, match.start() - 240) : match.start()])
            + " "
            + _text(body[match.end() : match.end() + 240])
        )
        if html_lib.unescape(title.group(1)).casefold() not in nearby.casefold():
            return match.group(0)
        return f'<abbr class="spelled-out"{match.group(1)}>{match.group(2)}</abbr>'

    return _ABBR.sub(mark, body)


def _text(fragment: str) -> str:
    return fragment_text(fragment)
