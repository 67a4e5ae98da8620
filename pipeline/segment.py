"""What a translatable unit is, defined once for extraction *and* translation.

A Python-Markdown extension hands every unit's text to a ``Visitor``. While collecting, the
visitor records the text; while translating, it answers with the msgstr, or ``None`` to keep
the source text, which is then marked with the source language (WCAG 3.1.2).

| class                    | registry        | priority | why there                                       |
|--------------------------|-----------------|----------|-------------------------------------------------|
| ``BlockUnitProcessor``   | treeprocessors  | 30       | after footnotes (50) exist, before inline (20): |
|                          |                 |          | ``el.text`` still holds the author's Markdown   |
| ``AttributeUnitProcessor`` | treeprocessors | 9       | after inline (20) made ``alt``/``title``         |
|                          |                 |          | attributes, before attr_list (8) and abbr (7)   |
| ``LinearAbbrTreeprocessor`` | treeprocessors | 7       | replaces upstream ``abbr``: same work, linear   |
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Callable, Iterator
from typing import Any

import markdown
from markdown.extensions import Extension
from markdown.extensions.abbr import AbbrExtension, AbbrTreeprocessor
from markdown.extensions.attr_list import AttrListTreeprocessor
from markdown.extensions.toc import slugify, unique
from markdown.treeprocessors import Treeprocessor
from markdown.util import ETX, HTML_PLACEHOLDER_RE, STX, AtomicString

from pipeline.text import plain_text

# (text, kind) -> replacement, or None to keep the source text as a marked fallback.
Visitor = Callable[[str, str], "str | None"]

BLOCK_KINDS = {
    "p": "paragraph",
    "li": "list item",
    "th": "table header cell",
    "td": "table cell",
    "dt": "definition term",
    "dd": "definition",
}
HEADING_TAGS = {f"h{n}" for n in range(1, 7)}
SKIPPED_TAGS = {"pre", "code", "script", "style"}
_IMAGE_ONLY = re.compile(r"!\[[^\]]*\]\([^)]*\)|\s+")
_TRAILING_STASH = re.compile(f"(?:{STX}[^{ETX}]*{ETX})+$")
_SOFT_BREAK = re.compile(r"[ \t]*\n[ \t]*")
_HARD_BREAK = re.compile(r"( {2,}|\\)\n")
MARKDOWN_EXTENSIONS = ["meta", "tables", "footnotes", "abbr", "def_list", "attr_list", "toc"]


def normalize(text: str) -> str:
    """One line per unit for translators: soft line breaks become spaces, hard breaks stay."""
    text = _HARD_BREAK.sub("\x00", text.strip())
    return _SOFT_BREAK.sub(" ", text).replace("\x00", "  \n")


class UnitExtension(Extension):
    """Registers both unit processors; ``visitor`` decides what happens to each unit."""

    def __init__(self, visitor: Visitor, fallback_attrs: dict[str, str], page_attrs: dict[str, str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.visitor = visitor
        self.fallback_attrs = fallback_attrs  # lang (and dir) of the source, for untranslated units
        self.page_attrs = page_attrs  # lang (and dir) of the page, to undo a fallback inside a fallback

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Python-Markdown API)
        md.treeprocessors.register(BlockUnitProcessor(md, self), "units", 30)
        md.treeprocessors.register(AttributeUnitProcessor(md, self), "attribute-units", 9)


class ExtensionTreeprocessor(Treeprocessor):
    """A treeprocessor that reads its settings from the extension that registered it."""

    def __init__(self, md: markdown.Markdown, ext: Any) -> None:
        super().__init__(md)
        self.ext = ext


def abbreviations(md: markdown.Markdown) -> dict[str, str] | None:
    """The abbr extension's live dictionary (abbreviation -> expansion), filled by its block parser."""
    abbr = next((e for e in md.registeredExtensions if isinstance(e, AbbrExtension)), None)
    return abbr.abbrs if abbr is not None else None


class BlockUnitProcessor(ExtensionTreeprocessor):
    """Visits block texts in document order, then the abbreviation expansions."""

    def run(self, root: etree.Element) -> None:
        used_ids: set[str] = set()
        for el, kind, in_fallback in _block_units(root):
            self._visit_block(el, kind, in_fallback, used_ids)
        self._visit_abbreviations()

    def _visit_block(self, el: etree.Element, kind: str, in_fallback: bool, used_ids: set[str]) -> None:
        text, attrs = _split_suffix(el.text or "", el.tag in HEADING_TAGS)
        source = normalize(text)
        if el.tag in HEADING_TAGS and "{" not in attrs and "#" not in attrs:
            el.set("id", unique(slugify(plain_text(source), "-"), used_ids))
        replacement = self.ext.visitor(source, kind)
        el.text = (replacement if replacement is not None else source) + attrs
        marks = self.ext.fallback_attrs if replacement is None and not in_fallback else {}
        if replacement is not None and in_fallback:
            marks = self.ext.page_attrs
        for name, value in marks.items():
            el.set(name, value)

    def _visit_abbreviations(self) -> None:
        abbrs = abbreviations(self.md)
        if abbrs is None:
            return
        for short, expansion in list(abbrs.items()):
            if expansion:
                replacement = self.ext.visitor(normalize(expansion), f"expansion of the abbreviation {short}")
                abbrs[short] = replacement if replacement is not None else expansion


class AttributeUnitProcessor(ExtensionTreeprocessor):
    """Image alt and title texts and link titles, which exist only after inline processing."""

    def run(self, root: etree.Element) -> None:
        for el in root.iter():
            for attribute, kind in _attribute_units(el):
                value = normalize(el.get(attribute, ""))
                if value:
                    replacement = self.ext.visitor(value, kind)
                    if replacement is not None:
                        el.set(attribute, replacement)


def _block_units(root: etree.Element) -> Iterator[tuple[etree.Element, str, bool]]:
    """Yield (element, kind, inside-a-fallback) for every block whose text is a unit, in document order."""

    def walk(el: etree.Element, in_fallback: bool, context: str) -> Iterator[tuple[etree.Element, str, bool]]:
        for child in el:
            if child.tag in SKIPPED_TAGS:
                continue
            kind = _kind(child, el, context)
            if kind and _has_unit_text(child):
                yield child, kind, in_fallback
            inner = context
            if child.tag == "blockquote":
                inner = "blockquote"
            elif child.tag == "div" and "footnote" in (child.get("class") or ""):
                inner = "footnote"
            # Lazily: the caller has marked ``child`` as a fallback (lang) before we descend into it.
            yield from walk(child, in_fallback or child.get("lang") is not None, inner)

    yield from walk(root, False, "")


def _kind(el: etree.Element, parent: etree.Element, context: str) -> str | None:
    if el.tag in HEADING_TAGS:
        return f"heading ({el.tag})"
    kind = BLOCK_KINDS.get(el.tag)
    if kind is None:
        return None
    if context == "footnote":
        return "footnote" if el.tag == "p" else None
    if el.tag == "p" and parent.tag in BLOCK_KINDS:  # a loose list item or definition: li > p
        kind = BLOCK_KINDS[parent.tag]
    return f"{context} {kind}" if context else kind


def _has_unit_text(el: etree.Element) -> bool:
    text = (el.text or "").strip()
    if not text or HTML_PLACEHOLDER_RE.fullmatch(text) or _TRAILING_STASH.fullmatch(text):
        return False
    return bool(_IMAGE_ONLY.sub("", text))


def _attribute_units(el: etree.Element) -> list[tuple[str, str]]:
    if el.tag == "img":
        return [("alt", "image alt text"), ("title", "image title")]
    if el.tag == "a" and not (el.get("class") or "").startswith("footnote"):
        return [("title", "link title")]
    return []


def _split_suffix(text: str, heading: bool) -> tuple[str, str]:
    """Keep a trailing ``{#id .class}`` and stash placeholders (footnote backlinks) out of the msgid."""
    match = _TRAILING_STASH.search(text)
    stash = text[match.start():] if match else ""
    text = text[: match.start()] if match else text
    pattern = AttrListTreeprocessor.HEADER_RE if heading else AttrListTreeprocessor.BLOCK_RE
    match = pattern.search(text)
    return (text[: match.start()], text[match.start():] + stash) if match else (text, stash)


def make_markdown(
    visitor: Visitor,
    fallback_attrs: dict[str, str] | None = None,
    page_attrs: dict[str, str] | None = None,
    backlink_title: str | None = None,
    extra: tuple[Extension, ...] = (),
) -> markdown.Markdown:
    """A Markdown converter with the article extensions and our unit extension."""
    configs: dict[str, dict[str, Any]] = {"toc": {"permalink": False}}
    if backlink_title:
        configs["footnotes"] = {"BACKLINK_TITLE": backlink_title}
    md = markdown.Markdown(
        extensions=[*MARKDOWN_EXTENSIONS, UnitExtension(visitor, fallback_attrs or {}, page_attrs or {}), *extra],
        extension_configs=configs,
        output_format="html",
    )
    md.treeprocessors.register(LinearAbbrTreeprocessor(md, abbreviations(md)), "abbr", 7)  # replaces upstream's
    return md


class LinearAbbrTreeprocessor(AbbrTreeprocessor):
    """Python-Markdown's abbr processor (3.11), made linear in the size of the page.

    Upstream computes ``list(parent).index(el)`` for every element that has a tail, even a bare
    newline after a top-level paragraph: O(blocks²) over a page (a 110,000-paragraph article spent
    minutes here). Only a tail holding an abbreviation needs that position, so any other tail is
    set aside while upstream's code runs, and put back.
    """

    def iter_element(self, el: etree.Element, parent: etree.Element | None = None) -> None:
        tail = el.tail
        if parent is None or not tail or isinstance(tail, AtomicString) or self.RE.search(tail):
            super().iter_element(el, parent)
            return
        el.tail = None
        try:
            super().iter_element(el, parent)
        finally:
            el.tail = tail
