"""A translation's review status is worked out once per version and build, whatever uses it.

A build used to hash a signed-off translation's texts for the plan (``require_review``), for
the version's check, for its page ("Translation reviewed on …") and for the report's record of
reviews: up to four times. Now the plan (or the version's first use) computes it and every
later step is given the value.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from pipeline.build.verbs import load_catalogs, read_project
from pipeline.catalog import catalogs as catalog
from pipeline.catalog import review
from pipeline.cli import main
from pipeline.config import load_config
from pipeline.model import Article, Catalog

SIGNED = ("es", "de")


def _sign_all(root: Path) -> None:
    """A reviewer's sign-off in these locales' PO of every article (current, so fully hashed)."""
    project = read_project(load_config(root))
    catalogs = load_catalogs(project)
    signed = []
    for article in project.articles:
        for locale in SIGNED:
            po = catalogs[(locale, article.slug)]
            headers = review.sign_off(article, po, "Dr Ana Ruiz", date(2026, 11, 29))
            signed.append((po.path, headers, catalog.saving.seen(po.path)))
    catalog.set_headers(signed)


@pytest.mark.parametrize("require_review", [False, True])
def test_a_build_hashes_each_reviewed_translation_once(
    shipped: Path, monkeypatch: pytest.MonkeyPatch, require_review: bool
) -> None:
    if require_review:
        pyproject = shipped / "pyproject.toml"
        text = pyproject.read_text(encoding="utf-8")
        pyproject.write_text(
            text.replace("[tool.pipeline]\n", "[tool.pipeline]\nrequire_review = true\n"),
            encoding="utf-8",
        )
    _sign_all(shipped)
    hashed: Counter[tuple[str, str]] = Counter()
    fingerprint = review.translation_fingerprint

    def counted(article: Article, po: Catalog) -> str:
        hashed[(article.slug, po.locale)] += 1
        return fingerprint(article, po)

    monkeypatch.setattr(review, "translation_fingerprint", counted)
    argv: list[Any] = ["--root", str(shipped), "-q", "build", "--no-cache", "--jobs", "1"]
    assert main(argv) in (0, 1)
    articles = read_project(load_config(shipped)).articles
    assert hashed == {(a.slug, locale): 1 for a in articles for locale in SIGNED}
