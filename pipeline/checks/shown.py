"""What a version's page shows a reader, counted before it is rendered: the figures of a version.

A page is more than its article. Around it, the templates show the skip link, the navigation
and the medical disclaimer (``ui.po``); under it, "Words to know" shows each glossary term the
article uses, with its expansion and definition (``glossary.po``). Whatever of these is not
translated is shown in the source language. So a version's translated share counts three kinds:

| kind        | the texts counted                                                            |
|-------------|------------------------------------------------------------------------------|
| article     | the article's own texts (its PO)                                             |
| interface   | the ``ui.po`` texts of the page templates (base, page, words), the page's   |
|             | texts set in code (review dates, plain-language links, table and footnote    |
|             | labels), the site's name; a plain locale's name in the language switcher     |
| glossary    | term, expansion and definition of each glossary term the article uses        |

A locale in the source's language (``en@plain``) counts its article only: what falls back is
already in its reader's language. Pronunciations are not counted: a page without one shows none.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from pipeline.checks.glossary import mentioned_terms
from pipeline.locales import LocaleInfo
from pipeline.model import Article, Catalog, Glossary, Stats, Unit, stats_of
from pipeline.render.page import BACKLINK, TABLE_LABEL
from pipeline.render.site import (
    NEXT_REVIEW,
    PLAIN_LABEL,
    REVIEWED,
    TO_PLAIN,
    TO_STANDARD,
    TRANSLATION_REVIEWED,
)

ARTICLE, INTERFACE, GLOSSARY = (
    "article",
    "interface",
    "glossary",
)  # the kinds of a version's figures
PAGE_TEMPLATES = (  # every template an article page is made of, its includes too
    "pipeline/templates/base.html",
    "pipeline/templates/page.html",
    "pipeline/templates/words.html",
)
PAGE_TEXTS = (BACKLINK, TABLE_LABEL, TO_PLAIN, TO_STANDARD, REVIEWED, NEXT_REVIEW, TRANSLATION_REVIEWED)  # fmt: skip


@dataclass(frozen=True)
class Interface:
    """The ``ui.po`` texts an article's page shows, whatever the article."""

    texts: frozenset[str]

    @classmethod
    def of(cls, ui_units: Iterable[Unit], site_name: str) -> Interface:
        """From the ui domain's units: those of the page templates, the page's texts set in code,
        and the site's name (the preview notice and the indexes' words are not a published page's)."""
        found = {u.key for u in ui_units if u.file in PAGE_TEMPLATES}
        return cls(frozenset({*found, *PAGE_TEXTS, site_name}))

    def texts_of(self, locale: LocaleInfo) -> frozenset[str]:
        """A plain locale's pages also show its name in the switcher ("Español – lenguaje sencillo")."""
        return self.texts | {PLAIN_LABEL} if locale.is_plain else self.texts


def glossary_texts(article: Article, glossary: Glossary, language: str) -> frozenset[str]:
    """Term, expansion and definition of every glossary term the article's source uses: the
    entries "Words to know" shows once the article is translated."""
    used = {
        term for unit in article.units for term in mentioned_terms(unit.msgid, glossary.terms, language)
    }  # fmt: skip
    return frozenset(
        text for term in used for text in (term.term, term.expansion, term.definition) if text
    )


@dataclass(frozen=True)
class PageCatalogs:
    """The three catalogues a version's page reads, any of them missing."""

    article: Catalog | None
    ui: Catalog | None
    glossary: Catalog | None


def version_figures(
    article: Article,
    catalogs: PageCatalogs,
    locale: LocaleInfo,
    source: LocaleInfo,
    interface: Interface,
    glossary: Glossary,
) -> Stats:
    """A version's figures, by kind: what its page shows, translated or in the source language."""
    own = stats_of(catalogs.article, article.msgids)
    if locale.language == source.language:
        return Stats.of_parts((ARTICLE, own))
    return Stats.of_parts(
        (ARTICLE, own),
        (INTERFACE, _current(catalogs.ui, interface.texts_of(locale))),
        (GLOSSARY, _current(catalogs.glossary, glossary_texts(article, glossary, source.language))),
    )


def _current(catalog: Catalog | None, texts: frozenset[str]) -> Stats:
    """A site catalogue's share of the texts a page shows; its obsolete entries are not the version's."""
    return replace(stats_of(catalog, texts), obsolete=0)
