"""The editors' report in three forms: JSON (for tools), HTML (for editors), text (for the terminal).

Formats only: every decision was made by the checks.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence

from pipeline.language.formulas import bound, formulas_for
from pipeline.model import (
    ERROR,
    WARNING,
    CheckResult,
    CheckTotals,
    DocumentReadability,
    Finding,
    Preview,
    ReviewState,
    Stats,
    Tally,
    UnitScore,
)
from pipeline.render.ui import TEMPLATES_DIR

REPORT_CSS = TEMPLATES_DIR / "report.css"
SHOWN = 30  # findings a build prints; ``check`` and the site's report have them all
NONE = Tally()


def to_json(
    result: CheckResult, previews: Sequence[Preview] = (), reviews: Sequence[ReviewState] = ()
) -> str:
    """The whole report as one JSON document (``check --format json``, ``reports/report.json``)."""
    return json_frame(
        summary(result.errors, result.warnings, result.deliberate),
        ",\n    ".join(document_json(d) for d in result.documents) or None,
        ",\n    ".join(finding_json(f) for f in result.findings) or None,
        previews,
        reviews,
    )


def summary(errors: int, warnings: int, deliberate: int) -> dict[str, int]:
    return {"errors": errors, "warnings": warnings, "deliberate": deliberate}


def json_frame(
    totals: dict[str, int],
    documents: str | None,
    findings: str | None,
    previews: Sequence[Preview],
    reviews: Sequence[ReviewState],
) -> str:
    """What ``json.dumps(..., indent=2)`` writes, with the two long lists given as text already
    made (their elements joined by ``",\n    "``; None for an empty list): the build appends
    each version's elements as it is made and never holds the whole report."""

    def listed(items: str | None) -> str:
        return f"[\n    {items}\n  ]" if items is not None else "[]"

    return (
        f'{{\n  "summary": {_nested(totals, 1)},\n  "documents": {listed(documents)},\n'
        f'  "findings": {listed(findings)},\n  "previews": {_nested([_fields(p) for p in previews], 1)},\n'
        f'  "reviews": {_nested([_fields(r) for r in reviews], 1)}\n}}\n'
    )


def _nested(value: object, depth: int) -> str:
    """``value`` as ``json.dumps(indent=2)`` writes it ``depth`` levels down.

    Written by orjson where it writes the same text: json's indented writer is pure Python, and
    a build writes every unit's scores and every finding of every version (a twentieth of its
    time). The two differ only on floats below 1e-4 (Python writes ``1e-05``, orjson
    ``0.00001``), NaN and infinities, integers past 64 bits, keys that are not strings and lone
    surrogates: a value holding one is written by json. A property test holds the two equal.
    """
    text = _fast_json(value) if _plain_floats(value) else None
    if text is None:
        text = json.dumps(value, ensure_ascii=False, indent=2)
    return text.replace("\n", "\n" + "  " * depth)


# What json cannot write (a dataclass, a date), orjson must not write either: json says why.


def _fast_json(value: object) -> str | None:
    import orjson  # noqa: PLC0415 (only when a report is written; it imports uuid and platform)

    options = (
        orjson.OPT_INDENT_2 | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME
    )
    try:
        return orjson.dumps(value, option=options).decode("utf-8")
    except orjson.JSONEncodeError:  # a key that is not a string, a lone surrogate, a big integer
        return None


def _plain_floats(value: object) -> bool:
    """Whether every float is one both write alike: zero, or finite and not below 1e-4."""
    if isinstance(value, float):
        return value == 0 or 1e-4 <= abs(value) < math.inf
    if isinstance(value, dict):
        return all(_plain_floats(item) for item in value.values())
    if isinstance(value, (list, tuple)):
        return all(_plain_floats(item) for item in value)
    return True


def finding_json(finding: Finding) -> str:
    """One element of the report's ``findings`` list, as nested there."""
    fields = _fields(finding)
    if fields["previous"] is None:  # only an out-of-date (fuzzy) entry has a previous source text
        del fields["previous"]
    return _nested(fields, 2)


def _fields(item: UnitScore | Finding | Preview | ReviewState) -> dict[str, object]:
    """``asdict`` for a dataclass of plain values, without its deep copy (the report's hot loop)."""
    return {name: getattr(item, name) for name in item.__dataclass_fields__}


def document_json(doc: DocumentReadability) -> str:
    return _nested(_document(doc), 2)


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
            "hardest": [_fields(u) for u in doc.hardest],
            "units": [_fields(u) for u in doc.units],
        },
    }


def terminal_table(
    result: CheckResult | CheckTotals, stats: dict[tuple[str, str], Stats], source: str = ""
) -> str:
    """One row per article and locale with its own figures, then a total row: the translations'
    share (the ``source`` locale's own rows, always 100 %, would lift it) and every finding."""
    header = f"{'locale':<10} {'article':<34} {'translated':>10}  {'readability (target)':<34} {'errors':>6} {'warnings':>8}"
    tallies = result.tallies
    documents = {(d.article, d.locale): d for d in result.documents}
    keys = list(stats) + sorted(set(tallies) - set(stats))
    lines = [header]
    for article, locale in sorted(keys, key=lambda k: (k[1], k[0])):
        figures = stats.get((article, locale))
        translated = f"{figures.percent:.0f} %" if figures else ""
        doc = documents.get((article, locale))
        cell = _readability_cell(doc) if doc else ""
        lines.append(
            f"{locale:<10} {article[:34]:<34} {translated:>10}  {cell:<34} {tallies.get((article, locale), NONE).errors:>6} {tallies.get((article, locale), NONE).warnings:>8}"
        )
    total = sum((s for (_, locale), s in stats.items() if locale != source), Stats(0, 0, 0))
    share = f"{total.percent:.0f} %" if total.total else ""
    lines.append(
        f"{'total':<10} {'':<34} {share:>10}  {'':<34} {result.errors:>6} {result.warnings:>8}"
    )
    return "\n".join(lines)


def finding_lines(
    result: CheckResult | CheckTotals, warnings: bool = True, limit: int | None = None
) -> list[str]:
    """Errors, then warnings, then the translators' deliberate choices as notes: worst first.
    (A build's ``CheckTotals`` holds its first ``SHOWN`` errors only, enough for ``limit``.)"""
    errors = [f for f in result.findings if f.counts and f.severity == ERROR]
    rest = [f for f in result.findings if f.counts and f.severity == WARNING] if warnings else []
    notes = [f for f in result.findings if not f.counts] if warnings else []
    ordered = errors + rest + notes
    total = result.errors + (result.warnings + result.deliberate if warnings else 0)
    lines = [format_finding(f) for f in ordered[:limit]]
    if limit is not None and total > limit:
        lines.append(
            f"… and {total - limit} more: see pipeline check, or output/reports/index.html"
        )
    return lines


def totals_line(result: CheckResult | CheckTotals) -> str:
    return f"{result.errors} error(s), {result.warnings} warning(s)" + (
        f", {result.deliberate} deliberate" if result.deliberate else ""
    )


def _readability_cell(doc: DocumentReadability) -> str:
    if not doc.formula_available:
        return f"no formula for '{doc.language}'"
    if doc.metric is None or doc.metric not in doc.scores:
        return "not scored"
    label = next(f.label for f in formulas_for(doc.language) if f.name == doc.metric)
    mark = "ok" if doc.met else "TOO HARD"
    return f"{label} {doc.scores[doc.metric]:g} ({bound(doc.higher_is_easier, symbol=True)}{doc.target:g}) {mark}"


def format_finding(finding: Finding) -> str:
    """``file:line: error: [check] message``, as compilers print it, so editors jump to the line.
    A deliberate finding is a ``note`` that says the translator's reason."""
    if not finding.counts:
        return f"{where(finding)}: note: [{finding.check}] deliberate ({finding.deliberate}): {finding.message}"
    return f"{where(finding)}: {finding.severity}: [{finding.check}] {finding.message}"


def where(finding: Finding) -> str:
    """``file:line`` (or the file alone for a whole document): text a translator can copy."""
    return f"{finding.file}:{finding.line}" if finding.line else finding.file
