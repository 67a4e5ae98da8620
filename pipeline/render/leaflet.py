"""A page version -> a printable patient leaflet: an accessible, tagged PDF (PDF/UA-1) made by Typst.

Clinics hand articles out on paper and patients forward them as PDF files, so a leaflet must be as
accessible as its page: a structure tree (headings, lists, tables, figures with alt text, links),
the version's ``/Lang`` (and each passage's own, where it falls back), the title shown as the
window title, bookmarks from the headings, and embedded fonts. It is made from the *same*
sanitized body HTML as the page (``Page.body_html``) in its own template (``leaflet.html``),
designed for paper: no navigation, the page address printed, the site's name and the
words-to-know box in the reader's language, "Page 2 of 5" too. That HTML is read into data
(``typenodes``) which ``templates/leaflet.typ`` lays out; its images are the ones the page shows,
read from the files the build publishes in ``output/media/`` (``typeset.Images``).

How Typst runs (fonts, the CPU budget) is ``engine.py``'s. What the engine says becomes findings
(``findings``), and a leaflet is cached under a key of what it prints (``leaflet_key``): the
page's own template can change without remaking a leaflet.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from babel import Locale
from markupsafe import Markup

from pipeline.config import DEFAULT_LEAFLET_SECONDS, Config
from pipeline.errors import FontsMissing, LeafletError, LeafletsUnavailable, LeafletTooSlow
from pipeline.locales import LocaleInfo
from pipeline.model import ERROR, WARNING, Article, Finding, Page, Version
from pipeline.render import engine
from pipeline.render.engine import engine_key
from pipeline.render.media import Media
from pipeline.render.typenodes import Document, document, without_images
from pipeline.render.typeset import Images
from pipeline.render.ui import TEMPLATES_DIR, UiText
from pipeline.store import kinds
from pipeline.store.cache import Cache, digest, file_digest, tables_folder

if TYPE_CHECKING:  # Jinja is imported where a template is rendered
    from jinja2 import Environment

PAPER_SIZES = {"a4": "A4", "letter": "letter"}  # [tool.pipeline] leaflet_paper -> its name here
TYPST_PAPER = {"a4": "a4", "letter": "us-letter"}  # -> Typst's ``page(paper:)``
DEFAULT_SECONDS = DEFAULT_LEAFLET_SECONDS
CHECKS = {
    "leaflet-engine": WARNING,  # an image the leaflet cannot show, or a warning of Typst
    "leaflet-too-slow": WARNING,  # the leaflet used up leaflet_seconds: this version has none
    "leaflet-refused": ERROR,  # Typst refused this version's leaflet: its page is published without one
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
    paper: str = "A4"  # "A4" or "letter"
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
    """One made leaflet: where it goes under ``output/``, its bytes, what could not be shown."""

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
    """``leaflet_paper`` as the settings name it, or None when it is neither A4 nor Letter."""
    return PAPER_SIZES.get(name.strip().lower())


_engine = engine.engine  # a name of this module, so a test can stand in for a machine without Typst


def unavailable() -> str | None:
    """Why leaflets cannot be made on this machine (no Typst, no fonts), or None when they can."""
    found = _engine()
    return found if isinstance(found, str) else None


def size_label(size: int, locale: LocaleInfo) -> str:
    """A file size for readers, in the locale's words and digits: "118 kB", "1,2 Mo"."""
    from babel.units import format_unit  # noqa: PLC0415 (only when a leaflet is printed)

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


def absolute_links(body_html: str, page_url: str) -> str:
    """Relative links become the site's addresses: on paper or in a forwarded file, ``../es/x.html`` leads nowhere."""
    return _RELATIVE_HREF.sub(lambda m: m[1] + urljoin(page_url, m[2]) + m[3], body_html)


@cache
def _environment() -> Environment:
    # compiled once, as the pages' (``site``); its own folder: its options differ
    from jinja2 import (  # noqa: PLC0415 (only when a leaflet is printed)
        Environment,
        FileSystemBytecodeCache,
        FileSystemLoader,
        select_autoescape,
    )

    folder = tables_folder(kinds.TEMPLATES_LEAFLET)
    return Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=FileSystemBytecodeCache(str(folder)) if folder else None,
    )


def leaflet_html(page: Page, locale: LocaleInfo, ui: UiText, settings: LeafletSettings) -> str:
    """What the leaflet prints, as HTML: the page's body in the leaflet's template, with the
    page's review dates and a kept translation's notice (``page.review``, ``page.kept_notice``)."""
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
            review=[Markup(line) for line in page.review],
            kept_notice=Markup(page.kept_notice),
            _=ui.content,
            _a=ui.attribute,
        )
    )


def leaflet_for(page: Page, locale: LocaleInfo, ui: UiText, settings: LeafletSettings) -> Leaflet:
    """Make one leaflet; raise ``LeafletsUnavailable`` where Typst or its fonts are missing,
    ``FontsMissing`` for a character no font has, ``LeafletTooSlow`` past its budget,
    ``LeafletError`` if Typst refuses it."""
    return print_leaflet(page, leaflet_document(page, locale, ui, settings), locale, settings)


def leaflet_document(
    page: Page, locale: LocaleInfo, ui: UiText, settings: LeafletSettings
) -> Document:
    """What the leaflet prints, as the data ``leaflet.typ`` typesets (its HTML read by ``typenodes``)."""
    html = leaflet_html(page, locale, ui, settings)
    images = Images(page.version.path, settings.media, settings.root)
    return document(html, images, _digits(locale), TYPST_PAPER[settings.paper.lower()])


def _digits(locale: LocaleInfo) -> str:
    """The page numbers' digits: the locale's own (Arabic-Indic where CLDR says so)."""
    return "\u0661" if Locale.parse(locale.base).default_numbering_system == "arab" else "1"


def print_leaflet(
    page: Page, made: Document, locale: LocaleInfo, settings: LeafletSettings
) -> Leaflet:
    """The leaflet's data (``leaflet_document``) typeset to PDF, within ``settings.seconds`` of CPU."""
    if isinstance(_engine(), str):
        raise LeafletsUnavailable(_engine())
    started = time.perf_counter()
    source = settings.root / "source" / f"{page.version.article}.md"
    try:
        with engine.budget(settings.seconds):
            data, warnings = _typeset(made, settings.root)
    except FontsMissing as exc:
        raise FontsMissing(
            f"no installed font shows some characters of the {locale.tag} text "
            f"(fc-list :lang={locale.language} lists the fonts for {locale.english_name}), so "
            "its leaflets would print empty boxes and are not made; install a font that covers "
            "them, then run pipeline build --no-cache"
        ) from exc
    except (LeafletTooSlow, LeafletsUnavailable):
        raise
    except LeafletError as exc:
        raise LeafletError(
            f"cannot make the {page.version.locale} leaflet: {exc.message}", source
        ) from exc
    elapsed = time.perf_counter() - started
    return Leaflet(leaflet_path(page.version), data, elapsed, made.warnings + warnings)


def _typeset(made: Document, root: Path) -> tuple[bytes, tuple[str, ...]]:
    """The PDF; where Typst cannot decode an image (a PNG that is not one), the leaflet without
    its images, their alt text printed instead, and a warning saying why."""
    try:
        return engine.typeset(made.data, root)
    except (FontsMissing, LeafletTooSlow):
        raise
    except LeafletError as exc:
        if not made.images or "image" not in exc.message:
            raise
        data, warnings = engine.typeset(without_images(made.data), root)
        return data, (f"cannot show the images: {exc.message}", *warnings)


def leaflet_key(made: Document, settings: LeafletSettings) -> str:
    """Everything a leaflet prints: its data (body, ui strings, site name, page numbers), the
    bytes of the images it embeds, the budget, and the engine (``engine_key``: Typst's version,
    ``leaflet.typ``, the fonts). Not the page's template: a new page.html or style.css leaves
    every leaflet as it was."""
    images = (f"{out}={settings.image_digests.get(out, '')}" for out in sorted(made.images))
    data = json.dumps(made.data, ensure_ascii=False, sort_keys=True)
    return digest(engine_key(), data, *images, *made.warnings, repr(settings.seconds))


@dataclass
class Leaflets:
    """The build's one entry point: make the leaflet of each published page, keep the files, return the link.

    Called once per version between rendering the body and writing the page (the link shows the
    leaflet's size). ``published`` stands in for issue 9's publishing threshold: versions it
    rejects get no leaflet. Without Typst or its fonts, the first call records why and no leaflet is made.
    A leaflet Typst refuses (``LeafletError``) or that runs past its budget is not made either:
    its page is written without a link, and ``problems`` says why, so one version's leaflet never
    stops the site. ``cache`` keeps each version's last leaflet under ``leaflet_key``, and a
    leaflet past its budget as its message; a refusal is never kept, so the next build that makes
    the version asks Typst again. ``problems`` holds (check, message) for ``findings``.
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
        why = _engine()
        if isinstance(why, str):  # before the key: the key names Typst's version and fonts
            raise LeafletsUnavailable(why)
        made = leaflet_document(page, locale, ui, self.settings)
        slot, key = leaflet_path(page.version), leaflet_key(made, self.settings)
        found = self.cache.get_slot(kinds.LEAFLET, slot, key) if self.cache else None
        if not isinstance(found, (Leaflet, str)):
            try:
                found = print_leaflet(page, made, locale, self.settings)
            except LeafletTooSlow as exc:
                found = exc.message
            except LeafletsUnavailable:
                raise
            except LeafletError as exc:  # not kept: a fixed text or another Typst may print it
                self.problems.append(("leaflet-refused", exc.message))
                return None
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
        text = f"leaflet {message}" if check == "leaflet-too-slow" else f"leaflet: {message}"
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
    "leaflet-refused": "; this version is published without a leaflet until Typst accepts its text",
}
