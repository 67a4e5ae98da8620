"""Nothing a source or a translation holds may run on a reader's page.

The renderer removes scripts, frames and script URLs whatever this check says; the finding
tells the author (at the source's line) or the translator (at the PO entry's) why their text
did not appear as typed.
"""

from __future__ import annotations

from collections.abc import Iterator

from pipeline.checks import markup
from pipeline.checks.subject import Subject
from pipeline.model import ERROR, Finding

CHECKS = {"unsafe-html": ERROR}


def run(subject: Subject) -> Iterator[Finding]:
    if subject.is_source:
        for part in subject.article.removed:
            text = f"{_short(part.msgid)!r} in the source is removed from every page (no scripts, frames, embedded objects or script links are published); a link keeps only its text"
            yield subject.finding("unsafe-html", ERROR, text, line=part.line)
        return
    if subject.catalog is None:
        return
    for message in subject.catalog.messages.values():
        problem = markup.unsafe_html(message.msgid, message.msgstr) if message.msgstr else None
        if problem:
            yield subject.finding("unsafe-html", ERROR, problem, message.msgid, message.line)


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
