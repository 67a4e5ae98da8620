"""``check``'s report from its results as they come, each version's let go once it is taken in.

Why: at 200 real-size articles in seven versions, the findings and readability documents of
every version are well over a hundred megabytes, and ``report.json`` as one string as much
again. The terminal's report needs of a version only its tally, the lines of its findings and
its readability score (``totals``); the JSON report's two long lists go to temporary files as
they are made and are copied out between the frame's other parts (``JsonLists``). Either prints
the same bytes as the report made from the whole ``CheckResult`` (``formats``).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from types import TracebackType
from typing import TextIO

from pipeline.checks import VersionResult
from pipeline.model import CheckTotals, DocumentReadability, Finding, Preview, ReviewState, Tally
from pipeline.report import formats as report

CHUNK = 1 << 20  # characters copied at a time from a list's file
# Stand for a list's elements in the frame: a NUL is written ``\u0000`` by every JSON writer.
_MARKS = {"documents": "\x00documents\x00", "findings": "\x00findings\x00"}


def totals(site_findings: Sequence[Finding], results: Iterable[VersionResult]) -> CheckTotals:
    """What the terminal's report shows of every version: each readability document without its
    units, and every finding without the texts it quotes (``_shown``), with their tallies."""
    documents: list[DocumentReadability] = []
    findings = [_shown(f) for f in site_findings]
    for result in results:
        if result.document is not None:
            documents.append(replace(result.document, units=(), hardest=()))
        findings += map(_shown, result.findings)
    return CheckTotals(tuple(documents), Tally.by_version(findings), tuple(findings))


def _shown(finding: Finding) -> Finding:
    """The finding as its line shows it (``formats.format_finding``): place, check, message and
    the translator's reason, not the source and translation it is about."""
    return replace(finding, msgid="", msgstr="", previous=None)


class JsonLists:
    """The JSON report's documents and findings, each element written to a temporary file as
    its version is taken in; ``write`` prints the whole document, ``formats.to_json``'s bytes."""

    def __init__(self) -> None:
        self._files = {name: _spool() for name in _MARKS}
        self._counts = dict.fromkeys(_MARKS, 0)
        self._tally = Tally()

    def __enter__(self) -> JsonLists:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        for file in self._files.values():
            file.close()

    def add(self, findings: Sequence[Finding], document: DocumentReadability | None) -> None:
        """One version's share (or the site-wide findings, with no document), in report order."""
        if document is not None:
            self._append("documents", report.document_json(document))
        for finding in findings:
            self._append("findings", report.finding_json(finding))
        self._tally += Tally.of(findings)

    def add_all(self, site_findings: Sequence[Finding], results: Iterable[VersionResult]) -> None:
        self.add(site_findings, None)
        for result in results:
            self.add(result.findings, result.document)

    def _append(self, name: str, element: str) -> None:
        self._files[name].write(",\n    " + element if self._counts[name] else element)
        self._counts[name] += 1

    def chunks(
        self, previews: Sequence[Preview] = (), reviews: Sequence[ReviewState] = ()
    ) -> Iterator[str]:
        """The document's text, piece by piece: the frame's, and each list's file between."""
        tally = self._tally
        frame = report.json_frame(
            report.summary(tally.errors, tally.warnings, tally.deliberate),
            _MARKS["documents"] if self._counts["documents"] else None,
            _MARKS["findings"] if self._counts["findings"] else None,
            previews,
            reviews,
        )
        for name, mark in _MARKS.items():
            head, found, frame = frame.partition(mark)
            yield head
            if found:
                yield from _read_back(self._files[name])
        yield frame

    @property
    def errors(self) -> int:
        return self._tally.errors


def _spool() -> TextIO:
    return tempfile.TemporaryFile("w+", encoding="utf-8", newline="")


def _read_back(file: TextIO) -> Iterator[str]:
    file.seek(0)
    while chunk := file.read(CHUNK):
        yield chunk
