"""Glossary terms in running text, matched by stem (Snowball) so inflection does not count as drift.

Used by the checks (is the approved translation there?) and by the renderer (which terms does
a page use, to explain them in "Words to know"). Weblate matches glossary terms with an exact
regex; a German dative plural or an Arabic clitic would then look like a missing term.

Compounds: in a language that glues words together (``INSIDE_WORDS``), a term's stem may sit
inside a longer word ("Infusion" in "Ketamininfusionen", "Ketamin-Infusion",
"Infusionsbehandlung"), and a term of several words matches them written as one word or joined
by hyphens: an approved "Ketamin-Infusion" is found in "Ketamininfusionen", an approved
"Ketamininfusion" in "Ketamin-Infusionen". A translator never has to break a compound up
("Infusionen mit Ketamin") to be understood by the check.

Words in any script: a word keeps its combining marks (``unicode_words``); in a language written
without spaces (``UNSPACED``) each character of its script is a token, so a term is found as its
characters; Korean particles joined to a noun are taken off like an inflection (``korean``).

Every comparison is of text in Unicode NFC (``nfc``): a PO saved decomposed (NFD, as some macOS
tools write it) says the same words. A term with punctuation of its own (``C++``, ``C#``,
``.NET``) is matched as written, as a whole: by its words alone, "C++" would be the word "C".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from functools import cache, lru_cache
from typing import TYPE_CHECKING, TypeVar

import snowballstemmer

from pipeline.language.korean import ParticleStemmer

T = TypeVar("T")  # what a ``TermProbe`` sorts: anything with a term

if TYPE_CHECKING:
    import regex

SNOWBALL = {
    "ar": "arabic", "ca": "catalan", "cs": "czech", "da": "danish", "de": "german", "el": "greek",
    "en": "english", "eo": "esperanto", "es": "spanish", "et": "estonian", "eu": "basque",
    "fa": "persian", "fi": "finnish", "fr": "french", "ga": "irish", "hi": "hindi",
    "hu": "hungarian", "hy": "armenian", "id": "indonesian", "it": "italian", "lt": "lithuanian",
    "nb": "norwegian", "ne": "nepali", "nl": "dutch", "pl": "polish", "pt": "portuguese",
    "ro": "romanian", "ru": "russian", "sr": "serbian", "sv": "swedish", "ta": "tamil",
    "tr": "turkish", "yi": "yiddish",
}  # fmt: skip
# Languages that glue words together (compounds) or attach clitics (Arabic "وال" + noun, Hebrew
# "ל" + noun: "לכאב" is "for pain"): a term's stem may sit inside a longer word.
INSIDE_WORDS = {"ar", "da", "de", "fi", "he", "nb", "nl", "sv"}
# A word is letters, digits *and combining marks* (Unicode's definition, UTS #18, which the
# ``regex`` module follows): Python's ``re`` stops a word at every mark, so a Hindi "दवा" was the
# word "दव" and a vowel sign ("ा"), Arabic vocalised inside was several words, and a term's link
# could end inside a written syllable. Pages, checks and counts split text with this one rule.
_WORD = r"\w+(?:['’]\w+)*"
_LETTER_OR_MARK = r"[\p{L}\p{M}]+"
# Languages written without spaces between words (Chinese, Japanese, Thai, Lao, Khmer, Burmese,
# Tibetan, Dzongkha): a word cannot be told from its neighbours without a dictionary, and the
# whole run up to the next punctuation was one "word", so no term was ever found in them (every
# approved term reported missing, none linked). In these languages each character of those
# scripts (a grapheme: a Thai consonant with its vowel and tone marks) is a token of its own and
# a term is found as the characters it is written with, in order; words of other scripts inside
# (NMDA) stay whole. A term may then be found inside a longer word, as a reader would see it.
UNSPACED = {"zh", "yue", "ja", "th", "lo", "km", "my", "bo", "dz"}
_UNSPACED_SCRIPTS = r"\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}\p{Tibetan}"
_SPACED_LETTER = rf"[[\w--[{_UNSPACED_SCRIPTS}]]\p{{M}}]"  # a mark stays with its letter
_WORD_OR_CHARACTER = (
    rf"(?V1)(?=[[{_UNSPACED_SCRIPTS}]--\p{{M}}])\X|{_SPACED_LETTER}+(?:['’]{_SPACED_LETTER}+)*"
)
# Harakat and tatweel are optional in Arabic writing: removed before a word is compared, so a
# vocalised spelling is the plain one (the words' places on the page are found with them kept).
_ARABIC_DIACRITICS = re.compile("[\u064b-\u065f\u0670\u0640]")


@cache
def _stemmer(language: str) -> snowballstemmer.stemmer | ParticleStemmer | None:
    if language == "ko":
        return ParticleStemmer()  # particles joined to nouns: see ``korean``
    name = SNOWBALL.get(language)
    return snowballstemmer.stemmer(name) if name else None


@lru_cache(maxsize=4096)
def stems(text: str, language: str) -> tuple[str, ...]:
    """Lower-cased word stems; Arabic harakat removed so vocalised and plain spellings match."""
    found = words(text, language)
    stemmer = _stemmer(language)
    return tuple(stemmer.stemWords(found)) if stemmer else tuple(found)


def stems_of_many(texts: Iterable[str], language: str) -> list[str]:
    """The stems of every word of many texts (a word list), in one call into the stemmer and
    without passing through ``stems``'s memory, which a list of 25,000 words would only churn."""
    found = words("\n".join(texts), language)  # one pass: a line break is in no word
    stemmer = _stemmer(language)
    return stemmer.stemWords(found) if stemmer else found


def contains_term(text_stems: tuple[str, ...], term_stems: tuple[str, ...], language: str) -> bool:
    """Whether the term's stems occur in order, as consecutive words of the text."""
    return _first_window(text_stems, term_stems, language in INSIDE_WORDS) is not None


def _first_window(
    text_stems: tuple[str, ...], term_stems: tuple[str, ...], inside: bool
) -> int | None:
    """The index of the text's first word where the term's stems start, in order."""
    if not term_stems:
        return None
    size, first = len(term_stems), term_stems[0]
    for start in _starts(text_stems[: max(0, len(text_stems) - size + 1)], first, inside):
        if all(
            _same(text_stems[start + i], stem, inside) for i, stem in enumerate(term_stems[1:], 1)
        ):
            return start
    return None


def _starts(text_stems: tuple[str, ...], first: str, inside: bool) -> Iterator[int]:
    """Where the text's words are (or, inside compounds, hold) ``first``: found by ``index`` in C
    where only equal words count, as a page's text is searched for every term."""
    if inside and len(first) >= 3:
        yield from (i for i, word in enumerate(text_stems) if first in word)
        return
    start = 0
    while True:
        try:
            start = text_stems.index(first, start)
        except ValueError:
            return
        yield start
        start += 1


def _same(word: str, stem: str, inside: bool) -> bool:
    return word == stem or (inside and len(stem) >= 3 and stem in word)


def nfc(text: str) -> str:
    """``text`` in Unicode NFC: "é" as one character, however the file wrote it."""
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


_PUNCTUATED = r"[^\w\s'’\-‐‑]"  # a character no word holds (+ # . / &); marks are in words


@lru_cache(maxsize=4096)
def as_written(term: str) -> bool:
    """A term its words do not say (``C++``): found only as written, as a whole."""
    return unicode_words(_PUNCTUATED).search(term) is not None


def _written_at(text: str, term: str) -> tuple[int, int] | None:
    """The span of ``term`` as written, not inside a longer word, in the NFC text."""
    found = unicode_words(rf"(?<!\w){re.escape(nfc(term))}(?!\w)").search(nfc(text))
    return found.span() if found else None


def mentions(text: str, term: str, language: str) -> bool:
    if as_written(term):
        return _written_at(text, term) is not None
    if may_contain(text, term, language) and contains_term(
        stems(text, language), stems(term, language), language
    ):
        return True
    return language in INSIDE_WORDS and _compound_mentions(text, term, language)


_HYPHENATED = r"\w+(?:[-‐‑]\w+)+"


def _compound_mentions(text: str, term: str, language: str) -> bool:
    """A term of several words written as one ("Ketamin-Infusion" in "Ketamininfusionen") or the
    other way round ("Ketamininfusion" in "Ketamin-Infusionen"): words and hyphen groups joined."""
    joined = _joined_stem(words(term, language), language)
    if len(joined) < 3:
        return False
    candidates = set(stems(text, language))
    candidates.update(
        _joined_stem(words(group, language), language)
        for group in unicode_words(_HYPHENATED).findall(nfc(text))
    )
    return any(joined in candidate for candidate in candidates)


def _joined_stem(parts: list[str], language: str) -> str:
    stemmer = _stemmer(language)
    whole = "".join(parts)
    return stemmer.stemWord(whole) if stemmer else whole


def source_mentions(text: str, term: str, language: str) -> bool:
    """Stricter, for the author's text: same stem *and* nearly the same word.

    Snowball gives "sedated" and "sedative" one stem; in the source they are different words, and
    a translator must not be told to write "sedative" for "sedated".
    """
    if as_written(term):
        return _written_at(text, term) is not None
    if not may_contain(text, term, language):
        return False  # a text is asked about every term of the glossary: most are not there
    term_words, text_words = words(term, language), words(text, language)
    term_stems, text_stems = stems(term, language), stems(text, language)
    size = len(term_words)
    near = _near if language == "en" else (lambda word, term_word: True)
    return any(
        text_stems[i : i + size] == term_stems
        and all(
            near(word, term_word)
            for word, term_word in zip(text_words[i : i + size], term_words, strict=False)
        )
        for i in range(len(text_words) - size + 1)
    )


@cache
def unicode_words(pattern: str) -> regex.Pattern[str]:
    """``pattern`` compiled by ``regex``, where ``\\w`` takes in combining marks; imported at
    first use, as a build with nothing to redo splits no text."""
    import regex  # noqa: PLC0415

    return regex.compile(pattern)


def words(text: str, language: str) -> list[str]:
    return unicode_words(_word(language)).findall(_ARABIC_DIACRITICS.sub("", nfc(text)).lower())


def _word(language: str) -> str:
    return _WORD_OR_CHARACTER if language in UNSPACED else _WORD


def lettered(word: str) -> bool:
    """A word of letters (and the marks written on them), no digits: ``isalpha`` says no to any
    word with a vowel sign ("दवा") or a decomposed accent."""
    return unicode_words(_LETTER_OR_MARK).fullmatch(word) is not None


_ENGLISH_INFLECTIONS = ("", "s", "es", "'s", "’s")


def _near(word: str, term_word: str) -> bool:
    """ "opioids" is near "opioid"; "sedated" is not near "sedative", "intravenous" not "intravenously"."""
    short, long = sorted((word, term_word), key=len)
    return long.startswith(short) and long[len(short) :] in _ENGLISH_INFLECTIONS


def verbatim(text: str, term: str) -> bool:
    """For terms kept as they are (NMDA): the same letters, as a word of their own."""
    return _written_at(text, term) is not None


def find_term(text: str, term: str, language: str) -> tuple[int, int] | None:
    """Character span of the first occurrence of a term (by stem) in a text, to mark it on a page."""
    if as_written(term):
        return _written_at(text, term) if unicodedata.is_normalized("NFC", text) else None
    index = term_index(text, term, language)
    if index is None:
        return None
    tokens = _token_stems(text, language)
    return tokens[index][0], tokens[index + len(stems(term, language)) - 1][1]


def term_index(text: str, term: str, language: str) -> int | None:
    """Which word of the text (counted as ``find_term`` counts them) starts the term's first use:
    enough to order the terms of a page, without finding where each of its words sits."""
    if as_written(term):
        span = find_term(text, term, language)
        return (
            None if span is None else sum(1 for t in _token_stems(text, language) if t[0] < span[0])
        )
    if not may_contain(text, term, language):
        return None  # a page's text is searched for every term: most are not there at all
    return _first_window(
        _word_stems(text, language), stems(term, language), language in INSIDE_WORDS
    )


def may_contain(text: str, term: str, language: str) -> bool:
    """Whether the term's first stem is in the text at all: a quick no for most pairs."""
    if as_written(term):
        return _written_at(text, term) is not None
    term_stems = stems(term, language)
    if not term_stems:
        return False
    return _holds(_stem_lookup(text, language), term_stems[0], language in INSIDE_WORDS)


def _holds(lookup: tuple[frozenset[str], str], first: str, inside: bool) -> bool:
    """Whether a text (its ``_stem_lookup``) holds a term's first stem: as a word, or inside one
    where words glue together (a stem of three letters or more)."""
    present, joined = lookup
    return first in present or (inside and len(first) >= 3 and first in joined)


class TermProbe:
    """``may_contain`` for a page's terms, asked of each of its pieces of text: the page's
    first-use links try every term not linked yet against every piece (some 3,000 pairs a
    real-size page), and a call per pair cost more than the answers. Each term's first stem
    is found once, each piece's stems once, and a pair is one set lookup."""

    def __init__(self, terms: Iterable[str], language: str) -> None:
        self.language = language
        self._inside = language in INSIDE_WORDS
        # a term's first stem; None for a term found only as written, "" for one without words
        self._first = {
            term: None if as_written(term) else next(iter(stems(term, language)), "")
            for term in terms
        }

    def among(self, text: str, candidates: Iterable[T], term_of: Callable[[T], str]) -> list[T]:
        """The ``candidates`` whose term (``term_of``, one the probe was made with)
        ``may_contain`` says ``text`` may hold, in their order."""
        lookup = _stem_lookup(text, self.language)
        found = []
        for candidate in candidates:
            term = term_of(candidate)
            first = self._first[term]
            if first is None:
                if _written_at(text, term) is not None:
                    found.append(candidate)
            elif first and _holds(lookup, first, self._inside):
                found.append(candidate)
        return found


@lru_cache(maxsize=1024)
def _stem_lookup(text: str, language: str) -> tuple[frozenset[str], str]:
    """The text's stems as a set and, where compounds count, joined (to find a stem inside one):
    every text is asked about every glossary term, and most are not there. The words are those
    ``_token_stems`` places (marks are part of a word to both), so the quick no is never wrong."""
    found = stems(text, language)
    return frozenset(found), "\0".join(found) if language in INSIDE_WORDS else ""


@lru_cache(maxsize=1024)
def _token_stems(text: str, language: str) -> tuple[tuple[int, int, str], ...]:
    """(start, end, stem) of each word, to mark a term found on a page: only asked of a text
    that holds a term's first stem, as finding each word's place costs more than its stem."""
    tokens = list(unicode_words(_word(language)).finditer(text))
    found = stems(text, language)
    if len(found) != len(tokens):  # a "word" of harakat or tatweel alone, removed: word by word
        found = tuple((stems(t.group(0), language) or ("",))[0] for t in tokens)
    return tuple((t.start(), t.end(), stem) for t, stem in zip(tokens, found, strict=False))


@lru_cache(maxsize=1024)
def _word_stems(text: str, language: str) -> tuple[str, ...]:
    """The stems of the words ``_token_stems`` finds, without their places. Where lower-casing
    kept one letter per letter and no harakat are removed, ``stems`` reads the same words (every
    character lower-cases to one of its own kind: a letter stays a letter, checked over all of
    Unicode), so the text's stems, already made for the quick no, serve as they are."""
    if len(text.lower()) == len(text) and not _ARABIC_DIACRITICS.search(text):
        return stems(text, language)
    return tuple(stem for _, _, stem in _token_stems(text, language))
