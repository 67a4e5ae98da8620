"""Build: localized pages, fallbacks marked with their language, alternates, and a site that is never half-written."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from pipeline.build import verbs
from tests.conftest import po_path, translate_po
from tests.pages import article_html, parse, read, structure

PAGE = "feature.html"
PROTECTED = re.compile(r"(\{[a-z_]*\}|`[^`]*`|\]\([^)]*\)|\[\^[^\]]+\]|<[^>]+>|&\w+;|https?://\S+)")


def pseudo(msgid: str) -> str:
    """Upper-case every word but keep the markup, links and code: a translation any page must survive."""
    return "".join(
        part if PROTECTED.fullmatch(part) else part.upper() for part in PROTECTED.split(msgid)
    )


def write_plain(site: Path) -> None:
    """A plain-language writer's first text: from then on the plain version has a page."""
    translate_po(
        po_path(site, "en@plain"), lambda m: "The steps:" if m == "The steps, in order:" else ""
    )


def test_build_writes_one_page_per_article_and_locale(site: Path, run) -> None:
    write_plain(site)
    code, out, _ = run(site, "build")
    assert code == 0, out
    for rel in [
        "en/feature.html",
        "es/feature.html",
        "ar/feature.html",
        "en/plain/feature.html",
        "index.html",
        "sitemap.xml",
        "assets/style.css",
    ]:
        assert (site / "output" / rel).is_file(), rel


def test_page_language_and_direction_come_from_babel(site: Path, run) -> None:
    write_plain(site)
    run(site, "build")
    for rel, lang, direction in [
        ("en", "en", "ltr"),
        ("es", "es", "ltr"),
        ("ar", "ar", "rtl"),
        ("en/plain", "en", "ltr"),
    ]:
        html = read(site / "output" / rel / PAGE).find_all("html")[0]
        assert (html.attrs["lang"], html.attrs["dir"]) == (lang, direction), rel


def test_article_body_sits_in_one_article_element(site: Path, run) -> None:
    run(site, "build")
    page = read(site / "output" / "es" / PAGE)
    assert len(page.find_all("article")) == 1
    article = page.find_all("article")[0]
    assert not article.find_all("nav") and not article.find_all("aside")
    assert len(page.find_all("h1")) == 1 and article.find_all("h1")


def test_translations_replace_the_source_and_fallbacks_carry_lang(site: Path, run) -> None:
    translate_po(
        po_path(site, "es"),
        lambda m: "" if m == "A quoted sentence about pain." else pseudo(m),
        fuzzy={"A nested item"},
    )
    run(site, "build")
    page = read(site / "output" / "es" / PAGE)
    fallbacks = {
        e.text.strip(): e.attrs.get("lang")
        for e in page.find_all("article")[0].iter()
        if e.attrs.get("lang")
    }
    # The raw HTML block's text is a unit like any other: translated, it is not marked. The code
    # block stays as written, so it says it is English; so does the table region's name while
    # ui.po is not translated (a hidden, marked label).
    assert fallbacks == {
        "A quoted sentence about pain.": "en",
        "A nested item": "en",
        'code_block = "not translated"': "en",
        "Table": "en",
    }
    body = article_html(site / "output" / "es" / PAGE)
    assert "AN INTRODUCTION WITH" in body and "A second item" not in body


def test_fallback_on_a_right_to_left_page_also_sets_direction(site: Path, run) -> None:
    run(site, "build")  # nothing translated in ar yet
    page = read(site / "output" / "ar" / PAGE)
    heading = page.find_all("h1")[0]
    assert (heading.attrs.get("lang"), heading.attrs.get("dir")) == ("en", "ltr")


def test_title_and_description_come_from_the_translated_metadata(site: Path, run) -> None:
    translate_po(po_path(site, "es"), pseudo)
    run(site, "build")
    page = read(site / "output" / "es" / PAGE)
    assert page.find_all("title")[0].text.startswith("EVERY FEATURE OF AN ARTICLE")
    meta = [m for m in page.find_all("meta") if m.attrs.get("name") == "description"]
    assert (
        meta[0].attrs["content"]
        == "A TEST ARTICLE WITH ALL THE MARKDOWN AN AUTHOR OF HEALTH CONTENT NEEDS."
    )


def test_every_page_lists_its_alternates_reciprocally_with_x_default(site: Path, run) -> None:
    write_plain(site)
    run(site, "build")
    base = "https://health.example/"
    standard = {
        "en": base + "en/feature.html",
        "es": base + "es/feature.html",
        "ar": base + "ar/feature.html",
    }
    for rel in ["en", "es", "ar"]:
        links = {
            link.attrs["hreflang"]: link.attrs["href"]
            for link in read(site / "output" / rel / PAGE).find_all("link")
            if link.attrs.get("rel") == "alternate"
        }
        assert links == {**standard, "x-default": standard["en"]}
    plain = read(site / "output" / "en" / "plain" / PAGE)
    canonical = [
        link.attrs["href"]
        for link in plain.find_all("link")
        if link.attrs.get("rel") == "canonical"
    ]
    assert canonical == [base + "en/plain/feature.html"]


def test_standard_and_plain_versions_link_to_each_other(site: Path, run) -> None:
    write_plain(site)
    run(site, "build")
    standard = (site / "output" / "en" / PAGE).read_text(encoding="utf-8")
    plain = (site / "output" / "en" / "plain" / PAGE).read_text(encoding="utf-8")
    assert 'href="../en/plain/feature.html"' in standard
    assert 'href="../../en/feature.html"' in plain
    assert "reading-level" not in (site / "output" / "ar" / PAGE).read_text(
        encoding="utf-8"
    )  # no ar@plain


def test_index_and_sitemap_list_every_version_with_native_names(site: Path, run) -> None:
    write_plain(site)
    run(site, "build")
    index = read(site / "output" / "index.html")
    labels = {
        a.attrs["href"]: (a.text, a.attrs.get("lang"))
        for a in index.find_all("a")
        if a.attrs.get("hreflang")
    }
    assert labels["es/feature.html"] == ("Español", "es")
    assert labels["ar/feature.html"] == ("العربية", "ar")
    assert labels["en/plain/feature.html"][0].startswith("English")
    sitemap = ET.parse(site / "output" / "sitemap.xml").getroot()
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    locs = [u.find("s:loc", ns).text for u in sitemap.findall("s:url", ns)]
    assert len(locs) == 4
    es = next(
        u
        for u in sitemap.findall("s:url", ns)
        if u.find("s:loc", ns).text.endswith("/es/feature.html")
    )
    assert {link.get("hreflang") for link in es.findall("x:link", ns)} == {
        "en",
        "es",
        "ar",
        "x-default",
    }


def test_identity_translation_gives_the_source_body(site: Path, run) -> None:
    for domain in ("feature", "glossary", "ui"):
        translate_po(po_path(site, "es", domain), lambda m: m)
    run(site, "build")
    assert article_html(site / "output" / "es" / PAGE).replace(' lang="en"', "") == article_html(
        site / "output" / "en" / PAGE
    )


def test_a_plain_catalogue_holding_the_standard_text_has_no_page(site: Path, run) -> None:
    """msginit fills an English catalogue with the source texts: 100 %, and still not a plain version."""
    for domain in ("feature", "glossary", "ui"):
        translate_po(po_path(site, "en@plain", domain), lambda m: m)
    run(site, "build")
    assert not (site / "output" / "en" / "plain").exists()
    assert "plain" not in (site / "output" / "en" / PAGE).read_text(encoding="utf-8")
    previews = json.loads(
        (site / "output" / "reports" / "report.json").read_text(encoding="utf-8")
    )["previews"]
    assert [(p["article"], p["locale"], p["path"]) for p in previews] == [
        ("feature", "en@plain", None)
    ]


def test_text_kept_in_english_in_another_language_is_marked_english(site: Path, run) -> None:
    kept = "A quoted sentence about pain."
    translate_po(po_path(site, "es"), lambda m: m if m == kept else pseudo(m))
    translate_po(po_path(site, "es", "ui"), pseudo)
    run(site, "build")
    page = read(site / "output" / "es" / PAGE)
    marked = [
        e.text.strip() for e in page.find_all("article")[0].iter() if e.attrs.get("lang") == "en"
    ]
    # the raw HTML block's text is translated like the rest; the code block is English
    assert marked == [kept, 'code_block = "not translated"']
    assert "notice" not in (site / "output" / "es" / PAGE).read_text(encoding="utf-8")


def test_pseudo_translation_keeps_structure_and_links(site: Path, run) -> None:
    for domain in ("feature", "glossary", "ui"):
        translate_po(po_path(site, "es", domain), pseudo)
    run(site, "build")
    source, translated = (
        article_html(site / "output" / "en" / PAGE),
        article_html(site / "output" / "es" / PAGE),
    )
    assert structure(translated) == structure(source)
    hrefs = lambda html: [e.attrs.get("href") for e in parse(html).find_all("a")]  # noqa: E731
    assert hrefs(translated) == hrefs(source)
    assert 'alt="A DRIP IN AN ARM"' in translated


def test_script_in_a_translation_never_reaches_the_page(site: Path, run) -> None:
    evil = {
        "Dose": "Dosis<script>alert(1)</script>",
        "Time": '<img src="x" onerror="alert(1)">Tiempo',
        "Step one": "[Paso uno](javascript:alert(1))",
    }
    translate_po(po_path(site, "es"), lambda m: evil.get(m, m))
    run(site, "build")
    body = (site / "output" / "es" / PAGE).read_text(encoding="utf-8")
    assert "<script" not in body and "onerror" not in body and "javascript:" not in body
    assert "Dosis" in body and "Paso uno" in body


def test_failed_build_leaves_the_previous_output_whole(site: Path, run) -> None:
    assert run(site, "build")[0] == 0
    before = {
        p.relative_to(site): p.read_bytes() for p in (site / "output").rglob("*") if p.is_file()
    }
    po_path(site, "ar").write_text('msgid "x"\nmsgstr "unterminated\n', encoding="utf-8")
    assert run(site, "build")[0] == 2
    after = {
        p.relative_to(site): p.read_bytes() for p in (site / "output").rglob("*") if p.is_file()
    }
    assert after == before
    assert not list(site.glob(".output-*"))


def test_crash_while_writing_leaves_the_previous_output_whole(
    site: Path, run, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(site, "build")
    before = sorted(p.relative_to(site) for p in (site / "output").rglob("*"))
    import builtins

    from pipeline.store import publish

    calls = {"n": 0}

    def failing_open(file, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disk full")
        return builtins.open(file, *args, **kwargs)

    monkeypatch.setattr(publish, "open", failing_open, raising=False)
    with pytest.raises(OSError):
        verbs.build(_project(site))
    monkeypatch.undo()
    assert sorted(p.relative_to(site) for p in (site / "output").rglob("*")) == before
    assert not list(site.glob(".output-*"))


def _project(site: Path) -> verbs.Project:
    from pipeline.config import load_config

    return verbs.read_project(load_config(site))


def test_output_readme_is_kept_across_builds(site: Path, run) -> None:
    (site / "output").mkdir(exist_ok=True)
    (site / "output" / "README.md").write_text("# generated\n", encoding="utf-8")
    run(site, "build")
    assert (site / "output" / "README.md").read_text(encoding="utf-8") == "# generated\n"


def test_python_dash_m_and_usage_errors_exit_2(site: Path) -> None:
    import subprocess
    import sys

    ok = subprocess.run(
        [sys.executable, "-m", "pipeline", "--root", str(site), "stats"],
        capture_output=True,
        text=True,
    )
    assert ok.returncode == 0 and "feature" in ok.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "pipeline", "--root", str(site), "nonsense"],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2


def test_no_markdown_internal_markers_reach_a_page(site: Path, run) -> None:
    """Raw HTML and footnote back-links are stashed by Python-Markdown; our processors must not split them."""
    translate_po(po_path(site, "es"), pseudo)
    run(site, "build")
    for page in (site / "output").rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "\x02" not in html and "\x03" not in html and "wzxhzdk" not in html, page


def test_translated_item_inside_an_untranslated_one_is_marked_back_to_the_page_language(
    site: Path, run
) -> None:
    parent = "A second item with *emphasis*"
    translate_po(po_path(site, "ar"), lambda m: "" if m == parent else pseudo(m))
    run(site, "build")
    items = {
        li.text.split("\n")[0].strip(): li.attrs
        for li in read(site / "output" / "ar" / PAGE).find_all("article")[0].find_all("li")
    }
    assert items["A second item with emphasis"] == {"lang": "en", "dir": "ltr"}
    assert items["A NESTED ITEM"] == {"lang": "ar", "dir": "rtl"}
    assert "lang" not in items["A THIRD ITEM"]
