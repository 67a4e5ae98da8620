"""The editors' report in three forms: JSON (for tools), HTML (for editors), text (for the terminal).

Formats only: every decision was made by the checks.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import PurePosixPath

from jinja2 import Environment

from pipeline.formulas import formulas_for
from pipeline.locales import LocaleInfo, parse_locale
from pipeline.model import ERROR, WARNING, CheckResult, DocumentReadability, Finding, Preview, Stats


def to_json(result: CheckResult, previews: Sequence[Preview] = ()) -> str:
    data = {
        "summary": {"errors": result.errors, "warnings": result.warnings, "deliberate": sum(not f.counts for f in result.findings)},
        "documents": [_document(d) for d in result.documents],
        "findings": [asdict(f) for f in result.findings],
        "previews": [asdict(p) for p in previews],
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
            "direction": None if doc.higher_is_easier is None else ("min" if doc.higher_is_easier else "max"),
            "met": doc.met,
            "units_scored": doc.units_scored,
            "units_untranslated": doc.units_untranslated,
            "hardest": [asdict(u) for u in doc.hardest],
            "units": [asdict(u) for u in doc.units],
        },
    }


def terminal_summary(result: CheckResult, stats: dict[tuple[str, str], Stats], limit: int = 30) -> str:
    """One row per article and locale with its own figures, a total row, then the errors."""
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
        lines.append(f"{locale:<10} {article[:34]:<34} {translated:>10}  {cell:<34} {counts[(locale, article, ERROR)]:>6} {counts[(locale, article, WARNING)]:>8}")
    total = sum(stats.values(), Stats(0, 0, 0))
    lines.append(f"{'total':<10} {'':<34} {f'{total.percent:.0f} %':>10}  {'':<34} {result.errors:>6} {result.warnings:>8}")
    errors = [f for f in result.findings if f.severity == ERROR and f.counts]
    if errors:
        lines.append("")
        lines += [format_finding(f) for f in errors[:limit]]
        if len(errors) > limit:
            lines.append(f"… and {len(errors) - limit} more errors: see --format json or output/reports/index.html")
    lines.append("")
    lines.append(f"{result.errors} error(s), {result.warnings} warning(s)")
    return "\n".join(lines)


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
    where = f"{finding.file}:{finding.line}" if finding.line else finding.file
    return f"{where}: {finding.severity}: [{finding.check}] {finding.message}"


def to_html(result: CheckResult, env: Environment, stats: dict[tuple[str, str], Stats], site_name: str, source: LocaleInfo, previews: Sequence[Preview] = ()) -> str:
    """The editors' page: readability against target, hardest units, findings by locale."""
    by_locale: dict[str, list[Finding]] = defaultdict(list)
    for finding in result.findings:
        by_locale[finding.locale].append(finding)
    return env.get_template("report.html").render(
        site_name=site_name,
        documents=[_chart_row(d) for d in result.documents],
        by_locale=sorted(by_locale.items()),
        stats=stats,
        source=source,
        errors=result.errors,
        warnings=result.warnings,
        po_link=_po_link,
        previews=previews,
    )


def _chart_row(doc: DocumentReadability) -> dict[str, object]:
    """Bar widths on a 0-100 scale; grades (lower is easier) are drawn as 100 - 5 × grade."""
    label = next((f.label for f in formulas_for(doc.language) if f.name == doc.metric), None)
    score = doc.scores.get(doc.metric) if doc.metric else None

    def width(value: float | None) -> float:
        if value is None:
            return 0.0
        scaled = value if doc.higher_is_easier else 100 - 5 * value
        return max(0.0, min(100.0, scaled))

    direction = parse_locale(doc.locale).direction
    return {"doc": doc, "label": label, "score": score, "bar": width(score), "mark": width(doc.target), "dir": direction}


def _po_link(finding: Finding) -> str:
    """A link from output/reports/ to the PO (or source) file the finding is in."""
    return str(PurePosixPath("../..") / finding.file)
