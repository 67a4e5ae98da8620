"""Readability per version and per unit, with the formula made for each language.

textstat splits sentences on ``.!?`` only and counts markup as words, so every unit is turned
into plain text and closed with a full stop if it has none: a heading or a list item is a
sentence of its own. Scores are computed with textstat's backend functions, which take the
language explicitly (its ``set_lang`` is global state). textstat 0.7.8 is pinned: later
releases download the CMU dictionary through NLTK at first use, which fails offline.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from types import ModuleType
from typing import Any

from pipeline.language.terms import unicode_words
from pipeline.language.text import plain_text
from pipeline.model import DocumentReadability

_URL = re.compile(r"https?://\S+")
_FOOTNOTE = re.compile(r"\[\^[^\]]+\]")
_END = re.compile(r"[.!?…؟][\"”’»)\]]*$")
_SENTENCE_END = re.compile(r"(?<=[.!?…؟])[\"”’»)]*\s+")


@dataclass(frozen=True)
class Formula:
    name: str  # stable id used in pyproject targets and the JSON report
    label: str  # what an editor reads
    higher_is_easier: bool
    score: Callable[[str], float]


@cache
def metrics() -> ModuleType:
    """textstat's metrics, on first use: a build with nothing to score never imports textstat,
    the CMU dictionary or the hyphenation tables."""
    from textstat.backend import metrics  # noqa: PLC0415

    from pipeline.language import syllables  # noqa: PLC0415

    syllables.install()
    return metrics


def _formula(name: str, label: str, higher_is_easier: bool, metric: str, *args: Any) -> Formula:
    """``metric`` names a function of textstat's backend, called with the text and ``args``."""
    return Formula(
        name, label, higher_is_easier, lambda text: float(getattr(metrics(), metric)(text, *args))
    )


FORMULAS: dict[str, list[Formula]] = {
    "en": [
        _formula(
            "flesch_kincaid_grade",
            "Flesch-Kincaid grade",
            False,
            "flesch_kincaid_grade",
            "en",
        ),
        _formula("flesch_reading_ease", "Flesch Reading Ease", True, "flesch_reading_ease", "en"),
        _formula("smog_index", "SMOG", False, "smog_index", "en"),
        _formula("dale_chall", "Dale-Chall", False, "dale_chall_readability_score", "en"),
    ],
    "es": [
        _formula("fernandez_huerta", "Fernández-Huerta", True, "fernandez_huerta", "es"),
        _formula("szigriszt_pazos", "Szigriszt-Pazos", True, "szigriszt_pazos", "es"),
    ],
    "de": [
        _formula("flesch_amstad", "Flesch (Amstad)", True, "flesch_reading_ease", "de"),
        _formula(
            "wiener_sachtextformel",
            "Wiener Sachtextformel",
            False,
            "wiener_sachtextformel",
            1,
            "de",
        ),
    ],
    "fr": [_formula("kandel_moles", "Kandel-Moles", True, "flesch_reading_ease", "fr")],
    "it": [_formula("gulpease", "Gulpease", True, "gulpease_index")],
    "ar": [_formula("osman", "Osman", True, "osman")],
}

# (metric, limit) per language; plain versions get the second, stricter limit.
DEFAULT_TARGETS: dict[str, tuple[str, float, float]] = {
    "en": ("flesch_kincaid_grade", 10.0, 6.0),
    "es": ("fernandez_huerta", 55.0, 70.0),
    "de": ("flesch_amstad", 35.0, 60.0),
    "fr": ("kandel_moles", 35.0, 60.0),
    "it": ("gulpease", 50.0, 70.0),
    "ar": ("osman", 20.0, 50.0),
}
PLAIN_MAX_SENTENCE_WORDS = 20


@dataclass(frozen=True)
class Target:
    metric: str
    limit: float
    higher_is_easier: bool

    def met(self, score: float) -> bool:
        return score >= self.limit if self.higher_is_easier else score <= self.limit

    def describe(self) -> str:
        return f"{bound(self.higher_is_easier)} {self.limit:g}"


def meets(score: float, doc: DocumentReadability) -> bool:
    """Whether a score (a unit's, a sentence's) is within its version's target: ``Target.met``,
    the one rule, for the reports that hold the version's readability rather than its target."""
    return Target(doc.metric or "", doc.target or 0.0, bool(doc.higher_is_easier)).met(score)


def bound(higher_is_easier: bool | None, symbol: bool = False) -> str:
    """How every report words a target's direction, in one place: an ease score is met from
    below ("at least", ≥), a grade from above ("at most", ≤)."""
    if symbol:
        return "≥" if higher_is_easier else "≤"
    return "at least" if higher_is_easier else "at most"


@lru_cache(maxsize=2048)
def plain_words(markdown_text: str) -> str:
    """The words a reader reads: no markup, URLs or footnote markers."""
    text = plain_text(_FOOTNOTE.sub("", markdown_text))
    return re.sub(r"\s+", " ", _URL.sub("", text)).strip()


def as_sentence(text: str) -> str:
    """A unit is at least one sentence, even without a full stop (headings, list items)."""
    return text if not text or _END.search(text) else text + "."


def document_text(units: list[str]) -> str:
    return " ".join(as_sentence(plain_words(u)) for u in units if plain_words(u))


def formulas_for(language: str) -> list[Formula]:
    """Empty when textstat has no formula made for the language: we say so rather than guess."""
    return FORMULAS.get(language, [])


def scores(text: str, language: str) -> dict[str, float]:
    return {f.name: round(f.score(text), 2) for f in formulas_for(language)} if text else {}


def why(text: str, language: str) -> tuple[float, float | None]:
    """What makes a text hard, in the two quantities every Flesch-style formula weighs:
    words per sentence and syllables per word (None where textstat cannot count syllables)."""
    backend = metrics()
    words = round(backend.words_per_sentence(text), 1)
    try:
        syllables: float | None = round(backend.syllables_per_word(text, language), 2)
    except KeyError:  # no hyphenation dictionary for the language (Arabic)
        syllables = None
    return words, syllables


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(text) if s.strip()]


_COUNTED_WORD = r"\w+(?:[-'’]\w+)*"  # combining marks inside: see ``terms.unicode_words``


def word_count(sentence: str) -> int:
    """Words as a reader counts them: "दवाई" is one word, not a word and a vowel sign."""
    return len(unicode_words(_COUNTED_WORD).findall(sentence))


def target_for(
    locale_name: str, language: str, plain: bool, configured: dict[str, Target]
) -> Target | None:
    """The configured target for a locale (already validated by ``config``) or the default."""
    if locale_name in configured:
        return configured[locale_name]
    default = DEFAULT_TARGETS.get(language)
    if default is None:
        return None
    metric, standard, strict = default
    formula = next(f for f in formulas_for(language) if f.name == metric)
    return Target(metric, strict if plain else standard, formula.higher_is_easier)


def parse_target(language: str, table: Any) -> Target | str:
    """A ``[tool.pipeline.readability."<locale>"]`` table as a Target, or what is wrong with it."""
    by_name = {f.name: f for f in formulas_for(language)}
    if not by_name:
        return f"textstat has no readability formula for the language {language!r}"
    if (
        not isinstance(table, dict)
        or set(table) - {"metric", "min", "max"}
        or not isinstance(table.get("metric"), str)
    ):
        return 'expected metric = "<name>" and min = N or max = N'
    formula = by_name.get(table["metric"])
    if formula is None:
        return f"metric {table['metric']!r} does not exist for this language (known: {sorted(by_name)})"
    bound = "min" if formula.higher_is_easier else "max"
    if not isinstance(table.get(bound), (int, float)) or isinstance(table.get(bound), bool):
        easier = "higher" if formula.higher_is_easier else "lower"
        return f"{formula.label} is {easier} when easier, so give '{bound} = N'"
    return Target(formula.name, float(table[bound]), formula.higher_is_easier)
