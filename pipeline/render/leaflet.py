"""A page version -> a printable patient leaflet: an accessible, tagged PDF (PDF/UA-1) made by WeasyPrint.

Clinics hand articles out on paper and patients forward them as PDF files, so a leaflet must be as
accessible as its page: a structure tree (headings, lists, tables, figures with alt text, links),
the version's ``/Lang``, the title shown as the window title, bookmarks from the headings, and
embedded fonts. It is made from the *same* sanitized body HTML as the page (``Page.body_html``)
with its own template and stylesheet, designed for paper: no navigation, the page address
printed, the words-to-know box as a short glossary at the end, "Page 2 of 5" in its language.

WeasyPrint needs Debian's Pango at import time. Where it is missing, ``unavailable()`` says why in
one line and the build writes the pages without leaflets (and without links to them).

WeasyPrint 70 tags a ``lang`` attribute only on the document root. Fallback text (a unit left in
the source language) must carry its own language in the structure tree, as it does on the page,
so ``_tag_languages`` wraps WeasyPrint's tag-tree builder to copy ``lang`` to ``/Lang`` on the
structure element of that HTML element. It relies on a private function of the exact pinned
version; ``tests/test_leaflet.py`` fails if an upgrade breaks it.
"""

from __future__ import annotations

import logging
import re
import time
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urljoin

from babel import Locale
from babel.units import format_unit
from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, select_autoescape
from markupsafe import Markup

from pipeline.config import Config
from pipeline.errors import FontsMissing, LeafletError, LeafletsUnavailable
from pipeline.locales import LocaleInfo
from pipeline.model import Page, Version
from pipeline.render.ui import TEMPLATES_DIR, UiText
from pipeline.store.cache import tables_folder

PAPER_SIZES = {"a4": "A4", "letter": "letter"}  # [tool.pipeline] leaflet_paper -> CSS @page size
LEAFLET_CSS = TEMPLATES_DIR / "leaflet.css"
PDF_VARIANT = "pdf/ua-1"
_RELATIVE_HREF = re.compile(
    r'(<a\b[^>]*\bhref=")(?![#]|[a-z][a-z0-9+.-]*:)([^"]*)(")', re.IGNORECASE
)


@dataclass(frozen=True)
class LeafletSettings:
    """What every leaflet of a build shares."""

    site_url: str  # absolute, ends with "/"
    site_name: str
    source: LocaleInfo  # the source locale: fallback text is in its language
    assets_dir: Path  # an article's relative images are read from here (source/), nothing else
    paper: str = "A4"  # CSS page size: "A4" or "letter"

    @classmethod
    def of(cls, config: Config) -> LeafletSettings:
        return cls(
            config.site_url,
            config.site_name,
            config.source_locale,
            config.source_dir,
            paper_size(config.leaflet_paper) or "A4",
        )


@dataclass(frozen=True)
class Leaflet:
    """One made leaflet: where it goes under ``output/``, its bytes, what WeasyPrint complained about."""

    path: str  # "es/slug.pdf", "en/plain/slug.pdf"
    data: bytes
    seconds: float
    warnings: tuple[str, ...] = ()

    @property
    def size(self) -> int:
        return len(self.data)


def leaflet_path(version: Version) -> str:
    """The leaflet sits beside its page: ``es/slug.html`` -> ``es/slug.pdf``."""
    return version.path.removesuffix(".html") + ".pdf"


def paper_size(name: str) -> str | None:
    """``leaflet_paper`` as CSS understands it, or None when it is neither A4 nor Letter."""
    return PAPER_SIZES.get(name.strip().lower())


@cache
def _weasyprint() -> ModuleType | str:
    """The weasyprint module, or one line saying why it cannot load (no Pango): imported once."""
    try:
        import weasyprint
    except OSError as exc:  # cffi cannot dlopen libpango / libpangoft2
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return f"WeasyPrint cannot load Pango ({first}); install Debian's libpango-1.0-0 and libpangoft2-1.0-0 (bash tests/setup.sh does)"
    _tag_languages()
    return weasyprint


def unavailable() -> str | None:
    """Why leaflets cannot be made on this machine, or None when they can."""
    found = _weasyprint()
    return found if isinstance(found, str) else None


def _tag_languages() -> None:
    """Copy each HTML element's ``lang`` to ``/Lang`` on its structure element (see module docstring)."""
    import pydyf
    from weasyprint.pdf import tags

    original = tags._build_box_tree
    if getattr(original, "copies_lang", False):
        return

    def build_box_tree(box: Any, parent: Any, *args: Any) -> Iterator[Any]:
        element = getattr(box, "element", None)
        own = element is not None and getattr(box, "element_tag", None) not in ("html", "body")
        lang = element.get("lang") if own and element is not None else None
        for struct in original(box, parent, *args):
            if lang and "Lang" not in struct:
                struct["Lang"] = pydyf.String(lang)
            yield struct

    build_box_tree.copies_lang = True  # type: ignore[attr-defined]
    tags._build_box_tree = build_box_tree


def size_label(size: int, locale: LocaleInfo) -> str:
    """A file size for readers, in the locale's words and digits: "118 kB", "1,2 Mo"."""
    babel_locale = locale.base
    if size < 1_000_000:
        return format_unit(
            max(1, round(size / 1000)),
            "digital-kilobyte",
            length="short",
            locale=babel_locale,
            format="#,##0",
        )
    return format_unit(
        size / 1_000_000, "digital-megabyte", length="short", locale=babel_locale, format="#,##0.0"
    )


def page_numbers_css(template: str, locale: LocaleInfo) -> Markup:
    """CSS ``content`` for a translated "Page {page} of {pages}": strings around the two counters.

    The translation is escaped for a CSS string (no quote, backslash or ``<`` can end the rule or
    the ``<style>`` element); the counters use the locale's own digits.
    """
    style = (
        "arabic-indic"
        if Locale.parse(locale.base).default_numbering_system == "arab"
        else "decimal"
    )
    parts = re.split(r"(\{page\}|\{pages\})", template)
    css = []
    for part in parts:
        if part == "{page}":
            css.append(f"counter(page, {style})")
        elif part == "{pages}":
            css.append(f"counter(pages, {style})")
        elif part:
            css.append('"' + "".join(_css_char(c) for c in part) + '"')
    return Markup(" ".join(css) or '""')


def _css_char(char: str) -> str:
    """A hex escape for what could end the string or the rule (quotes, backslash, ``<``, ``>``);
    a space for every control character. CSS ends a string at a carriage return or form feed as
    at a line feed and reads the rest as rules of its own; escaped, such a character would be
    drawn as an empty box (and the leaflet refused for it): a one-line footer has no use for it."""
    if unicodedata.category(char) in _CONTROL:
        return " "
    return f"\\{ord(char):x} " if char in "\"'\\<>" else char


_CONTROL = ("Cc", "Zl", "Zp")  # C0, DEL, C1; the line and paragraph separators


def absolute_links(body_html: str, page_url: str) -> str:
    """Relative links become the site's addresses: on paper or in a forwarded file, ``../es/x.html`` leads nowhere."""
    return _RELATIVE_HREF.sub(lambda m: m[1] + urljoin(page_url, m[2]) + m[3], body_html)


@cache
def _environment() -> Environment:
    # compiled once, as the pages' (``site``); its own folder: its options differ
    folder = tables_folder("templates-leaflet")
    return Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=FileSystemBytecodeCache(str(folder)) if folder else None,
    )


def leaflet_html(
    page: Page, locale: LocaleInfo, ui: UiText, settings: LeafletSettings, review: str | None = None
) -> str:
    """The leaflet as HTML for WeasyPrint: the page's body in a paper template.

    ``review`` is the hook for issue 9's review dates: the sentence ("Page last reviewed …"),
    already translated and formatted for the locale; articles do not carry them yet.
    """
    url = settings.site_url + page.version.path
    body = absolute_links(page.body_html, url)
    return (
        _environment()
        .get_template("leaflet.html")
        .render(
            locale=locale,
            page=page,
            title=page.title,
            body=Markup(body),
            has_title=bool(re.search(r"<h1[\s>]", body)),
            words=page.words,
            url=url,
            site_name=settings.site_name,
            review=review,
            paper=settings.paper,
            page_numbers=lambda template: page_numbers_css(template, locale),
            css=Markup(LEAFLET_CSS.read_text(encoding="utf-8")),
            _=ui.content,
            _a=ui.attribute,
        )
    )


def leaflet_for(
    page: Page, locale: LocaleInfo, ui: UiText, settings: LeafletSettings, review: str | None = None
) -> Leaflet:
    """Make one leaflet; raise ``LeafletsUnavailable`` without Pango, ``LeafletError`` if WeasyPrint fails."""
    weasyprint = _weasyprint()
    if isinstance(weasyprint, str):
        raise LeafletsUnavailable(weasyprint)
    html = leaflet_html(page, locale, ui, settings, review)
    started = time.perf_counter()
    with _collect_warnings() as warnings:
        try:
            document = weasyprint.HTML(
                string=html,
                base_url=str(settings.assets_dir) + "/",
                url_fetcher=_local_fetcher(weasyprint, settings.assets_dir),
            )
            data = document.write_pdf(
                pdf_variant=PDF_VARIANT, pdf_identifier=page.version.path.encode()
            )
        except (
            Exception
        ) as exc:  # WeasyPrint raises many kinds; the user needs the version, not a traceback
            source = settings.assets_dir / f"{page.version.article}.md"
            raise LeafletError(
                f"cannot make the {page.version.locale} leaflet: {exc}", source
            ) from exc
    if any(_NOTDEF.match(warning) for warning in warnings):
        raise FontsMissing(
            f"no installed font shows some characters of the {locale.tag} text "
            f"(fc-list :lang={locale.language} lists the fonts for {locale.english_name}), so "
            "its leaflets would print empty boxes and are not made; install a font that covers "
            "them, then run pipeline build --no-cache"
        )
    return Leaflet(leaflet_path(page.version), data, time.perf_counter() - started, tuple(warnings))


# What WeasyPrint logs when it draws a character no font has (.notdef, an empty box).
_NOTDEF = re.compile(r"\.notdef glyph rendered for Unicode string unsupported by fonts")


def _local_fetcher(weasyprint: ModuleType, allowed: Path) -> Any:
    """WeasyPrint may read files under ``allowed`` (an article's images) and nothing else: no network, ever."""
    root = allowed.resolve()

    class LocalFetcher(weasyprint.URLFetcher):  # type: ignore[name-defined]
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if not url.startswith("file:"):
                raise ValueError(f"leaflets read no network resource: {url}")
            path = Path(
                weasyprint.urls.request.url2pathname(url.removeprefix("file:").split("?")[0])
            ).resolve()
            if not path.is_relative_to(root):
                raise ValueError(f"leaflets read only files under {root}: {url}")
            return super().fetch(url, headers)

    return LocalFetcher(allowed_protocols={"file", "data"})


@contextmanager
def _collect_warnings() -> Iterator[list[str]]:
    """WeasyPrint logs problems (an image without alt, a file it may not read): keep them, print nothing."""
    messages: list[str] = []
    logger = logging.getLogger("weasyprint")
    handler = _ListHandler(messages)
    propagate, logger.propagate = logger.propagate, False
    logger.addHandler(handler)
    try:
        yield messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


class _ListHandler(logging.Handler):
    def __init__(self, messages: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.messages = messages

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@dataclass
class Leaflets:
    """The build's one entry point: make the leaflet of each published page, keep the files, return the link.

    Called once per version between rendering the body and writing the page (the link shows the
    leaflet's size). ``published`` stands in for issue 9's publishing threshold: versions it
    rejects get no leaflet. Without Pango, the first call records why and no leaflet is made.
    """

    settings: LeafletSettings
    published: Callable[[Page], bool] = lambda page: True
    made: list[Leaflet] = field(default_factory=list)
    skipped: str | None = None

    def __call__(self, page: Page, locale: LocaleInfo, ui: UiText) -> dict[str, str] | None:
        """The page template's ``leaflet`` ({href, size}), or None when there is no leaflet."""
        if self.skipped is not None or not self.published(page):
            return None
        try:
            leaflet = leaflet_for(page, locale, ui, self.settings)
        except LeafletsUnavailable as exc:
            self.skipped = exc.message
            return None
        self.made.append(leaflet)
        return {"href": leaflet.path.rsplit("/", 1)[-1], "size": size_label(leaflet.size, locale)}

    @property
    def files(self) -> dict[str, bytes]:
        return {leaflet.path: leaflet.data for leaflet in self.made}
