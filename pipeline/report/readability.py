"""The readability view: one version's text with its hardest sentences marked, as an editor marks a printout.

A version's score says *that* it is hard; this page says *where* and *why*. Every sentence of
the version's own text is scored with the formula its target uses; the hardest ones that miss
the target are highlighted with a numbered ``<mark>`` and, beside each, a note gives the
quantities every Flesch-style formula weighs: words in the sentence, long words (by syllables,
as the formulas count them; Arabic by letters, as Osman's formula does) and rare words (the
``plain-rare-word`` check's own definition, wordfreq and the language's word families). The
highlight is never colour alone: the number, the border and the note say it too.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from pipeline.checks.plain import rare_words
from pipeline.checks.subject import is_body
from pipeline.language import formulas, terms
from pipeline.locales import LocaleInfo, parse_locale
from pipeline.model import Article, DocumentReadability

if TYPE_CHECKING:  # Jinja is imported where a template is rendered
    from jinja2 import Environment

MARKED = 12  # the editor's short list: more marks than this on one page are noise
MIN_WORDS = 6  # as in the hardest-units table: a formula on three words is noise
LONG_SYLLABLES = {
    "en": 3,
    "de": 3,
}  # SMOG's and Wiener Sachtextformel's "polysyllables"; Romance languages: 4
ARABIC_LONG_LETTERS = 6  # Osman: a long word has more than five letters


@dataclass(frozen=True)
class Sentence:
    text: str
    number: int | None = None  # set on the marked ones, in reading order
    score: float | None = None
    words: int = 0
    long_words: tuple[str, ...] = ()
    rare_words: tuple[str, ...] = ()


@dataclass(frozen=True)
class Block:
    """One unit of the article as the view shows it."""

    kind: str  # "heading" or "text"
    level: int  # heading level in the view: under its h1 and h2, the article's h1 is an h3
    sentences: tuple[Sentence, ...]
    status: str = ""  # "", "untranslated" (shown in the source language) or "kept" (a citation)


def version_anchor(locale: str, article: str | None) -> str:
    """A version's part of the ids on its language's report page (``es-plain-sleep``; for the
    site-wide catalogues, ``site-es``): the report's rows and groups, and this view's way back."""
    return (
        f"{locale.replace('@', '-')}-{article}" if article else f"site-{locale.replace('@', '-')}"
    )


def path_for(doc: DocumentReadability) -> str:
    """Where the view of a version is written, relative to ``output/``."""
    return f"reports/readability/{parse_locale(doc.locale).file_stem}/{doc.article}.html"


def has_view(doc: DocumentReadability) -> bool:
    return doc.formula_available and doc.metric is not None and doc.target is not None


def view(
    doc: DocumentReadability,
    article: Article,
    env: Environment,
    site_name: str,
    source: LocaleInfo,
    page_path: str | None,
) -> tuple[str, str] | None:
    """(path under ``output/``, html) of a version's view; None for a language without a formula."""
    if not has_view(doc):
        return None
    blocks = _mark(_blocks(doc, article, doc.locale == source.name), doc)
    formula = next(f for f in formulas.formulas_for(doc.language) if f.name == doc.metric)
    return path_for(doc), env.get_template("readability.html").render(
        site_name=site_name, doc=doc, locale=parse_locale(doc.locale), source=source, blocks=blocks,
        marked=[s for b in blocks for s in b.sentences if s.number is not None], formula=formula,
        bound=formulas.bound(doc.higher_is_easier), limit=MARKED, long_rule=_long_rule(doc.language),
        page_href=f"../../../{page_path}" if page_path else None,
        report_href=f"../../{parse_locale(doc.locale).file_stem}.html#version-{version_anchor(doc.locale, doc.article)}",
        sentences=sum(len(b.sentences) for b in blocks if not b.status),
    )  # fmt: skip


def _blocks(doc: DocumentReadability, article: Article, is_source: bool) -> list[Block]:
    """The article's body units in order: the version's own text, scored sentence by sentence."""
    scored = {u.msgid: u for u in doc.units}
    seen: set[str] = set()
    blocks = []
    previous = 2  # the view's own h2 holds the text: an article heading is at most one level deeper
    for unit in article.units:
        if not is_body(unit) or unit.msgid in seen:
            continue
        seen.add(unit.msgid)
        level = (
            min(int(unit.kind[-2]) + 2, 6, previous + 1)
            if unit.kind.startswith("heading (h")
            else 0
        )
        previous = level or previous
        kind = "heading" if level else "text"
        score = scored.get(unit.msgid)
        if score is None:  # not the version's words: shown in the source language, not scored
            text = formulas.plain_words(unit.msgid)
            if text and not is_source:
                blocks.append(Block(kind, level, (Sentence(text),), "untranslated"))
        elif unit.msgid in doc.kept:
            blocks.append(Block(kind, level, (Sentence(formulas.plain_words(score.raw)),), "kept"))
        else:
            text = formulas.plain_words(score.raw or unit.msgid)
            blocks.append(
                Block(
                    kind,
                    level,
                    tuple(
                        _sentence(s, doc.language, doc.metric or "")
                        for s in formulas.sentences(text)
                    ),
                )
            )
    return blocks


@lru_cache(maxsize=2048)
def _sentence(text: str, language: str, metric: str) -> Sentence:
    formula = next(f for f in formulas.formulas_for(language) if f.name == metric)
    words = formulas.word_count(text)
    score = round(formula.score(formulas.as_sentence(text)), 1) if words >= MIN_WORDS else None
    return Sentence(text, None, score, words)


def _mark(blocks: list[Block], doc: DocumentReadability) -> list[Block]:
    """Number the hardest sentences that miss the target, in reading order, and say why each is hard."""
    places = [
        (b, i)
        for b, block in enumerate(blocks)
        if not block.status
        for i, s in enumerate(block.sentences)
        if s.score is not None and not formulas.meets(s.score, doc)
    ]
    places.sort(
        key=lambda p: (
            (1 if doc.higher_is_easier else -1) * (blocks[p[0]].sentences[p[1]].score or 0)
        )
    )
    chosen = sorted(places[:MARKED])
    numbers = {place: n for n, place in enumerate(chosen, start=1)}
    return [
        Block(
            block.kind,
            block.level,
            tuple(
                _why(s, numbers[(b, i)], doc.language) if (b, i) in numbers else s
                for i, s in enumerate(block.sentences)
            ),
            block.status,
        )
        for b, block in enumerate(blocks)
    ]


def _why(sentence: Sentence, number: int, language: str) -> Sentence:
    rare = tuple(rare_words(sentence.text, language, frozenset()))
    return Sentence(
        sentence.text,
        number,
        sentence.score,
        sentence.words,
        _long_words(sentence.text, language),
        rare,
    )


def _long_words(text: str, language: str) -> tuple[str, ...]:
    words = dict.fromkeys(w for w in terms.words(text, language) if terms.lettered(w))
    if language == "ar":
        return tuple(w for w in words if len(w) >= ARABIC_LONG_LETTERS)
    limit = LONG_SYLLABLES.get(language, 4)
    formulas.metrics()  # textstat, with the pipeline's syllable counting installed
    from textstat.backend.counts import count_syllables  # noqa: PLC0415

    return tuple(w for w in words if count_syllables(w, language) >= limit)


def _long_rule(language: str) -> str:
    if language == "ar":
        return f"{ARABIC_LONG_LETTERS} letters or more"
    return f"{LONG_SYLLABLES.get(language, 4)} syllables or more"
