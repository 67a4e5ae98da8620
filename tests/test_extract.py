"""Extraction: what a translator finds in the POT, for our feature article and for Markdown
written by other people (tests/data/others: a project README, a Jekyll post, a public-health page)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.build import verbs
from pipeline.cli import main
from pipeline.config import load_config
from pipeline.errors import SourceError
from pipeline.render.page import sanitize
from pipeline.source.reader import RAW_HTML_KIND, read_article
from tests.a11y_tools import format_violations, format_vnu, require_tools, run_axe, vnu_messages
from tests.conftest import DATA, po_path, translate_po
from tests.pages import article_html, read

FEATURE = DATA / "site" / "source" / "feature.md"
OTHERS = DATA / "others"
OTHER_ARTICLES = sorted((OTHERS / "source").glob("*.md"))
_DATE = re.compile(r'^"POT-Creation-Date: .*\\n"$', re.MULTILINE)
_VERSION_DATE = re.compile(
    r'^("Project-Id-Version: .*) \d{4}-\d\d-\d\d\\n"$', re.MULTILINE
)  # the version is the creation day


def upper(msgid: str) -> str:
    """A pseudo-translation: words in capitals, URLs, code and footnote markers kept."""
    protected = re.compile(r"(`[^`]*`|\]\([^)\s]*|\[\^[^\]]+\]|<[^>]+>|https?://\S+)")
    return "".join(
        part if protected.fullmatch(part) else part.upper() for part in protected.split(msgid)
    )


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- The golden template and the golden unit lists -----------------------------------------------


def test_the_template_is_the_golden_pot(site: Path) -> None:
    """The whole POT, read line by line once: notes, references, wrapping. Only the date may differ."""
    golden = (DATA / "extract" / "feature.expect.pot").read_text(encoding="utf-8")
    actual = (site / "locales" / "feature.pot").read_text(encoding="utf-8")
    actual = _VERSION_DATE.sub(r'\1 YEAR-MO-DA\\n"', actual)
    assert _DATE.sub('"POT-Creation-Date: YEAR-MO-DA HO:MI+ZONE\\\\n"', actual) == golden


@pytest.mark.parametrize("path", OTHER_ARTICLES, ids=lambda p: p.stem)
def test_markdown_of_others_gives_the_golden_units_lines_and_contexts(path: Path) -> None:
    """Each golden list was read against its source: every line, context, image and raw block."""
    article = read_article(path)
    actual = [f"{u.line:>3} | {u.kind} | {u.context} | {u.msgid}" for u in article.units]
    actual += [f"{a.line:>3} | image | {a.src}" for a in article.assets]
    actual += [f"{u.line:>3} | {u.kind} | {u.msgid}" for u in article.untranslatable]
    assert "\n".join(actual) + "\n" == (OTHERS / "expect" / f"{path.stem}.txt").read_text(
        encoding="utf-8"
    )


@pytest.mark.parametrize("path", [FEATURE, *OTHER_ARTICLES], ids=lambda p: p.stem)
def test_every_reference_names_the_line_where_the_text_starts(path: Path) -> None:
    """Independent of the goldens: a unit's line holds its first word, and no earlier line of its block does."""
    lines = path.read_text(encoding="utf-8").splitlines()
    for unit in read_article(path).units:
        first = re.sub(r"[*`\[\]!]", "", unit.msgid).split()[0]
        assert first in re.sub(r"[*`\[\]!]", "", lines[unit.line - 1]), (unit, lines[unit.line - 1])


def test_short_repeated_texts_get_their_own_lines() -> None:
    """A table cell 'Yes' is on its row; a definition term 'Yes' below the table is on its own line."""
    units = read_article(OTHERS / "source" / "sleep-and-pain.md").units
    yes = [(u.line, u.kind) for u in units if u.msgid == "Yes"]
    assert yes == [
        (51, "table cell"),
        (51, "table cell"),
        (52, "table cell"),
        (59, "definition term"),
    ]
    sleep = [(u.line, u.kind) for u in units if u.msgid == "Sleep"]
    assert sleep == [(22, "heading (h2)"), (24, "definition term")]


def test_table_cells_and_units_say_where_they_sit() -> None:
    units = {
        (u.msgid, u.line): u.context
        for u in read_article(OTHERS / "source" / "flu-vaccine.md").units
    }
    assert units[("Rest", 38)] == "row 2, column 'Treatment', under 'Side effects'"
    assert units[("Treatment", 35)] == "column 3, under 'Side effects'"
    assert units[("Side effects", 33)] == "under 'Flu vaccine'"
    assert units[("The best time is October or November, before flu spreads.", 54)] == "[^timing]"


# --- Titles and metadata --------------------------------------------------------------------------


def test_without_title_metadata_the_first_level_one_heading_is_the_title(tmp_path: Path) -> None:
    article = read_article(OTHERS / "source" / "requests-readme.md")
    assert article.metadata == {
        "title": "Requests: HTTP for Humans™"
    }  # not a 'requests' metadata key
    assert [u.kind for u in article.units if u.msgid == "Requests: HTTP for Humans™"] == [
        "heading (h1)"
    ]
    path = _write(
        tmp_path, "atx.md", "Intro.\n\n## Before\n\n# The *real* title\n\n# A second one\n"
    )
    assert read_article(path).metadata["title"] == "The *real* title"


def test_an_article_without_any_title_is_one_clear_error(tmp_path: Path) -> None:
    path = _write(tmp_path, "no-title.md", "## Only a section\n\nText.\n")
    with pytest.raises(SourceError) as caught:
        read_article(path)
    assert str(caught.value).startswith(f"{path}:1: the article has no title")
    assert "level-1 heading" in str(caught.value)


def test_yaml_front_matter_is_metadata_with_lower_case_keys_and_string_values() -> None:
    article = read_article(OTHERS / "source" / "sleep-and-pain.md")
    assert article.metadata == {
        "layout": "post",
        "title": "Sleep and chronic pain: breaking the cycle",
        "description": "Why pain and poor sleep feed each other, and five habits that help.",
        "date": "2024-03-18 09:30:00 +0000",
        "categories": "sleep, chronic pain",
        "tags": "sleep, habits",
        "reviewed": "2024-03-18",
    }
    assert all(u.line >= 3 for u in article.units)
    assert not any("layout" in u.msgid or "Jekyll" in u.msgid for u in article.units)


def test_front_matter_keys_in_capitals_and_dates(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "caps.md",
        "---\nTitle: Caps\nNext-Review: 2027-01-31\nDraft: false\n---\n\nText.\n",
    )
    assert read_article(path).metadata == {
        "title": "Caps",
        "next-review": "2027-01-31",
        "draft": "false",
    }


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("---\ntitle: A\n  bad: indent\n---\n\nText.\n", 3, "not valid YAML"),
        ("---\ntitle: [unclosed\n---\n\n# T\n", 2, "not valid YAML"),
        ("---\n- a list\n- not keys\n---\n\n# T\n", 2, "'key: value' lines"),
    ],
)
def test_broken_front_matter_names_file_and_line(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    path = _write(tmp_path, "broken.md", text)
    with pytest.raises(SourceError, match=message) as caught:
        read_article(path)
    assert caught.value.path == path and caught.value.line == line


# --- What is not a unit ---------------------------------------------------------------------------


def test_code_markers_raw_html_urls_and_attr_lists_are_not_units(site: Path) -> None:
    msgids = [u.msgid for path in [FEATURE, *OTHER_ARTICLES] for u in read_article(path).units]
    text = "\n".join(msgids)
    for code in (
        "code_block",
        "import requests",
        "pipenv install",
        "Went to bed",
        "print(",
        "indented code block",
    ):
        assert code not in text
    assert "[TOC]" not in text
    assert "{#top}" not in text and "{:" not in text and "{.sourceCode" not in text
    assert not any(m.startswith(("http", "![", "[![")) for m in msgids)


def test_a_link_title_or_alt_inside_a_paragraph_is_part_of_it_only() -> None:
    """One place to translate it: the paragraph. An image alone in its paragraph keeps its alt as a unit."""
    units = read_article(OTHERS / "source" / "sleep-and-pain.md").units
    assert not [u for u in units if u.msgid == "NHS: exercise guidelines"]
    assert any('"NHS: exercise guidelines"' in u.msgid for u in units if u.kind == "list item")
    assert [u.kind for u in units if u.msgid == "A sleep diary page with two weeks filled in"] == [
        "image alt text"
    ]


def test_raw_html_texts_are_units_at_the_line_where_they_start() -> None:
    """Raw ``<details>`` and ``<figure>``: summary, paragraph, alt text and caption, each at its line."""
    article = read_article(OTHERS / "source" / "flu-vaccine.md")
    assert article.untranslatable == ()
    units = {(u.line, u.kind, u.msgid) for u in article.units}
    assert {
        (22, "summary of a disclosure (details)", "Why do I need a vaccine every year?"),
        (
            23,
            "paragraph",
            "Flu viruses change every year, so the vaccine is updated to match them.",
        ),
        (47, "image alt text", "Flu cases rise from October and peak in January"),
        (49, "figure caption", "Flu cases by month, a typical year."),
        (27, "summary of a disclosure (details)", "Can the vaccine give me flu?"),  # markdown="1"
    } <= units


def test_svg_text_in_raw_html_is_reported_as_kept_with_its_line(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "chart.md",
        "# Chart\n\n<figure>\n<svg><text>Cases by month</text></svg>\n"
        "<figcaption>Flu cases</figcaption>\n</figure>\n",
    )
    article = read_article(path)
    assert [(u.line, u.kind, u.msgid) for u in article.untranslatable] == [
        (3, RAW_HTML_KIND, "Cases by month")
    ]
    assert ("Flu cases", 5) in {(u.msgid, u.line) for u in article.units}


def test_local_images_are_assets_with_their_lines() -> None:
    assets = {p.stem: [(a.src, a.line) for a in read_article(p).assets] for p in OTHER_ARTICLES}
    assert assets["requests-readme"] == []  # https images are not files of the site
    assert assets["sleep-and-pain"] == [("images/sleep-diary.png", 57)]
    assert assets["flu-vaccine"] == [
        ("images/flu-season.webp", 46),
        ("images/flu-season@2x.webp", 46),
        ("images/flu-season.png", 47),
    ]
    for path in OTHER_ARTICLES:
        for asset in read_article(path).assets:
            assert (path.parent / asset.src).is_file()


def test_templates_and_catalogues_pass_msgfmt_check(site: Path) -> None:
    files = sorted(site.glob("locales/**/*.po")) + sorted(site.glob("locales/*.pot"))
    assert len(files) == 3 + 3 * 3
    for path in files:
        result = subprocess.run(
            ["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True
        )
        assert result.returncode == 0, f"{path}: {result.stderr}"


# --- A site made of others' Markdown, built ---------------------------------------------------------

HOSTILE = {
    'Read more on the [vaccine\'s safety](https://www.cdc.gov/flu/vaccine-safety/ "CDC: flu vaccine safety").': 'READ <script>alert(1)</script> <a href="javascript:alert(2)" onclick="x()">MORE</a> [SAFETY](javascript:alert(3) "CDC")'
    '<iframe src="https://evil.example/"></iframe><svg onload="alert(4)"><circle/></svg>',
    "Sore arm": '<span style="position:fixed;inset:0">SORE ARM</span>',
    "Rest": '<picture><source srcset="javascript:alert(5) 1x"><img src="x.png" srcset="data:text/html,x 2x" onerror="alert(6)" alt="REST"></picture>',
}


@pytest.fixture(scope="module")
def others(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/data/others built: Spanish in capitals (three hostile entries), Arabic untranslated."""
    root = tmp_path_factory.mktemp("others") / "site"
    shutil.copytree(OTHERS, root)
    assert main(["--root", str(root), "init", "es", "ar"]) == 0
    for path in OTHER_ARTICLES:
        translate_po(po_path(root, "es", path.stem), lambda m: HOSTILE.get(m, upper(m)))
    assert main(["--root", str(root), "build"]) in (0, 1)  # the hostile entries are check errors
    return root


def test_others_build_titles_and_front_matter(others: Path) -> None:
    page = read(others / "output" / "es" / "requests-readme.html")
    assert page.find_all("title")[0].text.startswith("REQUESTS: HTTP FOR HUMANS™")
    sleep = article_html(others / "output" / "en" / "sleep-and-pain.html")
    assert (
        "<hr" in sleep and sleep.count("<hr") == 1
    )  # the *** rule; not the front matter's blank line
    assert "layout" not in sleep and "Jekyll" not in sleep
    assert re.search(
        r"<h1[^>]*>Sleep and chronic pain: breaking the cycle</h1>", sleep
    )  # a page has one h1
    assert '<div class="toc">' in sleep and "[TOC]" not in sleep


def test_a_link_title_is_translated_and_counted_once(others: Path) -> None:
    body = article_html(others / "output" / "es" / "sleep-and-pain.html")
    assert (
        'title="NHS: EXERCISE GUIDELINES"' in body
        and 'alt="A SLEEP DIARY PAGE WITH TWO WEEKS FILLED IN"' in body
    )
    project = verbs.read_project(load_config(others))
    figures = verbs.version_stats(project, verbs.load_catalogs(project))
    # the articles' own texts, every one translated (the page's interface is counted apart)
    assert figures[("sleep-and-pain", "es")].part("article").percent == 100.0  # type: ignore[union-attr]
    assert figures[("requests-readme", "es")].part("article").percent == 100.0  # type: ignore[union-attr]
    after_title = body.split("</h1>", 1)[1].replace('<pre lang="en">', "<pre>")
    # the table region's hidden name is the interface's (this site's ui.po is not translated)
    after_title = re.sub(r'<span [^>]*id="table-label-\d+"[^>]*>Table</span>', "", after_title)
    assert "lang=" not in after_title  # every unit shown in Spanish; only code stays English
    assert '<pre lang="en"><code>Date ' in body  # the Jekyll post's code block, as written


def test_raw_html_is_translated_and_marked_where_it_falls_back(others: Path) -> None:
    spanish = article_html(others / "output" / "es" / "flu-vaccine.html")
    assert "<summary>WHY DO I NEED A VACCINE EVERY YEAR?</summary>" in spanish  # raw <details>
    assert 'alt="FLU CASES RISE FROM OCTOBER AND PEAK IN JANUARY"' in spanish
    assert "<figcaption>FLU CASES BY MONTH, A TYPICAL YEAR.</figcaption>" in spanish
    assert "<summary>CAN THE VACCINE GIVE ME FLU?</summary>" in spanish  # markdown="1": translated
    assert (
        '<source srcset="images/flu-season.webp 1x, images/flu-season@2x.webp 2x" type="image/webp">'
        in spanish
    )
    arabic = article_html(others / "output" / "ar" / "flu-vaccine.html")  # nothing translated
    assert '<summary lang="en" dir="ltr">Why do I need a vaccine every year?</summary>' in arabic
    assert '<figcaption lang="en" dir="ltr">Flu cases by month' in arabic
    assert re.search(r'<img[^>]* lang="en" dir="ltr"[^>]*alt="Flu cases rise', arabic)
    english = article_html(others / "output" / "en" / "flu-vaccine.html")
    assert "<details>" in english and "<figure>" in english and 'lang="' not in english


def test_hostile_translations_inject_nothing(others: Path) -> None:
    body = article_html(others / "output" / "es" / "flu-vaccine.html")
    for bad in (
        "<script",
        "alert(",
        "javascript:",
        "onclick",
        "onerror",
        "onload",
        "<iframe",
        "<svg",
        'style="position',
        "data:text",
    ):
        assert bad not in body, bad
    assert "SORE ARM" in body and "READ" in body


def test_sanitizer_keeps_authors_structure_and_drops_what_runs() -> None:
    kept = (
        '<figure><picture><source srcset="a.webp 1x, https://cdn.example/b.webp 2x" type="image/webp" media="(min-width: 40em)">'
        '<img src="a.png" alt="A chart" srcset="a@2x.png 2x" loading="lazy"></picture><figcaption>A <cite>caption</cite></figcaption></figure>'
        '<details open=""><summary>More</summary><p>Text <kbd>Ctrl</kbd> <mark>key</mark> <time datetime="2025-09-01">1 Sep</time></p></details>'
    )
    assert sanitize(kept) == kept
    for hostile in (
        '<source srcset="javascript:alert(1) 1x">',
        '<img srcset="ok.png 1x, JavaScript:alert(1) 2x" src="a.png">',
        '<img src="data:image/svg+xml,<svg onload=alert(1)>">',
        '<a href="javascript:alert(1)">x</a>',
        '<p style="color:red" onmouseover="alert(1)">x</p>',
        "<style>body{display:none}</style><script>alert(1)</script>",
        '<iframe src="https://evil.example/"></iframe><svg><script>alert(1)</script></svg>',
    ):
        cleaned = sanitize(hostile)
        assert not re.search(
            r"javascript:|alert|on\w+=|style|<iframe|<svg|<script|data:", cleaned, re.IGNORECASE
        ), cleaned


def test_others_pages_pass_the_nu_checker_and_axe(others: Path) -> None:
    require_tools()
    pages = sorted((others / "output").rglob("*.html"))
    messages = vnu_messages(pages)
    problems = [m for m in messages if m["type"] == "error" or m.get("subType") == "warning"]
    assert not problems, format_vnu(problems)
    failing = [r for r in run_axe(pages) if r["violations"]]
    assert not failing, format_violations(failing)
