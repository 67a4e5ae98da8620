"""A leaflet's HTML -> plain data (a ``Document``) that ``templates/leaflet.typ`` typesets with Typst.

The leaflet is written as HTML (``templates/leaflet.html``: the page's sanitized body, the header,
the notices, "Words to know", the footer), as the page is; this module reads it with the stdlib's
``html.parser`` and keeps what a printed leaflet shows, as JSON-able nodes:

| HTML                                   | node ``t``   | Typst (``leaflet.typ``)            |
|----------------------------------------|--------------|------------------------------------|
| ``h1``–``h6``                          | ``h``        | ``heading(level:)``: tag, bookmark |
| ``p``, ``div``, ``header`` …           | ``p``, ``div`` | ``par``, ``block``               |
| ``ul``, ``ol``, ``li``; ``dl``         | ``ul``, ``ol``, ``li``; ``dl`` | ``list``, ``enum``; ``terms`` |
| ``table``                              | ``table`` (``head``, ``rows``) | ``table`` with ``table.header`` |
| ``img``                                | ``img``      | ``image(alt:)``, read inside the project |
| ``a href``                             | ``a``        | ``link``: a URL, or a label in the leaflet |
| ``lang``, ``dir`` on any element       | keys         | ``text(lang:, region:, dir:)``    |

Text stays data, never markup: the template reads it with ``json()`` and inserts strings, so
nothing an author or translator writes (``#``, ``*``, ``$``, ``<``, ``]``) is read as Typst.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

Node = dict[str, Any] | str
SITE = "file:///output/"  # a leaflet's images are looked up at its page's place under this
MAX_DEPTH = 40  # deeper elements are printed as their text (Typst bounds its own recursion)
VOID = frozenset({"img", "br", "hr", "meta", "wbr", "input", "col", "source", "link", "area"})
HIDDEN = frozenset({"script", "style", "template", "head", "title", "noscript", "svg", "math"})
BLOCKS = frozenset({"p", "div", "header", "footer", "section", "article", "aside", "nav", "main",
                    "figure", "figcaption", "blockquote", "pre", "address", "details", "summary",
                    "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd",
                    "table", "hr", "body", "html"})  # fmt: skip
# HTML element -> the node the template knows; unknown elements keep only their content.
RENAMED = {"b": "strong", "i": "em", "cite": "em", "var": "em", "kbd": "code", "samp": "code",
           "tt": "code", "del": "s", "strike": "s", "section": "div", "article": "div",
           "header": "div", "footer": "div", "aside": "div", "main": "div", "nav": "div",
           "figure": "div", "figcaption": "p", "address": "p", "details": "div", "summary": "p"}  # fmt: skip
KNOWN = frozenset({"p", "div", "ul", "ol", "li", "dl", "dt", "dd", "table", "img", "a", "strong",
                   "em", "code", "pre", "sup", "sub", "s", "blockquote", "q", "br", "hr", "dfn"})  # fmt: skip
_LANG = re.compile(r"([A-Za-z]{2,3})(?:-[A-Za-z]{4})?(?:-([A-Za-z]{2}))?(?:-|$)")
_SPACE = re.compile(r"[ \t\n\r\f]+")  # HTML's white space; a no-break space is text


@dataclass
class Element:
    """One parsed HTML element: its tag, the attributes the leaflet uses, its children."""

    tag: str
    attrs: dict[str, str]
    children: list[Element | str] = field(default_factory=list)


class _TreeBuilder(HTMLParser):
    """HTML -> ``Element`` tree; tolerant as browsers are (an unclosed ``p`` closes with its parent)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v for k, v in attrs if v is not None})
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Element(tag, {k: v for k, v in attrs if v is not None}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(html: str) -> Element:
    """The HTML as an element tree under a ``root`` element."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def find(element: Element, tag: str) -> Element | None:
    """The first element named ``tag`` (depth first), or None."""
    for child in element.children:
        if isinstance(child, Element):
            found = child if child.tag == tag else find(child, tag)
            if found is not None:
                return found
    return None


def text_of(node: Element | str) -> str:
    """The element's text, as a screen reader would read it out."""
    if isinstance(node, str):
        return node
    return "".join(text_of(child) for child in node.children if not _hidden(child))


def _hidden(node: Element | str) -> bool:
    return isinstance(node, Element) and (node.tag in HIDDEN or "hidden" in node.attrs)


def lang_keys(tag: str) -> dict[str, str]:
    """A BCP 47 tag as Typst's ``text(lang:, region:)``; nothing for what Typst cannot take."""
    found = _LANG.match(tag.strip())
    if found is None:
        return {}
    keys = {"lang": found[1].lower()}
    if found[2]:
        keys["region"] = found[2].upper()
    return keys


@dataclass
class Images:
    """Where the leaflet's images come from: only the files the site publishes under output/media/."""

    page_path: str  # the page's place under output/: relative image addresses resolve from it
    media: Mapping[str, Path]  # image under output/ -> the file the build copies there
    root: Path  # the project: Typst reads nothing outside it
    warnings: list[str] = field(default_factory=list)
    used: set[str] = field(default_factory=set)  # images under output/ the leaflet prints

    def source(self, src: str) -> str | None:
        """The image's path for Typst (from the project's root), or None with a warning why not."""
        url = urljoin(SITE + self.page_path, src.strip())
        try:
            path, rel = self._file(url)
        except ValueError as exc:
            self.warnings.append(f"cannot show the image '{src}': {exc}")
            return None
        self.used.add(rel)
        return "/" + path.relative_to(self.root.resolve()).as_posix()

    def _file(self, url: str) -> tuple[Path, str]:
        if not url.startswith("file:"):
            raise ValueError(f"leaflets read no network resource: {url}")
        inside = url.startswith(SITE)
        rel = posixpath.normpath(unquote(urlsplit(url).path.removeprefix("/output/")))
        source = self.media.get(rel) if inside else None
        if source is None:
            raise ValueError(f"leaflets read only the site's images (output/media/): {url}")
        real = source.resolve()
        if not real.is_relative_to(self.root.resolve()) or not real.is_file():
            raise ValueError(f"leaflets read only files inside the project: {rel}")
        return real, rel


def all_elements(element: Element, tag: str) -> list[Element]:
    """Every element named ``tag`` under ``element``, in document order."""
    return [node for node in _walk(element)[1:] if node.tag == tag]


def _walk(element: Element) -> list[Element]:
    """The element and all elements under it, depth first (document order)."""
    out = []
    stack = [element]
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(reversed([c for c in node.children if isinstance(c, Element)]))
    return out
