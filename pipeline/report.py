"""The editors' report in three forms: JSON (for tools), HTML (for editors), text (for the terminal).

Formats only: every decision was made by the checks.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import PurePosixPath
from urllib.parse import quote

from jinja2 import Environment
from markdown.extensions.toc import slugify, unique

from pipeline import formulas, readability_view
from pipeline.formulas import formulas_for
from pipeline.locales import LocaleInfo, parse_locale
from pipeline.model import (
    ERROR,
    WARNING,
    Article,
    CheckResult,
    DocumentReadability,
    Finding,
    Page,
    Preview,
    ReviewState,
    Stats,
)
from pipeline.text import plain_text
from pipeline.ui import TEMPLATES_DIR

REPORT_CSS = TEMPLATES_DIR / "report.css"


def to_json(
    result: CheckResult, previews: Sequence[Preview] = (), reviews: Sequence[ReviewState] = ()
) -> str:
    data = {
        "summary": {
            "errors": result.errors,
            "warnings": result.warnings,
            "deliberate": sum(not f.counts for f in result.findings),
        },
        "documents": [_document(d) for d in result.documents],
        "findings": [asdict(f) for f in result.findings],
        "previews": [asdict(p) for p in previews],
        "reviews": [asdict(r) for r in reviews],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _document(doc: DocumentReadability) -> dict[str, object]:
    return {
        "article": doc.article,
        "locale": doc.locale,
        "language": doc.language,
        "readability": {
            "formula_available": doc.formula_available,
            "scores": doc.scores,
            "metric": doc.metric,
            "target": doc.target,
            "direction": None
            if doc.higher_is_easier is None
            else ("min" if doc.higher_is_easier else "max"),
            "met": doc.met,
            "units_scored": doc.units_scored,
            "units_untranslated": doc.units_untranslated,
            "hardest": [asdict(u) for u in doc.hardest],
            "units": [asdict(u) for u in doc.units],
        },
    }


def terminal_table(result: CheckResult, stats: dict[tuple[str, str], Stats]) -> str:
    """One row per article and locale with its own figures, then a total row that is their sum."""
    header = f"{'locale':<10} {'article':<34} {'translated':>10}  {'readability (target)':<34} {'errors':>6} {'warnings':>8}"
    counts = Counter((f.locale, f.article, f.severity) for f in result.findings if f.counts)
    documents = {(d.article, d.locale): d for d in result.documents}
    keys = list(stats) + sorted({(f.article, f.locale) for f in result.findings} - set(stats))
    lines = [header]
    for article, locale in sorted(keys, key=lambda k: (k[1], k[0])):
        figures = stats.get((article, locale))
        translated = f"{figures.percent:.0f} %" if figures else ""
        doc = documents.get((article, locale))
        cell = _readability_cell(doc) if doc else ""
        lines.append(
            f"{locale:<10} {article[:34]:<34} {translated:>10}  {cell:<34} {counts[(locale, article, ERROR)]:>6} {counts[(locale, article, WARNING)]:>8}"
        )
    total = sum(stats.values(), Stats(0, 0, 0))
    lines.append(
        f"{'total':<10} {'':<34} {f'{total.percent:.0f} %':>10}  {'':<34} {result.errors:>6} {result.warnings:>8}"
    )
    return "\n".join(lines)


def finding_lines(
    result: CheckResult, warnings: bool = True, limit: int | None = None
) -> list[str]:
    """Errors, then warnings, then the translators' deliberate choices as notes: worst first."""
    errors = [f for f in result.findings if f.counts and f.severity == ERROR]
    rest = [f for f in result.findings if f.counts and f.severity == WARNING] if warnings else []
    notes = [f for f in result.findings if not f.counts] if warnings else []
    ordered = errors + rest + notes
    lines = [format_finding(f) for f in ordered[:limit]]
    if limit is not None and len(ordered) > limit:
        lines.append(
            f"… and {len(ordered) - limit} more: see pipeline check, or output/reports/index.html"
        )
    return lines


def totals_line(result: CheckResult) -> str:
    deliberate = sum(not f.counts for f in result.findings)
    return f"{result.errors} error(s), {result.warnings} warning(s)" + (
        f", {deliberate} deliberate" if deliberate else ""
    )


def _readability_cell(doc: DocumentReadability) -> str:
    if not doc.formula_available:
        return f"no formula for '{doc.language}'"
    if doc.metric is None or doc.metric not in doc.scores:
        return "not scored"
    label = next(f.label for f in formulas_for(doc.language) if f.name == doc.metric)
    mark = "ok" if doc.met else "TOO HARD"
    bound = "≥" if doc.higher_is_easier else "≤"
    return f"{label} {doc.scores[doc.metric]:g} ({bound}{doc.target:g}) {mark}"


def format_finding(finding: Finding) -> str:
    """``file:line: error: [check] message``, as compilers print it, so editors jump to the line.
    A deliberate finding is a ``note`` that says the translator's reason."""
    if not finding.counts:
        return f"{where(finding)}: note: [{finding.check}] deliberate ({finding.deliberate}): {finding.message}"
    return f"{where(finding)}: {finding.severity}: [{finding.check}] {finding.message}"


def where(finding: Finding) -> str:
    """``file:line`` (or the file alone for a whole document): text a translator can copy."""
    return f"{finding.file}:{finding.line}" if finding.line else finding.file


def files(
    result: CheckResult,
    env: Environment,
    stats: dict[tuple[str, str], Stats],
    site_name: str,
    source: LocaleInfo,
    articles: Sequence[Article],
    pages: Sequence[Page],
    previews: Sequence[Preview] = (),
    reviews: Sequence[ReviewState] = (),
) -> dict[str, str]:
    """The site-wide files a build writes for editors, by path under ``output/``: the JSON, the
    report and its stylesheet (each version's readability view is made with its page: ``view``)."""
    return {
        "reports/report.json": to_json(result, previews, reviews),
        "reports/index.html": to_html(
            result, env, stats, site_name, source, articles, pages, previews, reviews
        ),
        "assets/report.css": REPORT_CSS.read_text(encoding="utf-8"),
    }


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


def to_html(
    result: CheckResult,
    env: Environment,
    stats: dict[tuple[str, str], Stats],
    site_name: str,
    source: LocaleInfo,
    articles: Sequence[Article] = (),
    pages: Sequence[Page] = (),
    previews: Sequence[Preview] = (),
    reviews: Sequence[ReviewState] = (),
) -> str:
    """The editors' page: what to fix first (errors), then warnings and deliberate choices, then
    readability against target and the hardest units, each linked to its PO line and its page."""
    links = _PageLinks(articles, pages)
    rows = [_row(f, source, links) for f in result.findings]
    return env.get_template("report.html").render(
        site_name=site_name,
        groups=[
            (
                "errors",
                "Errors",
                [r for r in rows if r.finding.counts and r.finding.severity == ERROR],
            ),
            (
                "warnings",
                "Warnings",
                [r for r in rows if r.finding.counts and r.finding.severity == WARNING],
            ),
            (
                "deliberate",
                "Marked as deliberate by translators",
                [r for r in rows if not r.finding.counts],
            ),
        ],
        documents=[_chart_row(d, source) for d in result.documents],
        stats=stats,
        source=source,
        errors=result.errors,
        warnings=result.warnings,
        deliberate=sum(not f.counts for f in result.findings),
        previews=previews,
        reviews=reviews,
    )


@dataclass(frozen=True)
class Row:
    """A finding as the report shows it: where to fix it and what it looks like on both sides."""

    finding: Finding
    where: str  # file:line, as text to copy
    file_href: str
    page_href: str | None
    target: LocaleInfo  # the translation's language and direction


class _PageLinks:
    """Links to the rendered page at a unit: the heading the unit sits under (a stable id, the
    same in every language because it is made from the source heading) plus a text fragment
    (``#:~:text=``) with the unit's first words, which browsers that support it scroll to and
    highlight; where they do not, or the words changed, the heading is still the place."""

    def __init__(self, articles: Sequence[Article], pages: Sequence[Page]) -> None:
        self.paths = {(p.version.article, p.version.locale): p.version.path for p in pages}
        ids = {p.version.article: set(_ID.findall(p.body_html)) for p in pages}
        self.anchors = {a.slug: unit_anchors(a, ids.get(a.slug, set())) for a in articles}

    def href(
        self, article: str, locale: str, msgid: str, shown: str, prefix: str = "../"
    ) -> str | None:
        path = self.paths.get((article, locale))
        if path is None or msgid not in self.anchors.get(article, {}):
            return None
        return f"{prefix}{path}#{self.anchors[article][msgid]}{text_fragment(shown)}"


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


def _row(finding: Finding, source: LocaleInfo, links: _PageLinks) -> Row:
    shown = finding.msgstr if finding.msgstr else finding.msgid
    page = (
        links.href(finding.article, finding.locale, finding.msgid, shown) if finding.msgid else None
    )
    return Row(finding, where(finding), _po_link(finding), page, parse_locale(finding.locale))


def _chart_row(doc: DocumentReadability, source: LocaleInfo | None = None) -> dict[str, object]:
    """Bar widths on a 0-100 scale; grades (lower is easier) are drawn as 100 - 5 × grade."""
    label = next((f.label for f in formulas_for(doc.language) if f.name == doc.metric), None)
    score = doc.scores.get(doc.metric) if doc.metric else None

    def width(value: float | None) -> float:
        if value is None:
            return 0.0
        scaled = value if doc.higher_is_easier else 100 - 5 * value
        return max(0.0, min(100.0, scaled))

    locale = parse_locale(doc.locale)
    is_source = source is not None and doc.locale == source.name
    file = (
        f"source/{doc.article}.md"
        if is_source
        else f"locales/{doc.locale}/LC_MESSAGES/{doc.article}.po"
    )
    hardest = [{"unit": u, "met": doc.target is None or _meets(u.score, doc)} for u in doc.hardest]
    view = (
        readability_view.path_for(doc).removeprefix("reports/")
        if readability_view.has_view(doc)
        else None
    )
    return {
        "doc": doc,
        "label": label,
        "score": score,
        "bar": width(score),
        "mark": width(doc.target),
        "dir": locale.direction,
        "lang": locale.tag,
        "file": file,
        "hardest": hardest,
        "view": view,
        "anchor": f"{doc.locale.replace('@', '-')}-{doc.article}",
    }


def _meets(score: float, doc: DocumentReadability) -> bool:
    return score >= (doc.target or 0) if doc.higher_is_easier else score <= (doc.target or 0)


def _po_link(finding: Finding) -> str:
    """A link from output/reports/ to the PO (or source) file the finding is in."""
    return str(PurePosixPath("../..") / finding.file)
