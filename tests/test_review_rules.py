"""The review rule, fast enough to run against every change of it (``docs/testing.md``, mutation
testing): what a sign-off writes in the PO header, and when a review stops being current.
``test_review.py`` holds the same rule end to end (real PO files, msgmerge, ``check``)."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from pipeline.catalog import review
from pipeline.model import Article, Catalog, Message, Unit

WHEN = date(2026, 11, 29)
ANA = "Dr Ana Ruiz <ana@example.org>"


def _article(*msgids: str) -> Article:
    units = tuple(Unit(m, "paragraph", 1 + 2 * i) for i, m in enumerate(msgids))
    return Article("a", Path("source/a.md"), "\n\n".join(msgids), units)


def _catalog(translations: dict[str, str], fuzzy: frozenset[str] = frozenset()) -> Catalog:
    return Catalog(
        "a",
        "es",
        Path("a.po"),
        {m: Message(m, t, m in fuzzy, 1) for m, t in translations.items()},
    )


def _signed(catalog: Catalog, fields: dict[str, str]) -> Catalog:
    return replace(catalog, headers={**catalog.headers, **fields})


ARTICLE = _article("Pain.", "Rest.", "Pain.")  # a text used twice is read once
SPANISH = _catalog({"Pain.": "Dolor.", "Rest.": "Descanso."})


def _sha12(*parts: str) -> str:
    return hashlib.sha256(b"".join(p.encode() + b"\0" for p in parts)).hexdigest()[:12]


def test_a_sign_off_records_who_when_and_fingerprints_of_both_texts() -> None:
    """The fingerprints are 12 hex digits of SHA-256 over the texts, each ended by NUL: the
    source's texts; and each text read once with its translation and "fuzzy" where it was."""
    assert review.sign_off(ARTICLE, SPANISH, ANA, WHEN) == {
        "X-Reviewed-By": ANA,
        "X-Reviewed-Date": "2026-11-29",
        "X-Reviewed-Source": _sha12("Pain.", "Rest.", "Pain."),
        "X-Reviewed-Translation": _sha12("Pain.", "Dolor.", "", "Rest.", "Descanso.", ""),
    }
    half = _catalog({"Pain.": "Dolor.", "Rest.": "Descansar."}, fuzzy=frozenset({"Rest."}))
    assert review.sign_off(_article("Pain.", "Rest.", "Gone."), half, ANA, WHEN)[
        "X-Reviewed-Translation"
    ] == _sha12("Pain.", "Dolor.", "", "Rest.", "Descansar.", "fuzzy", "Gone.", "", "")


def test_a_fresh_sign_off_is_current_and_tools_may_pad_its_fields() -> None:
    fields = review.sign_off(ARTICLE, SPANISH, ANA, WHEN)
    state = review.status(ARTICLE, _signed(SPANISH, {k: f" {v} " for k, v in fields.items()}))
    assert state == review.ReviewStatus(
        review.Review(ANA, WHEN, fields["X-Reviewed-Source"], fields["X-Reviewed-Translation"]),
        True,
        "",
    )


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Reviewed-By": ANA},  # no date
        {"X-Reviewed-Date": "2026-11-29"},  # no one
        {"X-Reviewed-By": "", "X-Reviewed-Date": "2026-11-29"},
        {"X-Reviewed-By": ANA, "X-Reviewed-Date": "29/11/2026"},  # not a date as ISO writes it
    ],
)
def test_a_record_without_a_reviewer_or_a_date_is_no_review(headers: dict[str, str]) -> None:
    assert review.status(ARTICLE, _signed(SPANISH, headers)) == review.ReviewStatus(
        None, False, "not reviewed"
    )


def test_a_version_without_a_catalogue_is_not_reviewed() -> None:
    assert review.status(ARTICLE, None) == review.ReviewStatus(None, False, "not reviewed")


def test_any_change_after_the_sign_off_makes_it_out_of_date_and_says_which() -> None:
    """The record stays (the report still names who reviewed and when); it is no longer current."""
    fields = review.sign_off(ARTICLE, SPANISH, ANA, WHEN)
    signed = _signed(SPANISH, fields)
    was = review.Review(ANA, WHEN, fields["X-Reviewed-Source"], fields["X-Reviewed-Translation"])
    edited_source = _article("Pain.", "Rest well.", "Pain.")
    assert review.status(edited_source, signed) == review.ReviewStatus(
        was, False, "the source changed after the review"
    )
    changed = review.ReviewStatus(was, False, "the translation changed after the review")
    for message in (Message("Rest.", "Reposo.", False, 1), Message("Rest.", "Descanso.", True, 1)):
        edited = replace(signed, messages={**signed.messages, "Rest.": message})
        assert review.status(ARTICLE, edited) == changed


def test_a_record_written_by_hand_without_fingerprints_is_out_of_date() -> None:
    """Who and when, typed into Poedit's header: no fingerprint says what was read."""
    by_hand = _signed(SPANISH, {"X-Reviewed-By": ANA, "X-Reviewed-Date": "2026-11-29"})
    assert review.status(ARTICLE, by_hand) == review.ReviewStatus(
        review.Review(ANA, WHEN, "", ""), False, "the source changed after the review"
    )
