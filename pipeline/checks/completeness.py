"""Is every text of the article in the catalogue, translated and reviewed (not fuzzy)?"""

from __future__ import annotations

from collections.abc import Iterator

from pipeline.checks.subject import Site, Subject
from pipeline.model import UI_DOMAIN, WARNING, Finding

CHECKS = {
    "catalogue-missing": WARNING,
    "catalogue-outdated": WARNING,
    "incomplete": WARNING,
    "raw-html-kept": WARNING,
    "interface-untranslated": WARNING,
}


def run_site(site: Site) -> Iterator[Finding]:
    """Once per locale: the interface texts its pages show (skip link, navigation, disclaimer)
    that are not translated, in one line at the first such entry of ``ui.po``. Below the
    publishing threshold, they keep its pages previews (``publication.interface_gap``)."""
    for locale, (texts, file) in site.interface.items():
        catalog = site.catalogs.get((locale, UI_DOMAIN), (None, file))[0]
        messages = catalog.messages if catalog is not None else {}
        missing = sorted(
            (t for t in texts if t not in messages or not messages[t].translated),
            key=lambda t: messages[t].line if t in messages else 0,
        )
        if not missing:
            continue
        first = messages.get(missing[0])
        text = f"ui.po: {len(missing)} interface text(s) not translated yet (the page's navigation and disclaimer would show in {site.source.english_name})"
        yield Finding(
            "interface-untranslated", WARNING, UI_DOMAIN, locale, file,
            first.line if first else None, missing[0], text,
        )  # fmt: skip


def run(subject: Subject) -> Iterator[Finding]:
    if subject.is_source:
        yield from _raw_html(subject)
        return
    if subject.catalog is None:
        yield subject.finding(
            "catalogue-missing",
            WARNING,
            f"no catalogue for this locale: run `pipeline init {subject.locale.name}`",
        )
        return
    messages = subject.catalog.messages
    missing = [u for u in subject.article.units if u.msgid not in messages]
    if missing:
        yield subject.finding(
            "catalogue-outdated",
            WARNING,
            f"{len(missing)} text(s) of the article are not in this catalogue: run `pipeline update`",
            missing[0].msgid,
        )
    untranslated = [m for m in messages.values() if not m.msgstr]
    fuzzy = [m for m in messages.values() if m.fuzzy and m.msgstr]
    if untranslated or fuzzy:
        first = (untranslated or fuzzy)[0]
        message = f"{len(untranslated)} untranslated and {len(fuzzy)} fuzzy of {len(messages)} entries: the page shows them in {subject.site.source.english_name}"
        yield subject.finding("incomplete", WARNING, message, first.msgid, first.line)


def _raw_html(subject: Subject) -> Iterator[Finding]:
    """The text of raw HTML blocks is offered for translation, but not the words of an SVG image
    or a MathML formula: every page shows them in the source language (marked with its ``lang``).
    Said once, at the author's line, not hidden under 100 %."""
    for unit in subject.article.untranslatable:
        text = f'the text of this SVG or MathML stays in {subject.site.source.english_name} on every page (marked lang="{subject.site.source.tag}"); give the words as HTML text (a caption, a paragraph) to have them translated'
        yield subject.finding("raw-html-kept", WARNING, text, unit.msgid, unit.line)
