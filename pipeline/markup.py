"""Markup and safety parity between a msgid and its msgstr.

Both sides are rendered with Python-Markdown and compared as a reader's browser would see
them: link targets, image sources, code spans, emphasis, footnote markers, numbers. Each
function returns the problems it found as short messages; ``checks`` turns them into findings.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser

from pipeline.text import to_html

_FOOTNOTE_REF = re.compile(r"\[\^([^\]]+)\]")
_NUMBER = re.compile(r"\d+(?:[.,\u00a0\u202f ]\d{3})*(?:[.,]\d+)?")
_UNSAFE = re.compile(r"<\s*/?\s*(script|style|iframe|object|embed|form|svg|math)\b|\bon[a-z]+\s*=|javascript\s*:", re.I)
_RAW_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")
_LEFTOVER = ("**", "](", "`", "[^")
LONG_UNTRANSLATED = 40  # characters: shorter identical texts are usually names, numbers or brands


@dataclass(frozen=True)
class Shape:
    """What of a text's markup a reader's browser keeps: it must survive translation."""

    links: Counter[str]
    images: Counter[str]
    code: Counter[str]
    emphasis: int
    footnotes: Counter[str]
    leftovers: frozenset[str]


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: Counter[str] = Counter()
        self.images: Counter[str] = Counter()
        self.code: Counter[str] = Counter()
        self.emphasis = 0
        self.text: list[str] = []
        self._in_code = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.links[values["href"] or ""] += 1
        elif tag == "img":
            self.images[values.get("src") or ""] += 1
        elif tag in ("em", "strong"):
            self.emphasis += 1
        self._in_code = tag == "code"

    def handle_endtag(self, tag: str) -> None:
        self._in_code = False if tag == "code" else self._in_code

    def handle_data(self, data: str) -> None:
        if self._in_code:
            self.code[data] += 1
        else:
            self.text.append(data)


def shape(text: str) -> Shape:
    footnotes = Counter(_FOOTNOTE_REF.findall(text))
    collector = _Collector()
    collector.feed(to_html(_FOOTNOTE_REF.sub("", text)))
    visible = "".join(collector.text)
    leftovers = frozenset(token for token in _LEFTOVER if token in visible)
    return Shape(collector.links, collector.images, collector.code, collector.emphasis, footnotes, leftovers)


def parity_problems(msgid: str, msgstr: str) -> list[tuple[str, str]]:
    """(check id, message) for each way the translation lost or changed the source's markup."""
    source, target = shape(msgid), shape(msgstr)
    problems = []
    for check, what, before, after in [
        ("link-target", "link targets", source.links, target.links),
        ("image-source", "image sources", source.images, target.images),
        ("code-span", "code spans", source.code, target.code),
        ("footnote-marker", "footnote markers", source.footnotes, target.footnotes),
    ]:
        if before != after:
            problems.append((check, f"{what} differ: source has {_list(before)}, translation has {_list(after)}"))
    broken = sorted(target.leftovers - source.leftovers)
    if broken:  # the root cause: a lost emphasis or link follows from it
        problems.append(("broken-markdown", f"Markdown is not closed properly: {' '.join(broken)} shows as text on the page"))
    elif source.emphasis != target.emphasis:
        problems.append(("emphasis", f"the source has {source.emphasis} emphasised part(s) (*…* or **…**), the translation {target.emphasis}"))
    return problems


def _list(counter: Counter[str]) -> str:
    return ", ".join(sorted(counter.elements())) or "none"


def numbers(text: str) -> Counter[str]:
    """Numbers as values: '42 %', '0,1' and '1 000' match '42%', '0.1' and '1,000'."""
    found: Counter[str] = Counter()
    for raw in _NUMBER.findall(_FOOTNOTE_REF.sub("", text)):
        found[_normalize_number(raw)] += 1
    return found


def _normalize_number(raw: str) -> str:
    digits = re.sub(r"[\u00a0\u202f ]", "", raw)
    if re.fullmatch(r"\d{1,3}([.,]\d{3})+", digits):
        return re.sub(r"[.,]", "", digits)  # thousands separators
    return digits.replace(",", ".")


def number_problem(msgid: str, msgstr: str) -> tuple[str | None, str | None]:
    """(missing, added): a lost number is an error; an added one is often a number word written in digits."""
    missing = numbers(msgid) - numbers(msgstr)
    added = numbers(msgstr) - numbers(msgid)
    lost = f"number(s) of the source missing: {', '.join(sorted(missing.elements()))}" if missing else None
    extra = f"number(s) not in the source: {', '.join(sorted(added.elements()))}; fine if the source writes them in words" if added and not missing else None
    return lost, extra


_SCRIPT_URL = re.compile(r"(?:java|vb|live)script:|data:text/html", re.I)


def _script_url(text: str) -> str | None:
    """A script URL however it is disguised: entities (``&#106;avascript&colon;``), case, tabs or newlines inside."""
    decoded = text
    for _ in range(3):  # double-encoded entities too
        decoded = html.unescape(decoded)
    match = _SCRIPT_URL.search(re.sub(r"[\s\x00-\x1f]+", "", decoded))
    return match.group(0) if match else None


def unsafe_html(msgid: str, msgstr: str) -> str | None:
    """Raw HTML the source does not have; scripts, script URLs and event handlers above all."""
    if _UNSAFE.search(msgstr) and not _UNSAFE.search(msgid):
        return f"unsafe HTML or script in the translation ({_UNSAFE.search(msgstr).group(0)!r}): it is removed from the page; use plain text and Markdown"
    script = _script_url(msgstr)
    if script and not _script_url(msgid):
        return f"a script URL in the translation ({script!r}, however it is written): it is removed from the page; link only to http(s) addresses"
    new_tags = set(_RAW_TAG.findall(msgstr)) - set(_RAW_TAG.findall(msgid))
    if new_tags:
        return f"raw HTML the source does not have ({', '.join(sorted(new_tags))}): use Markdown; raw HTML is removed from the page"
    return None


def whitespace_problem(msgid: str, msgstr: str) -> str | None:
    lead = (msgid[: len(msgid) - len(msgid.lstrip())], msgstr[: len(msgstr) - len(msgstr.lstrip())])
    trail = (msgid[len(msgid.rstrip()):], msgstr[len(msgstr.rstrip()):])
    if lead[0] != lead[1] or trail[0] != trail[1]:
        return "leading or trailing spaces differ from the source"
    return None
