"""Is the article's medical review current, and does each translation follow the reviewed text?

A health page shows "Page last reviewed … Next review due …". A review date past its due date
is the editors' to-do; a translation whose entries went fuzzy was last updated before the
source it translates changed, so its readers see the new review date over older words (the
fuzzy texts show in the source language until a translator reviews them).
"""

from __future__ import annotations

from collections.abc import Iterator

from pipeline.checks.subject import Subject
from pipeline.model import WARNING, Finding
from pipeline.source.dates import review_dates, today

CHECKS = {"review-overdue": WARNING, "translation-behind-source": WARNING}


def run(subject: Subject) -> Iterator[Finding]:
    if subject.is_source:
        yield from _overdue(subject)
    elif subject.catalog is not None:
        yield from _behind(subject)


def _overdue(subject: Subject) -> Iterator[Finding]:
    dates = review_dates(subject.article)
    now = today()
    if dates.next_review is not None and dates.next_review < now:
        days = (now - dates.next_review).days
        message = f"the next review was due on {dates.next_review.isoformat()} ({days} day(s) ago): review the article and update Reviewed: and Next-Review:"
        yield subject.finding("review-overdue", WARNING, message, line=dates.next_review_line)


def _behind(subject: Subject) -> Iterator[Finding]:
    assert subject.catalog is not None
    fuzzy = [
        m
        for msgid in subject.article.msgids
        if (m := subject.catalog.messages.get(msgid)) and m.fuzzy and m.msgstr
    ]
    if not fuzzy:
        return
    first = min(fuzzy, key=lambda m: m.line)
    reviewed = review_dates(subject.article).reviewed
    since = f" (reviewed {reviewed.isoformat()})" if reviewed else ""
    message = f"the source changed{since} after this translation was last updated: {len(fuzzy)} fuzzy text(s) show in {subject.site.source.english_name} until reviewed"
    yield subject.finding("translation-behind-source", WARNING, message, first.msgid, first.line)
