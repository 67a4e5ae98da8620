"""Abbreviations: the abbr extension's table, and its treeprocessor made linear.

| class                       | registry       | priority | why there                                   |
|-----------------------------|----------------|----------|---------------------------------------------|
| ``LinearAbbrTreeprocessor`` | treeprocessors | 7        | replaces upstream ``abbr``: same work, linear |
"""

from __future__ import annotations

import xml.etree.ElementTree as etree

import markdown
from markdown.extensions.abbr import AbbrExtension, AbbrTreeprocessor
from markdown.util import AtomicString


def abbreviations(md: markdown.Markdown) -> dict[str, str] | None:
    """The abbr extension's live dictionary (abbreviation -> expansion), filled by its block parser."""
    abbr = next((e for e in md.registeredExtensions if isinstance(e, AbbrExtension)), None)
    return abbr.abbrs if abbr is not None else None  # type: ignore[attr-defined]  # set in its extendMarkdown


class LinearAbbrTreeprocessor(AbbrTreeprocessor):
    """Python-Markdown's abbr processor (3.11), made linear in the size of the page.

    Upstream computes ``list(parent).index(el)`` for every element that has a tail, even a bare
    newline after a top-level paragraph: O(blocks²) over a page (a 110,000-paragraph article spent
    minutes here). Only a tail holding an abbreviation needs that position, so any other tail is
    set aside while upstream's code runs, and put back.
    """

    def iter_element(self, el: etree.Element, parent: etree.Element | None = None) -> None:
        tail = el.tail
        if (
            parent is None
            or not tail
            or isinstance(tail, AtomicString)
            or (self.RE is not None and self.RE.search(tail))
        ):
            super().iter_element(el, parent)
            return
        el.tail = None
        try:
            super().iter_element(el, parent)
        finally:
            el.tail = tail
