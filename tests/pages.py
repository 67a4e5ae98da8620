"""Reading built pages as a publisher's tools would: elements, attributes, the article body."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

VOID = {"br", "hr", "img", "link", "meta", "input"}


class Element:
    def __init__(self, tag: str, attrs: dict[str, str], parent: Element | None) -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Element] = []
        self.text = ""

    def iter(self):
        yield self
        for child in self.children:
            yield from child.iter()

    def find_all(self, tag: str) -> list[Element]:
        return [e for e in self.iter() if e.tag == tag]

    def text_content(self) -> str:
        return self.text


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#root", {}, None)
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        el = Element(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(el)
        if tag not in VOID:
            self.current = el

    def handle_endtag(self, tag: str) -> None:
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        node: Element | None = self.current
        while node is not None:
            node.text += data
            node = node.parent


def parse(html: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(html)
    return builder.root


def read(path: Path) -> Element:
    return parse(path.read_text(encoding="utf-8"))


def article_html(path: Path) -> str:
    """The inner HTML of the page's single <article>."""
    html = path.read_text(encoding="utf-8")
    match = re.search(r"<article[^>]*>(.*)</article>", html, re.S)
    assert match, f"{path} has no <article>"
    return match.group(1)


def structure(
    html: str, ignore: set[str] = frozenset({"lang", "dir", "title", "alt", "aria-label"})
) -> list[tuple[str, tuple]]:
    """The element skeleton of an HTML fragment: tags and attributes that are not words."""
    return [
        (e.tag, tuple(sorted((k, v) for k, v in e.attrs.items() if k not in ignore)))
        for e in parse(html).iter()
    ]
