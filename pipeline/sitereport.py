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

import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import TextIO
from urllib.parse import quote

from jinja2 import Environment
from markdown.extensions.toc import slugify, unique
from markupsafe import Markup

from pipeline import formulas, readability_view, report
from pipeline.formulas import formulas_for
from pipeline.locales import LocaleInfo, parse_locale
from pipeline.model import (
    ERROR,
    Article,
    DocumentReadability,
    Finding,
    Preview,
    ReviewState,
    Stats,
)
from pipeline.text import plain_text

GROUPS = (
    ("errors", "Errors"),
    ("warnings", "Warnings"),
    ("deliberate", "Marked as deliberate by translators"),
)
_SECTIONS = (*(name for name, _ in GROUPS), "chart", "hardest", "documents", "findings")
_MARK = "\x00report-part:{}\x00"  # a NUL never comes out of a template or out of json.dumps
_MARKS = re.compile("\x00report-part:(\\w+)\x00")


@dataclass(frozen=True)
class Part:
    """One version's share of the report, as text ready to append."""

    findings: tuple[tuple[str, str, str], ...] = ()  # (group, <li> of the HTML, JSON element)
    chart: str = ""  # its row of the readability table
    hardest: str = ""  # its table of hardest units
    document: str = ""  # its readability as a JSON element


@dataclass(frozen=True)
class Row:
    """A finding as the report shows it: where to fix it and what it looks like on both sides."""

    finding: Finding
    where: str  # file:line, as text to copy
    file_href: str
    page_href: str | None
    target: LocaleInfo  # the translation's language and direction


def part(
    findings: Sequence[Finding],
    document: DocumentReadability | None,
    env: Environment,
    source: LocaleInfo,
    article: Article | None = None,
    page: tuple[str, str] | None = None,
) -> Part:
    """The share of one version (or of the site-wide catalogues, with no article).

    ``page`` is the version's written page as (path, body html): findings link to the place on
    it, by the heading the unit sits under (ids come from the source text, the same in every
    language) and a text fragment of its first words.
    """
    macros = env.get_template("report_parts.html").module
    anchors = unit_anchors(article, set(_ID.findall(page[1]))) if article and page else {}
    rows = [
        (group_of(f), macros.finding(_row(f, page[0] if page else None, anchors), source), f)  # type: ignore[attr-defined]
        for f in findings
    ]
    if document is None:
        return Part(tuple((g, str(html), report.finding_json(f)) for g, html, f in rows))
    chart = _chart_row(document, source)
    return Part(
        tuple((g, str(html), report.finding_json(f)) for g, html, f in rows),
        chart=str(macros.chart_row(chart)),  # type: ignore[attr-defined]
        hardest=str(macros.hardest(chart)) if document.hardest else "",  # type: ignore[attr-defined]
        document=report.document_json(document),
    )


def group_of(finding: Finding) -> str:
    if not finding.counts:
        return "deliberate"
    return "errors" if finding.severity == ERROR else "warnings"


class SiteReport:
    """Appends parts to one file per section in a scratch folder, then frames them."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix=".output-staging-report-", dir=folder))
        self.counts: Counter[str] = Counter()
        self._files: dict[str, TextIO] = {
            name: open(self.folder / name, "w", encoding="utf-8") for name in _SECTIONS
        }

    def __enter__(self) -> SiteReport:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def add(self, part: Part) -> None:
        grouped: dict[str, list[str]] = {name: [] for name, _ in GROUPS}
        for group, html, _ in part.findings:
            grouped[group].append(html)
        for group, htmls in grouped.items():
            self._append(group, "".join(htmls), len(htmls))
        elements = [element for _, _, element in part.findings]
        self._append("findings", ",\n    ".join(elements), len(elements), ",\n    ")
        self._append("chart", part.chart, bool(part.chart))
        self._append("hardest", part.hardest, bool(part.hardest))
        self._append("documents", part.document, bool(part.document), ",\n    ")

    def _append(self, section: str, text: str, items: int, separator: str = "") -> None:
        if not items:
            return
        if self.counts[section] and separator:
            self._files[section].write(separator)
        self._files[section].write(text)
        self.counts[section] += items

    def _close(self) -> None:
        for handle in self._files.values():
            handle.close()

    def finish(
        self,
        env: Environment,
        site_name: str,
        source: LocaleInfo,
        stats: dict[tuple[str, str], Stats],
        previews: Sequence[Preview],
        reviews: Sequence[ReviewState],
    ) -> dict[str, Path]:
        """Write the framed files; return them by their path under ``output/``."""
        self._close()
        count = self.counts
        frame = env.get_template("report.html").render(
            site_name=site_name, source=source, stats=stats, previews=previews, reviews=reviews,
            groups=[(name, title, count[name], Markup(_MARK.format(name))) for name, title in GROUPS],
            chart_rows=Markup(_MARK.format("chart")), hardest=Markup(_MARK.format("hardest")),
            errors=count["errors"], warnings=count["warnings"], deliberate=count["deliberate"],
        )  # fmt: skip
        summary = report.summary(count["errors"], count["warnings"], count["deliberate"])
        lists = {
            name: _MARK.format(name) if count[name] else None for name in ("documents", "findings")
        }
        data = report.json_frame(summary, lists["documents"], lists["findings"], previews, reviews)
        return {
            "reports/index.html": self._fill("index.html", frame),
            "reports/report.json": self._fill("report.json", data),
        }

    def _fill(self, name: str, frame: str) -> Path:
        """The frame with each mark replaced by its section's file, streamed."""
        path = self.folder / name
        pieces = _MARKS.split(frame)
        with open(path, "w", encoding="utf-8") as out:
            for i, piece in enumerate(pieces):
                if i % 2 == 0:
                    out.write(piece)
                    continue
                with open(self.folder / piece, encoding="utf-8") as section:
                    while chunk := section.read(1 << 20):
                        out.write(chunk)
        return path


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
    return Row(
        finding, report.where(finding), _po_link(finding), page, parse_locale(finding.locale)
    )


def _chart_row(doc: DocumentReadability, source: LocaleInfo) -> dict[str, object]:
    """Bar widths on a 0-100 scale; grades (lower is easier) are drawn as 100 - 5 × grade."""
    label = next((f.label for f in formulas_for(doc.language) if f.name == doc.metric), None)
    score = doc.scores.get(doc.metric) if doc.metric else None

    def width(value: float | None) -> float:
        if value is None:
            return 0.0
        scaled = value if doc.higher_is_easier else 100 - 5 * value
        return max(0.0, min(100.0, scaled))

    locale = parse_locale(doc.locale)
    file = (
        f"source/{doc.article}.md"
        if doc.locale == source.name
        else f"locales/{doc.locale}/LC_MESSAGES/{doc.article}.po"
    )
    hardest = [{"unit": u, "met": doc.target is None or _meets(u.score, doc)} for u in doc.hardest]
    view = (
        readability_view.path_for(doc).removeprefix("reports/")
        if readability_view.has_view(doc)
        else None
    )
    return {
        "doc": doc, "label": label, "score": score, "bar": width(score), "mark": width(doc.target),
        "dir": locale.direction, "lang": locale.tag, "file": file, "hardest": hardest, "view": view,
        "anchor": f"{doc.locale.replace('@', '-')}-{doc.article}",
    }  # fmt: skip


def _meets(score: float, doc: DocumentReadability) -> bool:
    return score >= (doc.target or 0) if doc.higher_is_easier else score <= (doc.target or 0)


def _po_link(finding: Finding) -> str:
    """A link from output/reports/ to the PO (or source) file the finding is in."""
    return str(PurePosixPath("../..") / finding.file)


def view(
    doc: DocumentReadability,
    article: Article,
    env: Environment,
    site_name: str,
    source: LocaleInfo,
    page_path: str | None,
) -> tuple[str, str] | None:
    """(path, html) of a version's readability view, for every language that has a formula."""
    if not readability_view.has_view(doc):
        return None
    return readability_view.path_for(doc), readability_view.render(
        doc, article, env, site_name, source, page_path
    )
