"""Raw HTML is translatable: an NHS.UK-style content page (tests/data/nhs) whose callouts,
disclosure, inset text, figure and table are raw HTML blocks, extracted, translated into
capitals (en@pseudo) and built; and what the sanitizer removes from a source is a finding."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from pipeline.build import verbs
from pipeline.cli import main
from pipeline.config import load_config
from pipeline.render.page import sanitize
from pipeline.source.htmlunits import Marks, translate_block
from pipeline.source.reader import REMOVED_KIND, read_article
from tests.a11y_tools import format_violations, format_vnu, require_tools, run_axe, vnu_messages
from tests.conftest import DATA, po_path, translate_po
from tests.pages import article_html, read

NHS = DATA / "nhs"
PAGE = "chest-pain.html"
_PROTECTED = re.compile(r"(<[^>]+>|&\w+;|https?://\S+)")
_DATE = re.compile(r'^"POT-Creation-Date: .*\\n"$', re.MULTILINE)
_VERSION_DATE = re.compile(r'^("Project-Id-Version: .*) \d{4}-\d\d-\d\d\\n"$', re.MULTILINE)
HOSTILE = {  # a translator's text that must not run on the page
    "It often gets better on its own within a few days.": 'IT OFTEN GETS BETTER<script>alert(1)</script> <a href="javascript:alert(2)">ON ITS OWN</a> WITHIN A FEW DAYS.'
}


def capitals(msgid: str) -> str:
    """The pseudo-translation: every word in capitals, tags, entities and URLs as written."""
    return "".join(p if _PROTECTED.fullmatch(p) else p.upper() for p in _PROTECTED.split(msgid))


@pytest.fixture(scope="module")
def nhs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The NHS-style site built: en@pseudo in capitals (one hostile entry), Arabic untranslated."""
    root = tmp_path_factory.mktemp("nhs") / "site"
    shutil.copytree(NHS, root, ignore=shutil.ignore_patterns("expect"))
    assert main(["--root", str(root), "init", "en@pseudo", "ar"]) == 0
    translate_po(po_path(root, "en@pseudo", "chest-pain"), lambda m: HOSTILE.get(m, capitals(m)))
    assert main(["--root", str(root), "build"]) == 1  # the hostile entry is an error
    return root


def test_the_template_of_an_nhs_page_is_the_golden_pot(nhs: Path) -> None:
    """Every text of the callout, disclosure, inset, figure and table: its line, kind and place."""
    golden = (NHS / "expect" / "chest-pain.pot").read_text(encoding="utf-8")
    actual = (nhs / "locales" / "chest-pain.pot").read_text(encoding="utf-8")
    actual = _VERSION_DATE.sub(r'\1 YEAR-MO-DA\\n"', actual)
    assert _DATE.sub('"POT-Creation-Date: YEAR-MO-DA HO:MI+ZONE\\\\n"', actual) == golden


def test_raw_html_units_have_their_lines_kinds_and_inline_markup() -> None:
    units = {
        u.msgid: (u.line, u.kind) for u in read_article(NHS / "source" / "chest-pain.md").units
    }
    heading = '<span role="text"><span class="nhsuk-u-visually-hidden">Urgent advice: </span>Call 999 or go to A&amp;E if you:</span>'
    assert units[heading] == (14, "heading (h2)")
    assert units["feel <strong>short of breath</strong>, sweaty or sick with the pain"] == (
        20,
        "list item",
    )  # an item over two lines: one unit, at its first line
    assert units["A man pressing a hand to the middle of his chest"] == (45, "image alt text")
    assert units["Pain that spreads to the arm can be a sign of a heart attack."] == (
        47,
        "figure caption",
    )  # the caption's text starts a line below its tag
    assert units["Where to get help"] == (52, "table caption")
    assert units["see a GP"] == (55, "table cell")


def test_no_english_word_of_the_raw_blocks_is_left_on_the_translated_page(nhs: Path) -> None:
    page = read(nhs / "output" / "en" / "pseudo" / PAGE)
    article = page.find_all("article")[0]
    lower = [
        e.text.strip() for e in article.iter() if re.search(r"[a-z]{2}", e.text or "")
    ]  # every text the reader sees, tag by tag
    assert lower == [], lower
    body = article_html(nhs / "output" / "en" / "pseudo" / PAGE)
    assert 'alt="A MAN PRESSING A HAND TO THE MIDDLE OF HIS CHEST"' in body
    figures = verbs.version_stats(
        verbs.read_project(load_config(nhs)),
        verbs.load_catalogs(verbs.read_project(load_config(nhs))),
    )
    assert figures[("chest-pain", "en@pseudo")].percent == 100.0
    assert figures[("chest-pain", "ar")].percent == 0.0  # the raw HTML texts are counted


def test_the_markup_of_the_raw_blocks_survives_translation(nhs: Path) -> None:
    body = article_html(nhs / "output" / "en" / "pseudo" / PAGE)
    for kept in (
        '<div class="nhsuk-card nhsuk-card--care nhsuk-card--care--urgent">',
        '<h2 id="urgent-advice-call-999-or-go-to-ae-if-you" class="nhsuk-card--care__heading"><span><span class="nhsuk-u-visually-hidden">URGENT ADVICE: </span>CALL 999 OR GO TO A&amp;E IF YOU:</span></h2>',
        "<li>FEEL <strong>SHORT OF BREATH</strong>, SWEATY OR SICK WITH THE PAIN</li>",
        '<summary class="nhsuk-details__summary">\n    <span class="nhsuk-details__summary-text">CAUSES THAT ARE NOT SERIOUS</span>',
        '<a href="https://111.nhs.uk/">GET HELP FROM 111 ONLINE</a>',
        '<caption class="nhsuk-table__caption">WHERE TO GET HELP</caption>',
        '<th scope="col">IF YOU HAVE</th>',
    ):
        assert kept in body, kept


def test_the_translated_raw_html_is_sanitized_and_the_removal_is_a_finding(nhs: Path) -> None:
    body = article_html(nhs / "output" / "en" / "pseudo" / PAGE)
    assert "<script" not in body and "javascript:" not in body and "alert(" not in body
    assert "<p>IT OFTEN GETS BETTER ON ITS OWN WITHIN A FEW DAYS.</p>" in body  # the link's text
    assert 'role="text"' not in body  # only the attributes the sanitizer allows
    report = (nhs / "output" / "reports" / "report.json").read_text(encoding="utf-8")
    assert '"check": "unsafe-html"' in report


def test_untranslated_raw_html_texts_are_marked_with_the_source_language(nhs: Path) -> None:
    body = article_html(nhs / "output" / "ar" / PAGE)
    assert '<li lang="en" dir="ltr">have sudden chest pain' in body
    assert '<figcaption lang="en" dir="ltr" class="nhsuk-image__caption">' in body
    assert re.search(r'<img lang="en" dir="ltr"[^>]* alt="A man pressing', body)
    assert (
        '<span lang="en" dir="ltr"><span class="nhsuk-u-visually-hidden">Information: </span></span>'
        in body
    )
    english = article_html(nhs / "output" / "en" / PAGE)
    assert 'lang="' not in english
    source = (NHS / "source" / "chest-pain.md").read_text(encoding="utf-8")
    assert "<tr><td>chest pain that comes and goes</td><td>see a GP</td></tr>" in source
    assert "<tr><td>chest pain that comes and goes</td><td>see a GP</td></tr>" in english


def test_nhs_pages_pass_the_nu_checker_and_axe(nhs: Path) -> None:
    require_tools()
    pages = sorted((nhs / "output").rglob("*.html"))
    messages = vnu_messages(pages)
    problems = [m for m in messages if m["type"] == "error" or m.get("subType") == "warning"]
    assert not problems, format_vnu(problems)
    failing = [r for r in run_axe(pages) if r["violations"]]
    assert not failing, format_violations(failing)


# --- One block, both ways --------------------------------------------------------------------------


def test_a_block_nobody_translates_is_written_back_byte_for_byte() -> None:
    html = "<div class=x>\n  <p>One &amp; <b>two</b>\n  <p>Three</div>"
    seen: list[tuple[int, str, str]] = []
    result = translate_block(html, lambda t, k, n: seen.append((n, k, t)) or t, Marks({}, {}))
    assert result.html == html
    assert seen == [(2, "paragraph", "One &amp; <b>two</b>"), (3, "paragraph", "Three")]


def test_a_kept_text_beside_others_is_marked_by_a_span_and_code_by_its_lang() -> None:
    html = '<div>Note: <p title="Tip">Rest</p><pre><code>x = 1</code></pre></div>'
    out = translate_block(
        html,
        lambda text, kind, line: None if text in ("Note:", "Tip") else text.upper(),
        Marks({"lang": "en"}, {"lang": "es"}),
    ).html
    assert out == (
        '<div><span lang="en">Note:</span> <p lang="en" title="Tip"><span lang="es">REST</span></p>'
        '<pre lang="en"><code>x = 1</code></pre></div>'
    )


# --- What the sanitizer removes from a source ------------------------------------------------------


def test_scripts_frames_and_script_links_in_a_source_are_findings_with_their_lines(
    tmp_path: Path,
) -> None:
    root = tmp_path / "site"
    shutil.copytree(NHS, root, ignore=shutil.ignore_patterns("expect"))
    path = root / "source" / "chest-pain.md"
    path.write_text(
        path.read_text(encoding="utf-8")
        + '\n<script>track()</script>\n\n<p>See <a href="javascript:go()">the map</a>.</p>\n\n'
        "Or [the video](javascript:play()) and `<iframe>` in code.\n\n"
        '<iframe src="https://video.example/"></iframe>\n',
        encoding="utf-8",
    )
    assert [(u.msgid, u.line) for u in read_article(path).removed] == [
        ("<script>", 60),
        ("javascript:go()", 62),
        ("javascript:play()", 64),
        ('<iframe src="https://video.example/">', 66),
    ]
    assert {u.kind for u in read_article(path).removed} == {REMOVED_KIND}
    assert main(["--root", str(root), "build"]) == 1
    report = (root / "output" / "reports" / "report.json").read_text(encoding="utf-8")
    assert report.count('"check": "unsafe-html"') == 4
    body = article_html(root / "output" / "en" / PAGE)
    assert "<p>See the map.</p>" in body and "Or the video and" in body  # text, not a dead <a>
    assert "<script" not in body and "<iframe" not in body and "track()" not in body


def test_a_link_whose_script_url_is_removed_is_plain_text() -> None:
    assert sanitize('<p>Go <a href="javascript:x()" title="t">here</a>.</p>') == "<p>Go here.</p>"
    assert sanitize('<p><a id="top"></a>Top</p>') == '<p><a id="top"></a>Top</p>'  # a target
