"""Skipping the inline pass for texts it cannot change: a speed-up of the page converter.

Registered by ``segment.py`` around Python-Markdown's "inline" treeprocessor (priority 20):
``InertTexts`` at 20.5 marks plain texts atomic, ``InertTextsDone`` at 19.5 makes them ordinary
again. A property test (tests/test_checks.py) checks the page is the same either way.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree

import markdown
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from pipeline.language.text import inert


class InertTexts(Treeprocessor):
    """Marks each element text that no inline pattern can change (``text.inert``: no character
    Markdown acts on) as atomic, so that "inline" does not try its twenty patterns on it.

    Most of a page's texts are plain sentences; their inline pass was a twentieth of a build.
    """

    def __init__(self, md: markdown.Markdown) -> None:
        super().__init__(md)
        self.marked: list[etree.Element] = []

    def run(self, root: etree.Element) -> None:
        self.marked = [
            el
            for el in root.iter()
            if el.text and not isinstance(el.text, AtomicString) and inert(el.text)
        ]  # code, and raw HTML md_in_html keeps as it is, are atomic already and stay so
        for el in self.marked:
            el.text = AtomicString(el.text)


class InertTextsDone(Treeprocessor):
    """Makes the marked texts ordinary again after "inline": abbreviations and attribute lists
    (treeprocessors that leave atomic text alone) must still see them."""

    def __init__(self, md: markdown.Markdown, marks: InertTexts) -> None:
        super().__init__(md)
        self.marks = marks

    def run(self, root: etree.Element) -> None:
        for el in self.marks.marked:
            if isinstance(el.text, AtomicString):
                el.text = str(el.text)
        self.marks.marked = []
