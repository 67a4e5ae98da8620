"""The editorial quality gates: a small runner and one module per family of checks.

Each family module declares ``CHECKS`` (stable id -> severity) and ``run(subject)``, which
returns the findings for one article version; a family with site-wide rules (the glossary
catalogue) also has ``run_site(site)``. Checks never write and never raise: a finding is the
translator's to-do list. A translator who means a flagged text says so in the PO entry, with a
Weblate-style flag ``#, ignore-<check>`` or a note line ``# ignore-<check>: why``; the finding
is then kept in the report as *deliberate*, with the reason, and no longer counts.

| module          | checks                                                                  |
|-----------------|-------------------------------------------------------------------------|
| completeness    | catalogue-missing, catalogue-outdated, incomplete, raw-html-kept         |
| readability     | readability-target                                                       |
| plain           | plain-long-sentence, plain-rare-word                                     |
| glossary        | glossary-variant-spelling, -term, -kept-term, -inconsistent, -translation-missing |
| parity          | link-target, image-source, code-span, footnote-marker, emphasis, broken-markdown, number, number-added, whitespace, untranslated-identical |
| safety          | unsafe-html                                                              |
| review          | review-outdated, review-missing                                          |
| review_dates    | review-overdue, translation-behind-source                                |
| placeholders    | placeholders, plural-forms; unsafe-html in ui.po and glossary.po         |
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from types import ModuleType

from pipeline.checks import (
    completeness,
    glossary,
    parity,
    placeholders,
    plain,
    readability,
    review,
    review_dates,
    safety,
)
from pipeline.checks.subject import Site, Subject
from pipeline.model import Catalog, CheckResult, DocumentReadability, Finding

FAMILIES: tuple[ModuleType, ...] = (
    completeness,
    readability,
    plain,
    glossary,
    parity,
    safety,
    placeholders,
    review,
    review_dates,
)
SEVERITIES: dict[str, str] = {
    check: severity for family in FAMILIES for check, severity in family.CHECKS.items()
}

__all__ = [
    "FAMILIES", "SEVERITIES", "Site", "Subject", "VersionResult", "check_afresh", "check_site",
    "check_version", "collect",
]  # fmt: skip


@dataclass(frozen=True)
class VersionResult:
    """The checks of one article version: a pure function of its inputs, so it can be cached."""

    document: DocumentReadability | None
    findings: tuple[Finding, ...]


def check_version(subject: Subject) -> VersionResult:
    findings = [f for family in FAMILIES for f in family.run(subject)]
    document = (
        readability.document(subject) if subject.catalog is not None or subject.is_source else None
    )
    return VersionResult(document, tuple(_waive(findings, subject.catalog)))


def check_afresh(subject: Subject) -> VersionResult:
    """``check_version`` on a copy of ``subject``: what its checks work out once and keep on it
    (``Subject.shown``, ``Subject.review``) goes with the copy, not with a list of every version
    that a process checking them all holds to the end."""
    return check_version(dataclasses.replace(subject))


def check_site(site: Site) -> list[Finding]:
    return [f for family in FAMILIES if hasattr(family, "run_site") for f in family.run_site(site)]


def collect(site_findings: list[Finding], results: Iterable[VersionResult]) -> CheckResult:
    """The site-wide findings (``check_site``), then every version's results, all kept, in a
    stable order."""
    documents: list[DocumentReadability] = []
    findings = list(site_findings)
    for result in results:
        if result.document is not None:
            documents.append(result.document)
        findings += result.findings
    return CheckResult(tuple(documents), tuple(findings))


def _waive(findings: list[Finding], catalog: Catalog | None) -> Iterator[Finding]:
    """A finding the translator marked as deliberate keeps its place in the report, not its weight."""
    for finding in findings:
        message = (
            catalog.messages.get(finding.msgid) if catalog is not None and finding.msgid else None
        )
        reason = message.waiver(finding.check) if message is not None else None
        yield dataclasses.replace(finding, deliberate=reason) if reason is not None else finding
