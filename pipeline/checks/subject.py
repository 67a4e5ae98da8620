"""What a check looks at: one article in one locale (``Subject``) within its site (``Site``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from pipeline.catalog import review
from pipeline.catalog.review import ReviewStatus
from pipeline.language.formulas import Target
from pipeline.locales import LocaleInfo
from pipeline.model import Article, Catalog, Finding, Glossary, Unit

BODY_KINDS = ("paragraph", "heading", "list item", "table", "blockquote", "definition", "footnote")


@dataclass(frozen=True)
class Site:
    """What every check of a build shares."""

    source: LocaleInfo
    glossary: Glossary
    targets: dict[str, Target]  # configured readability targets by locale name
    glossary_catalogs: dict[str, tuple[Catalog | None, str]]  # locale -> (glossary.po, its file)
    require_review: bool = False  # only reviewed translations are published
    catalogs: dict[tuple[str, str], tuple[Catalog, str]] = field(
        default_factory=dict
    )  # (locale, domain) -> (ui.po/glossary.po, its file)
    interface: dict[str, tuple[frozenset[str], str]] = field(
        default_factory=dict
    )  # locale -> (the ui.po texts its pages show, its ui.po file); none for the source's language


@dataclass(frozen=True)
class Shown:
    """A unit as a version shows it: its own words, and where a translator finds them."""

    unit: Unit
    text: str
    line: int | None


@dataclass(frozen=True)
class Subject:
    """One article version; ``catalog`` is None for the source locale or a missing PO."""

    site: Site
    article: Article
    locale: LocaleInfo
    catalog: Catalog | None
    file: str  # the file findings point to: the PO, or the source for the source locale
    known_review: ReviewStatus | None = None  # where the build's plan already computed it

    @cached_property
    def review(self) -> ReviewStatus:
        """The version's review record and whether it is still current: the fingerprints are
        hashed once per version, for its check, its page and the report (``Made.review``)."""
        if self.known_review is not None:
            return self.known_review
        return review.status(self.article, self.catalog)

    @property
    def is_source(self) -> bool:
        return self.locale.name == self.site.source.name

    @property
    def glossary_catalog(self) -> Catalog | None:
        return self.site.glossary_catalogs.get(self.locale.name, (None, ""))[0]

    @cached_property
    def shown(self) -> tuple[Shown, ...]:
        """The body units the version shows in its own language (untranslated ones are not its words)."""
        shown, seen = [], set()
        for unit in self.article.units:
            if not is_body(unit) or unit.msgid in seen:
                continue
            seen.add(unit.msgid)
            if self.is_source:
                shown.append(Shown(unit, unit.msgid, unit.line))
            elif (
                self.catalog is not None
                and (message := self.catalog.messages.get(unit.msgid))
                and message.translated
            ):
                shown.append(Shown(unit, message.msgstr, message.line))
        return tuple(shown)

    @property
    def untranslated(self) -> int:
        return len({u.msgid for u in self.article.units if is_body(u)}) - len(self.shown)

    def finding(
        self, check: str, severity: str, message: str, msgid: str = "", line: int | None = None
    ) -> Finding:
        message_entry = (
            self.catalog.messages.get(msgid) if self.catalog is not None and msgid else None
        )
        msgstr = message_entry.msgstr if message_entry is not None else ""
        fuzzy = message_entry is not None and message_entry.fuzzy and bool(msgstr)
        return Finding(
            check,
            severity,
            self.article.slug,
            self.locale.name,
            self.file,
            line,
            msgid,
            message,
            msgstr=msgstr,
            previous=(message_entry.previous or "") if fuzzy and message_entry else None,
        )

    def kept_on_purpose(self, shown: Shown) -> bool:
        """A text left in the source language with a translator's note (a citation): not the version's own words."""
        message = self.catalog.messages.get(shown.unit.msgid) if self.catalog is not None else None
        return (
            not self.is_source
            and shown.text == shown.unit.msgid
            and message is not None
            and bool(message.note)
        )


def is_body(unit: Unit) -> bool:
    return unit.kind.startswith(BODY_KINDS) or unit.kind.split(" ", 1)[-1].startswith(BODY_KINDS)


def short(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
