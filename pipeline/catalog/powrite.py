"""PO text exactly as GNU gettext writes it, so ``msgmerge``/``msgcat`` and ``update`` never churn.

polib wraps with ``textwrap`` and breaks *before* a space; GNU (write-po.c ``wrap``) breaks
*after* it, at Unicode line-break opportunities (UAX #14, gnulib's unilbrk), never just
before an escape sequence, and starts a string that needs several lines with ``msgid ""``.
This module reproduces that algorithm for the classes of characters texts hold: letters of
every alphabet, CJK ideographs, digits, punctuation, spaces and escapes. Measured against GNU
gettext 0.21 by tests/test_po_fidelity.py (every shipped catalogue, hypothesis-made entries).

| GNU write-po.c            | here                               |
|---------------------------|------------------------------------|
| ``wrap`` (portions at \\n) | ``string_lines``                   |
| ``u8_possible_linebreaks``| ``_opportunities`` + ``_pair``     |
| ``u8_width_linebreaks``   | ``_breaks`` (greedy, width 79)     |
| ``message_print``         | ``entry_lines``                    |
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

PAGE_WIDTH = 79  # GNU's default --width
_ESCAPES = {
    "\a": "a",
    "\b": "b",
    "\f": "f",
    "\n": "n",
    "\r": "r",
    "\t": "t",
    "\v": "v",
    "\\": "\\",
    '"': '"',
}
_EXPLICIT = {
    " ": "SP",
    "\t": "BA",
    "\u00a0": "GL",
    "\u202f": "GL",
    "\u2007": "GL",
    "\u2011": "GL",
    "\u200b": "ZW",
    "\u2060": "WJ",
    "\ufeff": "WJ",
    "\u2028": "BK",
    "\u2029": "BK",
    "\u0085": "BK",
    "\u000b": "BK",
    "\u000c": "BK",
    "-": "HY",
    "\u2010": "BA",
    "\u2012": "BA",
    "\u2013": "BA",
    "\u00ad": "BA",
    "|": "BA",
    "\u2014": "B2",
    "/": "SY",
    ",": "IS",
    ".": "IS",
    ":": "IS",
    ";": "IS",
    "\u060c": "IS",
    "\u060d": "IS",
    "\u037e": "IS",
    "!": "EX",
    "?": "EX",
    "\u061b": "EX",
    "\u061f": "EX",
    "\u06d4": "EX",
    "(": "OP",
    "[": "OP",
    "{": "OP",
    "\u00a1": "OP",
    "\u00bf": "OP",
    "\u201a": "OP",
    "\u201e": "OP",
    ")": "CP",
    "]": "CP",
    "}": "CL",
    '"': "QU",
    "'": "QU",
    "$": "PR",
    "+": "PR",
    "\\": "PR",
    "%": "PO",
    "\u00b0": "PO",
    "\u2030": "PO",
    "\u00a2": "PO",
    "\u066a": "PO",
    "\u2026": "IN",
    "\u2024": "IN",
    "\u2025": "IN",
    "\u3001": "CL",
    "\u3002": "CL",
    "\uff0c": "CL",
    "\uff0e": "CL",
    "\uff1a": "NS",
    "\uff1b": "NS",
    "\uff01": "EX",
    "\uff1f": "EX",
    "\u300c": "OP",
    "\u300d": "CL",
}
_INDIRECT = {  # UAX #14 LB23-LB25, LB28, LB30: no break between these unless spaces separate them
    ("AL", "NU"),
    ("NU", "AL"),
    ("PR", "AL"),
    ("PO", "AL"),
    ("AL", "PR"),
    ("AL", "PO"),
    ("CL", "PO"),
    ("CL", "PR"),
    ("CP", "PO"),
    ("CP", "PR"),
    ("NU", "PO"),
    ("NU", "PR"),
    ("PO", "OP"),
    ("PO", "NU"),
    ("PR", "OP"),
    ("PR", "NU"),
    ("HY", "NU"),
    ("IS", "NU"),
    ("NU", "NU"),
    ("SY", "NU"),
    ("AL", "AL"),
    ("AL", "OP"),
    ("NU", "OP"),
    ("CP", "AL"),
    ("CP", "NU"),
    ("PR", "ID"),
    ("ID", "PO"),
}


_NEEDS_ESCAPE = re.compile('[\a\b\f\n\r\t\v\\\\"]')


def _class(ch: str) -> str:
    """The line-break class (UAX #14) of a character, resolved as gnulib resolves AI, SA, XX."""
    if ch in _EXPLICIT:
        return _EXPLICIT[ch]
    category = unicodedata.category(ch)
    if category in ("Mn", "Me", "Mc", "Cf"):
        return "CM"
    if category == "Nd":
        return "NU"
    if category in ("Ps", "Pe"):
        return "OP" if category == "Ps" else "CL"
    if category in ("Pi", "Pf"):
        return "QU"
    if category == "Zs":
        return "BA"
    if category == "Sc":
        return "PR"
    return "ID" if unicodedata.east_asian_width(ch) in ("W", "F") else "AL"


_CLASS_OF: dict[str, str] = {}  # each character's class, once: a site's templates hold millions
_WIDTH_OF: dict[str, int] = {}


def _width(ch: str) -> int:
    """Columns a character takes (gnulib ``uc_width`` in a UTF-8 locale)."""
    if unicodedata.category(ch) in ("Mn", "Me", "Cf", "Cc") or ch == "\u200b":
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def _pair(before: str, after: str) -> str:
    """'D' break allowed, 'I' only after spaces, 'P' never (UAX #14 pair table, gnulib's variant)."""
    if (
        after in ("CL", "CP", "EX", "IS", "SY", "WJ", "ZW")
        or before == "OP"
        or (before, after) == ("QU", "OP")
    ):
        return "P"
    if before in ("WJ", "GL") or before == "QU" or after == "QU":
        return "I"
    if after == "GL":
        return "D" if before in ("BA", "HY") else "I"
    if before in ("CL", "CP") and after == "NS" or before == after == "B2":
        return "P"
    if after in ("BA", "HY", "NS", "IN") or before == "BB" or (before, after) in _INDIRECT:
        return "I"
    return "D"


_CLASSES = (
    "BK",
    "SP",
    "CM",
    "ZW",
    "WJ",
    "GL",
    "HY",
    "BA",
    "B2",
    "BB",
    "SY",
    "IS",
    "EX",
    "OP",
    "CL",
    "CP",
    "QU",
    "PR",
    "PO",
    "NU",
    "IN",
    "NS",
    "AL",
    "ID",
)
_TABLE = {(a, b): _pair(a, b) for a in _CLASSES for b in _CLASSES}  # looked up once per character


def _opportunities(chars: Sequence[str]) -> list[str]:
    """Per character: 'B' break possible before it, 'M' mandatory (column resets), '' none."""
    result = [""] * len(chars)
    last, space = "BK", False
    known = _CLASS_OF
    for i, ch in enumerate(chars):
        cls = known.get(ch)
        if cls is None:
            cls = known[ch] = _class(ch)
        if cls == "BK":
            result[i], last, space = "M", "BK", False
        elif cls == "SP":
            space = True
        elif cls == "CM" and last not in ("BK", "ZW") and not space:
            continue  # attached to the character before it (LB9)
        else:
            cls = "ID" if cls == "CM" else cls
            if last == "ZW":
                result[i] = "B"
            elif last != "BK":
                rule = _TABLE[last, cls]
                result[i] = "B" if rule == "D" or (rule == "I" and space) else ""
            last, space = cls, False
    return result


def _widths(chars: Sequence[str]) -> list[int]:
    known = _WIDTH_OF
    return [known[ch] if ch in known else known.setdefault(ch, _width(ch)) for ch in chars]


def _breaks(widths: Sequence[int], possible: Sequence[str], width: int, start: int) -> list[bool]:
    """Greedy fill (gnulib ``u8_width_linebreaks``): break at the last opportunity before overflow."""
    breaks = [False] * len(widths)
    last_break, column, piece = None, start, 0
    for i, columns in enumerate(widths):
        kind = possible[i]
        if kind and last_break is not None and column + piece > width:
            breaks[last_break], column = True, 0
        if kind == "M":
            last_break, column, piece = None, 0, 0
            continue
        if kind == "B":
            last_break, column, piece = i, column + piece, 0
        piece += columns
    if last_break is not None and column + piece > width:
        breaks[last_break] = True
    return breaks


def _allowed(chars: Sequence[str], prohibited: Sequence[bool]) -> list[str]:
    return ["" if no else kind for kind, no in zip(_opportunities(chars), prohibited, strict=False)]


def _escaped(portion: str) -> tuple[list[str], list[bool]]:
    """The portion as written, and where a break is forbidden: inside an escape, before a final \\n."""
    if not _NEEDS_ESCAPE.search(portion):
        return list(portion), [False] * len(portion)
    chars, prohibited = [], []
    for ch in portion:
        if ch in _ESCAPES:
            chars += ["\\", _ESCAPES[ch]]
            prohibited += [False, True]
        else:
            chars.append(ch)
            prohibited.append(False)
    if portion.endswith("\n"):
        prohibited[-2] = True
    return chars, prohibited


def _portions(value: str) -> list[str]:
    """The value cut after each newline, as GNU does before wrapping."""
    parts = value.split("\n")
    portions = [p + "\n" for p in parts[:-1]]
    return portions + [parts[-1]] if parts[-1] or not portions else portions


def string_lines(keyword: str, value: str, prefix: str = "") -> list[str]:
    """``keyword "value"`` as GNU writes it: wrapped at 79 columns, ``keyword ""`` first if it wraps."""
    return list(_wrapped(keyword, value, prefix))


@lru_cache(maxsize=8192)
def _wrapped(keyword: str, value: str, prefix: str) -> tuple[str, ...]:
    """Remembered: an article's msgids are written again in its template and in every locale's
    catalogue (``update`` formats each file to compare it), and the line breaking is per character."""
    lines: list[str] = []
    first = True
    after_break = len(prefix) + 1
    width = PAGE_WIDTH - 1 - after_break
    portions = _portions(value)
    for index, portion in enumerate(portions):
        chars, prohibited = _escaped(portion)
        start = len(prefix) + len(keyword) + 2 - after_break if first else 0
        widths = _widths(chars)
        fits = start + len(chars) <= width and max(widths, default=0) <= 1
        if fits and (not first or index == len(portions) - 1):
            breaks = [False] * len(chars)  # one line, no search needed
        else:
            possible = _allowed(chars, prohibited)
            breaks = _breaks(widths, possible, width, start)
            if first and chars and (index < len(portions) - 1 or start > width or any(breaks)):
                lines.append(f'{prefix}{keyword} ""')
                first, start = False, 0
                breaks = _breaks(widths, possible, width, start)
        head, begin = f"{prefix}{keyword} " if first else prefix, 0
        for cut in (i for i, cut in enumerate(breaks) if cut):
            lines.append(f'{head}"{"".join(chars[begin:cut])}"')
            head, begin = prefix, cut
        lines.append(f'{head}"{"".join(chars[begin:])}"')
        first = False
    return tuple(lines)


def reference_lines(references: Iterable[str]) -> list[str]:
    """``#: file:line`` comments filled to 79 columns, as GNU does."""
    lines, current = [], "#:"
    for ref in references:
        if current != "#:" and len(current) + 1 + len(ref) > PAGE_WIDTH:
            lines.append(current)
            current = "#:"
        current += " " + ref
    return lines + [current] if current != "#:" else lines


def comment_lines(marker: str, text: str) -> list[str]:
    """``# note`` / ``#. note`` lines; an empty line is the bare marker."""
    return [f"{marker} {line}" if line else marker for line in text.split("\n")] if text else []


@dataclass
class EntryText:
    """What GNU prints for one entry, in its order (write-po.c ``message_print``)."""

    msgid: str
    msgstr: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    plural: dict[int, str] = field(default_factory=dict)
    tcomment: str = ""
    comment: str = ""
    references: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    previous: list[tuple[str, str]] = field(
        default_factory=list
    )  # ("msgctxt"/"msgid"/"msgid_plural", text)
    obsolete: bool = False


def entry_lines(entry: EntryText) -> list[str]:
    lines = (
        comment_lines("#", entry.tcomment)
        + comment_lines("#.", entry.comment)
        + reference_lines(entry.references)
    )
    if entry.flags:
        lines.append("#, " + ", ".join(entry.flags))
    prefix = "#~ " if entry.obsolete else ""
    for keyword, text in entry.previous:
        lines += string_lines(keyword, text, "#~| " if entry.obsolete else "#| ")
    if entry.msgctxt is not None:
        lines += string_lines("msgctxt", entry.msgctxt, prefix)
    lines += string_lines("msgid", entry.msgid, prefix)
    if entry.msgid_plural is not None:
        lines += string_lines("msgid_plural", entry.msgid_plural, prefix)
        for index in sorted(entry.plural):
            lines += string_lines(f"msgstr[{index}]", entry.plural[index], prefix)
    else:
        lines += string_lines("msgstr", entry.msgstr, prefix)
    return lines


def po_text(entries: Iterable[EntryText]) -> str:
    """The whole file: entries separated by one blank line, ending with a newline."""
    return "\n".join("\n".join(entry_lines(e)) + "\n" for e in entries)
