"""Word tables kept as sorted 64-bit hashes: small in memory and unpickled in a few milliseconds.

A ``str`` in a ``set`` or a ``dict`` costs some 70 bytes and an object for pickle to rebuild; a
hash in an ``array`` costs 8 bytes and loads as one block. The plain-language vocabularies
(400,000 words) fell from 80 MB to 3 MB per process this way, and the CMU index from 50 ms to
a few to load on every build that scores an English text.
"""

from __future__ import annotations

import hashlib
from array import array
from bisect import bisect_left
from collections.abc import Iterable


def word_hash(word: str) -> int:
    """Stable across processes (``hash()`` is not): the tables live in the build's cache."""
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")


class WordSet:
    """A set of words as their sorted hashes. Two words sharing a hash: about one chance in 10^13."""

    def __init__(self, words: Iterable[str]) -> None:
        self._hashes = array("Q", sorted({word_hash(word) for word in words}))

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        return _position(self._hashes, word) is not None

    def __len__(self) -> int:
        return len(self._hashes)


class LineIndex:
    """word -> the line of ``text`` that starts with it (the first such line), found by hash and
    confirmed by reading the line: unlike ``WordSet``, never a false match."""

    def __init__(self, text: str, lines: Iterable[tuple[str, int]]) -> None:
        """``lines``: (word, offset of its line in ``text``), in any order."""
        pairs = sorted({word_hash(word): offset for word, offset in reversed(list(lines))}.items())
        self.text = text
        self._hashes = array("Q", (h for h, _ in pairs))
        self._offsets = array("Q", (offset for _, offset in pairs))

    def line(self, word: str) -> str | None:
        index = _position(self._hashes, word)
        if index is None:
            return None
        start = self._offsets[index]
        end = self.text.find("\n", start)
        found = self.text[start : end if end >= 0 else len(self.text)]
        return found if found.split(" ", 1)[0] == word else None

    def __len__(self) -> int:
        return len(self._hashes)


def _position(hashes: array[int], word: str) -> int | None:
    """Where the word's hash is in the sorted ``hashes``, if it is there."""
    wanted = word_hash(word)
    index = bisect_left(hashes, wanted)
    return index if index < len(hashes) and hashes[index] == wanted else None
