"""Makes a page's unusual words understandable (WCAG 3.1.3, 3.1.4, 3.1.6).

| class                       | registry       | priority | why there                                        |
|-----------------------------|----------------|----------|--------------------------------------------------|
| ``GlossaryAbbreviations``   | treeprocessors | 7.5      | adds the page language's abbreviations (SDRC)    |
|                             |                |          | before abbr (7) wraps them                       |
| ``FirstUseProcessor``       | treeprocessors | 6        | after abbr (7): keeps ``<abbr title>`` on the    |
|                             |                |          | first use only; links each glossary term's first |
|                             |                |          | use to its "Words to know" entry; before toc (5) |
| ``TableRegions``            | treeprocessors | 4        | a wide table scrolls inside a named, focusable   |
|                             |                |          | region, not the page, at 320 px (WCAG 1.4.10)    |
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

import markdown
from markdown.extensions import Extension
from markdown.util import ETX, STX

from pipeline.language import terms
from pipeline.locales import LocaleInfo
from pipeline.model import PRONUNCIATION_CONTEXT, Catalog, Glossary, Word
from pipeline.source.abbr import abbreviations
from pipeline.source.segment import ExtensionTreeprocessor

NO_LINKS_INSIDE = {"a", "abbr", "code", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "sup", "dfn"}
NOT_FOREIGN_INSIDE = {"abbr", "code", "pre", "span"}
# Python-Markdown's stash markers (raw HTML, footnote back-links): never split or wrap them.
_PLACEHOLDER = re.compile(f"{STX}[^{ETX}]*{ETX}")
# Latin-script words with at least one lower-case letter: abbreviations such as NMDA are international.
_LATIN_RUN = re.compile(r"(?=[A-Za-z'’\- ]*[a-z])[A-Za-z][A-Za-z'’\-]*(?: [A-Za-z][A-Za-z'’\-]*)*")
_ABBREVIATION = re.compile(r"^[A-ZÀ-Ý][A-ZÀ-Ý0-9.\-]{1,9}$")


def page_words(
    glossary: Glossary, catalog: Catalog | None, locale: LocaleInfo, source: LocaleInfo
) -> list[Word]:
    """The glossary in the page's language; a term with no approved translation cannot be found on the page."""
    is_source = locale.name == source.name
    words = []
    for term in glossary.terms:
        localized = term.term if is_source else _translated(catalog, term.term)
        if localized is None:
            continue
        definition = term.definition if is_source else _translated(catalog, term.definition)
        expansion = (
            term.expansion
            if is_source or not term.expansion
            else _translated(catalog, term.expansion)
        )
        pronunciation = (
            term.pronunciation
            if is_source or not term.pronunciation
            else _translated(catalog, term.pronunciation, PRONUNCIATION_CONTEXT)
        )
        words.append(
            Word(
                anchor="term-" + re.sub(r"[^a-z0-9]+", "-", term.term.lower()).strip("-"),
                term=localized,
                definition=definition or term.definition,
                expansion=expansion or term.expansion,
                pronunciation=pronunciation,
                lang=None if definition else source.tag,
                expansion_lang=None if expansion or not term.expansion else source.tag,
            )
        )
    return words


def _translated(catalog: Catalog | None, msgid: str, msgctxt: str | None = None) -> str | None:
    return catalog.translation(msgid, msgctxt) if catalog else None


@dataclass(frozen=True)
class Foreign:
    """How to recognise source-language words inside a translation (WCAG 3.1.2, language of parts)."""

    attrs: dict[str, str]  # lang (and dir) of the source language
    latin_runs: bool  # the page is not in Latin script: any Latin-script words are foreign
    terms: tuple[
        str, ...
    ]  # source glossary terms kept inside translated terms ("fenómeno de wind-up")

    def pattern(self) -> re.Pattern[str] | None:
        if self.latin_runs:
            return _LATIN_RUN
        if not self.terms:
            return None
        alternatives = "|".join(re.escape(t) for t in sorted(self.terms, key=len, reverse=True))
        return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def foreign_words(
    words: list[Word], glossary: Glossary, locale: LocaleInfo, source: LocaleInfo
) -> Foreign | None:
    if locale.language == source.language:
        return None
    attrs = {
        "lang": source.tag,
        **({"dir": source.direction} if source.direction != locale.direction else {}),
    }
    localized = {w.anchor: w.term.casefold() for w in words}
    kept_inside = tuple(
        t.term for t in glossary.terms
        if not t.keep and any(t.term.casefold() in term and t.term.casefold() != term for term in localized.values())
    )  # fmt: skip
    return Foreign(attrs, locale.script != source.script == "Latn", kept_inside)


class AnnotateExtension(Extension):
    """Collects, in ``found``, the words the page uses, in order of first use."""

    def __init__(
        self,
        words: list[Word],
        language: str,
        foreign: Foreign | None = None,
        table_label: str = "Table",
        table_label_lang: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.words = words
        self.language = language
        self.foreign = foreign
        self.table_label = table_label
        self.table_label_lang = table_label_lang  # lang (and dir) of a label that fell back
        self.found: list[Word] = []

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Python-Markdown API)
        md.treeprocessors.register(GlossaryAbbreviations(md, self), "glossary-abbreviations", 7.5)
        md.treeprocessors.register(FirstUseProcessor(md, self), "first-use", 6)
        md.treeprocessors.register(TableRegions(md, self), "table-regions", 4)


class TableRegions(ExtensionTreeprocessor):
    """Wraps each table in ``<div class="table-scroll" role="region" tabindex="0" aria-label>``.

    A label not translated yet cannot be an ``aria-label`` (an attribute carries no ``lang``):
    the region is then named by a hidden ``<span lang>`` inside it, through ``aria-labelledby``.
    """

    def run(self, root: etree.Element) -> None:
        count = 0
        for parent in list(root.iter()):
            for index, child in enumerate(list(parent)):
                if child.tag == "table":
                    count += 1
                    region = self._region(count)
                    region.tail, child.tail = child.tail, None
                    parent.remove(child)
                    region.append(child)
                    parent.insert(index, region)

    def _region(self, count: int) -> etree.Element:
        attrs = {"class": "table-scroll", "role": "region", "tabindex": "0"}
        marks = self.ext.table_label_lang
        if marks is None:
            return etree.Element("div", {**attrs, "aria-label": self.ext.table_label})
        region = etree.Element("div", {**attrs, "aria-labelledby": f"table-label-{count}"})
        label = etree.SubElement(
            region, "span", {"id": f"table-label-{count}", "hidden": "hidden", **marks}
        )
        label.text = self.ext.table_label
        return region


class GlossaryAbbreviations(ExtensionTreeprocessor):
    """Abbreviations of the page's language from the glossary (SDRC for CRPS in Spanish); an
    expansion not translated yet is left to "Words to know", where it is marked with its ``lang``."""

    def run(self, root: etree.Element) -> None:
        abbrs = abbreviations(self.md)
        if abbrs is None:
            return
        for word in self.ext.words:
            if word.expansion_lang is not None:
                continue  # a title cannot carry lang: "Words to know" shows it, marked
            if word.expansion and _ABBREVIATION.match(word.term) and word.term not in abbrs:
                abbrs[word.term] = word.expansion


class FirstUseProcessor(ExtensionTreeprocessor):
    """Links first uses and keeps only the first expansion of each abbreviation."""

    def run(self, root: etree.Element) -> None:
        _first_abbreviations_only(root)
        text = "".join(root.itertext())
        # Found once: a link made is an <a>, never searched, so the list stays right as terms are linked.
        linkable = _outside(root, lambda e: e.tag in NO_LINKS_INSIDE)
        used = []
        for word in self.ext.words:
            index = terms.term_index(text, word.term, self.ext.language)
            if index is not None:
                used.append((index, word))
        _link_first_uses(linkable, [word for _, word in used], self.ext.language)
        self.ext.found.extend(word for _, word in sorted(used, key=lambda pair: pair[0]))
        if self.ext.foreign is not None:
            _mark_foreign(root, self.ext.foreign)


def _first_abbreviations_only(root: etree.Element) -> None:
    """WCAG 3.1.4 asks for the expansion at first use; a title on every NMDA is noise."""
    seen: set[str] = set()
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag != "abbr":
                continue
            if child.text in seen:
                _unwrap(parent, child)
            seen.add(child.text or "")


def _unwrap(parent: etree.Element, child: etree.Element) -> None:
    index = list(parent).index(child)
    text = (child.text or "") + (child.tail or "")
    if index == 0:
        parent.text = (parent.text or "") + text
    else:
        previous = parent[index - 1]
        previous.tail = (previous.tail or "") + text
    parent.remove(child)


def _link_first_uses(linkable: list[etree.Element], words: list[Word], language: str) -> None:
    """Wrap the first plain-text use of each term in a link to its explanation.

    One pass over the page's pieces of text (an element's text, then its children's tails), each
    searched for the terms not linked yet, in glossary order. A link cuts its piece in two, and
    the text after it is the next piece: a piece's part holds no term its whole did not, so the
    links are those of a search per term from the top of the page, without scanning the page
    once per term.
    """
    pieces: list[tuple[etree.Element, etree.Element | None]] = [
        (el, child) for el in linkable for child in (None, *el)
    ]
    remaining = list(words)
    probe = terms.TermProbe((word.term for word in words), language)
    index = 0
    while remaining and index < len(pieces):
        el, after = pieces[index]
        text = el.text if after is None else after.tail
        if text:
            for word in probe.among(text, remaining, attrgetter("term")):
                link = _wrap(el, after, word, language)
                if link is not None:
                    remaining.remove(word)
                    pieces.insert(index + 1, (el, link))
        index += 1


def _wrap(
    el: etree.Element, after: etree.Element | None, word: Word, language: str
) -> etree.Element | None:
    """The link made around the term's first use in this piece, if it is there outside any stash."""
    text = el.text if after is None else after.tail
    span = terms.find_term(text or "", word.term, language)
    if (
        span is None
        or text is None
        or _overlaps(span, [m.span() for m in _PLACEHOLDER.finditer(text)])
    ):
        return None
    start, end = span
    link = etree.Element("a", {"href": f"#{word.anchor}", "class": "term"})
    link.text = text[start:end]
    link.tail = text[end:]
    if after is None:
        el.text = text[:start]
        el.insert(0, link)
    else:
        after.tail = text[:start]
        el.insert(list(el).index(after) + 1, link)
    return link


def _mark_foreign(root: etree.Element, foreign: Foreign) -> None:
    """Wrap source-language words in ``<span lang>`` so screen readers switch voice."""
    pattern = foreign.pattern()
    if pattern is None:
        return
    for el in _outside(root, lambda e: e.tag in NOT_FOREIGN_INSIDE or "lang" in e.attrib):
        el.text = _split_foreign(el, None, el.text, pattern, foreign.attrs)
        for child in list(el):
            if child.get("data-foreign") is None:
                child.tail = _split_foreign(el, child, child.tail, pattern, foreign.attrs)
    for span in root.iter("span"):
        span.attrib.pop("data-foreign", None)


def _overlaps(span: tuple[int, int], others: list[tuple[int, int]]) -> bool:
    return any(start < span[1] and span[0] < end for start, end in others)


def _outside(el: etree.Element, excluded: Callable[[etree.Element], bool]) -> list[etree.Element]:
    """Elements in document order, leaving out the excluded ones and everything they hold."""
    if excluded(el):
        return []
    found = [el]
    for child in list(el):
        found += _outside(child, excluded)
    return found


def _split_foreign(
    parent: etree.Element,
    after: etree.Element | None,
    text: str | None,
    pattern: re.Pattern[str],
    attrs: dict[str, str],
) -> str | None:
    """Cut ``text`` at each foreign match into spans inserted after ``after`` (or first in ``parent``)."""
    if not text:
        return text
    stashed = [m.span() for m in _PLACEHOLDER.finditer(text)]
    matches = [
        m for m in pattern.finditer(text) if m.group(0).strip() and not _overlaps(m.span(), stashed)
    ]
    if not matches:
        return text
    position = 0 if after is None else list(parent).index(after) + 1
    head = text[: matches[0].start()]
    for i, match in enumerate(matches):
        span = etree.Element("span", {**attrs, "data-foreign": "1"})
        span.text = match.group(0)
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        span.tail = text[match.end() : end]
        parent.insert(position + i, span)
    return head
