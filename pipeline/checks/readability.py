"""Readability of each version against its target, with the formula made for its language.

Untranslated units are left out of a version's score: they are not its language.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from pipeline.checks.subject import Shown, Subject, short
from pipeline.language import formulas
from pipeline.model import ERROR, DocumentReadability, Finding, UnitScore

CHECKS = {"readability-target": ERROR}
HARDEST = 10
HARDEST_MIN_WORDS = 6  # on a three-word list item a formula's score is noise, not advice


def run(subject: Subject) -> Iterator[Finding]:
    if subject.catalog is None and not subject.is_source:
        return
    doc = document(subject)
    if doc.met is not False or doc.metric is None or doc.target is None:
        return
    first = doc.hardest[0] if doc.hardest else None
    hint = (
        f"; start with line {first.line} ({first.score:g}: {first.why()}): “{short(first.text)}”"
        if first
        else ""
    )
    target = formulas.Target(doc.metric, doc.target, bool(doc.higher_is_easier))
    message = f"{label(doc.language, doc.metric)} is {doc.scores[doc.metric]:g}, target {target.describe()}{hint}"
    yield subject.finding("readability-target", ERROR, message)


def document(subject: Subject) -> DocumentReadability:
    """The version's scores, every unit's score and the editors' short list of the hardest."""
    locale, language = subject.locale, subject.locale.language
    target = formulas.target_for(locale.name, language, locale.is_plain, subject.site.targets)
    kept = _kept(subject)
    texts = tuple(shown.text for shown in subject.shown)
    scores = _document_scores(texts, language)
    units = (
        _unit_scores(subject.shown, language, target.metric)
        if target and formulas.formulas_for(language)
        else ()
    )
    return DocumentReadability(
        article=subject.article.slug,
        locale=locale.name,
        language=language,
        formula_available=bool(formulas.formulas_for(language)),
        scores=scores,
        metric=target.metric if target else None,
        target=target.limit if target else None,
        higher_is_easier=target.higher_is_easier if target else None,
        met=target.met(scores[target.metric]) if target and scores else None,
        units_scored=len(subject.shown),
        units_untranslated=subject.untranslated,
        units=units,
        hardest=_hardest(units, target.higher_is_easier, kept) if target else (),
        kept=kept,
    )


@lru_cache(maxsize=256)
def _document_scores(texts: tuple[str, ...], language: str) -> dict[str, float]:
    """Scores depend on the text alone: a build computes them once per version's text."""
    return formulas.scores(formulas.document_text(list(texts)), language)


def _unit_scores(shown: tuple[Shown, ...], language: str, metric: str) -> tuple[UnitScore, ...]:
    """Every unit's score with the targeted formula, in article order."""
    return tuple(
        score
        for item in shown
        if (score := _unit_score(item.unit.msgid, item.text, item.line, language, metric))
    )


@lru_cache(maxsize=2048)
def _unit_score(
    msgid: str, text: str, line: int | None, language: str, metric: str
) -> UnitScore | None:
    plain = formulas.as_sentence(formulas.plain_words(text))
    if not plain:
        return None
    formula = next(f for f in formulas.formulas_for(language) if f.name == metric)
    words, syllables = formulas.why(plain, language)
    return UnitScore(msgid, plain, line, round(formula.score(plain), 2), words, syllables, raw=text)


def _kept(subject: Subject) -> frozenset[str]:
    """Citations kept in the source language on purpose: no translator can simplify them."""
    return frozenset(shown.unit.msgid for shown in subject.shown if subject.kept_on_purpose(shown))


def _hardest(
    units: tuple[UnitScore, ...], higher_is_easier: bool, kept: frozenset[str] = frozenset()
) -> tuple[UnitScore, ...]:
    ranked = [
        u for u in units if formulas.word_count(u.text) >= HARDEST_MIN_WORDS and u.msgid not in kept
    ]
    ranked.sort(key=lambda u: u.score if higher_is_easier else -u.score)
    return tuple(ranked[:HARDEST])


def label(language: str, metric: str) -> str:
    return next((f.label for f in formulas.formulas_for(language) if f.name == metric), metric)
