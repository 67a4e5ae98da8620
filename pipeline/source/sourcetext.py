"""An article's text as Python-Markdown counts its lines, and where a unit's words are written in it.

A unit's words may be written over several lines, between ``>`` markers, with backslash escapes
(``\\*``) or backslash line breaks. Finding them once compiled a regular expression per unit,
which cost two thirds of reading an article (some 34 ms of 49 for the shipped one's 95 units):
every article's units are new patterns, so Python's pattern cache never helps. Instead the text
is flattened once (every run of white space, ``>`` and backslash line breaks is one space, an
escaping backslash is dropped) with each flat character's offset in the text, and each unit's
first words are found with ``str.find`` (words that themselves hold a ``>`` or a backslash, which
are rare, are still searched with their pattern). ``tests/test_sourcetext.py`` holds this to the
regular expressions it replaced.
"""

from __future__ import annotations

import bisect
import re

# white space, line breaks, blockquote markers, backslash breaks: one space in the flat text
_SEPARATORS = r"(?:[\s>]|\\(?=\n))+"
# a backslash escapes a character that is not a letter, a digit, white space or a marker
_ESCAPE = r"\\(?=[^\w\s>]|_)"
# a single space between two words is already flat: only the other runs are replaced
_FLATTENED = re.compile(f"(?P<separators>(?! (?![\\s>]|\\\\\n)){_SEPARATORS})|{_ESCAPE}")
_WORD_CHARACTER = re.compile(r"\w")


def flatten(text: str) -> tuple[str, list[int]]:
    """The flat text, and the offset in ``text`` of each of its characters."""
    pieces: list[str] = []
    origin: list[int] = []
    done = 0
    for match in _FLATTENED.finditer(text):
        pieces.append(text[done : match.start()])
        origin.extend(range(done, match.start()))
        if match.group("separators"):
            pieces.append(" ")
            origin.append(match.start())
        done = match.end()
    pieces.append(text[done:])
    origin.extend(range(done, len(text)))
    return "".join(pieces), origin


class SourceText:
    """The article's lines as Python-Markdown counts them, with what can hold no unit blanked out."""

    def __init__(self, text: str, body_start: int) -> None:
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        self.lines = lines
        lines = [""] * body_start + [line.expandtabs(4) for line in lines[body_start:]]
        self.text = _blank_fences("\n".join(lines))
        self.starts = [0]
        for line in lines[:-1]:
            self.starts.append(self.starts[-1] + len(line) + 1)
        self.body = self.starts[min(body_start, len(self.starts) - 1)]
        self._flat: tuple[str, list[int]] | None = None

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)

    def search(self, pattern: re.Pattern[str], start: int) -> re.Match[str] | None:
        return pattern.search(self.text, max(start, self.body))

    def find(self, literal: str, start: int) -> tuple[int, int] | None:
        """(start, end) of the first ``literal`` at or after ``start`` in the body."""
        at = self.text.find(literal, max(start, self.body))
        return None if at < 0 or not literal else (at, at + len(literal))

    def find_words(self, text: str, start: int, words: int) -> tuple[int, int] | None:
        """(start, end) of the first place at or after ``start`` where ``text``'s first ``words``
        words are written, whatever white space, ``>`` markers or escapes are between them. A
        text that begins with a letter or digit is not found inside a longer word."""
        wanted = " ".join(text.split()[:words])
        if not wanted:
            return None
        if ">" in wanted or "\\" in wanted:  # rare: a marker or escape within the words themselves
            match = self.search(needle(wanted), start)
            return match.span() if match else None
        start = max(start, self.body)
        flat, origin = self._flat or self._flatten()
        at = bisect.bisect_left(origin, start)
        bounded = wanted[:1].isalnum()
        while (at := flat.find(wanted, at)) >= 0:
            if not (bounded and at and _WORD_CHARACTER.match(flat[at - 1])):
                return _written_from(self.text, origin, at, start), origin[at + len(wanted) - 1] + 1
            at += 1
        return None

    def _flatten(self) -> tuple[str, list[int]]:
        self._flat = flatten(self.text)
        return self._flat


def _written_from(text: str, origin: list[int], at: int, start: int) -> int:
    """Where the flat character ``at`` is written: at its escaping backslash, if one was dropped
    before it and the search may begin there."""
    offset = origin[at]
    dropped = offset - 1 >= start and (at == 0 or origin[at - 1] != offset - 1)
    return offset - 1 if dropped and text[offset - 1] == "\\" else offset


def _blank_fences(text: str) -> str:
    """Fenced code as spaces (line breaks kept): its words are code, not the next unit's text."""
    # the extension's module imports codehilite and Pygments: only when a source is read
    from markdown.extensions.fenced_code import FencedBlockPreprocessor  # noqa: PLC0415

    return FencedBlockPreprocessor.FENCED_BLOCK_RE.sub(
        lambda m: re.sub(r"[^\n]", " ", m.group(0)), text
    )


def needle(text: str) -> re.Pattern[str]:
    """The words as a pattern: any white space, ``>`` or backslash line break between words, an
    optional escape before each character that is not a letter or digit."""
    parts = [
        "".join(re.escape(c) if c.isalnum() else "\\\\?" + re.escape(c) for c in word)
        for word in text.split()
    ]
    boundary = r"(?<!\w)" if text[:1].isalnum() else ""
    return re.compile(boundary + _SEPARATORS.join(parts))
