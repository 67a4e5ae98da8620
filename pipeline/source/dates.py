"""Review dates from an article's metadata (``Reviewed:``, ``Next-Review:``, ISO 8601 dates).

Health sites show when a page was last reviewed and when the next review is due; the pages
show the dates and the checks warn when a review is overdue, so both read them here. A date
that is not ISO 8601 is the author's error, named with its file and line, never a guess.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date

from pipeline.errors import ConfigError, SourceError
from pipeline.model import Article

REVIEWED, NEXT_REVIEW = "reviewed", "next-review"
TODAY_VARIABLE = (
    "PIPELINE_TODAY"  # ISO date: "today" for the overdue check (tests, reproducible builds)
)


@dataclass(frozen=True)
class ReviewDates:
    reviewed: date | None
    next_review: date | None
    next_review_line: int  # the ``Next-Review:`` line of the source, for findings


def review_dates(article: Article) -> ReviewDates:
    """The article's review dates; either may be absent."""
    return ReviewDates(
        _date(article, REVIEWED), _date(article, NEXT_REVIEW), _line(article, NEXT_REVIEW) or 1
    )


_AS_OF: ContextVar[date | None] = ContextVar("as_of", default=None)


def today() -> date:
    """Today, or the date in ``PIPELINE_TODAY`` so a test or a rebuild of an old site is
    reproducible, or the date of the build a cluster's worker makes versions for (``as_of``)."""
    fixed = _AS_OF.get()
    if fixed is not None:
        return fixed
    value = os.environ.get(TODAY_VARIABLE)
    if not value:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ConfigError(
            f"{TODAY_VARIABLE}={value!r} is not a date: set it as YYYY-MM-DD, or unset it"
        ) from None


@contextmanager
def as_of(day: date) -> Iterator[None]:
    """``today()`` is ``day`` in this thread meanwhile: a worker on another machine, in another
    time zone or past midnight, makes a version as the build that asked for it would."""
    token = _AS_OF.set(day)
    try:
        yield
    finally:
        _AS_OF.reset(token)


def _date(article: Article, key: str) -> date | None:
    value = article.metadata.get(key, "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise SourceError(
            f"{key.title()}: {value!r} is not a date: write it as YYYY-MM-DD",
            article.path,
            _line(article, key),
        ) from None


def _line(article: Article, key: str) -> int | None:
    """The metadata line (front matter or ``Key:`` lines), found in the text: Markdown keeps no lines."""
    for number, line in enumerate(article.text.splitlines(), 1):
        if line.lower().startswith(f"{key}:"):
            return number
    return None
