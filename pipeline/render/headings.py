"""A page's headings as a publisher expects them: one ``h1``, ids of their own, a working ``[TOC]``.

Why after Markdown rather than inside it: raw HTML blocks come back into the page only in the
postprocessors, as text, so the tree never sees an ``<h1>`` or an ``<h2>`` written in HTML. A table
of contents built from the tree (Python-Markdown's ``toc``) lists no heading of a page written
in HTML, and an ``<h1>`` in a callout is no ``h1`` to the tree. ``arrange`` reads the finished
body instead, in every language, with the translated headings and their ``lang`` marks:

- The page's ``h1`` is the article's title. An article titled by its metadata (``Title:``,
  ``title:``) keeps a Markdown ``# heading`` that opens its body as that ``h1`` (the title as the
  author shows it); otherwise the metadata title is put first as the ``h1``. An article without
  metadata is titled by its first ``# heading``, which stays its ``h1``. Every other ``h1`` (a
  later ``#`` heading, an ``<h1>`` in raw HTML, which is never the title) becomes an ``h2``.
- Heading ids are unique on the page: never one of the templates' own ids (``content``,
  ``article``, ``words-to-know``, the glossary's ``term-…``), never another element's. A heading
  renamed away from a template's id takes the body's links to that id with it.
- ``[TOC]`` lists the headings below the ``h1``, nested by level; an entry whose heading is shown
  in another language than the page (a fallback) carries that ``lang``/``dir``. No headings, no list.

| class        | registry        | priority | why there                                          |
|--------------|-----------------|----------|----------------------------------------------------|
| ``TocSlot``  | treeprocessors  | 29       | after the units (30) skipped the marker; marks the |
|              |                 |          | first tree ``h1`` and leaves the list a slot that   |
|              |                 |          | raw HTML (postprocessor 30) does not touch         |
"""

from __future__ import annotations

import html as html_lib
import re
import xml.etree.ElementTree as etree
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser

import markdown
from markdown.extensions import Extension
from markdown.extensions.toc import slugify, unique
from markdown.treeprocessors import Treeprocessor

from pipeline.language.text import fragment_text
from pipeline.render.ui import TEMPLATES_DIR
from pipeline.source.blocks import HEADING_TAGS
from pipeline.source.segment import TOC_MARKER

TITLE_MARK = "data-pipeline-title"
_TOC_SLOT = "<!--pipeline:toc-->"
_HEADING = re.compile(r"<h([1-6])(\s[^>]*)?>(.*?)</h\1\s*>", re.S | re.I)
_TITLE_ATTR = re.compile(rf'\s{TITLE_MARK}(?:="")?')
_ID_ATTR = re.compile(r'\sid="([^"]*)"')
_ANY_ID = re.compile(r'<[a-zA-Z][^>]*?\sid="([^"]*)"')
_TEMPLATE_ID = re.compile(r'\bid="([^"{}]+)"')
_EXTENDS = re.compile(r'{%-?\s*(?:extends|include)\s+"([^"]+)"')
PAGE_TEMPLATES = ("page.html", "leaflet.html")  # the templates an article's body is shown in


class TocSlot(Treeprocessor):
    """The ``[TOC]`` paragraph becomes a slot ``arrange`` fills; the title's ``h1`` is marked."""

    def __init__(self, md: markdown.Markdown, titled: bool) -> None:
        super().__init__(md)
        self.titled = titled

    def run(self, root: etree.Element) -> None:
        first = _title_heading(root, self.titled)
        if first is not None:
            first.set(TITLE_MARK, "")
        for el in root.iter("p"):
            if len(el) == 0 and (el.text or "").strip() == TOC_MARKER:
                el.text = self.md.htmlStash.store(_TOC_SLOT)


def _title_heading(root: etree.Element, titled: bool) -> etree.Element | None:
    """An article titled by its metadata keeps a ``# heading`` as its ``h1`` only where it opens
    the page (the first heading: the title as the author shows it, "# Flu vaccine"); an
    ``h1`` after a section is a section. Untitled, its first ``# heading`` is its title."""
    if not titled:
        return next(root.iter("h1"), None)
    first = next((el for el in root.iter() if el.tag in HEADING_TAGS), None)
    return first if first is not None and first.tag == "h1" else None


class TocSlotExtension(Extension):
    """``titled``: the article has a ``Title:``/``title:`` of its own (its metadata)."""

    def __init__(self, titled: bool, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.titled = titled

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Python-Markdown API)
        md.treeprocessors.register(TocSlot(md, self.titled), "toc-slot", 29)


@cache
def template_ids(names: tuple[str, ...] = PAGE_TEMPLATES) -> frozenset[str]:
    """The literal ids of the templates an article is shown in, and of those they extend or include."""
    found: set[str] = set()
    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        text = (TEMPLATES_DIR / name).read_text(encoding="utf-8")
        found.update(_TEMPLATE_ID.findall(text))
        todo.extend(_EXTENDS.findall(text))
    return frozenset(found)


@dataclass(frozen=True)
class _Heading:
    start: int
    end: int
    level: int
    attrs: str  # the start tag's attributes, as written
    inner: str


def arrange(html: str, title_h1: str, reserved: Iterable[str]) -> str:
    """The body with one ``h1``, unique heading ids and its table of contents (see the module)."""
    headings = [
        _Heading(m.start(), m.end(), int(m.group(1)), m.group(2) or "", m.group(3))
        for m in _HEADING.finditer(html)
    ]
    if not headings and _TOC_SLOT not in html:
        return title_h1 + html
    literal = template_ids()
    used = set(reserved) | literal | _other_ids(html, headings)
    moved: dict[str, str] = {}  # a template's id -> the heading's new id
    pieces, entries, position, has_title = [], [], 0, False
    for heading in headings:
        is_title = TITLE_MARK in heading.attrs
        has_title = has_title or is_title
        level = 2 if heading.level == 1 and not is_title else heading.level
        own = _ID_ATTR.search(heading.attrs)
        wanted = own.group(1) if own else slugify(_text(heading.inner), "-") or "section"
        new_id = unique(wanted, used)
        if wanted in literal and wanted != new_id:
            moved.setdefault(wanted, new_id)
        attrs = _TITLE_ATTR.sub("", heading.attrs)
        if own:  # in its place: the attributes stay in the order they were written
            attrs = _ID_ATTR.sub(f' id="{new_id}"', attrs, count=1)
        elif level > 1:
            attrs = f' id="{new_id}"' + attrs
        if own or level > 1:
            entries.append((heading.start, level, new_id, heading.inner))
        pieces.append(
            html[position : heading.start] + f"<h{level}{attrs}>{heading.inner}</h{level}>"
        )
        position = heading.end
    body = "".join(pieces) + html[position:]
    body = _relink(body, moved)
    if _TOC_SLOT in body:
        body = body.replace(_TOC_SLOT, _toc(html, [e for e in entries if e[1] > 1]), 1)
    return body if has_title else title_h1 + body


def _other_ids(html: str, headings: list[_Heading]) -> set[str]:
    inside = {m.group(1) for h in headings for m in _ID_ATTR.finditer(h.attrs)}
    return set(_ANY_ID.findall(html)) - inside


def _relink(body: str, moved: dict[str, str]) -> str:
    """The author's ``[see below](#content)`` meant their heading, not the page's main region."""
    for old, new in moved.items():
        body = body.replace(f'href="#{old}"', f'href="#{new}"')
    return body


def _text(inner: str) -> str:
    return fragment_text(inner, between="")


def _toc(html: str, entries: list[tuple[int, int, str, str]]) -> str:
    """The nested list of sections, each entry in the language its heading is shown in."""
    if not entries:
        return ""
    languages = _languages(html, {start for start, *_ in entries})
    links = [
        (
            level,
            f'<a href="#{anchor}"{languages.get(start, "")}>'
            f"{html_lib.escape(_text(inner), quote=False)}</a>",
        )
        for start, level, anchor, inner in entries
    ]
    return f'<div class="toc">\n{_nested(links)}</div>'


def _nested(links: list[tuple[int, str]]) -> str:
    """Each entry holds the entries of deeper levels that follow it, as Python-Markdown's toc nests."""
    items, i = [], 0
    while i < len(links):
        level, link = links[i]
        j = i + 1
        while j < len(links) and links[j][0] > level:
            j += 1
        items.append(f"<li>{link}{_nested(links[i + 1 : j]) if j > i + 1 else ''}</li>\n")
        i = j
    return "<ul>\n" + "".join(items) + "</ul>\n"


def _languages(html: str, starts: set[int]) -> dict[int, str]:
    """`` lang=".." dir=".."`` of each heading starting at an offset in ``starts``: its own or
    the nearest element's around it that has one (a raw HTML block kept in the source language)."""
    parser = _LanguageParser(html, starts)
    parser.feed(html)
    parser.close()
    return parser.found


class _LanguageParser(HTMLParser):
    VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}

    def __init__(self, html: str, starts: set[int]) -> None:
        super().__init__(convert_charrefs=True)
        self.starts = starts
        self.lines = [0]
        for line in html.split("\n"):  # HTMLParser counts lines by "\n" alone
            self.lines.append(self.lines[-1] + len(line) + 1)
        self.stack: list[tuple[str, str, str]] = []  # (tag, lang, dir)
        self.found: dict[int, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        outer = self.stack[-1] if self.stack else ("", "", "")
        lang, direction = values.get("lang") or outer[1], values.get("dir") or outer[2]
        line, column = self.getpos()
        offset = self.lines[line - 1] + column
        if offset in self.starts and lang:
            marks = {"lang": lang, "dir": direction}
            self.found[offset] = "".join(
                f' {k}="{html_lib.escape(v)}"' for k, v in marks.items() if v
            )
        if tag not in self.VOID:
            self.stack.append((tag, lang, direction))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return
