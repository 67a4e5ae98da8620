"""The editorial quality gates: every check returns findings, none writes or raises.

| check id                    | severity | what a translator or editor does about it            |
|-----------------------------|----------|------------------------------------------------------|
| readability-target          | error    | simplify the hardest units of that version           |
| plain-long-sentence         | error    | split a plain-language sentence over 20 words        |
| plain-rare-word             | warning  | use an everyday word, or explain it / add to glossary |
| glossary-variant-spelling   | warning  | (source) know the site's spelling; text stays as is   |
| glossary-term               | error    | use the approved translation from glossary.po        |
| glossary-kept-term          | error    | keep the term (NMDA) exactly as it is                |
| glossary-inconsistent       | warning  | one term, two translations in one article            |
| glossary-translation-missing| warning  | translate the term in glossary.po                    |
| link-target, image-source, code-span, footnote-marker, emphasis, broken-markdown | error | restore the markup |
| number                      | error    | keep every number of the source                      |
| unsafe-html                 | error    | remove HTML; it never reaches the page anyway        |
| untranslated-identical      | warning  | translate it, or add a note saying why it stays      |
| whitespace                  | warning  | match leading/trailing spaces                        |
| incomplete, catalogue-outdated, catalogue-missing | warning | translate, or run `pipeline update` |
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from wordfreq import top_n_list, zipf_frequency

from pipeline import glossary as terms
from pipeline import markup, readability
from pipeline.locales import LocaleInfo
from pipeline.model import Article, Catalog, DocumentReadability, Finding, Glossary, Term, Unit, UnitScore

BODY_KINDS = ("paragraph", "heading", "list item", "table", "blockquote", "definition", "footnote")
HARDEST = 10
HARDEST_MIN_WORDS = 6  # on a three-word list item a formula's score is noise, not advice
COMMON_WORDS = 25000  # a word whose stem is among the stems of these is not rare
RARE_ZIPF = 2.5  # about one use in three million words: inflected forms of everyday verbs stay above it
ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Subject:
    """What the checks of one article in one locale look at."""

    article: Article
    locale: LocaleInfo
    catalog: Catalog | None  # None for the source locale
    glossary: Catalog | None
    rel: str  # the file findings point to (PO file, or the source for the source locale)

    def finding(self, check: str, severity: str, message: str, msgid: str = "", line: int | None = None) -> Finding:
        return Finding(check, severity, self.article.slug, self.locale.name, self.rel, line, msgid, message)


def is_body(unit: Unit) -> bool:
    return unit.kind.startswith(BODY_KINDS) or unit.kind.split(" ", 1)[-1].startswith(BODY_KINDS)


# --- readability -------------------------------------------------------------------------------


def readability_report(version: Subject, targets: dict) -> tuple[DocumentReadability, list[Finding]]:
    """Score the version's own words (untranslated units are left out: they are not its language)."""
    language = version.locale.language
    shown, untranslated = _shown_units(version)
    formulas = readability.formulas_for(language)
    target = readability.target_for(version.locale.name, language, version.locale.is_plain, targets)
    text = readability.document_text([text for _, text, _ in shown])
    doc_scores = readability.scores(text, language)
    units = _unit_scores(shown, language, target) if formulas and target else ()
    hardest = _hardest(units, target) if target else ()
    met = target.met(doc_scores[target.metric]) if target and doc_scores else None
    document = DocumentReadability(
        article=version.article.slug, locale=version.locale.name, language=language, formula_available=bool(formulas),
        scores=doc_scores, metric=target.metric if target else None, target=target.limit if target else None,
        higher_is_easier=target.higher_is_easier if target else None, met=met,
        units_scored=len(shown), units_untranslated=untranslated, units=units, hardest=hardest,
    )  # fmt: skip
    findings = []
    if met is False and target:
        first = hardest[0] if hardest else None
        hint = f"; start with line {first.line} ({first.score:g}: {first.why()}): “{_short(first.text)}”" if first else ""
        findings.append(version.finding("readability-target", ERROR, f"{_label(language, target.metric)} is {doc_scores[target.metric]:g}, target {target.describe()}{hint}"))
    if version.locale.is_plain:
        findings += _plain_language(version, shown)
    return document, findings


def _shown_units(version: Subject) -> tuple[list[tuple[Unit, str, int | None]], int]:
    shown, untranslated, seen = [], 0, set()
    for unit in version.article.units:
        if not is_body(unit) or unit.msgid in seen:
            continue
        seen.add(unit.msgid)
        if version.catalog is None:
            shown.append((unit, unit.msgid, unit.line))
            continue
        message = version.catalog.messages.get(unit.msgid)
        if message is None or not message.translated:
            untranslated += 1
        else:
            shown.append((unit, message.msgstr, message.line))
    return shown, untranslated


def _unit_scores(shown: list[tuple[Unit, str, int | None]], language: str, target: readability.Target) -> tuple[UnitScore, ...]:
    """Every unit's score with the targeted formula, in article order."""
    formula = next(f for f in readability.formulas_for(language) if f.name == target.metric)
    scored = []
    for unit, text, line in shown:
        plain = readability.as_sentence(readability.plain_words(text))
        if plain:
            words, syllables = readability.why(plain, language)
            scored.append(UnitScore(unit.msgid, plain, line, round(formula.score(plain), 2), words, syllables))
    return tuple(scored)


def _hardest(units: tuple[UnitScore, ...], target: readability.Target) -> tuple[UnitScore, ...]:
    ranked = [u for u in units if readability.word_count(u.text) >= HARDEST_MIN_WORDS]
    ranked.sort(key=lambda u: u.score if target.higher_is_easier else -u.score)
    return tuple(ranked[:HARDEST])


def _plain_language(version: Subject, shown: list[tuple[Unit, str, int | None]]) -> list[Finding]:
    findings = []
    language = version.locale.language
    explained = _glossary_stems(version)
    notes = {m.msgid: m.note for m in version.catalog.messages.values()} if version.catalog else {}
    for unit, text, line in shown:
        plain = readability.plain_words(text)
        if text == unit.msgid and notes.get(unit.msgid):
            continue  # kept verbatim on purpose (a citation), and the translator said why
        for sentence in readability.sentences(plain):
            words = readability.word_count(sentence)
            if words > readability.PLAIN_MAX_SENTENCE_WORDS:
                findings.append(version.finding("plain-long-sentence", ERROR, f"{words} words (plain language: at most {readability.PLAIN_MAX_SENTENCE_WORDS}): “{_short(sentence)}”", unit.msgid, line))
        if text != unit.msgid:
            rare = _rare_words(plain, language, explained | set(terms.words(unit.msgid)))
            if rare:
                findings.append(version.finding("plain-rare-word", WARNING, f"rare word(s) not explained by the glossary: {', '.join(rare)}", unit.msgid, line))
    return findings


def _glossary_stems(version: Subject) -> set[str]:
    language = version.locale.language
    found: set[str] = set()
    if version.glossary:
        for message in version.glossary.messages.values():
            if message.translated and len(message.msgstr) < 60:
                found.update(terms.stems(message.msgstr, language))
    return found


def _rare_words(text: str, language: str, explained: set[str]) -> list[str]:
    """Rare as a word *and* as a family: "vigilarán" is a rare form of the everyday "vigilar"."""
    rare = []
    common = _common_stems(language)
    for word in dict.fromkeys(w for w in terms.words(text) if w.isalpha() and len(w) > 3):
        if zipf_frequency(word, language) >= RARE_ZIPF or word in explained:
            continue
        stem = set(terms.stems(word, language))
        if not stem & explained and not stem & common:
            rare.append(word)
    return rare


@cache
def _common_stems(language: str) -> frozenset[str]:
    """Stems of the language's most frequent words (wordfreq), so inflected forms count as common."""
    return frozenset(stem for word in top_n_list(language, COMMON_WORDS) for stem in terms.stems(word, language))


# --- glossary ----------------------------------------------------------------------------------


def source_variants(article: Article, glossary: Glossary, source_language: str, rel: str, locale: str) -> list[Finding]:
    findings = []
    for unit in article.units:
        for term in glossary.terms:
            for variant in term.variants:
                if terms.source_mentions(unit.msgid, variant, source_language):
                    message = f"'{variant}' is a variant spelling of the glossary term '{term.term}' (the author's text stays as it is)"
                    findings.append(Finding("glossary-variant-spelling", WARNING, article.slug, locale, rel, unit.line, unit.msgid, message))
    return findings


def glossary_catalogue(glossary: Glossary, catalog: Catalog | None, locale: LocaleInfo, rel: str) -> list[Finding]:
    """Once per term: a missing approved translation, or a kept term (NMDA) translated."""
    findings = []
    for term in glossary.terms:
        message = catalog.messages.get(term.term) if catalog else None
        if message is None or not message.translated:
            findings.append(Finding("glossary-translation-missing", WARNING, "glossary", locale.name, rel, message.line if message else None, term.term, f"no approved translation of '{term.term}' yet: translations of it cannot be checked"))
        elif term.keep and message.msgstr.strip() != term.term:
            findings.append(Finding("glossary-kept-term", ERROR, "glossary", locale.name, rel, message.line, term.term, f"'{term.term}' is kept as it is in every language; write '{term.term}', not '{message.msgstr}'"))
    return findings


def glossary_terms(version: Subject, glossary: Glossary, source_language: str) -> list[Finding]:
    """Each translated unit whose source uses a term must use the approved translation."""
    findings = []
    uses: dict[str, dict[bool, list[int | None]]] = defaultdict(lambda: {True: [], False: []})
    assert version.catalog is not None
    for message in version.catalog.messages.values():
        if not message.translated or message.msgstr == message.msgid:
            continue
        for term in glossary.terms:
            if not terms.source_mentions(message.msgid, term.term, source_language):
                continue
            approved = term.term if term.keep else (version.glossary.translation(term.term) if version.glossary else None)
            if approved is None:
                continue
            ok = terms.verbatim(message.msgstr, term.term) if term.keep else terms.mentions(message.msgstr, approved, version.locale.language)
            uses[term.term][ok].append(message.line)
            if not ok:
                findings.append(_term_finding(version, term, approved, message.msgid, message.line))
    for term_name, by_result in uses.items():
        if by_result[True] and by_result[False]:
            lines = ", ".join(str(l) for l in by_result[False])
            findings.append(version.finding("glossary-inconsistent", WARNING, f"'{term_name}' is translated two ways in this article: as approved in {len(by_result[True])} unit(s), differently at line(s) {lines}"))
    return findings


def _term_finding(version: Subject, term: Term, approved: str, msgid: str, line: int | None) -> Finding:
    if term.keep:
        return version.finding("glossary-kept-term", ERROR, f"the source uses '{term.term}', which stays as it is in every language; it is missing here", msgid, line)
    return version.finding("glossary-term", ERROR, f"the source uses '{term.term}'; use the approved translation '{approved}' (glossary.po)", msgid, line)


# --- markup, numbers, safety, completeness -----------------------------------------------------


def markup_parity(version: Subject) -> list[Finding]:
    findings = []
    assert version.catalog is not None
    for message in version.catalog.messages.values():
        if not message.msgstr:
            continue
        msgid, msgstr, line = message.msgid, message.msgstr, message.line
        for check, text in markup.parity_problems(msgid, msgstr):
            findings.append(version.finding(check, ERROR, text, msgid, line))
        missing, added = markup.number_problem(msgid, msgstr)
        for check, severity, text in [
            ("number", ERROR, missing),
            ("number-added", WARNING, added),
            ("unsafe-html", ERROR, markup.unsafe_html(msgid, msgstr)),
            ("whitespace", WARNING, markup.whitespace_problem(msgid, msgstr)),
        ]:
            if text:
                findings.append(version.finding(check, severity, text, msgid, line))
        if msgstr == msgid and len(msgid) >= markup.LONG_UNTRANSLATED and version.locale.language != "en" and not message.note:
            findings.append(version.finding("untranslated-identical", WARNING, "the translation is the English text: translate it, or add a translator note (# …) saying why it stays", msgid, line))
    return findings


def completeness(version: Subject) -> list[Finding]:
    if version.catalog is None:
        return [version.finding("catalogue-missing", WARNING, f"no catalogue for this locale: run `pipeline init {version.locale.name}`")]
    findings = []
    messages = version.catalog.messages
    missing = [u for u in version.article.units if u.msgid not in messages]
    if missing:
        findings.append(version.finding("catalogue-outdated", WARNING, f"{len(missing)} text(s) of the article are not in this catalogue: run `pipeline update`", missing[0].msgid))
    untranslated = [m for m in messages.values() if not m.msgstr]
    fuzzy = [m for m in messages.values() if m.fuzzy and m.msgstr]
    if untranslated or fuzzy:
        first = (untranslated or fuzzy)[0]
        findings.append(version.finding("incomplete", WARNING, f"{len(untranslated)} untranslated and {len(fuzzy)} fuzzy of {len(messages)} entries: the page shows them in English", first.msgid, first.line))
    return findings


def _label(language: str, metric: str) -> str:
    return next((f.label for f in readability.formulas_for(language) if f.name == metric), metric)


def _short(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --- all checks of a project -------------------------------------------------------------------


@dataclass(frozen=True)
class CheckResult:
    documents: tuple[DocumentReadability, ...]
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> int:
        return sum(f.severity == ERROR for f in self.findings)


def run_all(
    rel: Callable[[Path], str],
    source: LocaleInfo,
    locales: tuple[LocaleInfo, ...],
    articles: tuple[Article, ...],
    glossary: Glossary,
    catalogs: dict[tuple[str, str], Catalog],
    po_path: Callable[[str, str], Path],
    targets: dict,
) -> CheckResult:
    """Every check, for every article in every locale; the source locale is scored and spell-checked too."""
    documents, findings = [], []
    for locale in locales:
        glossary_catalog = catalogs.get((locale.name, "glossary"))
        findings += glossary_catalogue(glossary, glossary_catalog, locale, rel(po_path(locale.name, "glossary")))
    for article in articles:
        source_rel = rel(article.path)
        findings += source_variants(article, glossary, source.language, source_rel, source.name)
        document, found = readability_report(Subject(article, source, None, None, source_rel), targets)
        documents.append(document)
        findings += found
        for locale in locales:
            version = Subject(article, locale, catalogs.get((locale.name, article.slug)), catalogs.get((locale.name, "glossary")), rel(po_path(locale.name, article.slug)))
            findings += completeness(version)
            if version.catalog is None:
                continue
            document, found = readability_report(version, targets)
            documents.append(document)
            findings += found + glossary_terms(version, glossary, source.language) + markup_parity(version)
    return CheckResult(tuple(documents), tuple(findings))
