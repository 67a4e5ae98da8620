"""Review records: a version whose source or translation changed after its review says so."""

from __future__ import annotations

from collections.abc import Iterator

from pipeline.checks.subject import Subject
from pipeline.model import WARNING, Finding

CHECKS = {"review-outdated": WARNING, "review-missing": WARNING}


def run(subject: Subject) -> Iterator[Finding]:
    if subject.is_source or subject.catalog is None:
        return
    state = subject.review
    if state.review is not None and not state.current:
        text = f"review out of date: {state.reason} (reviewed by {state.review.reviewer} on {state.review.date.isoformat()}); run `pipeline review {subject.locale.name}` after checking it again"
        yield subject.finding("review-outdated", WARNING, text)
    elif state.review is None and subject.site.require_review:
        text = f"not reviewed: this site publishes only reviewed translations; run `pipeline review {subject.locale.name} --by NAME` after a qualified reviewer has read it"
        yield subject.finding("review-missing", WARNING, text)
