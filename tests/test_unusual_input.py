"""Input that is legal but unusual: a byte-order mark, text saved decomposed (NFD), a glossary
term with punctuation of its own. Each must read as the usual form of the same text does."""

from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path

import polib
import pytest

from pipeline.build.verbs import check, read_project
from pipeline.config import load_config
from pipeline.language import terms
from tests.conftest import po_path
from tests.test_faults import tree

SLUG = "ketamine-infusions-chronic-pain"


def _findings(root: Path) -> list[tuple[str, str, str, int | None, str]]:
    return sorted(
        (f.check, f.locale, f.file, f.line, f.msgid)
        for f in check(read_project(load_config(root))).findings
    )


# --- a UTF-8 byte-order mark -----------------------------------------------------------------


def _with_bom(path: Path) -> None:
    path.write_bytes(codecs.BOM_UTF8 + path.read_bytes())


@pytest.mark.parametrize(
    "files",
    [
        [f"source/{SLUG}.md"],
        ["source/glossary.toml"],
        ["pyproject.toml"],
        [f"locales/es/LC_MESSAGES/{SLUG}.po", "locales/ar/LC_MESSAGES/glossary.po"],
        [f"source/{SLUG}.md", "source/glossary.toml", "pyproject.toml"],
    ],
)
def test_a_byte_order_mark_changes_nothing(shipped: Path, run, files: list[str]) -> None:
    assert run(shipped, "update")[0] == 0
    before = (tree(shipped / "locales"), _findings(shipped))
    for name in files:
        _with_bom(shipped / name)
    code, _out, err = run(shipped, "update")
    assert code == 0, err
    locales = {
        k: v for k, v in tree(shipped / "locales").items() if not any(k in f for f in files)
    }  # a PO given a BOM is written back without one, if at all
    assert locales == {k: v for k, v in before[0].items() if k in locales}
    assert _findings(shipped) == before[1]


def test_a_source_with_a_byte_order_mark_keeps_its_metadata(shipped: Path, run) -> None:
    source = shipped / "source" / f"{SLUG}.md"
    _with_bom(source)
    article = next(a for a in read_project(load_config(shipped)).articles if a.slug == SLUG)
    assert article.metadata.get("title") and article.metadata.get("description")
    assert all(not u.msgid.startswith(("Title:", "\ufeff")) for u in article.units)


# --- text saved decomposed (NFD) ------------------------------------------------------------


def _decomposed(path: Path) -> None:
    """Every msgstr in NFD, as a macOS input method or tool may save it."""
    po = polib.pofile(str(path))
    for entry in po:
        entry.msgstr = unicodedata.normalize("NFD", entry.msgstr)
    po.save(str(path))


@pytest.mark.parametrize("domains", [[SLUG], ["glossary"], [SLUG, "glossary"]])
def test_a_po_saved_decomposed_gives_no_new_findings(shipped: Path, domains: list[str]) -> None:
    before = _findings(shipped)
    for domain in domains:
        path = po_path(shipped, "es", domain)
        _decomposed(path)
        assert unicodedata.normalize("NFD", "ó") in path.read_text(encoding="utf-8")
    assert _findings(shipped) == before


def test_a_kept_term_written_decomposed_is_the_kept_term() -> None:
    assert terms.verbatim(unicodedata.normalize("NFD", "el método Kéta"), "Kéta")
    assert terms.mentions(unicodedata.normalize("NFD", "sensibilización"), "sensibilización", "es")


# --- a term with punctuation of its own -------------------------------------------------------

PUNCTUATED = [
    ("C++", "Written in C++ today.", "Written in C today."),
    ("C#", "A C# program.", "A C program."),
    (".NET", "Runs on .NET here.", "Runs on NET here."),
    ("A&E", "Go to A&E now.", "Go to A or E now."),
]


@pytest.mark.parametrize(("term", "uses", "does_not"), PUNCTUATED)
@pytest.mark.parametrize("language", ["en", "de"])
def test_a_term_with_punctuation_is_matched_as_written(
    term: str, uses: str, does_not: str, language: str
) -> None:
    assert terms.mentions(uses, term, language) and terms.source_mentions(uses, term, language)
    assert not terms.mentions(does_not, term, language)
    assert not terms.source_mentions(does_not, term, language)
    assert not terms.may_contain(does_not, term, language)
    start, end = terms.find_term(uses, term, language) or (0, 0)
    assert uses[start:end] == term
    assert terms.find_term(does_not, term, language) is None


def test_a_glossary_term_cpp_is_not_reported_for_the_word_c(site: Path, run) -> None:
    glossary = site / "source" / "glossary.toml"
    glossary.write_text(
        glossary.read_text(encoding="utf-8")
        + '\n[[terms]]\nterm = "C++"\ndefinition = "A programming language."\nvariants = ["CPP"]\n',
        encoding="utf-8",
    )
    source = site / "source" / "feature.md"
    source.write_text(
        source.read_text(encoding="utf-8") + "\nVitamin C helps; plan C too.\n", "utf-8"
    )
    assert run(site, "update")[0] == 0
    glossary_po = polib.pofile(str(po_path(site, "es", "glossary")))
    glossary_po.find("C++").msgstr = "C++"
    glossary_po.save()
    feature = polib.pofile(str(po_path(site, "es")))
    feature.find("Vitamin C helps; plan C too.").msgstr = "La vitamina C ayuda; el plan C también."
    feature.save()
    found = [f for f in _findings(site) if f[0].startswith("glossary") and f[1] == "es"]
    assert not [f for f in found if f[4] == "Vitamin C helps; plan C too."], found
    page = site / "output" / "en" / "feature.html"
    assert run(site, "build")[0] in (0, 1)
    assert "<p>Vitamin C helps; plan C too.</p>" in page.read_text(encoding="utf-8")
