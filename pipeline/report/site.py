"""The editors' site-wide report (``reports/index.html`` and ``reports/report.json``), written in parts.

Why in parts: on a site of 200 articles in 7 versions whose translations are rough, the report
holds tens of thousands of findings, tens of megabytes. Rendering it at the end from every
version's findings costs memory that grows with the site, and redoing all of it when one PO
changed costs seconds. So each version renders its own share (``Part``) where the version is
made, in the worker, and the part is cached with the version; the reduce step only appends the
parts to files in build order and puts the frame around them (``SiteReport``). A part is the same
bytes whether it was just made or came from the cache, so the report is too.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import TracebackType
from typing import BinaryIO
from urllib.parse import quote

from jinja2 import Environment
from markdown.extensions.toc import slugify, unique
from markupsafe import Markup

from pipeline.language import formulas
from pipeline.language.formulas import formulas_for
from pipeline.language.text import plain_text
from pipeline.locales import LocaleInfo, parse_locale
from pipeline.model import (
    ERROR,
    Article,
    DocumentReadability,
    Finding,
    Preview,
    ReviewState,
    Tally,
)
from pipeline.report import formats as report
from pipeline.report import readability as readability_view
from pipeline.report.diff import word_diff
from pipeline.report.readability import version_anchor

GROUPS = (
    ("errors", "Errors"),
    ("warnings", "Warnings"),
    ("deliberate", "Marked as deliberate by translators"),
)
_SECTIONS = (*(name for name, _ in GROUPS), "chart", "hardest", "documents", "findings")
_LISTS = ("documents", "findings")  # JSON lists: their elements are joined by ",\n    "
_MARK = "\x00report-part:{}\x00"  # a NUL never comes out of a template or out of json.dumps
_MARKS = re.compile("\x00report-part:(\\w+)\x00")


@dataclass(frozen=True)
class Part:
    """One version's share of the report: the text of each section, as UTF-8, one after another.

    The blob is cached apart, as a plain file (``Cache.put_bytes``), and copied into the report
    by the kernel; the summary a build loads keeps only the counts and sizes.
    """

    counts: tuple[int, ...]  # items per section, in ``_SECTIONS`` order
    sizes: tuple[int, ...]  # bytes per section
    blob: bytes = b""  # empty once stored apart

    def stored(self) -> Part:
        return replace(self, blob=b"")

    @property
    def size(self) -> int:
        return sum(self.sizes)


def _part(sections: dict[str, list[str]], counts: dict[str, int] | None = None) -> Part:
    """``counts`` where a section's items are not its findings (a version's group of them)."""
    joined = [
        (",\n    " if name in _LISTS else "").join(sections.get(name, [])).encode("utf-8")
        for name in _SECTIONS
    ]
    counts = counts or {}
    return Part(
        tuple(counts.get(name, len(sections.get(name, []))) for name in _SECTIONS),
        tuple(map(len, joined)),
        b"".join(joined),
    )


@dataclass(frozen=True)
class Row:
    """A finding as the report shows it: where to fix it and what it looks like on both sides."""

    finding: Finding
    where: str  # file:line, as text to copy: no link, which would break under ``serve`` or a copied output/
    page_href: str | None
    target: LocaleInfo  # the translation's language and direction
    change: Markup | None = None  # a fuzzy entry's source change, ``#|`` msgid against msgid


def part(
    findings: Sequence[Finding],
    document: DocumentReadability | None,
    env: Environment,
    source: LocaleInfo,
    article: Article | None = None,
    page: tuple[str, str] | None = None,
    *,
    file: str = "",
    html: bool = True,
    json: bool = True,
) -> Part:
    """The share of one version (or of the site-wide catalogues, with no article).

    ``page`` is the version's written page as (path, body html): findings link to the place on
    it, by the heading the unit sits under (ids come from the source text, the same in every
    language) and a text fragment of its first words. ``html`` and ``json`` say which sections
    it has: the site-wide findings go to each language's page apart (``SiteReport.add_site``).
    ``file`` is the one the version's readability row names (``Project.files``).
    """
    macros = env.get_template("report_parts.html").module
    anchors = unit_anchors(article, set(_ID.findall(page[1]))) if article and page else {}
    sections: dict[str, list[str]] = {
        "findings": [report.finding_json(f) for f in findings] if json else []
    }
    for finding in findings if html else ():
        row = _row(finding, page[0] if page else None, anchors)
        sections.setdefault(group_of(finding), []).append(str(macros.finding(row, source)))  # type: ignore[attr-defined]
    counts = {name: len(sections[name]) for name, _ in GROUPS if name in sections}
    locale = document.locale if document else findings[0].locale if findings else ""
    slug = article.slug if article else None
    anchor = version_anchor(locale, slug)
    for name, items in counts.items():  # one titled list per version and group: by article
        sections[name] = [str(macros.version_group(f"{name}-{anchor}", slug, items, Markup("\n".join(sections[name]))))]  # type: ignore[attr-defined]  # fmt: skip
    if document is not None:
        chart = _chart_row(document, file)
        sections["chart"] = [str(macros.chart_row(chart))]  # type: ignore[attr-defined]
        sections["hardest"] = [str(macros.hardest(chart))] if document.hardest else []  # type: ignore[attr-defined]
        sections["documents"] = [report.document_json(document)]
    return _part(sections, counts)


def group_of(finding: Finding) -> str:
    if not finding.counts:
        return "deliberate"
    return "errors" if finding.severity == ERROR else "warnings"


@dataclass
class Language:
    """One language's share of the report: its own page and its line in the overview."""

    info: LocaleInfo
    counts: Counter[str] = field(default_factory=Counter)
    scored: int = 0  # versions with a formula and a target
    met: int = 0  # of those, within the target
    previews: list[Preview] = field(default_factory=list)
    reviews: list[ReviewState] = field(default_factory=list)

    @property
    def path(self) -> str:
        return f"reports/{self.info.file_stem}.html"

    @property
    def title(self) -> str:
        """The language as an English-speaking editor names it: "Spanish, plain language"."""
        plain = ", plain language" if self.info.is_plain else ""
        return f"{self.info.english_name}{plain}"

    @property
    def reviews_current(self) -> int:
        return sum(r.current for r in self.reviews)


@dataclass(frozen=True)
class Cell:
    """One version in the overview's table of articles by language: its counts, where to look."""

    tally: Tally
    too_hard: bool
    href: str | None  # its first findings on its language's page, else its readability row


class SiteReport:
    """Collects where each version's part is, in build order, then writes the framed files by
    gathering each section's bytes from the parts, one part in memory at a time, and copying the
    sections into the frame (``os.copy_file_range``): nothing is decoded or held whole.

    The HTML is one page per language, and an overview: at 200 articles in seven versions one
    page held 38 MB (every finding and every version's hardest units), which Chromium took
    half a minute to open. An editor reviews a language; the overview says which one needs it.
    ``report.json`` stays one document, for tools.
    """

    def __init__(self, folder: Path, languages: Sequence[LocaleInfo]) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix=".output-staging-report-", dir=folder))
        self.counts: Counter[str] = Counter()
        self.languages = {info.name: Language(info) for info in languages}
        self.source = languages[0].name  # the source first, then the configured locales
        self._fresh_path = self.folder / "fresh-parts"
        self._fresh = open(self._fresh_path, "wb")  # parts made in this build, one after another
        # (file, offset, sizes, language): a part with no language has only JSON sections
        self._pieces: list[tuple[Path, int, tuple[int, ...], str | None]] = []
        # (language, section) -> its file; None until gathered (which may find no section at all)
        self._gathered: dict[tuple[str | None, str], Path] | None = None
        self.cells: dict[str, dict[str, Cell]] = {}  # article -> language -> its cell

    def __enter__(self) -> SiteReport:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._fresh.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def add_site(self, findings: Sequence[Finding], env: Environment, source: LocaleInfo) -> None:
        """The site-wide catalogues' findings: in ``report.json`` in the order ``check`` gives
        them, on each language's page its own."""
        self.add(part(findings, None, env, source, html=False), language=None)
        for name in self.languages:
            own = [f for f in findings if self._language_of(f.locale) == name]
            if own:
                self.add(part(own, None, env, source, json=False), language=name)

    def add(
        self,
        part: Part,
        stored: Path | None = None,
        language: str | None = None,
        document: DocumentReadability | None = None,
        article: str | None = None,
    ) -> None:
        """A part made now (its blob), or one cached at ``stored``, of a version in ``language``."""
        if part.blob or stored is None:
            piece = (self._fresh_path, self._fresh.tell(), part.sizes)
            self._fresh.write(part.blob)
        else:
            piece = (stored, 0, part.sizes)
        language = self._language_of(language) if language is not None else None
        self._pieces.append((*piece, language))
        counts = dict(zip(_SECTIONS, part.counts, strict=True))
        self.counts.update(counts)
        if language is not None:
            own = self.languages[language]
            own.counts.update(counts)
            if document is not None and document.met is not None:
                own.scored += 1
                own.met += document.met
            if article is not None:
                self.cells.setdefault(article, {})[language] = _cell(own, article, counts, document)

    def _language_of(self, locale: str) -> str:
        """Every finding, preview and review is of a configured locale; were one not, it would be
        shown with the source's rather than stop the build."""
        return locale if locale in self.languages else self.source

    def finish(
        self,
        env: Environment,
        site_name: str,
        previews: Sequence[Preview],
        reviews: Sequence[ReviewState],
        publication: Sequence[str] = (),
    ) -> dict[str, Path]:
        """Write the framed files; return them by their path under ``output/``. ``publication``:
        what this build changed in the published set (versions withdrawn, kept, withheld), one
        line each, shown first."""
        self._fresh.close()
        for preview in previews:
            self.languages[self._language_of(preview.locale)].previews.append(preview)
        for review in reviews:
            self.languages[self._language_of(review.locale)].reviews.append(review)
        count = self.counts
        files = {
            "reports/index.html": self._fill(
                "index.html",
                env.get_template("report_index.html").render(
                    site_name=site_name,
                    publication=publication,
                    languages=list(self.languages.values()),
                    cells=self.cells,
                    errors=count["errors"],
                    warnings=count["warnings"],
                    deliberate=count["deliberate"],
                ),  # fmt: skip
            )
        }
        for name, language in self.languages.items():
            files[language.path] = self._fill(
                f"{language.info.file_stem}.html",
                self._language_frame(env, site_name, language),
                name,
            )
        summary = report.summary(count["errors"], count["warnings"], count["deliberate"])
        lists = {name: _MARK.format(name) if count[name] else None for name in _LISTS}
        data = report.json_frame(summary, lists["documents"], lists["findings"], previews, reviews)
        files["reports/report.json"] = self._fill("report.json", data)
        return files

    def _language_frame(self, env: Environment, site_name: str, language: Language) -> str:
        count = language.counts
        return env.get_template("report.html").render(
            site_name=site_name, language=language, previews=language.previews,
            reviews=language.reviews, is_source=language.info.name == self.source,
            groups=[(name, title, count[name], Markup(_MARK.format(name))) for name, title in GROUPS],
            chart_rows=Markup(_MARK.format("chart")), hardest=Markup(_MARK.format("hardest")),
            errors=count["errors"], warnings=count["warnings"], deliberate=count["deliberate"],
        )  # fmt: skip

    def _fill(self, name: str, frame: str, language: str | None = None) -> Path:
        """The frame with each mark replaced by its section of every part of ``language`` (of
        every part, for the JSON lists), in build order."""
        sections = self._sections()
        path = self.folder / name
        with open(path, "wb", buffering=0) as out:
            for i, piece in enumerate(_MARKS.split(frame)):
                if i % 2 == 0:
                    out.write(piece.encode("utf-8"))
                    continue
                section = sections.get((None if piece in _LISTS else language, piece))
                if section is None:  # no part of this language has this section
                    continue
                with open(section, "rb") as handle:
                    _copy(handle.fileno(), out.fileno(), 0, os.fstat(handle.fileno()).st_size)
        return path

    def _sections(self) -> dict[tuple[str | None, str], Path]:
        """Each section of every part, in build order, gathered in a file of its own per
        language (the JSON lists: one for all): each part is read once, not once per section."""
        if self._gathered is not None:
            return self._gathered
        gathered: dict[tuple[str | None, str], Path] = {}
        outs: dict[tuple[str | None, str], BinaryIO] = {}
        try:
            for file, offset, sizes, language in self._pieces:
                data, start = memoryview(_read_part(file, offset, sum(sizes))), 0
                for index, size in enumerate(sizes):
                    name = _SECTIONS[index]
                    key = (None if name in _LISTS else language, name)
                    if size:
                        out = outs.get(key)
                        if out is None:
                            gathered[key] = self.folder / f"section-{key[0] or ''}-{name}"
                            out = outs[key] = open(gathered[key], "wb")
                        elif name in _LISTS:
                            out.write(b",\n    ")
                        out.write(data[start : start + size])
                    start += size
        finally:
            for out in outs.values():
                out.close()
        self._gathered = gathered
        return gathered


def _cell(
    language: Language, article: str, counts: dict[str, int], doc: DocumentReadability | None
) -> Cell:
    """Its link goes to the version's first findings, or to its readability row if it has none."""
    first = next((name for name, _ in GROUPS if counts[name]), "version" if doc else None)
    anchor = version_anchor(language.info.name, article)
    return Cell(
        Tally(counts["errors"], counts["warnings"], counts["deliberate"]),
        doc is not None and doc.met is False,
        f"{language.info.file_stem}.html#{first}-{anchor}" if first else None,
    )


def _read_part(file: Path, offset: int, size: int) -> bytes:
    try:
        with open(file, "rb") as handle:
            data = os.pread(handle.fileno(), size, offset)
    except FileNotFoundError as exc:
        raise OSError(exc.errno, "a cached report part vanished during the build (was .pipeline-cache deleted?): run the build again", str(file)) from exc  # fmt: skip
    if len(data) < size:
        raise OSError(f"a cached report part is shorter than recorded: {file}")
    return data


def _copy(source: int, target: int, offset: int, size: int) -> None:
    """``size`` bytes of ``source`` from ``offset`` to ``target``'s position, in the kernel."""
    while size:
        try:
            done = os.copy_file_range(source, target, size, offset)
        except OSError:  # a file system or kernel without it: read and write
            done = os.write(target, os.pread(source, min(size, 1 << 20), offset))
        if done == 0:
            raise OSError(f"a cached report part is shorter than recorded: {size} bytes missing")
        offset += done
        size -= done


_ID = re.compile(r'<h[1-6][^>]*\bid="([^"]+)"')


def unit_anchors(article: Article, ids: set[str]) -> dict[str, str]:
    """msgid -> id of the heading it sits under on the page (a heading's own id for a heading)."""
    used: set[str] = set()
    current = ""
    found: dict[str, str] = {}
    for unit in article.units:
        if unit.kind.startswith("heading (h"):
            anchor = unique(slugify(plain_text(unit.msgid), "-"), used)
            current = anchor if anchor in ids else current
        found.setdefault(unit.msgid, current)
    return found


def text_fragment(text: str, words: int = 5) -> str:
    """A text directive for the first words a reader sees (``-``, ``,`` and ``&`` escaped, as the syntax asks)."""
    first = formulas.plain_words(text).split()[:words]
    return ":~:text=" + quote(" ".join(first), safe="").replace("-", "%2D") if first else ""


def _row(finding: Finding, page_path: str | None, anchors: dict[str, str]) -> Row:
    """Links to the rendered page at a unit: the heading the unit sits under (a stable id) plus
    a text fragment (``#:~:text=``) with the unit's first words, which browsers that support it
    scroll to and highlight; where they do not, or the words changed, the heading is still the place."""
    shown = finding.msgstr if finding.msgstr else finding.msgid
    page = None
    if page_path and finding.msgid and finding.msgid in anchors:
        page = f"../{page_path}#{anchors[finding.msgid]}{text_fragment(shown)}"
    change = (
        word_diff(finding.previous, finding.msgid) if finding.previous and finding.msgid else None
    )
    return Row(finding, report.where(finding), page, parse_locale(finding.locale), change)


def _chart_row(doc: DocumentReadability, file: str) -> dict[str, object]:
    """Bar widths on a 0-100 scale; grades (lower is easier) are drawn as 100 - 5 × grade."""
    label = next((f.label for f in formulas_for(doc.language) if f.name == doc.metric), None)
    score = doc.scores.get(doc.metric) if doc.metric else None

    def width(value: float | None) -> float:
        if value is None:
            return 0.0
        scaled = value if doc.higher_is_easier else 100 - 5 * value
        return max(0.0, min(100.0, scaled))

    locale = parse_locale(doc.locale)
    hardest = [
        {"unit": u, "met": doc.target is None or formulas.meets(u.score, doc)} for u in doc.hardest
    ]
    view = (
        readability_view.path_for(doc).removeprefix("reports/")
        if readability_view.has_view(doc)
        else None
    )
    return {
        "doc": doc, "label": label, "score": score, "bar": width(score), "mark": width(doc.target),
        "dir": locale.direction, "lang": locale.tag, "file": file, "hardest": hardest, "view": view,
        "anchor": version_anchor(doc.locale, doc.article),
    }  # fmt: skip
