"""A page version -> a printable patient leaflet: an accessible, tagged PDF (PDF/UA-1) made by WeasyPrint.

Clinics hand articles out on paper and patients forward them as PDF files, so a leaflet must be as
accessible as its page: a structure tree (headings, lists, tables, figures with alt text, links),
the version's ``/Lang``, the title shown as the window title, bookmarks from the headings, and
embedded fonts. It is made from the *same* sanitized body HTML as the page (``Page.body_html``)
with its own template and stylesheet, designed for paper: no navigation, the page address
printed, the site's name and the words-to-know box in the reader's language, "Page 2 of 5" too.
Its images are the ones the page shows, read from the files the build publishes in
``output/media/`` (``pdf.site_fetcher``).

How WeasyPrint runs (Pango, the ``/Lang`` patch, the fetcher, the CPU budget) is ``pdf.py``'s.
What the engine logs becomes findings (``findings``), and a leaflet is cached under a key of what
it prints (``leaflet_key``): the page's own template can change without remaking a leaflet.
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import urljoin

from babel import Locale
from babel.units import format_unit
from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, select_autoescape
from markupsafe import Markup

from pipeline.config import DEFAULT_LEAFLET_SECONDS, Config
from pipeline.errors import FontsMissing, LeafletError, LeafletsUnavailable, LeafletTooSlow
from pipeline.locales import LocaleInfo
from pipeline.model import WARNING, Article, Finding, Page, Version
from pipeline.render import pdf
from pipeline.render.media import Media
from pipeline.render.pdf import engine_key
from pipeline.render.ui import TEMPLATES_DIR, UiText
from pipeline.store import kinds
from pipeline.store.cache import Cache, digest, file_digest, tables_folder

PAPER_SIZES = {"a4": "A4", "letter": "letter"}  # [tool.pipeline] leaflet_paper -> CSS @page size
LEAFLET_CSS = TEMPLATES_DIR / "leaflet.css"
PDF_VARIANT = "pdf/ua-1"
DEFAULT_SECONDS = DEFAULT_LEAFLET_SECONDS
CHECKS = {
    "leaflet-engine": WARNING,  # the PDF engine complained (an image it could not load)
    "leaflet-too-slow": WARNING,  # the leaflet used up leaflet_seconds: this version has none
}
_RELATIVE_HREF = re.compile(
    r'(<a\b[^>]*\bhref=")(?![#]|[a-z][a-z0-9+.-]*:)([^"]*)(")', re.IGNORECASE
)


@dataclass(frozen=True)
class LeafletSettings:
    """What every leaflet of a build shares."""

    site_url: str  # absolute, ends with "/"
    site_name: str  # as configured: each leaflet shows it in its language (ui.po)
    source: LocaleInfo  # the source locale: fallback text is in its language
    root: Path  # the project: no file outside it is read
    paper: str = "A4"  # CSS page size: "A4" or "letter"
    media: Mapping[str, Path] = field(default_factory=dict)  # image under output/ -> its file
    image_digests: Mapping[str, str] = field(default_factory=dict)  # image under output/ -> hash
    seconds: float = DEFAULT_SECONDS  # CPU budget of one leaflet (``leaflet_seconds``)

    @classmethod
    def of(
        cls, config: Config, media: Media | None = None, digests: Mapping[str, str] | None = None
    ) -> LeafletSettings:
        """``digests``: each image's hash, where the build has made them already."""
        files = media.files if media else {}
        return cls(
            config.site_url,
            config.site_name,
            config.source_locale,
            config.root,
            paper_size(config.leaflet_paper) or "A4",
            files,
            digests if digests is not None else {o: file_digest(p) for o, p in files.items()},
            config.leaflet_seconds,
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


_weasyprint = (
    pdf.engine
)  # a name of this module, so a test can stand in for a machine without Pango


def unavailable() -> str | None:
    """Why leaflets cannot be made on this machine, or None when they can."""
    found = _weasyprint()
    return found if isinstance(found, str) else None


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
    folder = tables_folder(kinds.TEMPLATES_LEAFLET)
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
            site_name=ui.content(settings.site_name),
            site_name_text=ui.attribute(settings.site_name),
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
    """Make one leaflet; raise ``LeafletsUnavailable`` without Pango, ``LeafletTooSlow`` past its
    budget, ``LeafletError`` if WeasyPrint fails."""
    return print_leaflet(page, leaflet_html(page, locale, ui, settings, review), locale, settings)


def print_leaflet(page: Page, html: str, locale: LocaleInfo, settings: LeafletSettings) -> Leaflet:
    """The leaflet's HTML (``leaflet_html``) printed to PDF, within ``settings.seconds`` of CPU."""
    weasyprint = _weasyprint()
    if isinstance(weasyprint, str):
        raise LeafletsUnavailable(weasyprint)
    started = time.perf_counter()
    with pdf.collect_warnings() as warnings, pdf.budget(settings.seconds):
        try:
            document = weasyprint.HTML(
                string=html,
                base_url=pdf.SITE + page.version.path,
                url_fetcher=pdf.site_fetcher(weasyprint, settings.media, settings.root),
            )
            data = document.write_pdf(
                pdf_variant=PDF_VARIANT, pdf_identifier=page.version.path.encode()
            )
        except LeafletTooSlow:
            raise
        except (
            Exception
        ) as exc:  # WeasyPrint raises many kinds; the user needs the version, not a traceback
            source = settings.root / "source" / f"{page.version.article}.md"
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


def leaflet_key(html: str, settings: LeafletSettings) -> str:
    """Everything a leaflet prints: its HTML (body, ui strings, site name, leaflet.css inlined),
    the images it embeds, the budget, and the engine (``engine_key``). Not the page's template:
    a new page.html or style.css leaves every leaflet as it was."""
    images = (f"{out}={sha}" for out, sha in sorted(settings.image_digests.items()) if out in html)
    return digest(engine_key(), html, *images, repr(settings.seconds))


@dataclass
class Leaflets:
    """The build's one entry point: make the leaflet of each published page, keep the files, return the link.

    Called once per version between rendering the body and writing the page (the link shows the
    leaflet's size). ``published`` stands in for issue 9's publishing threshold: versions it
    rejects get no leaflet. Without Pango, the first call records why and no leaflet is made.
    ``cache`` keeps each version's last leaflet under ``leaflet_key``; ``problems`` holds
    (check, message) for ``findings``.
    """

    settings: LeafletSettings
    published: Callable[[Page], bool] = lambda page: True
    cache: Cache | None = None
    made: list[Leaflet] = field(default_factory=list)
    skipped: str | None = None
    problems: list[tuple[str, str]] = field(default_factory=list)

    def __call__(self, page: Page, locale: LocaleInfo, ui: UiText) -> dict[str, str] | None:
        """The page template's ``leaflet`` ({href, size}), or None when there is no leaflet."""
        if self.skipped is not None or not self.published(page):
            return None
        try:
            leaflet = self._leaflet(page, locale, ui)
        except LeafletsUnavailable as exc:
            self.skipped = exc.message
            return None
        if leaflet is None:
            return None
        self.made.append(leaflet)
        self.problems += [("leaflet-engine", warning) for warning in leaflet.warnings]
        return {"href": leaflet.path.rsplit("/", 1)[-1], "size": size_label(leaflet.size, locale)}

    def _leaflet(self, page: Page, locale: LocaleInfo, ui: UiText) -> Leaflet | None:
        """From the cache where this version printed the same before, else printed (and kept)."""
        engine = _weasyprint()
        if isinstance(engine, str):  # before the key: the key names WeasyPrint's version
            raise LeafletsUnavailable(engine)
        html = leaflet_html(page, locale, ui, self.settings)
        slot, key = leaflet_path(page.version), leaflet_key(html, self.settings)
        found = self.cache.get_slot(kinds.LEAFLET, slot, key) if self.cache else None
        if not isinstance(found, (Leaflet, str)):
            try:
                found = print_leaflet(page, html, locale, self.settings)
            except LeafletTooSlow as exc:
                found = exc.message
            if self.cache:
                self.cache.put_slot(kinds.LEAFLET, slot, key, found)
        if isinstance(found, str):
            self.problems.append(("leaflet-too-slow", found))
            return None
        return found

    @property
    def files(self) -> dict[str, bytes]:
        return {leaflet.path: leaflet.data for leaflet in self.made}


def findings(
    problems: list[tuple[str, str]],
    article: Article,
    locale: str,
    files: tuple[str, str],
    images: Mapping[str, str],
) -> tuple[Finding, ...]:
    """Each problem of a version's leaflet as a finding: an image's at the article's line that
    shows it (``files[0]``, the source), the rest at the version's own file (``files[1]``, its PO)."""
    found = []
    for check, message in problems:
        line = _image_line(article, images, message)
        file = files[0] if line else files[1]
        text = f"leaflet {message}" if check == "leaflet-too-slow" else f"PDF engine: {message}"
        found.append(
            Finding(
                check, CHECKS[check], article.slug, locale, file, line, "", text + _ADVICE[check]
            )
        )
    return tuple(found)


def _image_line(article: Article, images: Mapping[str, str], message: str) -> int | None:
    """The source line of the image a message names (by its place under output/ or as written),
    else of the address it quotes (a web image is no asset), else None."""
    for asset in article.assets:
        if asset.src in message or images.get(asset.src, "\0") in message:
            return asset.line
    quoted = re.search(r"'([^']+)'", message)
    if quoted:
        for number, text in enumerate(article.text.splitlines(), 1):
            if quoted[1] in text:
                return number
    return None


_ADVICE = {
    "leaflet-engine": "",
    "leaflet-too-slow": "; this version has no leaflet: split its longest paragraphs, or raise leaflet_seconds",
}
