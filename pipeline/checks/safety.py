"""Nothing a translation holds may run on a reader's page.

The renderer removes raw HTML whatever this check says; the finding tells the translator why
their text did not appear as typed.
"""

from __future__ import annotations

from collections.abc import Iterator

from pipeline.checks import markup
from pipeline.checks.subject import Subject
from pipeline.model import ERROR, Finding

CHECKS = {"unsafe-html": ERROR}


def run(subject: Subject) -> Iterator[Finding]:
    if subject.catalog is None or subject.is_source:
        return
    for message in subject.catalog.messages.values():
        problem = markup.unsafe_html(message.msgid, message.msgstr) if message.msgstr else None
        if problem:
            yield subject.finding("unsafe-html", ERROR, problem, message.msgid, message.line)
