"""A source edit never silently unpublishes a translation: the policy, and every change of state, named.

When the source of a published translation changes, the translation falls below its publishing
threshold (its changed texts are fuzzy, its new ones empty). What then happens to it is the
site's policy, ``when_source_changes`` (per locale: ``when_source_changes_by_locale``):

- ``keep`` (the default): the **last published version** stays online at its URL, in the
  indexes, ``hreflang`` and the sitemap, with its leaflet, rebuilt from the article's text and its
  translation as they were published (``store.published``), with a dated notice in the reader's
  language that the original was updated and a link to it; until the translation catches up
  (it is then published as usual) or ``keep_days`` have passed since the change was first seen
  (it is then withdrawn). A reader who needs the Arabic page does not lose it because the English
  gained a sentence.
- ``withdraw``: the version becomes a translators' preview at once, as any version below its
  threshold.

A translation that falls below its threshold while its source did not change (a translator's
edit) is not kept: that is the translation's own state. Every change of a version's state
between two builds is a ``Change``, which ``build`` prints one line each and the report lists
at its top; a withdrawal can fail the build (``fail_on_withdrawal``, ``build --strict``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from pipeline.config import KEEP, Config
from pipeline.locales import LocaleInfo
from pipeline.model import Article, Version
from pipeline.store.published import KEPT, LIVE, PREVIEW, PUBLISHED, WITHHELD, Entry

Previous = Mapping[tuple[str, str], Entry]
LABELS = {
    PUBLISHED: "published",
    KEPT: "kept with notice",
    PREVIEW: "preview",
    WITHHELD: "withheld",
    None: "not written",
}


def kept_since(
    config: Config, article: Article, locale: LocaleInfo, previous: Previous, today: date
) -> str:
    """The ISO date from which this version's last published text is kept, or "" when it is not
    kept (never published, its source unchanged, the policy withdraws it, or its days are over)."""
    entry = previous.get((article.slug, locale.name))
    if entry is None or entry.state not in LIVE or config.policy_for(locale.name) != KEEP:
        return ""
    if not entry.source or entry.source == article.digest:
        return ""  # the source is as published: the translation itself changed
    since = entry.since or today.isoformat()
    expired = today - date.fromisoformat(since) >= timedelta(days=config.keep_days)
    return "" if expired else since


def state_of(version: Version) -> str:
    return KEPT if version.kept else PREVIEW if version.preview else PUBLISHED


@dataclass(frozen=True)
class Change:
    """One version whose publication state changed since the last build."""

    article: str
    locale: str
    before: str | None  # None: it had no page
    after: str | None
    reason: str = ""

    @property
    def withdrawal(self) -> bool:
        """A reader loses a page they had: it was live and is not any more."""
        return self.before in LIVE and self.after not in LIVE

    def line(self) -> str:
        said = f"{self.article} ({self.locale}): {LABELS[self.before]} -> {LABELS[self.after]}"
        if self.withdrawal:
            said += " (withdrawn)"
        return f"{said}: {self.reason}" if self.reason else said


def changes(
    before: Previous,
    after: Mapping[tuple[str, str], tuple[str, str]],
    scope: Iterable[tuple[str, str]],
) -> tuple[Change, ...]:
    """Every version of ``scope`` whose state differs between two builds (``after``: version ->
    (state, why)), in the build's order. Nothing is listed without a previous record, nor an
    article withheld before it had a page (the build names it in its own line)."""
    if not before:
        return ()
    found = []
    for item in scope:
        old = before.get(item)
        state, why = after.get(item, (None, ""))
        before_state = old.state if old else None
        if state == WITHHELD and before_state not in LIVE:
            continue
        if before_state != state:
            found.append(Change(*item, before_state, state, why))
    return tuple(found)
