"""What a translatable unit is, defined once for extraction *and* translation.

A Python-Markdown extension hands every unit's text to a ``Visitor``. While collecting, the
visitor records the text; while translating, it answers with the msgstr, or ``None`` to keep
the source text, which is then marked with the source language (WCAG 3.1.2).

A unit is a block's text with its inline Markdown kept: a link title or an image's alt text
inside a paragraph is translated as part of the paragraph, never on its own. Only an image
(or a linked image) standing alone in a block, with no text unit around it, gives its alt and
title as units of their own. Code (indented or fenced) and the ``[TOC]`` marker are not units;
on a page in another language a code block carries the source's ``lang``. A raw HTML block's
texts are units as ``htmlunits.py`` defines them (inline tags kept; ``alt``, ``title`` and
``aria-label`` outside text on their own), visited in document order with the other blocks;
what it cannot offer (SVG, MathML) is reported (``raw_blocks``). Inside ``<div markdown="1">``
(md_in_html) the Markdown is parsed and translated like any other.

| class                    | registry        | priority | why there                                       |
|--------------------------|-----------------|----------|-------------------------------------------------|
| ``FrontMatterPreprocessor`` | preprocessors | 27       | ``meta``'s place (see ``frontmatter.py``)       |
| ``BlockUnitProcessor``   | treeprocessors  | 30       | after footnotes (50) exist, before inline (20): |
|                          |                 |          | ``el.text`` still holds the author's Markdown   |
| ``AttributeUnitProcessor`` | treeprocessors | 9       | after inline (20) made ``alt``/``title``         |
|                          |                 |          | attributes and stashed inline HTML, before      |
|                          |                 |          | attr_list (8) and abbr (7)                      |
| ``LinearAbbrTreeprocessor`` | treeprocessors | 7       | replaces upstream ``abbr``: same work, linear   |
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import markdown
from markdown.extensions import Extension
from markdown.extensions.abbr import AbbrExtension
from markdown.extensions.attr_list import AttrListExtension, AttrListTreeprocessor
from markdown.extensions.def_list import DefListExtension
from markdown.extensions.fenced_code import FencedCodeExtension
from markdown.extensions.footnotes import FootnoteExtension
from markdown.extensions.md_in_html import MarkdownInHtmlExtension
from markdown.extensions.tables import TableExtension
from markdown.extensions.toc import slugify
from markdown.treeprocessors import Treeprocessor
from markdown.util import HTML_PLACEHOLDER_RE

from pipeline.language.text import normalize, plain_text
from pipeline.source.abbr import LinearAbbrTreeprocessor, abbreviations
from pipeline.source.blocks import (
    _TRAILING_STASH,
    HEADING_TAGS,
    RAW_BLOCK,
    UniqueIds,
    _attribute_units,
    _block_units,
)
from pipeline.source.frontmatter import FrontMatterExtension
from pipeline.source.htmlunits import Marks, translate_block
from pipeline.source.inert import InertTexts, InertTextsDone
from pipeline.source.rawhtml import RawHtml, removed_parts, script_url

# (text, kind) -> replacement, or None to keep the source text as a marked fallback.
Visitor = Callable[[str, str], "str | None"]

TOC_MARKER = (
    "[TOC]"  # Python-Markdown's; the list is made from the finished page (render/headings.py)
)
# Python-Markdown's own extensions, by class: named by a string, each is looked up among the
# installed packages' entry points, a scan of every distribution's metadata (some 30 ms) that a
# worker making a translator's page paid again
MARKDOWN_EXTENSIONS: tuple[type[Extension], ...] = (
    TableExtension,
    FootnoteExtension,
    AbbrExtension,
    DefListExtension,
    AttrListExtension,
    FencedCodeExtension,
    MarkdownInHtmlExtension,
)


@dataclass(frozen=True)
class Found:
    """A unit as the tree gives it, before ``source.py`` finds its line.

    ``hint``: a literal written just before the text in the source (``[^1]:``, ``*[NMDA]:``)
    for units the tree moves away from where the author wrote them.
    """

    text: str
    kind: str
    context: str = ""
    hint: str = ""
    raw_at: tuple[str, int, int] | None = None  # in a raw HTML block: (its first line, its
    # stash index, the line within it), for the units whose place only the block knows


class UnitExtension(Extension):
    """Registers both unit processors; ``visitor`` decides what happens to each unit.

    While a document is converted it also records, in document order, what ``source.py``
    needs besides the units: ``images`` (every image source, srcset candidates included),
    ``raw_blocks`` (the raw HTML blocks with words no unit offers, as written) and ``removed``
    (what the sanitizer takes out: a ``<script>``, ``<iframe>``, ``<object>``, ``<embed>`` or a
    script URL, as written).
    """

    def __init__(
        self,
        visitor: Visitor,
        fallback_attrs: dict[str, str],
        page_attrs: dict[str, str],
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.visitor = visitor
        self.fallback_attrs = fallback_attrs  # lang (and dir) of the source, for untranslated units
        self.page_attrs = (
            page_attrs  # lang (and dir) of the page, to undo a fallback inside a fallback
        )
        self.context = ""  # where the unit being visited sits, for collectors
        self.hint = ""
        self.unit_elements: set[int] = set()  # ids of elements whose text is a unit
        self.images: list[str] = []
        self.raw_blocks: list[tuple[str, str]] = []  # (HTML as written, its words no unit offers)
        self.raw_at: tuple[str, int, int] | None = None
        self.removed: list[str] = []  # what the sanitizer will remove (scripts, frames), as written

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Python-Markdown API)
        md.registerExtension(self)
        md.treeprocessors.register(BlockUnitProcessor(md, self), "units", 30)
        md.treeprocessors.register(AttributeUnitProcessor(md, self), "attribute-units", 9)

    def reset(self) -> None:
        self.unit_elements, self.images, self.raw_blocks, self.removed = set(), [], [], []

    def visit(self, text: str, kind: str, context: str = "", hint: str = "") -> str | None:
        self.context, self.hint = context, hint
        return self.visitor(text, kind)

    @property
    def marks_fallbacks(self) -> bool:
        """The page is in another language than the source: kept source text needs its ``lang``."""
        return self.fallback_attrs.get("lang") != self.page_attrs.get(
            "lang", self.fallback_attrs.get("lang")
        )


class ExtensionTreeprocessor(Treeprocessor):
    """A treeprocessor that reads its settings from the extension that registered it."""

    def __init__(self, md: markdown.Markdown, ext: Any) -> None:
        super().__init__(md)
        self.ext = ext


class BlockUnitProcessor(ExtensionTreeprocessor):
    """Visits block texts and the units of raw HTML blocks in document order, then the
    abbreviation expansions; marks code blocks with the source's ``lang`` on other pages."""

    def run(self, root: etree.Element) -> None:
        used_ids = UniqueIds()  # linear where toc.unique is quadratic in repeated headings
        self.headings: list[tuple[int, str]] = []  # the open sections: (level, heading text)
        for el, kind, in_fallback, place in _block_units(root):
            if kind == RAW_BLOCK:
                self._visit_raw(el, in_fallback)
                continue
            if (el.text or "").strip() == TOC_MARKER:
                continue
            level = int(el.tag[1]) if el.tag in HEADING_TAGS else 7
            context = self._context(level, place)
            source = self._visit_block(el, kind, in_fallback, used_ids, context)
            if level < 7:
                self.headings.append((level, plain_text(source)))
        self._mark_code(root)
        self._visit_abbreviations()

    def _context(self, level: int, place: str) -> str:
        """Where a unit sits: its place (table cell, footnote) and the heading it is under."""
        self.headings = [h for h in self.headings if h[0] < level]
        under = (
            f"under '{self.headings[-1][1]}'"
            if self.headings and not place.startswith("[^")
            else ""
        )
        return ", ".join(p for p in (place, under) if p)

    def _visit_raw(self, el: etree.Element, in_fallback: bool) -> None:
        """Each raw HTML block of the paragraph: its units visited, the block written back."""
        stash = self.md.htmlStash.rawHtmlBlocks
        marks = Marks(
            self.ext.fallback_attrs if self.ext.marks_fallbacks else {}, self.ext.page_attrs
        )
        for index in _placeholders(el.text):
            html = stash[index] if index < len(stash) else ""
            if not isinstance(html, str) or not html.strip():
                continue
            anchor = next(line.strip() for line in html.splitlines() if line.strip())

            def visit(
                text: str, kind: str, line: int, at: int = index, first: str = anchor
            ) -> str | None:
                heading = re.match(r"heading \(h(\d)\)", kind)
                context = self._context(int(heading.group(1)) if heading else 7, "")
                self.ext.raw_at = (first, at, line)
                replacement = self.ext.visit(text, kind, context)
                self.ext.raw_at = None
                if heading:
                    self.headings.append((int(heading.group(1)), plain_text(text)))
                return replacement

            result = translate_block(html, visit, marks, in_fallback)
            stash[index] = result.html
            if result.kept:
                self.ext.raw_blocks.append((html, result.kept))

    def _mark_code(self, root: etree.Element) -> None:
        """An indented code block stays as written: on another language's page it says so."""
        if not self.ext.marks_fallbacks:
            return
        for pre in root.iter("pre"):
            if "lang" not in pre.attrib:
                pre.attrib.update(self.ext.fallback_attrs)

    def _visit_block(
        self, el: etree.Element, kind: str, in_fallback: bool, used_ids: UniqueIds, context: str
    ) -> str:
        text, attrs = _split_suffix(el.text or "", el.tag in HEADING_TAGS)
        source = normalize(text)
        if el.tag in HEADING_TAGS and "#" not in attrs:  # "{#id}" sets its own; "{.class}" does not
            el.set("id", used_ids(slugify(plain_text(source), "-")))
        hint = context.split(",")[0] + ":" if context.startswith("[^") else ""
        replacement = self.ext.visit(source, kind, context, hint)
        self.ext.unit_elements.add(id(el))
        el.text = (replacement if replacement is not None else source) + attrs
        marks = self.ext.fallback_attrs if replacement is None and not in_fallback else {}
        if replacement is not None and in_fallback:
            marks = self.ext.page_attrs
        for name, value in marks.items():
            el.set(name, value)
        return source

    def _visit_abbreviations(self) -> None:
        abbrs = abbreviations(self.md)
        if abbrs is None:
            return
        for short, expansion in list(abbrs.items()):
            if expansion:
                replacement = self.ext.visit(
                    normalize(expansion),
                    f"expansion of the abbreviation {short}",
                    "",
                    f"*[{short}]:",
                )
                abbrs[short] = replacement if replacement is not None else expansion


class AttributeUnitProcessor(ExtensionTreeprocessor):
    """Alt and title texts of images (and linked images) outside any text unit; image sources.
    Both exist only after inline processing stashed inline HTML."""

    def run(self, root: etree.Element) -> None:
        headings: list[tuple[int, str]] = []
        for el, in_unit in _walk_elements(root, self.ext.unit_elements):
            if el.tag in HEADING_TAGS:
                headings = [h for h in headings if h[0] < int(el.tag[1])] + [
                    (int(el.tag[1]), _heading_text(el))
                ]
            self.ext.context = f"under '{headings[-1][1]}'" if headings else ""
            if el.tag == "img":
                self.ext.images.append(el.get("src", ""))
            for name in ("href", "src"):
                if script_url(el.get(name, "")):
                    self.ext.removed.append(el.get(name, ""))
            for index in _placeholders(el.text) + _placeholders(el.tail):
                self.ext.images.extend(RawHtml.parse(self._stashed(index)).sources)
                self.ext.removed.extend(removed_parts(self._stashed(index)))
            if not in_unit:
                self._visit_attributes(el)

    def _visit_attributes(self, el: etree.Element) -> None:
        for attribute, kind in _attribute_units(el):
            value = normalize(el.get(attribute, ""))
            if not value:
                continue
            replacement = self.ext.visit(value, kind, self.ext.context)
            if replacement is not None:
                el.set(attribute, replacement)
            elif self.ext.marks_fallbacks and "lang" not in el.attrib:
                el.attrib.update(self.ext.fallback_attrs)

    def _stashed(self, index: int) -> str:
        stash = self.md.htmlStash.rawHtmlBlocks
        html = stash[index] if index < len(stash) else ""
        return html if isinstance(html, str) else ""


def _heading_text(el: etree.Element) -> str:
    return " ".join(HTML_PLACEHOLDER_RE.sub("", "".join(el.itertext())).split())


def _placeholders(text: str | None) -> list[int]:
    return [int(m.group(1)) for m in HTML_PLACEHOLDER_RE.finditer(text or "")]


def _walk_elements(root: etree.Element, units: set[int]) -> Iterator[tuple[etree.Element, bool]]:
    """(element, inside-a-text-unit) in document order."""

    def walk(el: etree.Element, in_unit: bool) -> Iterator[tuple[etree.Element, bool]]:
        for child in el:
            yield child, in_unit
            yield from walk(child, in_unit or id(child) in units)

    yield from walk(root, False)


def _split_suffix(text: str, heading: bool) -> tuple[str, str]:
    """Keep a trailing ``{#id .class}`` and stash placeholders (footnote backlinks) out of the msgid."""
    match = _TRAILING_STASH.search(text)
    stash = text[match.start() :] if match else ""
    text = text[: match.start()] if match else text
    pattern = AttrListTreeprocessor.HEADER_RE if heading else AttrListTreeprocessor.BLOCK_RE
    match = pattern.search(text)
    return (text[: match.start()], text[match.start() :] + stash) if match else (text, stash)


@dataclass(frozen=True)
class Collected:
    """One article as the tree gives it: units, metadata, images and raw blocks in document order."""

    units: list[Found]
    meta: dict[str, list[str]]
    meta_lines: dict[str, int]  # lower-case key -> 1-based line
    body_start: int  # 0-based line where the body begins (after metadata)
    images: list[str]
    raw_blocks: list[tuple[str, str]]  # (HTML as written, its words no unit offers)
    removed: list[str]  # scripts, frames, objects and script URLs the page will not have


def collect(text: str) -> Collected:
    """Convert once, recording every unit with where it sits (heading, table cell, footnote)."""
    found: list[Found] = []
    front = FrontMatterExtension()

    def record(unit_text: str, kind: str) -> str:
        found.append(Found(unit_text, kind, units.context, units.hint, units.raw_at))
        return unit_text

    units = UnitExtension(record, {}, {})
    _markdown(units, front).convert(text)
    md_meta = front.md.Meta  # type: ignore[attr-defined]  # the meta extension's attribute
    return Collected(
        found,
        md_meta,
        front.key_lines,
        front.body_start,
        units.images,
        units.raw_blocks,
        units.removed,
    )


def make_markdown(
    visitor: Visitor,
    fallback_attrs: dict[str, str] | None = None,
    page_attrs: dict[str, str] | None = None,
    backlink_title: str | None = None,
    extra: tuple[Extension, ...] = (),
) -> markdown.Markdown:
    """A Markdown converter with the article extensions and our unit extension."""
    return _markdown(
        UnitExtension(visitor, fallback_attrs or {}, page_attrs or {}),
        FrontMatterExtension(),
        backlink_title,
        extra,
    )


def _markdown(
    units: UnitExtension,
    front: FrontMatterExtension,
    backlink_title: str | None = None,
    extra: tuple[Extension, ...] = (),
) -> markdown.Markdown:
    configs: dict[type[Extension], dict[str, Any]] = {}
    if backlink_title:
        configs[FootnoteExtension] = {"BACKLINK_TITLE": backlink_title}
    own = [extension(**configs.get(extension, {})) for extension in MARKDOWN_EXTENSIONS]
    md = markdown.Markdown(extensions=[front, *own, units, *extra], output_format="html")
    md.treeprocessors.register(
        LinearAbbrTreeprocessor(md, abbreviations(md)), "abbr", 7
    )  # replaces upstream's
    skipped = InertTexts(md)
    md.treeprocessors.register(skipped, "inert-texts", 20.5)  # just before "inline" (20)
    md.treeprocessors.register(InertTextsDone(md, skipped), "inert-texts-done", 19.5)
    return md
