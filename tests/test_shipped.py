"""The shipped content: every catalogue in step with the article, complete, and the plain versions readable."""

from __future__ import annotations

import subprocess
from pathlib import Path

import polib
import pytest

from pipeline.build.verbs import check, read_project
from pipeline.config import load_config
from tests.conftest import REPO

SLUG = "ketamine-infusions-chronic-pain"
LOCALES = ["es", "de", "fr", "ar", "en@plain", "es@plain"]
DOMAINS = [SLUG, "glossary", "ui"]
REQUIRED_TERMS = {
    "NMDA", "NMDA receptor", "glutamate", "central sensitization", "wind-up", "neuroplastic changes", "CRPS",
    "neuropathic pain", "analgesic", "anaesthetic", "sedative", "infusion", "opioid", "FDA", "NHS",
}  # fmt: skip


@pytest.fixture(scope="module")
def project():
    return read_project(load_config(REPO))


@pytest.fixture(scope="module")
def result(project):
    return check(project)


def test_configured_locales_are_the_shipped_ones(project) -> None:
    assert sorted(loc.name for loc in project.config.locales) == sorted(LOCALES)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("domain", DOMAINS)
def test_catalogue_is_in_step_with_the_source_and_complete(
    project, locale: str, domain: str
) -> None:
    po = polib.pofile(str(project.po_path(locale, domain)))
    expected = {u.msgid for d in project.domains if d.name == domain for u in d.units}
    active = {e.msgid for e in po if not e.obsolete}
    assert active == expected, (
        f"run `pipeline update`: missing {sorted(expected - active)[:3]}, extra {sorted(active - expected)[:3]}"
    )
    assert not po.fuzzy_entries(), [e.msgid for e in po.fuzzy_entries()][:3]
    assert not po.untranslated_entries(), [e.msgid for e in po.untranslated_entries()][:3]
    assert po.metadata["Language"] == locale


def test_every_catalogue_passes_msgfmt_check() -> None:
    files = sorted((REPO / "locales").rglob("*.po")) + sorted((REPO / "locales").glob("*.pot"))
    assert len(files) == len(LOCALES) * len(DOMAINS) + len(DOMAINS)
    for path in files:
        proc = subprocess.run(
            ["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True
        )
        assert proc.returncode == 0, f"{path}: {proc.stderr}"


def test_templates_are_what_extract_would_write(project, tmp_path: Path) -> None:
    """A POT out of date with the article means translators work on old text."""
    from pipeline.catalog import catalogs as catalog

    for domain in project.domains:
        fresh = catalog.build_pot(
            domain.name, domain.units, domain.source_name, project.config.site_name
        )
        shipped = polib.pofile(str(project.pot_path(domain.name)))
        assert [(e.msgid, e.occurrences, e.comment) for e in shipped] == [
            (e.msgid, e.occurrences, e.comment) for e in fresh
        ], domain.name


@pytest.mark.parametrize(
    ("locale", "metric", "bound"),
    [
        ("en@plain", "flesch_kincaid_grade", ("max", 6.0)),
        ("es@plain", "fernandez_huerta", ("min", 70.0)),
    ],
)
def test_plain_versions_meet_their_readability_targets(
    result, locale: str, metric: str, bound: tuple[str, float]
) -> None:
    document = next(d for d in result.documents if d.locale == locale)
    score = document.scores[metric]
    assert score <= bound[1] if bound[0] == "max" else score >= bound[1], (
        f"{locale}: {metric} {score}"
    )
    assert document.units_untranslated == 0


def test_plain_versions_have_no_sentence_over_20_words(result) -> None:
    assert [f for f in result.findings if f.check == "plain-long-sentence"] == []


def test_shipped_content_has_no_check_errors(result) -> None:
    errors = [
        f"{f.file}:{f.line}: [{f.check}] {f.message}"
        for f in result.findings
        if f.severity == "error"
    ]
    assert errors == []


def test_the_source_variant_spelling_is_reported_not_edited(result) -> None:
    variants = [f for f in result.findings if f.check == "glossary-variant-spelling"]
    assert [(f.locale, f.file, f.msgid[:31]) for f in variants] == [
        ("en", f"source/{SLUG}.md", "This 2023 review explains that ")
    ]


def test_glossary_has_the_required_terms(project) -> None:
    terms = {t.term: t for t in project.glossary.terms}
    assert len(terms) >= 20 and REQUIRED_TERMS <= set(terms)
    assert {name for name, t in terms.items() if t.keep} == {"NMDA", "FDA", "NHS"}
    assert terms["central sensitization"].variants == ("central sensitisation",)
    assert "anesthetic" in terms["anaesthetic"].variants
    for term in terms.values():
        assert term.definition and len(term.definition.split()) <= 45, term.term
        if term.term.isupper():
            assert term.expansion, term.term
