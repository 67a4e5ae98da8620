"""A raw HTML fragment as a small tree that keeps the author's text: parsed, then written back.

Python-Markdown stashes a raw HTML block whole. To offer its words for translation the block
is parsed here (``html.parser``, the standard library's tokenizer) into nodes that keep each
start tag and each text exactly as written, with the line (within the block) where it starts,
so that a block nobody changed is written back byte for byte and a changed one differs only
where a translation or a ``lang`` went in. End tags the author left out (``<li>`` before the
next ``<li>``, ``<p>`` before a block) are closed where HTML closes them.
"""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from pipeline.source.rawhtml import VOID_TAGS

INLINE_TAGS = {
    "a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "data", "del", "dfn", "em", "i", "img",
    "ins", "kbd", "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u",
    "var", "wbr",
}  # fmt: skip
# A start tag closes the open element of these tags (HTML's implied end tags), unless one of
# the scope tags is open in between (a nested list's items do not close the outer item).
_CLOSED_BY = {
    "li": {"li"},
    "dt": {"dt", "dd"},
    "dd": {"dt", "dd"},
    "tr": {"tr", "td", "th"},
    "td": {"td", "th"},
    "th": {"td", "th"},
    "thead": {"thead", "tbody", "tfoot", "tr", "td", "th"},
    "tbody": {"thead", "tbody", "tfoot", "tr", "td", "th"},
    "tfoot": {"thead", "tbody", "tfoot", "tr", "td", "th"},
}
_SCOPES = {"ul", "ol", "dl", "table", "div", "details", "figure", "blockquote"}
COMMENT = "#comment"  # comments, declarations, processing instructions: kept, never read
_TAG_NAME = re.compile(r"^(<[a-zA-Z][a-zA-Z0-9-]*)")


@dataclass
class Node:
    """An element (``tag``) or a run of text/comment (``tag`` empty), as the author wrote it.

    Mutable on purpose: a translation replaces nodes of one parsed block, which lives only
    while that block is translated.
    """

    tag: str
    raw: str  # the start tag, or the text, exactly as written
    line: int  # 1-based, within the fragment
    attrs: list[tuple[str, str | None]] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)
    end: str = ""  # the end tag; empty for a void element or one never closed

    @property
    def inline(self) -> bool:
        return self.tag in INLINE_TAGS or self.tag in ("", COMMENT)

    def attr(self, name: str) -> str | None:
        return next((value or "" for key, value in self.attrs if key == name), None)

    def html(self) -> str:
        return self.raw + "".join(child.html() for child in self.children) + self.end

    def text(self) -> str:
        """The words a reader sees (tags and comments left out, references decoded)."""
        if not self.tag:
            return html_lib.unescape(self.raw)
        return "".join(child.text() for child in self.children)

    def set_attrs(self, values: dict[str, str]) -> None:
        """Add or replace attributes; the start tag is written anew only when something changes."""
        merged = dict(self.attrs)
        if all(merged.get(name) == value for name, value in values.items()):
            return
        self.attrs = [*[(k, v) for k, v in self.attrs if k not in values], *values.items()]
        written = "".join(
            f' {k}="{html_lib.escape(v, quote=True)}"' if v is not None else f" {k}"
            for k, v in self.attrs
        )
        close = "/>" if self.raw.endswith("/>") else ">"
        self.raw = f"<{self.tag}{written}{close}"

    def add_attrs(self, values: dict[str, str]) -> None:
        """``lang`` (and ``dir``) added without rewriting what the author wrote in the tag."""
        written = "".join(f' {k}="{html_lib.escape(v, quote=True)}"' for k, v in values.items())
        self.raw = _TAG_NAME.sub(lambda m: m.group(1) + written, self.raw, count=1)
        self.attrs += list(values.items())


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.root = Node("", "", 1)
        self.root.tag = "#root"
        self.stack = [self.root]

    def _add(self, node: Node) -> None:
        self.stack[-1].children.append(node)

    def _text(self, raw: str) -> None:
        siblings = self.stack[-1].children
        if siblings and not siblings[-1].tag:
            siblings[-1].raw += raw  # one text node, however the tokenizer cut it
            return
        self._add(Node("", raw, self.getpos()[0]))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._close_implied(tag)
        node = Node(tag, self.get_starttag_text() or f"<{tag}>", self.getpos()[0], attrs)
        self._add(node)
        if tag not in VOID_TAGS:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._close_implied(tag)
        self._add(Node(tag, self.get_starttag_text() or f"<{tag}/>", self.getpos()[0], attrs))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                self.stack[depth].end = f"</{tag}>"
                del self.stack[depth:]
                return  # an end tag nothing opened is dropped

    def _close_implied(self, tag: str) -> None:
        """Close the outermost open element the new tag ends, up to the nearest scope."""
        closes = _CLOSED_BY.get(tag, set()) | ({"p"} if tag not in INLINE_TAGS else set())
        cut = 0
        for depth in range(len(self.stack) - 1, 0, -1):
            open_tag = self.stack[depth].tag
            if open_tag in closes:
                cut = depth
            elif open_tag in _SCOPES or open_tag not in INLINE_TAGS:
                break
        if cut:
            del self.stack[cut:]

    def handle_data(self, data: str) -> None:
        self._text(data)

    def handle_entityref(self, name: str) -> None:
        self._text(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self._text(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        self._add(Node(COMMENT, f"<!--{data}-->", self.getpos()[0]))

    def handle_decl(self, decl: str) -> None:
        self._add(Node(COMMENT, f"<!{decl}>", self.getpos()[0]))

    def handle_pi(self, data: str) -> None:
        self._add(Node(COMMENT, f"<?{data}>", self.getpos()[0]))


def parse(fragment: str) -> Node:
    """The fragment's root (tag ``#root``); ``root.html()`` gives the fragment back."""
    builder = _Builder()
    builder.feed(fragment)
    builder.close()
    return builder.root
