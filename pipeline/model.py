"""The data that flows from stage to stage: source -> Article -> Catalog -> (checks, render) -> output.

Everything is frozen: a stage makes new values instead of filling in old ones. What the checks
find (findings, severities, tallies, readability scores) is in ``pipeline.findings``; it is
re-exported here, so ``from pipeline.model import Finding`` names the one model either way.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from pipeline.findings import (
    ERROR,
    WARNING,
    CheckResult,
    CheckTotals,
    DocumentReadability,
    Finding,
    Tally,
    UnitScore,
    first_errors,
)
from pipeline.store.cache import digest as hash_of

__all__ = [
    # read, translated and rendered
    "GLOSSARY_DOMAIN",
    "UI_DOMAIN",
    "PRONUNCIATION_CONTEXT",
    "CONTEXT_SEPARATOR",
    "message_key",
    "Unit",
    "Asset",
    "Article",
    "Term",
    "Glossary",
    "Message",
    "Stats",
    "Catalog",
    "stats_of",
    "Word",
    "Version",
    "Preview",
    "Page",
    "ReviewState",
    # what the checks find (pipeline.findings)
    "ERROR",
    "WARNING",
    "CheckResult",
    "CheckTotals",
    "DocumentReadability",
    "Finding",
    "Tally",
    "UnitScore",
    "first_errors",
]

GLOSSARY_DOMAIN = "glossary"
UI_DOMAIN = "ui"
PRONUNCIATION_CONTEXT = (
    "pronunciation"  # msgctxt of respellings: never merged with a word spelled alike
)
CONTEXT_SEPARATOR = "\x04"  # gettext's: a message with a context is keyed "context\x04msgid"


def message_key(msgid: str, msgctxt: str | None = None) -> str:
    """How catalogues key a message: the msgid, prefixed by its context if it has one (as in .mo files)."""
    return f"{msgctxt}{CONTEXT_SEPARATOR}{msgid}" if msgctxt is not None else msgid


@dataclass(frozen=True)
class Unit:
    """One translatable piece of an article: a msgid with the author's inline Markdown kept."""

    msgid: str
    kind: str  # "paragraph", "heading", "list item", "image alt text", ...
    line: int  # 1-based line in the source file
    file: str | None = None  # when units of one catalogue come from several files (the ui domain)
    context: str = (
        ""  # where the unit sits, for translators: "under the heading 'Dosage'; table cell, row 2"
    )
    msgctxt: str | None = None  # gettext context: same text, different meaning (a pronunciation)
    flags: tuple[str, ...] = ()  # gettext flags for the template: "python-brace-format"

    @property
    def key(self) -> str:
        return message_key(self.msgid, self.msgctxt)


@dataclass(frozen=True)
class Asset:
    """A file an article refers to (an image), as written in the source, with its line."""

    src: str  # relative to the article's folder
    line: int


@dataclass(frozen=True)
class Article:
    slug: str  # file stem and gettext domain
    path: Path
    text: str
    units: tuple[Unit, ...]
    metadata: dict[str, str] = field(
        default_factory=dict, hash=False
    )  # lower-case keys: title, reviewed, next-review…
    assets: tuple[Asset, ...] = ()  # local images the pages must show
    untranslatable: tuple[
        Unit, ...
    ] = ()  # raw HTML (SVG, MathML) whose words stay in the source language on every page
    removed: tuple[
        Unit, ...
    ] = ()  # scripts, frames, script URLs the pages leave out (msgid: as written)

    @property
    def msgids(self) -> frozenset[str]:
        return frozenset(unit.msgid for unit in self.units)

    @cached_property
    def digest(self) -> str:
        """The hash of its text, hashed once: what the record of a published version names as
        its source (``store.published``), and the token of every per-article cache key (a
        version's figures, plan and key change only where it or one of its POs did)."""
        return hash_of(self.text)


@dataclass(frozen=True)
class Term:
    """A glossary term as the site's editors defined it in ``source/glossary.toml``."""

    term: str
    definition: str
    line: int
    expansion: str | None = None
    keep: bool = False  # same spelling in every language (NMDA, CRPS)
    variants: tuple[str, ...] = ()
    pronunciation: str | None = None


@dataclass(frozen=True)
class Glossary:
    path: Path
    terms: tuple[Term, ...]

    def units(self) -> tuple[Unit, ...]:
        """The glossary's translatable texts, for ``glossary.pot``."""
        units: list[Unit] = []
        for term in self.terms:
            units.append(Unit(term.term, "glossary term", term.line))
            if term.expansion:
                units.append(
                    Unit(term.expansion, f"expansion of the abbreviation {term.term}", term.line)
                )
            units.append(
                Unit(term.definition, f"plain-language definition of '{term.term}'", term.line)
            )
            if term.pronunciation:
                units.append(
                    Unit(
                        term.pronunciation,
                        f"how to say '{term.term}': respell it for readers of your language",
                        term.line,
                        msgctxt=PRONUNCIATION_CONTEXT,
                    )
                )
        return tuple(units)


@dataclass(frozen=True)
class Message:
    """One PO entry as the checks and the renderer need it."""

    msgid: str
    msgstr: str
    fuzzy: bool
    line: int  # line of the entry in the PO file, for findings
    note: str = ""  # the translator's own comment (# ...)
    flags: tuple[str, ...] = ()  # #, flags other than fuzzy
    msgctxt: str | None = None
    msgid_plural: str | None = None
    plural: tuple[str, ...] = ()  # msgstr[0], msgstr[1]… of a plural entry
    previous: str | None = None  # ``#| msgid``: the source text a fuzzy entry was translated from

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and not self.fuzzy

    def waiver(self, check: str) -> str | None:
        """Why the translator means a text a check flags: ``#, ignore-<check>`` or a note line
        ``ignore-<check>: why`` (Weblate's flag names). None when they did not say so."""
        marker = f"ignore-{check}"
        for line in self.note.splitlines():
            if line.strip().startswith(marker + ":"):
                return line.split(":", 1)[1].strip() or "marked as deliberate"
        return "marked as deliberate (#, flag)" if marker in self.flags else None


@dataclass(frozen=True)
class Stats:
    """How much of a text set is translated: always counted over what the source wants now."""

    translated: int
    fuzzy: int
    untranslated: int  # empty, or not in the catalogue yet
    obsolete: int = 0
    parts: tuple[tuple[str, Stats], ...] = ()  # a version's figures by kind (``Stats.of_parts``)

    @classmethod
    def of_parts(cls, *parts: tuple[str, Stats]) -> Stats:
        """A version's figures: the sum of what its page shows, each kind kept ("article",
        "interface", "glossary") so a plan and ``check`` can say which is missing."""
        total = sum((stats for _, stats in parts), cls(0, 0, 0))
        return replace(total, parts=parts)

    def part(self, kind: str) -> Stats | None:
        """The figures of one kind, or None when the version does not count it."""
        return next((stats for name, stats in self.parts if name == kind), None)

    @property
    def missing(self) -> int:
        """Texts the page shows in the source language: empty, fuzzy or absent."""
        return self.fuzzy + self.untranslated

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated

    @property
    def percent(self) -> float:
        return 100.0 * self.translated / self.total if self.total else 100.0

    def __add__(self, other: Stats) -> Stats:
        return Stats(
            *(
                getattr(self, f) + getattr(other, f)
                for f in ("translated", "fuzzy", "untranslated", "obsolete")
            )
        )


@dataclass(frozen=True)
class Catalog:
    """A loaded PO file: one domain in one locale."""

    domain: str
    locale: str
    path: Path
    messages: dict[str, Message] = field(default_factory=dict)
    obsolete: int = 0  # #~ entries kept for texts that may come back
    headers: dict[str, str] = field(
        default_factory=dict
    )  # the PO header fields (review records among them)
    nplurals: int | None = None  # from the Plural-Forms header

    def translation(self, msgid: str, msgctxt: str | None = None) -> str | None:
        """The msgstr a page may show, or None: fuzzy and empty entries fall back to the source."""
        message = self.messages.get(message_key(msgid, msgctxt))
        return message.msgstr if message is not None and message.translated else None

    def stats(self, msgids: frozenset[str]) -> Stats:
        """The one meaning of "translated": the source's texts, a fuzzy entry is not translated."""
        return stats_of(self, msgids)


def stats_of(catalog: Catalog | None, msgids: frozenset[str]) -> Stats:
    """A missing catalogue or entry counts as untranslated: the page shows the source text."""
    messages = catalog.messages if catalog is not None else {}
    translated = sum(1 for m in msgids if m in messages and messages[m].translated)
    fuzzy = sum(1 for m in msgids if m in messages and messages[m].fuzzy and messages[m].msgstr)
    obsolete = catalog.obsolete if catalog is not None else 0
    return Stats(translated, fuzzy, len(msgids) - translated - fuzzy, obsolete)


@dataclass(frozen=True)
class Word:
    """A glossary term as one page shows it ("Words to know"), in the page's language where translated."""

    anchor: str
    term: str
    definition: str
    expansion: str | None = None
    pronunciation: str | None = None
    lang: str | None = None  # set when the definition falls back to the source language
    expansion_lang: str | None = None  # set when the expansion falls back to the source language


@dataclass(frozen=True)
class Version:
    """One published version of an article: a locale (``en``, ``es``, ``en@plain``) of an article."""

    article: str
    locale: str
    path: str  # relative to output/: "es/ketamine.html", "en/plain/ketamine.html"
    preview: str = ""  # why it is only the translators' preview (below the publishing threshold); "" when published
    # ISO date its source changed: the last published translation, kept online with a notice
    kept: str = ""


@dataclass(frozen=True)
class Preview:
    """A version that is not advertised, and why: the report's list for translators and publishers."""

    article: str
    locale: str
    path: str | None  # the preview page under output/, or None when no page is written
    translated: float  # percent
    threshold: float  # percent
    reason: str


@dataclass(frozen=True)
class Page:
    """A rendered article version, before it is written: what the checks and the index need."""

    version: Version
    title: str
    description: str
    body_html: str
    fallbacks: int  # units shown in the source language
    words: tuple[Word, ...] = ()  # glossary terms the page uses, in order of first use
    # Printed with the page too: "Page last reviewed: …" and the like, and a kept translation's
    # dated notice, each as HTML in the reader's language; a leaflet without them would outlive
    # what it says unmarked.
    review: tuple[str, ...] = ()
    kept_notice: str = ""


@dataclass(frozen=True)
class ReviewState:
    """A version's review record as the report's review table shows it."""

    article: str
    locale: str
    reviewer: str | None
    date: str | None  # ISO date of the sign-off
    current: bool
    reason: str  # why it is not current ("" when it is)
