"""Who reviewed a translation, when, and against which source: a record kept in the PO header.

Health publishers do not publish a translation no qualified person has checked, and patient
information standards ask who checked it, when, and against which version of the source. The
record lives in the PO file itself, so it travels with the translation through Poedit, Weblate
and ``msgmerge`` (all three keep ``X-`` header fields as they are):

    X-Reviewed-By: Dr Ana Ruiz <ana@example.org>
    X-Reviewed-Date: 2026-11-29
    X-Reviewed-Source: 3f2a9c0d41b7      (fingerprint of the article's texts)
    X-Reviewed-Translation: 9e1c27aa0f53 (fingerprint of the translations that were read)

A review is *current* while both fingerprints still match: any change to the source or to a
translation after the sign-off makes it "out of date", whoever made the change.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from pipeline.model import Article, Catalog, ReviewState

BY, DATE, SOURCE, TRANSLATION = (
    "X-Reviewed-By",
    "X-Reviewed-Date",
    "X-Reviewed-Source",
    "X-Reviewed-Translation",
)


@dataclass(frozen=True)
class Review:
    reviewer: str
    date: date
    source: str  # fingerprint of the article's texts when it was reviewed
    translation: str  # fingerprint of the translations that were read


@dataclass(frozen=True)
class ReviewStatus:
    review: Review | None
    current: bool
    reason: str  # why it is not current ("" when it is)

    def line(self, slug: str, locale: str) -> ReviewState:
        """The report's line of this translation's review record."""
        record = self.review
        reviewer, when = (record.reviewer, record.date.isoformat()) if record else (None, None)
        return ReviewState(slug, locale, reviewer, when, self.current, self.reason)


def fingerprint(parts: list[str]) -> str:
    """Short and stable: 12 hex digits of SHA-256 over the parts, each ended by NUL."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()[:12]


def source_fingerprint(article: Article) -> str:
    return fingerprint([unit.msgid for unit in article.units])


def translation_fingerprint(article: Article, catalog: Catalog) -> str:
    """What a reviewer read: every text of the article with its translation (fuzzy ones marked)."""
    parts = []
    for msgid in dict.fromkeys(unit.msgid for unit in article.units):
        message = catalog.messages.get(msgid)
        parts += [
            msgid,
            message.msgstr if message else "",
            "fuzzy" if message and message.fuzzy else "",
        ]
    return fingerprint(parts)


def sign_off(article: Article, catalog: Catalog, reviewer: str, when: date) -> dict[str, str]:
    """The header fields that record a review of this version now."""
    return {
        BY: reviewer,
        DATE: when.isoformat(),
        SOURCE: source_fingerprint(article),
        TRANSLATION: translation_fingerprint(article, catalog),
    }


def recorded(catalog: Catalog) -> Review | None:
    headers = catalog.headers
    if not headers.get(BY) or not headers.get(DATE):
        return None
    try:
        when = date.fromisoformat(headers[DATE].strip())
    except ValueError:
        return None
    return Review(
        headers[BY].strip(),
        when,
        headers.get(SOURCE, "").strip(),
        headers.get(TRANSLATION, "").strip(),
    )


def status(article: Article, catalog: Catalog | None) -> ReviewStatus:
    review = recorded(catalog) if catalog is not None else None
    if catalog is None or review is None:
        return ReviewStatus(None, False, "not reviewed")
    if review.source != source_fingerprint(article):
        return ReviewStatus(review, False, "the source changed after the review")
    if review.translation != translation_fingerprint(article, catalog):
        return ReviewStatus(review, False, "the translation changed after the review")
    return ReviewStatus(review, True, "")
