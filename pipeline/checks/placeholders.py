"""What a catalogue entry must keep whatever the language: placeholders and the number of plural forms.

A UI text's ``{language}`` is filled in by the page; a translation that renames it (``{idioma}``),
numbers it (``{0}``) or adds a format spec cannot be used, so the page shows the source text
(``ui.safe_translation``) and this check says why. ``ui.po`` and ``glossary.po`` are not
articles, so ``run_site`` checks them like articles are checked by ``safety``: raw HTML and
script URLs (entity-encoded or in mixed case too) are errors with file and line.
"""

from __future__ import annotations

from collections.abc import Iterator

from pipeline.checks import markup
from pipeline.checks.subject import Site, Subject
from pipeline.model import ERROR, UI_DOMAIN, Catalog, Finding, Message
from pipeline.render.ui import BRACE_FORMAT, placeholders

CHECKS = {"placeholders": ERROR, "plural-forms": ERROR}


def run(subject: Subject) -> Iterator[Finding]:
    """Article catalogues: flagged format strings and plural entries (extraction makes neither today)."""
    if subject.catalog is None or subject.is_source:
        return
    for check, message, text in _problems(subject.catalog, all_formats=False):
        yield subject.finding(check, ERROR, text, message.msgid, message.line)


def run_site(site: Site) -> Iterator[Finding]:
    """ui.po and glossary.po of every locale: placeholders, plural forms, unsafe HTML."""
    for (locale, domain), (catalog, file) in sorted(site.catalogs.items()):
        for check, message, text in _problems(catalog, all_formats=domain == UI_DOMAIN):
            yield Finding(check, ERROR, domain, locale, file, message.line, message.msgid, text)
        for message in catalog.messages.values():
            problem = markup.unsafe_html(message.msgid, message.msgstr) if message.msgstr else None
            if problem:
                yield Finding(
                    "unsafe-html", ERROR, domain, locale, file, message.line, message.msgid, problem
                )


def _problems(catalog: Catalog, all_formats: bool) -> Iterator[tuple[str, Message, str]]:
    for message in catalog.messages.values():
        if message.msgstr and (all_formats or BRACE_FORMAT in message.flags):
            problem = placeholder_problem(message.msgid, message.msgstr)
            if problem:
                yield "placeholders", message, problem
        if (
            message.msgid_plural is not None
            and catalog.nplurals is not None
            and len(message.plural) != catalog.nplurals
        ):
            yield (
                "plural-forms",
                message,
                f"{len(message.plural)} plural form(s) (msgstr[0]…); the catalogue's Plural-Forms header says nplurals={catalog.nplurals}",
            )


def placeholder_problem(msgid: str, msgstr: str) -> str | None:
    """Missing, renamed or extra ``{…}`` fields; the page shows the source text until they match."""
    source, target = placeholders(msgid), placeholders(msgstr)
    if target is None:
        return "a { or } without its pair: write {{ or }} for a literal brace; the page shows the source text until fixed"
    if source is None or source == target:
        return None
    missing, extra = sorted((source - target).elements()), sorted((target - source).elements())
    said = ([f"missing {', '.join(missing)}"] if missing else []) + (
        [f"not in the source: {', '.join(extra)}"] if extra else []
    )
    return f"placeholders must be kept exactly as in the source ({'; '.join(said)}); the page shows the source text until they match"
