"""A reviewer's sign-off: recorded in the PO header, kept by other tools, out of date after any change."""

from __future__ import annotations

import json
import re
import subprocess
from datetime import date
from pathlib import Path

import polib

from pipeline.build.verbs import check, load_catalogs, read_project
from pipeline.catalog import catalogs as catalog
from pipeline.catalog import review
from pipeline.config import load_config

SLUG = "ketamine-infusions-chronic-pain"


def _sign(root: Path, locale: str, who: str = "Dr Ana Ruiz <ana@example.org>") -> Path:
    project = read_project(load_config(root))
    article = project.articles[0]
    po = load_catalogs(project)[(locale, SLUG)]
    was = catalog.saving.seen(po.path)
    catalog.set_headers([(po.path, review.sign_off(article, po, who, date(2026, 11, 29)), was)])
    return po.path


def _status(root: Path, locale: str) -> review.ReviewStatus:
    project = read_project(load_config(root))
    return review.status(project.articles[0], load_catalogs(project)[(locale, SLUG)])


def _review_findings(root: Path) -> list[str]:
    return [
        f"{f.locale} {f.check}"
        for f in check(read_project(load_config(root))).findings
        if f.check.startswith("review-")
    ]


def test_a_fresh_sign_off_is_current_and_names_who_and_when(shipped: Path) -> None:
    path = _sign(shipped, "es")
    state = _status(shipped, "es")
    assert state.current and state.review is not None
    assert state.review.reviewer == "Dr Ana Ruiz <ana@example.org>" and state.review.date == date(
        2026, 11, 29
    )
    assert polib.pofile(str(path)).metadata["X-Reviewed-By"] == "Dr Ana Ruiz <ana@example.org>"
    assert _review_findings(shipped) == []


def test_the_record_survives_msgmerge(shipped: Path) -> None:
    path = _sign(shipped, "de")
    pot = shipped / "locales" / f"{SLUG}.pot"
    subprocess.run(
        ["msgmerge", "--quiet", "--previous", "-U", "--backup=none", str(path), str(pot)],
        check=True,
    )
    assert _status(shipped, "de").current


def test_a_source_change_makes_the_review_out_of_date(shipped: Path) -> None:
    _sign(shipped, "fr")
    article = shipped / "source" / f"{SLUG}.md"
    article.write_text(
        article.read_text(encoding="utf-8").replace("chronic pain", "long-term pain", 1),
        encoding="utf-8",
    )
    state = _status(shipped, "fr")
    assert not state.current and state.reason == "the source changed after the review"
    assert "fr review-outdated" in _review_findings(shipped)


def test_a_translation_change_makes_the_review_out_of_date(shipped: Path) -> None:
    path = _sign(shipped, "ar")
    po = polib.pofile(str(path))
    entry = next(e for e in po if e.msgstr and not e.obsolete)
    entry.msgstr += " "
    po.save(str(path))
    state = _status(shipped, "ar")
    assert not state.current and state.reason == "the translation changed after the review"
    assert _review_findings(shipped) == ["ar review-outdated"]


def test_a_version_never_reviewed_is_reported_only_where_the_site_requires_reviews(
    shipped: Path,
) -> None:
    assert _review_findings(shipped) == []
    assert not _status(shipped, "es").current and _status(shipped, "es").reason == "not reviewed"


def _build(root: Path) -> None:
    from pipeline.cli import main

    assert main(["--root", str(root), "-q", "build", "--jobs", "1"]) in (0, 1)


def test_a_current_review_shows_on_the_page_in_its_language_and_in_the_report(
    shipped: Path,
) -> None:
    _sign(shipped, "es")
    _build(shipped)
    page = (shipped / "output" / "es" / f"{SLUG}.html").read_text(encoding="utf-8")
    assert "Traducción revisada el 29 de noviembre de 2026" in page
    assert "reviewed on" not in (shipped / "output" / "de" / f"{SLUG}.html").read_text(
        encoding="utf-8"
    )
    report = json.loads(
        (shipped / "output" / "reports" / "report.json").read_text(encoding="utf-8")
    )
    rows = {(r["locale"], r["reviewer"], r["current"]) for r in report["reviews"]}
    assert ("es", "Dr Ana Ruiz <ana@example.org>", True) in rows and ("de", None, False) in rows
    reports = shipped / "output" / "reports"
    assert "Dr Ana Ruiz" in (reports / "es.html").read_text(encoding="utf-8")
    assert "Dr Ana Ruiz" not in (reports / "de.html").read_text(encoding="utf-8")
    overview = (reports / "index.html").read_text(encoding="utf-8")
    assert re.search(r"\(<code>es</code>\)(?:(?!</tr>).)*1 of 1 current", overview, re.S)
    assert re.search(r"\(<code>de</code>\)(?:(?!</tr>).)*0 of 1 current", overview, re.S)


def test_an_out_of_date_review_leaves_the_page_and_says_why_in_the_report(shipped: Path) -> None:
    path = _sign(shipped, "fr")
    po = polib.pofile(str(path))
    next(e for e in po if e.msgstr and not e.obsolete).msgstr += " "
    po.save(str(path))
    _build(shipped)
    assert "Traduction relue" not in (shipped / "output" / "fr" / f"{SLUG}.html").read_text(
        encoding="utf-8"
    )
    report = json.loads(
        (shipped / "output" / "reports" / "report.json").read_text(encoding="utf-8")
    )
    row = next(r for r in report["reviews"] if r["locale"] == "fr")
    assert (row["current"], row["reason"]) == (False, "the translation changed after the review")


def test_require_review_publishes_only_versions_with_a_current_review(shipped: Path) -> None:
    pyproject = shipped / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8").replace(
        "[tool.pipeline]\n", "[tool.pipeline]\nrequire_review = true\n"
    )
    pyproject.write_text(text, encoding="utf-8")
    _sign(shipped, "es")
    _build(shipped)
    sitemap = (shipped / "output" / "sitemap.xml").read_text(encoding="utf-8")
    assert f"/es/{SLUG}.html" in sitemap and f"/de/{SLUG}.html" not in sitemap
    german = (shipped / "output" / "de" / f"{SLUG}.html").read_text(encoding="utf-8")
    assert '<meta name="robots" content="noindex">' in german
    report = json.loads(
        (shipped / "output" / "reports" / "report.json").read_text(encoding="utf-8")
    )
    reasons = {p["locale"]: p["reason"] for p in report["previews"]}
    assert reasons["de"].startswith(
        "not reviewed, and this site publishes only reviewed translations"
    )
    assert "es" not in reasons
    assert "de review-missing" in _review_findings(shipped)
