"""The units of a raw HTML block, for extraction *and* translation (``segment.py`` calls it both ways).

A block-level element's text (``p``, ``li``, ``h1``-``h6``, ``summary``, ``figcaption``, ``td``,
``th``, ``dt``, ``dd``, ``caption``, text directly in a ``div`` or ``blockquote``…) is one unit,
its inline tags (``a``, ``strong``, ``code``, ``abbr``, ``br``…) kept as the author wrote them, so
the translator sees and keeps them. Where an element stands outside any text (an image alone in a
``figure``, a ``details`` with a ``title``), its ``alt``, ``title`` and ``aria-label`` are units of
their own. Each unit comes with the line (within the block) where its text starts.

Not units: code (``pre``, block ``code``), what a browser does not show (``script``, ``style``),
an element the author gave its own ``lang`` (its language is said already), and SVG or MathML
(``KEPT_TAGS``), whose words are returned as "kept" so the build can say so. On a page in
another language, code and kept text get the source's ``lang``; a unit left untranslated gets it
on its element, or on a ``span`` around it when it shares the element with other units.
"""

from __future__ import annotations

import html as html_lib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from pipeline.source.blocks import BLOCK_KINDS
from pipeline.source.htmltree import COMMENT, Node, parse

# (text, kind, line within the block) -> replacement, or None to keep the source text (marked)
HtmlVisitor = Callable[[str, str, int], "str | None"]

CODE_TAGS = {"pre"}  # inline code (``code``, ``kbd``, ``samp``) is markup within a unit
HIDDEN_TAGS = {"script", "style", "template", "noscript"}
KEPT_TAGS = {"svg", "math"}
_TEXT_KINDS = {
    **BLOCK_KINDS,
    **{f"h{n}": f"heading (h{n})" for n in range(1, 7)},
    "blockquote": "blockquote",
    "div": "text block (div)",
    "#root": "text",
}
_ATTRIBUTES = ("alt", "title", "aria-label")


@dataclass(frozen=True)
class Marks:
    """``fallback``: the source's ``lang`` (and ``dir``), empty on a page in the source language;
    ``page``: the page's, to say a translated unit inside a marked element is in it again."""

    fallback: dict[str, str]
    page: dict[str, str]


@dataclass(frozen=True)
class Translated:
    html: str  # the block as the page shows it (the very input when nothing changed)
    kept: str  # visible words no unit offers (SVG, MathML): they stay in the source language


@dataclass
class _Walk:
    visit: HtmlVisitor
    marks: Marks
    changed: bool = False
    kept: list[str] = field(default_factory=list)


def translate_block(
    html: str, visit: HtmlVisitor, marks: Marks, in_fallback: bool = False
) -> Translated:
    """Visit every unit of the block in document order; write it back with the replacements."""
    root = parse(html)
    walk = _Walk(visit, marks)
    _element(root, walk, in_fallback)
    text = root.html() if walk.changed else html
    return Translated(text, " ".join(" ".join(walk.kept).split()))


def _element(node: Node, walk: _Walk, in_fallback: bool) -> None:
    if node.tag in HIDDEN_TAGS or node.attr("lang") is not None:
        return
    if node.tag in CODE_TAGS or node.tag in KEPT_TAGS:
        _keep(node, walk, in_fallback)
        return
    in_fallback = _attributes(node, walk, in_fallback)
    for run in list(_runs(node.children)):
        if len(run) == 1 and not run[0].inline:
            _element(run[0], walk, in_fallback)
        elif any(n.text().strip() for n in run):
            _text(node, run, walk, in_fallback)
        else:
            for inner in run:
                _attributes_within(inner, walk, in_fallback)


def _keep(node: Node, walk: _Walk, in_fallback: bool) -> None:
    """Code, SVG, MathML stay as written: marked with the source's ``lang`` on another page.
    SVG and MathML, which the sanitizer unwraps to their text, are marked by a ``span`` around."""
    if node.tag in KEPT_TAGS:
        walk.kept.append(node.text())
    if not walk.marks.fallback or in_fallback:
        return
    if node.tag in KEPT_TAGS:
        node.raw, node.end = (
            f"<span{_written(walk.marks.fallback)}>{node.raw}",
            node.end + "</span>",
        )
    else:
        node.add_attrs(walk.marks.fallback)
    walk.changed = True


def _runs(children: list[Node]) -> Iterator[list[Node]]:
    """Each block child alone, and each stretch of text and inline elements between them."""
    run: list[Node] = []
    for child in children:
        if child.inline:
            run.append(child)
            continue
        if run:
            yield run
        run = []
        yield [child]
    if run:
        yield run


def _text(parent: Node, run: list[Node], walk: _Walk, in_fallback: bool) -> None:
    """One unit: the run's HTML with white space collapsed; written back only if it changed."""
    written = "".join(n.html() for n in run)
    source = " ".join(written.split())
    kind = _TEXT_KINDS.get(parent.tag, f"text in <{parent.tag}>")
    replacement = walk.visit(source, kind, _first_line(run))
    if replacement == source or (replacement is None and (in_fallback or not walk.marks.fallback)):
        return  # as written: the source's page, or a kept text inside an element marked already
    lead, trail = written[: len(written) - len(written.lstrip())], written[len(written.rstrip()) :]
    text, attrs = (
        (source, walk.marks.fallback)
        if replacement is None
        else (replacement, walk.marks.page if in_fallback else {})
    )
    alone = all(n in run or not n.text().strip() for n in parent.children)
    if attrs and alone and parent.tag != "#root" and parent.attr("lang") is None:
        parent.add_attrs(attrs)
    elif attrs:
        text = f"<span{_written(attrs)}>{text}</span>"
    index = parent.children.index(run[0])
    parent.children[index : index + len(run)] = [Node("", lead + text + trail, run[0].line)]
    walk.changed = True


def _written(attrs: dict[str, str]) -> str:
    return "".join(f' {k}="{html_lib.escape(v, quote=True)}"' for k, v in attrs.items())


def _first_line(run: list[Node]) -> int:
    """The line of the run's first tag or word (the ``#:`` a translator follows)."""
    for node in run:
        if node.tag and node.tag != COMMENT:
            return node.line
        if not node.tag and node.raw.strip():
            return node.line + node.raw[: len(node.raw) - len(node.raw.lstrip())].count("\n")
    return run[0].line


def _attributes_within(node: Node, walk: _Walk, in_fallback: bool) -> None:
    """An inline element outside any text (a linked image alone): its and its children's attributes."""
    if not node.tag or node.tag.startswith("#"):
        return
    inner = _attributes(node, walk, in_fallback)
    for child in node.children:
        _attributes_within(child, walk, inner)


def _attributes(node: Node, walk: _Walk, in_fallback: bool) -> bool:
    """Visit ``alt``, ``title``, ``aria-label``; whether the element is now marked as a fallback."""
    if node.tag == "#root":
        return in_fallback
    for name in _ATTRIBUTES:
        value = " ".join((node.attr(name) or "").split())
        if not value:
            continue
        replacement = walk.visit(value, _attribute_kind(node.tag, name), node.line)
        if replacement is not None and replacement != value:
            node.set_attrs({name: replacement})
            walk.changed = True
        elif replacement is None and walk.marks.fallback and not in_fallback:
            node.add_attrs(walk.marks.fallback)
            walk.changed, in_fallback = True, True
    return in_fallback


def _attribute_kind(tag: str, name: str) -> str:
    if name == "aria-label":
        return f"accessible name (aria-label) of <{tag}>"
    if tag == "img":
        return "image alt text" if name == "alt" else "image title"
    if tag == "a" and name == "title":
        return "link title"
    return f"{name} of <{tag}>"
