"""A strict PO reader: what GNU ``msgfmt --check`` refuses, we refuse too, naming file and line.

polib reads leniently: it decodes a file as its header says even when the bytes are something
else, turns a bad escape ``\\q`` into ``\\\\q``, accepts an entry without ``msgstr`` (and hands its
notes to the next entry), and a NUL byte reaches the page. A translator's file that is wrong must
stop the run with a line to fix, never be rewritten with the damage. The result is a
``polib.POFile`` (polib stays the data model; ``catalog`` owns both).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path

import polib

from pipeline.errors import CatalogError

_KEYWORD = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)(?=[\s\"])")
_CHARSET = re.compile(rb"charset=([^\s\\\";]+)")
_UNESCAPE = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "v": "\v",
    "\\": "\\",
    '"': '"',
}
_SIMPLE_STRING = re.compile(r'([^"\\]*)"')
_ONE_SIMPLE_STRING = re.compile(r'[ \t]*"([^"\\]*)"\s*')
_OCTAL = re.compile(r"[0-7]{1,3}")
_HEX = re.compile(r"x([0-9a-fA-F]+)")


@dataclass
class _Draft:
    """An entry being read: comments first, then its keywords and strings."""

    line: int = 0  # the entry's first line (comment or keyword), as polib counts it
    msgid_line: int = 0
    obsolete: bool = False
    tcomment: list[str] = field(default_factory=list)
    comment: list[str] = field(default_factory=list)
    references: list[tuple[str, str]] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    previous: dict[str, str] = field(default_factory=dict)
    fields: dict[str, str] = field(
        default_factory=dict
    )  # "msgctxt", "msgid", "msgid_plural", "msgstr", "msgstr[0]"...
    last: str | None = None  # the keyword a continuation string extends
    last_previous: str | None = None
    has_msgstr: bool = False  # a msgstr or msgstr[N] is among the fields

    @property
    def started(self) -> bool:
        return bool(self.fields)


def decode(raw: bytes, path: Path) -> str:
    """The file's text, decoded as its header declares; a mismatch or unknown charset names the line."""
    if not raw.strip():
        raise CatalogError(
            "empty catalogue: it has no header and no entries (restore it, or delete it and run `pipeline update`)",
            path,
            1 if raw else None,
        )
    if b"\x00" in raw:
        raise CatalogError(
            "a NUL byte (\\0) is in this line: remove it",
            path,
            raw[: raw.index(b"\x00")].count(b"\n") + 1,
        )
    raw = raw.removeprefix(codecs.BOM_UTF8)
    match = _CHARSET.search(raw)
    charset = match.group(1).decode("ascii", "replace") if match else "UTF-8"
    if charset.upper() == "CHARSET":  # the template's placeholder
        charset = "UTF-8"
    try:
        codec = codecs.lookup(charset)
        if codec.name.startswith(("utf-16", "utf-32")):
            raise LookupError(charset)
    except LookupError as exc:
        line = raw[: match.start()].count(b"\n") + 1 if match else None
        raise CatalogError(
            f"unknown charset {charset!r} in the Content-Type header: use charset=UTF-8", path, line
        ) from exc
    _refuse_mislabelled_utf8(raw, codec.name, charset, path)
    try:
        return raw.decode(codec.name)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CatalogError(
            f"bytes that are not {charset} as the header declares: save the file as {charset}, or correct the header's charset",
            path,
            line,
        ) from exc


def _refuse_mislabelled_utf8(raw: bytes, codec: str, charset: str, path: Path) -> None:
    """Bytes that are valid UTF-8 with accented letters under a Latin-1 (or other 8-bit) header.

    Every byte is valid Latin-1, so decoding cannot fail: but real Latin-1 text almost never
    forms UTF-8 sequences (``Ã³`` for ``ó``), and reading it as declared would corrupt every
    accented letter on the next write.
    """
    if codec == "utf-8" or raw.isascii():
        return
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return
    line = raw[: next(i for i, byte in enumerate(raw) if byte > 0x7F)].count(b"\n") + 1
    raise CatalogError(
        f"the header says charset={charset}, but the bytes are UTF-8 (the accented letters would be corrupted): change the header to charset=UTF-8",
        path,
        line,
    )


def read(raw: bytes, path: Path) -> polib.POFile:
    """Parse a PO/POT file strictly into polib entries, with each entry's line."""
    text = decode(raw, path)
    reader = _Reader(path)
    for number, line in enumerate(
        text.split("\n"), 1
    ):  # not splitlines(): U+0085, U+2028 may sit inside a string
        reader.feed(line.removesuffix("\r"), number)
    return reader.finish()


class _Reader:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.draft = _Draft()
        self.entries: list[polib.POEntry] = []
        self.seen: dict[tuple[str | None, str], int] = {}
        self.header: polib.POEntry | None = None

    def error(self, message: str, line: int) -> CatalogError:
        return CatalogError(message, self.path, line)

    def feed(self, line: str, number: int) -> None:
        stripped = line.strip()
        if not stripped:
            return
        if stripped.startswith("#~"):
            rest = stripped[2:]
            if rest.startswith("|"):
                self._comment_done(number)
                self.draft.line = self.draft.line or number
                self._previous(rest[1:].strip(), number)
            elif rest.strip():
                self._keyword_or_string(rest.strip(), number, obsolete=True)
        elif stripped.startswith("#"):
            self._comment(
                line.lstrip(), number
            )  # a note's own trailing spaces are the translator's
        else:
            self._keyword_or_string(stripped, number, obsolete=False)

    def _comment(self, line: str, number: int) -> None:
        self._comment_done(number)
        self.draft.line = self.draft.line or number
        kind, rest = line[:2], line[2:]
        if kind == "#|":
            self._previous(rest.strip(), number)
        elif kind == "#,":
            self.draft.flags += [f.strip() for f in rest.split(",") if f.strip()]
        elif kind == "#.":
            self.draft.comment.append(rest[1:] if rest.startswith(" ") else rest)
        elif kind == "#:":
            self.draft.references += [_reference(token) for token in rest.split()]
        else:
            self.draft.tcomment.append(line[2:] if line.startswith("# ") else line[1:])

    def _comment_done(self, number: int) -> None:
        """A comment after an entry's strings starts the next entry; before its msgstr, it is an error."""
        if self.draft.started:
            self._finish_draft(number)

    def _previous(self, rest: str, number: int) -> None:
        match = _KEYWORD.match(rest)
        if match and match.group(1) in ("msgctxt", "msgid", "msgid_plural"):
            self.draft.last_previous = match.group(1)
            self.draft.previous[match.group(1)] = self._strings(rest[match.end() :], number)
        elif rest.startswith('"') and self.draft.last_previous:
            self.draft.previous[self.draft.last_previous] += self._strings(rest, number)
        else:
            raise self.error(
                'syntax error in a #| line: expected #| msgid "..." (the previous source text)',
                number,
            )

    def _keyword_or_string(self, line: str, number: int, obsolete: bool) -> None:
        match = _KEYWORD.match(line)
        draft = self.draft
        if match is None:
            if line.startswith('"') and draft.last is not None and draft.obsolete == obsolete:
                draft.fields[draft.last] += self._strings(line, number)
                return
            raise self.error(f"syntax error: {_hint(line)}", number)
        keyword = match.group(1)
        value = self._strings(line[match.end() :], number)
        if keyword in ("msgctxt", "msgid") and draft.has_msgstr:
            self._finish_draft(number)
            draft = self.draft
        if keyword in ("msgctxt", "msgid") and "msgid" in draft.fields:
            raise self.error(
                'this entry has no msgstr line: add msgstr "" below its msgid', draft.msgid_line
            )
        if keyword in draft.fields:
            raise self.error(f"syntax error: {keyword} appears twice in one entry", number)
        if (
            keyword.startswith("msgstr")
            and "msgid" not in draft.fields
            or keyword == "msgid_plural"
            and "msgid" not in draft.fields
        ):
            raise self.error(f"syntax error: {keyword} without a msgid before it", number)
        if not draft.started:
            draft.obsolete = obsolete
            draft.line = draft.line or number
        elif draft.obsolete != obsolete:
            raise self.error("syntax error: an entry mixes obsolete (#~) and active lines", number)
        if keyword == "msgid":
            draft.msgid_line = number
        self._check_order(keyword, match.group(2), number)
        draft.fields[keyword] = value
        draft.last = keyword
        draft.has_msgstr = draft.has_msgstr or keyword.startswith("msgstr")

    def _check_order(self, keyword: str, index: str | None, number: int) -> None:
        fields = self.draft.fields
        if keyword == "msgid_plural" and any(k.startswith("msgstr") for k in fields):
            raise self.error("syntax error: msgid_plural after msgstr", number)
        if keyword == "msgstr" and "msgid_plural" in fields:
            raise self.error(
                "an entry with msgid_plural needs msgstr[0], msgstr[1]… (not msgstr)", number
            )
        if index is not None:
            if "msgid_plural" not in fields:
                raise self.error(f"{keyword} in an entry without msgid_plural: use msgstr", number)
            expected = sum(1 for k in fields if k.startswith("msgstr["))
            if int(index) != expected:
                raise self.error(
                    f"plural form has the wrong index: expected msgstr[{expected}]", number
                )

    def _strings(self, rest: str, number: int) -> str:
        """One or more quoted strings, unescaped; anything else on the line is an error."""
        if one := _ONE_SIMPLE_STRING.fullmatch(rest):
            return one.group(1)  # nearly every line: one string without an escape
        return self._quoted(rest, number)

    def _quoted(self, rest: str, number: int) -> str:
        """``_strings`` for any line: several strings, escapes, and what is wrong with a line."""
        value, position = [], 0
        rest = rest.rstrip()
        if not rest.lstrip().startswith('"'):
            raise self.error(f"syntax error: {_hint(rest)}", number)
        while position < len(rest):
            if rest[position] in " \t":
                position += 1
                continue
            if rest[position] != '"':
                raise self.error('syntax error: text after the closing double quote (")', number)
            text, position = self._one_string(rest, position + 1, number)
            value.append(text)
        return "".join(value)

    def _one_string(self, rest: str, position: int, number: int) -> tuple[str, int]:
        simple = _SIMPLE_STRING.match(rest, position)
        if simple:  # no escape: the common case, read at once
            return simple.group(1), simple.end()
        out: list[str] = []
        while position < len(rest):
            ch = rest[position]
            if ch == '"':
                return "".join(out), position + 1
            if ch != "\\":
                out.append(ch)
                position += 1
                continue
            escaped, position = self._escape(rest, position + 1, number)
            out.append(escaped)
        raise self.error(
            'syntax error: a string is not closed with a double quote (") on this line', number
        )

    def _escape(self, rest: str, position: int, number: int) -> tuple[str, int]:
        ch = rest[position] if position < len(rest) else ""
        if ch in _UNESCAPE:
            return _UNESCAPE[ch], position + 1
        if octal := _OCTAL.match(rest, position):
            return chr(int(octal.group(0), 8)), octal.end()
        if hexa := _HEX.match(rest, position):
            return chr(int(hexa.group(1), 16) & 0xFF), hexa.end()
        raise self.error(
            f'invalid escape sequence \\{ch}: write \\\\ for a backslash (valid: \\n \\t \\" \\\\)',
            number,
        )

    def _finish_draft(self, number: int) -> None:
        draft, self.draft = self.draft, _Draft()
        if "msgid" not in draft.fields:
            raise self.error("syntax error: msgctxt without a msgid", draft.line or number)
        if not draft.has_msgstr:
            raise self.error(
                'this entry has no msgstr line: add msgstr "" below its msgid', draft.msgid_line
            )
        if "msgid_plural" in draft.fields and "msgstr[0]" not in draft.fields:
            raise self.error("an entry with msgid_plural needs msgstr[0]", draft.msgid_line)
        self._add(draft)

    def _add(self, draft: _Draft) -> None:
        key = (draft.fields.get("msgctxt"), draft.fields["msgid"])
        if key in self.seen:
            raise self.error(
                f"duplicate entry: the same msgid is already at line {self.seen[key]}; merge the two entries",
                draft.msgid_line,
            )
        self.seen[key] = draft.msgid_line
        entry = _to_entry(draft)
        if (
            entry.msgid == ""
            and entry.msgctxt is None
            and not entry.obsolete
            and self.header is None
            and not self.entries
        ):
            self.header = entry
        else:
            self.entries.append(entry)

    def finish(self) -> polib.POFile:
        if self.draft.started:
            self._finish_draft(0)
        po = polib.POFile(wrapwidth=79, check_for_duplicates=False)
        if self.header is not None:
            po.header = self.header.tcomment
            po.metadata = _metadata(self.header.msgstr)
            po.metadata_is_fuzzy = "fuzzy" in self.header.flags
        for entry in self.entries:
            po.append(entry)
        return po


def _to_entry(draft: _Draft) -> polib.POEntry:
    fields = draft.fields
    plural = {int(k[7:-1]): v for k, v in fields.items() if k.startswith("msgstr[")}
    entry = polib.POEntry(
        msgid=fields["msgid"],
        msgstr=fields.get("msgstr", ""),
        msgctxt=fields.get("msgctxt"),
        msgid_plural=fields.get("msgid_plural", ""),
        msgstr_plural=plural,
        tcomment="\n".join(draft.tcomment),
        comment="\n".join(draft.comment),
        occurrences=draft.references,
        flags=draft.flags,
        previous_msgctxt=draft.previous.get("msgctxt"),
        previous_msgid=draft.previous.get("msgid"),
        previous_msgid_plural=draft.previous.get("msgid_plural"),
        linenum=draft.line,
    )
    entry.obsolete = draft.obsolete
    return entry


def _reference(token: str) -> tuple[str, str]:
    name, _, line = token.rpartition(":")
    return (name, line) if name and line.isdigit() else (token, "")


def _metadata(text: str) -> dict[str, str]:
    metadata = {}
    for line in text.split("\n"):
        key, sep, value = line.partition(":")
        if sep and key.strip():
            metadata[key.strip()] = value.strip()
    return metadata


def _hint(line: str) -> str:
    if line.count('"') % 2 and not line.endswith('\\"'):
        return 'a string is not closed with a double quote (") on this line'
    if '"' not in line:
        return "expected a keyword (msgid, msgstr...) followed by a quoted string, or a # comment"
    return "a line must be a keyword and one quoted string, or a quoted string continuing the previous one"
