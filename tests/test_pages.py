"""WCAG 3.1 on the shipped pages, where no automated tool looks: words explained, abbreviations
expanded, language of parts marked, pronunciation given, plain versions linked."""

from __future__ import annotations

import posixpath
import re
import shutil
from pathlib import Path

import pytest

from pipeline.cli import main
from tests.conftest import REPO
from tests.pages import Element, read

SLUG = "ketamine-infusions-chronic-pain"


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("shipped")
    for name in ("source", "locales"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "pyproject.toml", root)
    assert main(["--root", str(root), "build"]) == 0
    return root / "output"


def page(output: Path, rel: str) -> Element:
    return read(output / rel / f"{SLUG}.html")


def words_box(doc: Element) -> dict[str, tuple[str, str]]:
    """anchor -> (term, explanation) from the "Words to know" box."""
    aside = doc.find_all("aside")[0]
    terms = {dt.attrs["id"]: dt.text.strip() for dt in aside.find_all("dt")}
    explanations = [dd.text.strip() for dd in aside.find_all("dd")]
    return {
        anchor: (term, text)
        for (anchor, term), text in zip(terms.items(), explanations, strict=False)
    }


@pytest.mark.parametrize("rel", ["en", "es", "de", "fr", "ar", "en/plain", "es/plain"])
def test_every_term_linked_in_the_article_is_explained_in_the_page_language(
    output: Path, rel: str
) -> None:
    doc = page(output, rel)
    box = words_box(doc)
    links = [
        a.attrs["href"][1:]
        for a in doc.find_all("article")[0].find_all("a")
        if a.attrs.get("class") == "term"
    ]
    assert len(links) == len(set(links)) >= 20, "each term is linked at its first use only"
    assert set(links) <= set(box)
    for dd in doc.find_all("aside")[0].find_all("dd"):
        assert "lang" not in dd.attrs, f"{rel}: a definition fell back to English: {dd.text[:60]}"


def test_spanish_words_box_uses_the_translated_glossary(output: Path) -> None:
    box = words_box(page(output, "es"))
    term, explanation = box["term-central-sensitization"]
    assert term.startswith("sensibilización central")
    assert "nervios" in explanation or "cerebro" in explanation


def test_pronunciation_is_shown_where_the_term_is_explained(output: Path) -> None:
    assert "KET-uh-meen" in words_box(page(output, "en"))["term-ketamine"][1]
    assert "ke-ta-MI-na" in words_box(page(output, "es"))["term-ketamine"][1]


def test_abbreviations_are_expanded_at_first_use_only(output: Path) -> None:
    html = (output / "en" / f"{SLUG}.html").read_text(encoding="utf-8")
    article = html[html.index("<article") : html.index("</article>")]
    assert len(re.findall(r'<abbr[^>]* title="N-methyl-D-aspartate">NMDA</abbr>', article)) == 1
    assert article.count("NMDA") >= 3  # the other uses stay plain text
    assert article.index("<abbr") < article.index("NMDA") + 40


def test_an_abbreviation_of_the_page_language_is_expanded_in_that_language(output: Path) -> None:
    html = (output / "es" / f"{SLUG}.html").read_text(encoding="utf-8")
    assert re.search(r'<abbr[^>]* title="síndrome de dolor regional complejo">SDRC</abbr>', html)
    assert re.search(r'<abbr[^>]* title="N-metil-D-aspartato">NMDA</abbr>', html)


def test_english_words_inside_translations_carry_lang(output: Path) -> None:
    arabic = page(output, "ar")
    spans = {
        s.text: s.attrs
        for s in arabic.find_all("article")[0].find_all("span")
        if s.attrs.get("lang")
    }
    assert spans["special K"] == {"lang": "en", "dir": "ltr"}
    assert all(attrs == {"lang": "en", "dir": "ltr"} for attrs in spans.values())
    spanish = page(output, "es")
    assert any(
        s.text.lower() == "wind-up" and s.attrs.get("lang") == "en"
        for s in spanish.find_all("span")
    )


def test_citations_kept_in_english_are_marked_english(output: Path) -> None:
    items = [li for li in page(output, "fr").find_all("li") if li.text.startswith("Culp C")]
    assert items and items[0].attrs.get("lang") == "en"


@pytest.mark.parametrize(
    ("rel", "counterpart"),
    [("en", "en/plain"), ("es", "es/plain"), ("en/plain", "en"), ("es/plain", "es")],
)
def test_reading_level_link_is_prominent_and_reciprocal(
    output: Path, rel: str, counterpart: str
) -> None:
    """The first link of the main content leads to the other reading level of the same language."""
    first_link = page(output, rel).find_all("main")[0].find_all("a")[0]
    resolved = posixpath.normpath(posixpath.join(rel, first_link.attrs["href"]))
    assert resolved == f"{counterpart}/{SLUG}.html"


def test_pages_without_a_plain_version_do_not_pretend_to_have_one(output: Path) -> None:
    for rel in ("de", "fr", "ar"):
        assert "reading-level" not in (output / rel / f"{SLUG}.html").read_text(encoding="utf-8")


def test_ui_words_are_translated_on_every_page(output: Path) -> None:
    for rel, words in [
        ("es", "Saltar"),
        ("de", "Zum Inhalt"),
        ("fr", "Aller au contenu"),
        ("ar", "انتقل"),
    ]:
        skip = page(output, rel).find_all("a")[0]
        assert skip.attrs.get("class") == "skip-link" and skip.text.startswith(words), (
            rel,
            skip.text,
        )
        assert not re.search(
            r'<span lang="en">',
            (output / rel / f"{SLUG}.html").read_text(encoding="utf-8").split("<article")[0],
        )
