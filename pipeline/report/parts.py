"""One version's share of the editors' report (``Part``), made where the version is made.

Each version renders its own findings, chart row and hardest units, and the elements of
``report.json``'s two long lists, in the worker, once; the share is cached with the version
(``Cache.put_bytes``) and ``assemble.SiteReport`` copies it into the report's files. A part is the
same bytes whether it was just made or came from the cache, so the report is too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING
from urllib.parse import quote

from markdown.extensions.toc import slugify, unique
from markupsafe import Markup

from pipeline.language import formulas
from pipeline.language.formulas import formulas_for
from pipeline.language.text import plain_text
from pipeline.locales import LocaleInfo, parse_locale
from pipeline.model import ERROR, Article, DocumentReadability, Finding
from pipeline.report import formats as report
from pipeline.report import readability as readability_view
from pipeline.report.diff import word_diff
from pipeline.report.readability import version_anchor

if TYPE_CHECKING:  # Jinja is imported where a template is rendered
    from jinja2 import Environment

GROUPS = (
    ("errors", "Errors"),
    ("warnings", "Warnings"),
    ("deliberate", "Marked as deliberate by translators"),
)
SECTIONS = (*(name for name, _ in GROUPS), "chart", "hardest", "documents", "findings")
LISTS = ("documents", "findings")  # JSON lists: their elements are joined by ",\n    "
MARK = "\x00report-part:{}\x00"  # a NUL never comes out of a template or out of json.dumps
MARKS = re.compile("\x00report-part:(\\w+)\x00")


@dataclass(frozen=True)
class Part:
    """One version's share of the report: the text of each section, as UTF-8, one after another.

    The blob is cached apart, as a plain file (``Cache.put_bytes``), and copied into the report
    by the kernel; the summary a build loads keeps only the counts and sizes.
    """

    counts: tuple[int, ...]  # items per section, in ``SECTIONS`` order
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
        (",\n    " if name in LISTS else "").join(sections.get(name, [])).encode("utf-8")
        for name in SECTIONS
    ]
    counts = counts or {}
    return Part(
        tuple(counts.get(name, len(sections.get(name, []))) for name in SECTIONS),
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
    ``file`` is the one the version's readability row names (``Project.file_of``).
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
