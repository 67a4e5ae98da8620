"""Which elements of a Markdown tree are units, and of what kind and place.

The one walk that both extraction and translation use (``segment.py`` visits what it yields):
a paragraph, a list item, a table cell with its row and column, a heading, in document order.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Iterator

from markdown.util import ETX, HTML_PLACEHOLDER_RE, STX

from pipeline.language.text import normalize, plain_text, strip_tags
from pipeline.source.rawhtml import SKIPPED_TAGS

BLOCK_KINDS = {
    "p": "paragraph",
    "li": "list item",
    "th": "table header cell",
    "td": "table cell",
    "dt": "definition term",
    "dd": "definition",
    "summary": "summary of a disclosure (details)",
    "figcaption": "figure caption",
    "caption": "table caption",
}


HEADING_TAGS = {f"h{n}" for n in range(1, 7)}
RAW_BLOCK = "raw HTML"  # the "kind" of a paragraph that only holds stashed raw HTML blocks


class UniqueIds:
    """Heading ids made unique as Python-Markdown's ``toc.unique`` makes them ("dose", "dose_1",
    "dose_2", ...), in linear time. ``unique`` tries every taken suffix again for each heading,
    so 10,000 identical headings made 50 million tries (20 s); here each requested id resumes
    where its last search ended. Ids only ever join the set, so every id skipped before is
    still taken and the answer is the one ``unique`` gives. ``tried`` counts the ids tried."""

    _COUNTED = re.compile(r"^(.*)_([0-9]+)$")

    def __init__(self) -> None:
        self.used: set[str] = set()
        self._resume: dict[str, str] = {}
        self.tried = 0

    def __call__(self, wanted: str) -> str:
        candidate = self._resume.get(wanted, wanted)
        while candidate in self.used or not candidate:
            self.tried += 1
            counted = self._COUNTED.match(candidate)
            candidate = (
                f"{counted.group(1)}_{int(counted.group(2)) + 1}" if counted else f"{candidate}_1"
            )
        self.used.add(candidate)
        self._resume[wanted] = candidate
        return candidate


_IMAGE = r"!\[[^\]]*\](?:\([^)]*\)|\[[^\]]*\])"


_IMAGE_ONLY = re.compile(rf"\[\s*{_IMAGE}\s*\](?:\([^)]*\)|\[[^\]]*\])|{_IMAGE}|\s+")


_TRAILING_STASH = re.compile(f"(?:{STX}[^{ETX}]*{ETX})+$")


def _block_units(root: etree.Element) -> Iterator[tuple[etree.Element, str, bool, str]]:
    """Yield (element, kind, inside-a-fallback, place) for every block whose text is a unit, in document order.

    ``place`` says where a table cell sits ("row 2, column 'Treatment'") or which footnote
    a footnote paragraph belongs to ("[^study]").
    """
    places: dict[int, str] = {}

    def walk(
        el: etree.Element, in_fallback: bool, context: str
    ) -> Iterator[tuple[etree.Element, str, bool, str]]:
        for child in el:
            if child.tag in SKIPPED_TAGS:
                continue
            if child.tag == "table":
                places.update(_table_places(child))
            kind = _kind(child, el, context)
            if child.tag == "p" and _only_placeholders(child.text):
                yield child, RAW_BLOCK, in_fallback, ""
            elif kind and _has_unit_text(child):
                yield (
                    child,
                    kind,
                    in_fallback,
                    places.get(id(child), context if context.startswith("[^") else ""),
                )
            inner = context
            if child.tag == "blockquote":
                inner = "blockquote"
            elif child.tag == "div" and "footnote" in (child.get("class") or ""):
                inner = "footnote"
            elif context == "footnote" and child.tag == "li":
                inner = "[^" + re.sub(r"^fn[:\-]", "", child.get("id") or "") + "]"
            # Lazily: the caller has marked ``child`` as a fallback (lang) before we descend into it.
            yield from walk(child, in_fallback or child.get("lang") is not None, inner)

    yield from walk(root, False, "")


def _table_places(table: etree.Element) -> dict[int, str]:
    """Each cell's row (of the table body, from 1) and column, named by its header cell."""
    head = table.find("thead")
    names = [
        plain_text(normalize(th.text or "")) for th in (head.iter("th") if head is not None else [])
    ]
    places = {
        id(th): f"column {i}" for i, th in enumerate(head.iter("th") if head is not None else [], 1)
    }
    body = table.find("tbody")
    for r, row in enumerate(body.findall("tr") if body is not None else [], 1):
        for c, cell in enumerate(row, 1):
            name = names[c - 1] if c <= len(names) and names[c - 1] else str(c)
            places[id(cell)] = (
                f"row {r}, column '{name}'" if name != str(c) else f"row {r}, column {c}"
            )
    return places


def _kind(el: etree.Element, parent: etree.Element, context: str) -> str | None:
    if el.tag in HEADING_TAGS:
        return f"heading ({el.tag})"
    kind = BLOCK_KINDS.get(el.tag)
    if kind is None:
        return None
    if context == "footnote" or context.startswith("[^"):
        return "footnote" if el.tag == "p" else None
    if el.tag == "p" and parent.tag in BLOCK_KINDS:  # a loose list item or definition: li > p
        kind = BLOCK_KINDS[parent.tag]
    return f"{context} {kind}" if context else kind


def _only_placeholders(text: str | None) -> bool:
    """A paragraph Python-Markdown made for raw HTML blocks (fenced code included) it stashed."""
    return bool(text and text.strip()) and not HTML_PLACEHOLDER_RE.sub("", text or "").strip()


def _has_unit_text(el: etree.Element) -> bool:
    """Words a reader sees: not only images, stash placeholders or raw HTML tags."""
    text = (el.text or "").strip()
    if not text or HTML_PLACEHOLDER_RE.fullmatch(text) or _TRAILING_STASH.fullmatch(text):
        return False
    return bool(_IMAGE_ONLY.sub("", strip_tags(text)))


def _attribute_units(el: etree.Element) -> list[tuple[str, str]]:
    if el.tag == "img":
        return [("alt", "image alt text"), ("title", "image title")]
    if el.tag == "a" and not (el.get("class") or "").startswith("footnote"):
        return [("title", "link title")]
    return []
