"""A translation keeps what a reader's browser shows of the source: markup, numbers, spacing."""

from __future__ import annotations

from collections.abc import Iterator

from pipeline.checks import markup
from pipeline.checks.subject import Subject
from pipeline.language import terms
from pipeline.model import ERROR, WARNING, Finding

CHECKS = {
    "link-target": ERROR,
    "image-source": ERROR,
    "code-span": ERROR,
    "footnote-marker": ERROR,
    "emphasis": ERROR,
    "broken-markdown": ERROR,
    "number": ERROR,
    "number-added": WARNING,
    "whitespace": WARNING,
    "untranslated-identical": WARNING,
}


def run(subject: Subject) -> Iterator[Finding]:
    if subject.catalog is None or subject.is_source:
        return
    other_language = subject.locale.language != subject.site.source.language
    for message in subject.catalog.messages.values():
        if not message.msgstr:
            continue
        msgid, line = message.msgid, message.line
        source, msgstr = terms.nfc(msgid), terms.nfc(message.msgstr)  # NFD "é" is "é"
        for check, problem in markup.parity_problems(source, msgstr):
            yield subject.finding(check, ERROR, problem, msgid, line)
        missing, added = markup.number_problem(source, msgstr, subject.locale.language)
        problems: list[tuple[str, str | None]] = [
            ("number", missing),
            ("number-added", added),
            ("whitespace", markup.whitespace_problem(source, msgstr)),
        ]
        for check, text in problems:
            if text:
                yield subject.finding(check, CHECKS[check], text, msgid, line)
        if (
            msgstr == source
            and len(source) >= markup.LONG_UNTRANSLATED
            and other_language
            and not message.note
        ):
            text = f"the translation is the {subject.site.source.english_name} text: translate it, or add a translator note (# …) saying why it stays"
            yield subject.finding("untranslated-identical", WARNING, text, msgid, line)
