"""HTML elements -> the nodes ``templates/leaflet.typ`` knows (see ``typeset``'s table).

Each node is a dict with its kind ``t``, its children ``c`` and what Typst needs to print it in
the reader's language: ``lang``/``region`` and ``dir`` where an element carries ``lang``/``dir``
(fallback text, an English name in an Arabic sentence), ``id`` where a link points at it, ``class``
for the template's styles. White space is collapsed as a browser does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pipeline.render.typeset import (
    BLOCKS,
    KNOWN,
    MAX_DEPTH,
    RENAMED,
    Element,
    Images,
    Node,
    all_elements,
    find,
    lang_keys,
    parse,
    text_of,
)

_SPACE = re.compile(r"[ \t\n\r\f]+")
_URL = re.compile(r"(?:https?|mailto|tel):", re.IGNORECASE)
BLOCK_NODES = frozenset({"h", "p", "div", "ul", "ol", "li", "dl", "table", "blockquote", "pre", "hr", "img"})  # fmt: skip
HIDDEN = frozenset({"script", "style", "template", "head", "title", "noscript", "svg", "math"})


@dataclass
class Converter:
    """One leaflet's conversion: its images, the ids its links point at (each labelled once)."""

    images: Images
    targets: set[str]
    labelled: set[str] = field(default_factory=set)
    level: int = 0  # the last heading's level, as printed

    def heading_level(self, written: int) -> int:
        """A heading's level in the PDF: never more than one below the heading before it. PDF/UA-1
        refuses a skipped level (an ``h1`` then an ``h3``, common in Markdown written by hand),
        and a reader's outline needs none; the page keeps the levels as written."""
        self.level = min(written, self.level + 1)
        return self.level

    def nodes(self, children: list[Element | str], depth: int, block: bool) -> list[Node]:
        """The children as nodes; in a block, white space at its edges and between blocks goes."""
        out: list[Node] = []
        for child in children:
            if isinstance(child, str):
                _append_text(out, _SPACE.sub(" ", child))
            elif child.tag not in HIDDEN and "hidden" not in child.attrs:
                for node in self.element(child, depth):
                    if isinstance(node, str):
                        _append_text(out, node)
                    else:
                        out.append(node)
        return _trimmed(out) if block else out

    def element(self, element: Element, depth: int) -> list[Node]:
        """One element as nodes: one node, or its content alone where it adds nothing to print."""
        if depth > MAX_DEPTH:
            return [_SPACE.sub(" ", text_of(element))]
        tag = RENAMED.get(element.tag, element.tag)
        if tag == "img":
            return self.image(element)
        node = self.kind(element, tag, depth)
        if node is None:
            return []
        keys = self.attributes(element, node)
        if node["t"] == "span" and not keys:
            return list(node["c"])  # an element the template does not know: its content
        return [node]

    def kind(self, element: Element, tag: str, depth: int) -> dict[str, Any] | None:
        if tag == "table":
            return self.table(element, depth)
        if tag == "dl":
            return self.terms(element, depth)
        if re.fullmatch(r"h[1-6]", tag):
            return {
                "t": "h",
                "level": self.heading_level(int(tag[1])),
                "c": self.nodes(element.children, depth + 1, True),
            }
        if tag == "pre":  # preformatted: its white space is what it says
            return {"t": "pre", "c": [text_of(element)]}
        kind = tag if tag in KNOWN else "span"
        block = element.tag in BLOCKS or kind in BLOCK_NODES
        node: dict[str, Any] = {"t": kind, "c": self.nodes(element.children, depth + 1, block)}
        if kind == "p" and any(_is_block(child) for child in node["c"]):
            node["t"] = "div"  # a paragraph holding an image: Typst's paragraphs hold no blocks
        if tag == "ol" and element.attrs.get("start", "").isdigit():
            node["start"] = int(element.attrs["start"])
        if tag == "a":
            self.link(element, node)
        return node

    def attributes(self, element: Element, node: dict[str, Any]) -> dict[str, str]:
        """The element's language, direction, link target id and classes on its node."""
        keys = lang_keys(element.attrs["lang"]) if "lang" in element.attrs else {}
        direction = element.attrs.get("dir", "").strip().lower()
        if direction in ("ltr", "rtl"):
            keys["dir"] = direction
        ident = element.attrs.get("id", "")
        if ident in self.targets and ident not in self.labelled:
            self.labelled.add(ident)
            keys["id"] = ident
        if element.attrs.get("class", "").strip():
            keys["class"] = " ".join(element.attrs["class"].split())
        node.update(keys)
        return keys

    def link(self, element: Element, node: dict[str, Any]) -> None:
        """A web address stays one; ``#id`` links inside the leaflet when the id is in it."""
        href = element.attrs.get("href", "").strip()
        if href.startswith("#") and href[1:] in self.targets:
            node["to"] = href[1:]
        elif _URL.match(href):
            node["href"] = href

    def image(self, element: Element) -> list[Node]:
        """The image with its alt text, or (an image a leaflet cannot read) the alt text as text."""
        alt = _SPACE.sub(" ", element.attrs.get("alt", "")).strip()
        src = self.images.source(element.attrs.get("src", ""))
        if src is None:
            return [alt] if alt else []
        return [{"t": "img", "src": src, "alt": alt}]

    def table(self, element: Element, depth: int) -> dict[str, Any] | None:
        """A table as a header and body rows of cells; its column count is its widest row's."""
        head: list[list[Node]] = []
        rows: list[list[Node]] = []
        for row, in_head in _rows(element):
            cells = [self.cell(cell, depth) for cell in row.children if isinstance(cell, Element) and cell.tag in ("th", "td")]  # fmt: skip
            (head if in_head else rows).append(cells)
        widths = [
            sum(c.get("colspan", 1) for c in row if isinstance(c, dict)) for row in head + rows
        ]
        if not widths or max(widths) == 0:
            return None
        return {"t": "table", "cols": max(widths), "head": head, "rows": rows}

    def cell(self, cell: Element, depth: int) -> Node:
        node: dict[str, Any] = {"t": cell.tag, "c": self.nodes(cell.children, depth + 2, True)}
        span = cell.attrs.get("colspan", "")
        if span.isdigit() and 1 < int(span) <= 100:
            node["colspan"] = int(span)
        self.attributes(cell, node)
        return node

    def terms(self, element: Element, depth: int) -> dict[str, Any]:
        """``dt``/``dd`` pairs as ``terms`` items; a ``dd`` without its ``dt`` gets an empty term."""
        items: list[dict[str, Any]] = []
        for child in element.children:
            if not isinstance(child, Element) or child.tag not in ("dt", "dd"):
                continue
            node = {"t": child.tag, "c": self.nodes(child.children, depth + 2, True)}
            self.attributes(child, node)
            if child.tag == "dt" or not items:
                items.append({"term": node if child.tag == "dt" else "", "desc": []})
            if child.tag == "dd":
                items[-1]["desc"].append(node)
        return {"t": "dl", "items": items}


@dataclass(frozen=True)
class Document:
    """What ``leaflet.typ`` typesets (``data``, JSON-able), the images it prints, what went wrong."""

    data: dict[str, Any]
    images: frozenset[str]  # images under output/ the leaflet prints (their bytes are in its key)
    warnings: tuple[str, ...]  # images it cannot show: findings


def document(html: str, images: Images, digits: str, paper: str) -> Document:
    """The leaflet's HTML as data: the ``<html lang dir>``, ``<title>``, ``<meta>`` values, and
    the body's nodes. ``digits``: the page numbers' first digit ("1", or "١" in Arabic digits)."""
    tree = parse(html)
    root = find(tree, "html") or tree
    meta = {
        m.attrs.get("name", ""): m.attrs.get("content", "")
        for m in all_elements(tree, "meta")
        if "name" in m.attrs
    }
    title = find(tree, "title")
    body = find(tree, "body") or tree
    targets = {
        a.attrs["href"][1:] for a in all_elements(body, "a") if a.attrs.get("href", "")[:1] == "#"
    }
    nodes = Converter(images, targets).nodes(body.children, 0, block=True)
    data = {
        **lang_keys(root.attrs.get("lang", "")),
        "dir": root.attrs.get("dir", "ltr") if root.attrs.get("dir") in ("ltr", "rtl") else "ltr",
        "title": _SPACE.sub(" ", text_of(title)).strip() if title else "",
        "description": meta.get("description", ""),
        "paper": paper,
        "digits": digits,
        "numbers": page_numbers(meta.get("page-numbers", "{page} / {pages}")),
        "body": nodes,
    }
    return Document(data, frozenset(images.used), tuple(images.warnings))


def without_images(node: Any) -> Any:
    """The data with each image replaced by its alt text: what prints when Typst cannot decode one."""
    if isinstance(node, list):
        return [without_images(item) for item in node]
    if isinstance(node, dict):
        if node.get("t") == "img":
            return node.get("alt", "")
        return {key: without_images(value) for key, value in node.items()}
    return node


def page_numbers(template: str) -> list[str | dict[str, str]]:
    """A translated "Page {page} of {pages}" as text around two counters; a one-line footer has
    no use for a line or paragraph break, so control characters become spaces."""
    parts: list[str | dict[str, str]] = []
    for part in re.split(r"(\{page\}|\{pages\})", template):
        if part in ("{page}", "{pages}"):
            parts.append({"counter": part[1:-1]})
        elif part:
            parts.append("".join(" " if _control(c) else c for c in part))
    return parts


def _control(char: str) -> bool:
    return ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0 or char in "\u2028\u2029"


def _rows(table: Element) -> list[tuple[Element, bool]]:
    """The table's rows in order, each with whether it is a header row (under ``thead``)."""
    found = []
    for child in table.children:
        if not isinstance(child, Element):
            continue
        if child.tag == "tr":
            found.append((child, False))
        elif child.tag in ("thead", "tbody", "tfoot"):
            found += [(r, child.tag == "thead") for r in child.children if isinstance(r, Element) and r.tag == "tr"]  # fmt: skip
    return found


def _append_text(out: list[Node], text: str) -> None:
    """Adjacent text is one string; collapsed white space stays one space."""
    if not text:
        return
    if out and isinstance(out[-1], str):
        out[-1] = _SPACE.sub(" ", out[-1] + text)
    else:
        out.append(text)


def _trimmed(nodes: list[Node]) -> list[Node]:
    """A block's content without white space at its edges or between its block children."""
    out: list[Node] = []
    for index, node in enumerate(nodes):
        if isinstance(node, str):
            before = index == 0 or _is_block(nodes[index - 1])
            after = index == len(nodes) - 1 or _is_block(nodes[index + 1])
            node = node.lstrip(" ") if before else node
            node = node.rstrip(" ") if after else node
            if not node:
                continue
        out.append(node)
    return out


def _is_block(node: Node) -> bool:
    return isinstance(node, dict) and node.get("t") in BLOCK_NODES
