"""Extraction: what a translator finds in the POT for an article with every Markdown feature."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import polib
import pytest

from pipeline.source import read_article
from tests.conftest import DATA

FEATURE = DATA / "site" / "source" / "feature.md"


@pytest.fixture
def pot(site: Path) -> polib.POFile:
    return polib.pofile(str(site / "locales" / "feature.pot"))


def test_every_kind_of_unit_is_extracted_with_its_markdown_kept(pot: polib.POFile) -> None:
    by_msgid = {e.msgid: e.comment.split("\n")[0] for e in pot}  # the kind; later #. lines say where it sits
    expected = {
        "Every *feature* of an article": "page title (metadata)",
        "A test article with all the Markdown an author of health content needs.": "page description (metadata)",
        "Every feature": "heading (h1)",
        "An introduction with **far longer** relief, a [NHS page](https://www.nhs.uk/ \"NHS website\") and a pain score "
        "of `0–10`. It continues on a second line and cites a study.[^study]": "paragraph",
        "NHS website": "link title",
        "A nested item": "list item",
        "Step two": "list item",
        "Dose": "table header cell",
        "30 minutes": "table cell",
        "A quoted sentence about pain.": "blockquote paragraph",
        "Central sensitization": "definition term",
        "When the nerves become extra sensitive.": "definition",
        "A drip in an arm": "image alt text",
        "An IV drip": "image title",
        "A footnote text with a [link](https://example.org/study).": "footnote",
        "N-methyl-D-aspartate": "expansion of the abbreviation NMDA",
    }
    for msgid, kind in expected.items():
        assert by_msgid.get(msgid) == kind, msgid


def test_code_raw_html_urls_and_attr_lists_are_not_units(pot: polib.POFile) -> None:
    text = "\n".join(e.msgid for e in pot)
    assert "code_block" not in text
    assert "Raw HTML" not in text
    assert "{#top}" not in text and "{:" not in text
    assert not any(e.msgid.startswith("http") or e.msgid.startswith("![") for e in pot)


def test_same_text_twice_is_one_entry_with_two_references(pot: polib.POFile) -> None:
    entry = pot.find("Lists")
    assert entry is not None
    assert entry.occurrences == [("source/feature.md", "9"), ("source/feature.md", "48")]


def test_references_point_at_the_line_holding_the_text(pot: polib.POFile) -> None:
    lines = FEATURE.read_text(encoding="utf-8").splitlines()
    for entry in pot:
        for path, line in entry.occurrences:
            assert path == "source/feature.md"
            source_line = lines[int(line) - 1]
            first_words = re.sub(r"[*`\[\]]", "", entry.msgid)[:12]
            assert first_words in re.sub(r"[*`\[\]]", "", source_line) or entry.msgid.split()[0] in source_line, (entry.msgid, line)


def test_order_follows_the_article(pot: polib.POFile) -> None:
    first_lines = [int(e.occurrences[0][1]) for e in pot]
    assert first_lines == sorted(first_lines)


def test_units_match_the_golden_template(pot: polib.POFile) -> None:
    """The golden file was read by a person; a change in extraction shows up here as a diff."""
    golden = (DATA / "extract" / "feature.expect.txt").read_text(encoding="utf-8")
    actual = "".join(f"{e.occurrences[0][1]:>3} | {e.comment.split(chr(10))[0]} | {e.msgid}\n" for e in pot)
    assert actual == golden


def test_templates_and_catalogues_pass_msgfmt_check(site: Path) -> None:
    files = sorted(site.glob("locales/**/*.po")) + sorted(site.glob("locales/*.pot"))
    assert len(files) == 3 + 3 * 3
    for path in files:
        result = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True)
        assert result.returncode == 0, f"{path}: {result.stderr}"


def test_an_article_without_title_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "no-title.md"
    path.write_text("# Heading\n\nText.\n", encoding="utf-8")
    with pytest.raises(Exception, match="no 'Title:'"):
        read_article(path)
