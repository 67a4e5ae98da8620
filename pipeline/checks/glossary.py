"""Terminology: the site's approved terms, used the same way in every unit of every language.

Terms are matched by Snowball stem, so inflection is not drift (see ``pipeline.language.terms``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from functools import lru_cache

from pipeline.checks.subject import Site, Subject
from pipeline.language import terms
from pipeline.locales import parse_locale
from pipeline.model import ERROR, GLOSSARY_DOMAIN, WARNING, Catalog, Finding, Message, Term

CHECKS = {
    "glossary-variant-spelling": WARNING,
    "glossary-term": ERROR,
    "glossary-kept-term": ERROR,
    "glossary-inconsistent": WARNING,
    "glossary-translation-missing": WARNING,
    "glossary-explanation-missing": WARNING,
}


def run_site(site: Site) -> Iterator[Finding]:
    """Per locale: the terms with no approved translation, a kept term (NMDA) translated, and the
    expansions and definitions its pages would show in the source language."""
    for locale, (catalog, file) in site.glossary_catalogs.items():
        missing: list[tuple[Term, Message | None]] = []
        for term in site.glossary.terms:
            message = catalog.messages.get(term.term) if catalog else None
            if message is None or not message.translated:
                missing.append((term, message))
            elif term.keep and terms.nfc(message.msgstr.strip()) != terms.nfc(term.term):
                text = f"'{term.term}' is kept as it is in every language; write '{term.term}', not '{message.msgstr}'"
                yield _site_finding("glossary-kept-term", locale, file, message, term.term, text)
        yield from _missing_terms(site, locale, file, missing)
        if parse_locale(locale).language != site.source.language:
            yield from _missing_explanations(site, locale, file, catalog)


def _missing_terms(
    site: Site, locale: str, file: str, missing: list[tuple[Term, Message | None]]
) -> Iterator[Finding]:
    """One finding per term while a few are missing; one for all of them, naming them, while
    at least half the glossary is (a language just started): the real findings stay in view."""
    if len(missing) * 2 < len(site.glossary.terms):
        for term, message in missing:
            text = f"no approved translation of '{term.term}' yet: translations of it cannot be checked"
            yield _site_finding(
                "glossary-translation-missing", locale, file, message, term.term, text
            )
        return
    if missing:
        names = ", ".join(f"'{term.term}'" for term, _ in missing)
        text = f"glossary.po: {len(missing)} of {len(site.glossary.terms)} glossary terms not translated yet (translations of them cannot be checked, and pages explain none of them): {names}"
        term, message = missing[0]
        yield _site_finding("glossary-translation-missing", locale, file, message, term.term, text)


def _missing_explanations(
    site: Site, locale: str, file: str, catalog: Catalog | None
) -> Iterator[Finding]:
    """The expansions and definitions of translated terms still in the source language: "Words
    to know" shows them so (marked with its ``lang``). One finding, naming the terms."""
    found: list[tuple[Term, Message | None]] = []
    for term in site.glossary.terms:
        if catalog is None or catalog.translation(term.term) is None:
            continue  # the term itself is missing: said above
        texts = [t for t in (term.expansion, term.definition) if t]
        if any(catalog.translation(t) is None for t in texts):
            found.append((term, catalog.messages.get(term.definition)))
    if found:
        names = ", ".join(f"'{term.term}'" for term, _ in found)
        text = f"glossary.po: the expansion or definition of {len(found)} term(s) not translated yet (the pages show them in {site.source.english_name}): {names}"
        term, message = found[0]
        yield _site_finding(
            "glossary-explanation-missing", locale, file, message, term.definition, text
        )


def _site_finding(
    check: str, locale: str, file: str, message: Message | None, msgid: str, text: str
) -> Finding:
    line = message.line if message else None
    return Finding(check, CHECKS[check], GLOSSARY_DOMAIN, locale, file, line, msgid, text)


def run(subject: Subject) -> Iterator[Finding]:
    if subject.is_source:
        yield from _source_variants(subject)
    elif subject.catalog is not None:
        yield from _approved_terms(subject)


def _source_variants(subject: Subject) -> Iterator[Finding]:
    language = subject.locale.language
    for unit in subject.article.units:
        for term in subject.site.glossary.terms:
            for variant in term.variants:
                if terms.source_mentions(unit.msgid, variant, language):
                    text = f"'{variant}' is a variant spelling of the glossary term '{term.term}' (the author's text stays as it is)"
                    yield subject.finding(
                        "glossary-variant-spelling", WARNING, text, unit.msgid, unit.line
                    )


def _approved_terms(subject: Subject) -> Iterator[Finding]:
    """Each translated unit whose source uses a term must use the approved translation."""
    uses: dict[str, dict[bool, list[int]]] = defaultdict(lambda: {True: [], False: []})
    assert subject.catalog is not None
    for message in subject.catalog.messages.values():
        if not message.translated or terms.nfc(message.msgstr) == terms.nfc(message.msgid):
            continue
        for term in mentioned_terms(
            message.msgid, subject.site.glossary.terms, subject.site.source.language
        ):
            approved = term.term if term.keep else _approved(subject, term)
            if approved is None:
                continue
            ok = _uses(message, term, approved, subject.locale.language)
            uses[term.term][ok].append(message.line)
            if not ok:
                yield _term_finding(subject, term, approved, message)
    for term_name, by_result in uses.items():
        if by_result[True] and by_result[False]:
            lines = ", ".join(str(line) for line in by_result[False])
            text = f"'{term_name}' is translated two ways in this article: as approved in {len(by_result[True])} unit(s), differently at line(s) {lines}"
            yield subject.finding("glossary-inconsistent", WARNING, text)


@lru_cache(maxsize=2048)
def mentioned_terms(
    source_text: str, glossary_terms: tuple[Term, ...], language: str
) -> tuple[Term, ...]:
    """The terms a source text uses; it depends on the text alone, so it is found once per text,
    not again for every locale."""
    return tuple(t for t in glossary_terms if terms.source_mentions(source_text, t.term, language))


def _approved(subject: Subject, term: Term) -> str | None:
    catalog = subject.glossary_catalog
    return catalog.translation(term.term) if catalog else None


def _uses(message: Message, term: Term, approved: str, language: str) -> bool:
    if term.keep:
        return terms.verbatim(message.msgstr, term.term)
    return terms.mentions(message.msgstr, approved, language)


def _term_finding(subject: Subject, term: Term, approved: str, message: Message) -> Finding:
    if term.keep:
        text = f"the source uses '{term.term}', which stays as it is in every language; it is missing here"
        return subject.finding("glossary-kept-term", ERROR, text, message.msgid, message.line)
    text = f"the source uses '{term.term}'; use the approved translation '{approved}' (glossary.po)"
    return subject.finding("glossary-term", ERROR, text, message.msgid, message.line)
