"""A site that grows, on the multi-article fixture (tests/multisite.py): figures per article and
language, languages added with ``init`` or ``msginit``, the publishing threshold, plain versions
only when written, images, indexes per language, review dates and print."""

from __future__ import annotations

import json
import posixpath
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import polib
import pytest

from pipeline.cli import main
from pipeline.locales import parse_locale
from tests.conftest import po_path, translate_po
from tests.multisite import ARTICLES, make_multisite, translated_share
from tests.pages import Element, read
from tests.test_build import pseudo

TODAY = "2025-06-01"  # sleep's next review is in 2027, walking's was due in 2023


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture site built once, as a publisher would (read-only for the tests that use it)."""
    root = make_multisite(tmp_path_factory.mktemp("multisite"))
    assert main(["--root", str(root), "build"]) in (0, 1)
    return root


@pytest.fixture
def fresh(tmp_path: Path) -> Path:
    """A copy to change."""
    return make_multisite(tmp_path)


def out(root: Path, rel: str) -> Element:
    return read(root / "output" / rel)


def html_of(root: Path, rel: str) -> str:
    return (root / "output" / rel).read_text(encoding="utf-8")


def hrefs(root: Path, rel: str) -> set[str]:
    """Every link of a page, resolved to a path under output/."""
    base = posixpath.dirname(rel)
    found = {
        a.attrs["href"]
        for a in out(root, rel).find_all("a")
        if "href" in a.attrs and "://" not in a.attrs["href"]
    }
    return {
        posixpath.normpath(posixpath.join(base, h.split("#")[0]))
        for h in found
        if not h.startswith("#")
    }


def is_noindex(root: Path, rel: str) -> bool:
    return any(
        m.attrs.get("name") == "robots" and m.attrs.get("content") == "noindex"
        for m in out(root, rel).find_all("meta")
    )


def sitemap_locs(root: Path) -> list[str]:
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    tree = ET.parse(root / "output" / "sitemap.xml").getroot()
    return [
        u.find("s:loc", ns).text.removeprefix("https://everyday.example/")
        for u in tree.findall("s:url", ns)
    ]


# --- Figures per article and per language ------------------------------------------------------


def summary_rows(text: str) -> dict[tuple[str, str], tuple[str, int, int]]:
    """(locale, article) -> (translated, errors, warnings) from the terminal summary table."""
    rows = {}
    for line in text.splitlines()[1:]:
        if not line.strip():
            break
        parts = line.split()
        locale = parts[0]
        article = parts[1] if locale != "total" and not parts[1][0].isdigit() else ""
        share = re.search(r"(\d+) %", line)
        rows[(locale, article)] = (share.group(1) if share else "", int(parts[-2]), int(parts[-1]))
    return rows


def test_check_summary_gives_each_article_its_own_share_and_rows_add_up(built: Path, run) -> None:
    code, text, _ = run(built, "check")
    rows = summary_rows(text)
    # What a page shows besides its article: 15 interface texts (ui.po), and the glossary's
    # term, expansion and definition of each term it uses (sleep: 5 texts; the others: none).
    # Spanish has both catalogues translated, Arabic neither (tests/multisite.py).
    glossary = {"sleep": 5, "walking": 0, "water": 0}
    for article in ARTICLES:
        for locale in ("es", "ar"):
            po = polib.pofile(str(po_path(built, locale, article)))
            own = sum(bool(e.msgstr) and "fuzzy" not in e.flags for e in po if not e.obsolete)
            around = 15 + glossary[article]
            done = own + (around if locale == "es" else 0)
            expected = 100 * done / (len([e for e in po if not e.obsolete]) + around)
            assert rows[(locale, article)][0] == f"{expected:.0f}", (locale, article)
    assert (rows[("es", "sleep")][0], rows[("es", "walking")][0], rows[("es", "water")][0]) == (
        "100",
        "80",  # half its article, all its interface
        "83",  # none of its three texts: the page's own words are not the article
    )
    total = rows.pop(("total", ""))
    assert (
        sum(r[2] for r in rows.values()) == total[2]
        and sum(r[1] for r in rows.values()) == total[1]
    )
    report = json.loads(run(built, "check", "--format", "json")[1])
    assert (total[1], total[2]) == (report["summary"]["errors"], report["summary"]["warnings"])


def test_stats_counts_each_catalogue_as_polib_does(built: Path, run) -> None:
    _, text, _ = run(built, "stats")
    for line in text.splitlines()[1:]:
        locale, domain, _count, percent = line.split()[:4]
        if domain in ARTICLES:
            assert float(percent.rstrip("%")) == pytest.approx(
                translated_share(built, locale, domain), abs=0.05
            ), line


# --- Languages added over time ----------------------------------------------------------------


def test_init_pt_br_makes_brazilian_portuguese_part_of_the_next_build(fresh: Path, run) -> None:
    code, text, _ = run(fresh, "init", "pt_BR")
    assert code == 0 and "created  locales/pt_BR/LC_MESSAGES/water.po" in text
    for domain in ("water", "glossary", "ui"):
        translate_po(po_path(fresh, "pt_BR", domain), pseudo)
    assert run(fresh, "build")[0] in (0, 1)
    page = out(fresh, "pt-BR/water.html")
    assert page.find_all("html")[0].attrs["lang"] == "pt-BR" and not is_noindex(
        fresh, "pt-BR/water.html"
    )
    assert "pt-BR/water.html" in sitemap_locs(fresh) and "pt-BR/water.html" in hrefs(
        fresh, "index.html"
    )
    assert "pt-BR/water.html" in hrefs(fresh, "en/water.html")  # the switcher of the English page
    assert out(fresh, "pt-BR/index.html").find_all("html")[0].attrs["lang"] == "pt-BR"
    assert is_noindex(fresh, "pt-BR/sleep.html")  # not translated yet: a preview


def test_a_locale_folder_made_by_msginit_is_built_too(fresh: Path, run) -> None:
    po_path(fresh, "fr", "water").parent.mkdir(parents=True)
    for domain in ("water", "ui"):  # the article, and the page's own words around it
        target = po_path(fresh, "fr", domain)
        subprocess.run(
            [
                "msginit",
                "--no-translator",
                "-l",
                "fr",
                "-i",
                str(fresh / "locales" / f"{domain}.pot"),
                "-o",
                str(target),
            ],
            check=True,
            capture_output=True,
        )
        translate_po(target, pseudo)
    assert run(fresh, "build")[0] in (0, 1)
    assert (fresh / "output" / "fr" / "water.html").is_file() and not is_noindex(
        fresh, "fr/water.html"
    )
    assert (fresh / "output" / "fr" / "sleep.html").is_file()  # no catalogue: a preview in English


def test_an_explicit_locales_list_warns_about_a_folder_it_leaves_out(fresh: Path, run) -> None:
    pyproject = fresh / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text(encoding="utf-8") + 'locales = ["es", "en@plain"]\n', encoding="utf-8"
    )
    code, _, err = run(fresh, "build")
    assert "locales/ar exists but is not in [tool.pipeline] locales" in err
    assert not (fresh / "output" / "ar").exists()


# --- Publishing threshold ---------------------------------------------------------------------


def test_a_version_below_the_threshold_is_a_preview_linked_from_nowhere_public(built: Path) -> None:
    preview = "ar/sleep.html"
    assert is_noindex(built, preview)
    assert "notice preview" in html_of(built, preview) and "46.6" in html_of(built, preview)
    assert not [
        link
        for link in out(built, preview).find_all("link")
        if link.attrs.get("rel") == "alternate"
    ]
    public = [
        p.relative_to(built / "output").as_posix()
        for p in (built / "output").rglob("*.html")
        if "reports/" not in p.as_posix()
    ]
    public = [rel for rel in public if not is_noindex(built, rel)]
    assert "en/sleep.html" in public and "es/sleep.html" in public
    previews = {
        "ar/sleep.html",
        "ar/walking.html",
        "ar/water.html",
        "es/walking.html",
        "es/water.html",
    }
    for rel in public:
        assert not hrefs(built, rel) & previews, rel
        alternates = {
            link.attrs["href"]
            for link in out(built, rel).find_all("link")
            if link.attrs.get("rel") == "alternate"
        }
        assert not {a.removeprefix("https://everyday.example/") for a in alternates} & previews, rel
    assert not set(sitemap_locs(built)) & previews


def test_the_report_lists_previews_and_why(built: Path) -> None:
    report = json.loads(html_of(built, "reports/report.json"))
    found = {(p["article"], p["locale"]): p for p in report["previews"]}
    assert set(found) == {
        ("sleep", "ar"),
        ("walking", "ar"),
        ("water", "ar"),
        ("walking", "es"),
        ("water", "es"),
        ("walking", "en@plain"),
        ("water", "en@plain"),
    }
    assert found[("walking", "es")]["path"] == "es/walking.html" and found[("walking", "es")][
        "translated"
    ] == pytest.approx(translated_share(built, "es", "walking"))
    assert "below the publishing threshold of 100 %" in found[("walking", "es")]["reason"]
    assert found[("water", "en@plain")]["path"] is None
    assert "es/walking.html" in html_of(built, "reports/es.html")
    assert "es/walking.html" not in html_of(built, "reports/index.html")


def test_the_report_has_a_page_per_language_and_an_overview_that_adds_them_up(
    built: Path,
) -> None:
    """Each finding, chart row and preview is on its own language's page, once; the overview's
    line for a language counts what its page shows and links to it."""
    data = json.loads(html_of(built, "reports/report.json"))
    overview = out(built, "reports/index.html")
    rows = overview.find_all("tbody")[0].find_all("tr")
    locales = [re.search(r"\(([^)]+)\)", r.find_all("th")[0].text).group(1) for r in rows]
    assert locales[0] == "en" and sorted(locales[1:]) == ["ar", "en@plain", "es"]
    for row, locale in zip(rows, locales, strict=True):
        href = row.find_all("a")[0].attrs["href"]
        page = out(built, f"reports/{href}")
        assert (
            page.find_all("h1")[0].text.endswith(f"({locale})")
            or f"({locale}, the source)" in page.find_all("h1")[0].text
        )

        def items(kind: str, page: Element = page) -> list[Element]:
            return [e for e in page.iter() if kind in e.attrs.get("class", "").split()]

        findings = [f for f in data["findings"] if f["locale"] == locale]
        assert len(items("finding")) == len(findings)
        assert {i.find_all("code")[0].text for i in items("finding")} == {
            f["check"] for f in findings
        }
        errors, warnings = (int(td.text.strip().split()[-1]) for td in row.find_all("td")[:2])
        assert (
            errors
            == len(items("finding-error"))
            == sum(f["severity"] == "error" and f["deliberate"] is None for f in findings)
        )
        assert warnings == len(items("finding-warning"))
        chart = next(t for t in page.find_all("table") if "chart" in t.attrs.get("class", ""))
        shown = [
            tr.find_all("th")[0].text.split()[0] for tr in chart.find_all("tbody")[0].find_all("tr")
        ]
        assert shown == [d["locale"] for d in data["documents"] if d["locale"] == locale]
        for group in items("version-findings"):  # a version's findings, under its article's name
            heading = group.find_all("h3")[0].text
            name, count = re.fullmatch(r"(.+) \((\d+)\)", heading).groups()
            listed = [i.find_all("code")[1].text for i in items("finding", group)]
            assert len(listed) == int(count)
            file = "glossary.po|ui.po" if name.startswith("Site-wide") else f"{name}\\.(po|md)"
            assert all(re.search(rf"/({file})(:\d+)?$", where) for where in listed), listed
        previews = [p["article"] for p in data["previews"] if p["locale"] == locale]
        listed = page.find_all("ul")[-1].text if previews else ""
        assert all(f"{locale}: {article}" in listed for article in previews)
    assert sum(len([f for f in data["findings"] if f["locale"] == loc]) for loc in locales) == len(
        data["findings"]
    )
    matrix = overview.find_all("table")[1]
    heads = [th.text for th in matrix.find_all("thead")[0].find_all("th")[1:]]
    assert heads == locales
    for row in matrix.find_all("tbody")[0].find_all("tr"):
        article = row.find_all("th")[0].text
        for locale, cell in zip(locales, row.find_all("td"), strict=True):
            own = [f for f in data["findings"] if (f["article"], f["locale"]) == (article, locale)]
            warnings = sum(f["severity"] == "warning" and f["deliberate"] is None for f in own)
            assert f"{warnings} warning" in cell.text, (article, locale, cell.text)
            href = cell.find_all("a")[0].attrs["href"]
            page, _, anchor = href.partition("#")
            assert f'id="{anchor}"' in html_of(built, f"reports/{page}")
            assert f"{article}" in anchor and page == f"{parse_locale(locale).file_stem}.html"
    assert [r.find_all("th")[0].text for r in matrix.find_all("tbody")[0].find_all("tr")] == list(
        ARTICLES
    )


def test_a_build_with_l_reports_the_languages_it_made(fresh: Path, run) -> None:
    """A translator's preview build (``-l es``) makes the source and Spanish only: its report's
    overview has their columns alone, each version's cell leading to its findings."""
    assert run(fresh, "build", "-l", "es")[0] in (0, 1)
    matrix = out(fresh, "reports/index.html").find_all("table")[1]
    assert [th.text for th in matrix.find_all("thead")[0].find_all("th")[1:]] == ["en", "es"]
    for row in matrix.find_all("tbody")[0].find_all("tr"):
        assert all(cell.find_all("a") for cell in row.find_all("td")), row.text


def test_a_threshold_per_locale_publishes_a_partial_translation(fresh: Path, run) -> None:
    pyproject = fresh / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text(encoding="utf-8") + "publish_threshold_by_locale = { es = 50 }\n",
        encoding="utf-8",
    )
    run(fresh, "build")
    assert not is_noindex(fresh, "es/walking.html") and "es/walking.html" in sitemap_locs(fresh)
    assert is_noindex(fresh, "es/water.html")
    assert is_noindex(fresh, "ar/sleep.html")  # the site's 100 % still holds for Arabic


# --- Plain versions only when written ---------------------------------------------------------


def test_plain_pages_exist_only_where_written(built: Path) -> None:
    assert (built / "output" / "en" / "plain" / "sleep.html").is_file()
    assert "en/plain/sleep.html" in hrefs(built, "en/sleep.html")
    for article in ("walking", "water"):
        assert not (built / "output" / "en" / "plain" / f"{article}.html").exists()
        assert "reading-level" not in html_of(built, f"en/{article}.html")


# --- Images -----------------------------------------------------------------------------------


def image_file(root: Path, rel: str) -> Path:
    src = out(root, rel).find_all("article")[0].find_all("img")[0].attrs["src"]
    return root / "output" / posixpath.normpath(posixpath.join(posixpath.dirname(rel), src))


def test_images_are_copied_and_found_from_every_page(built: Path) -> None:
    original = (built / "source" / "images" / "sleep-cycle.png").read_bytes()
    for rel in ("en/sleep.html", "en/plain/sleep.html", "ar/sleep.html"):
        assert image_file(built, rel).read_bytes() == original, rel


def test_a_locale_may_replace_an_image_with_its_own(built: Path) -> None:
    spanish = (built / "locales" / "es" / "images" / "sleep-cycle.png").read_bytes()
    assert (
        image_file(built, "es/sleep.html").read_bytes()
        == spanish
        != (built / "source" / "images" / "sleep-cycle.png").read_bytes()
    )


def test_a_missing_image_withholds_its_article_and_names_it_and_the_others_publish(
    fresh: Path, run
) -> None:
    assert run(fresh, "build")[0] in (0, 1)
    water = html_of(fresh, "en/water.html")
    (fresh / "source" / "images" / "sleep-cycle.png").unlink()
    code, _, err = run(fresh, "build")
    assert code == 1 and err.splitlines()[0].startswith("pipeline: withheld sleep (")
    assert "source/sleep.md:14: image 'images/sleep-cycle.png' not found" in err.splitlines()[0]
    assert not (fresh / "output" / "en" / "sleep.html").exists()  # withdrawn, and said so
    assert "sleep (en): published -> withheld (withdrawn)" in err
    assert html_of(fresh, "en/water.html") == water  # the other articles still publish
    assert run(fresh, "check")[0] == 2  # check still stops on it, naming file and line


# --- Indexes and titles -----------------------------------------------------------------------


def index_links(root: Path, rel: str) -> dict[str, dict[str, str]]:
    """Resolved href -> attributes of each article link of an index page."""
    found = {}
    for a in out(root, rel).find_all("main")[0].find_all("a"):
        found[posixpath.normpath(posixpath.join(posixpath.dirname(rel), a.attrs["href"]))] = {
            **a.attrs,
            "text": a.text,
        }
    return found


def test_each_language_has_its_own_index_in_its_own_words(built: Path) -> None:
    spanish = out(built, "es/index.html")
    assert spanish.find_all("html")[0].attrs["lang"] == "es"
    assert spanish.find_all("h1")[0].text == "ALL ARTICLES"
    assert spanish.find_all("p")[0].text.strip() == "EVERYDAY HEALTH"  # the site name, from ui.po
    links = index_links(built, "es/index.html")
    assert (
        links["es/sleep.html"]["text"] == "SLEEPING WELL"
        and links["es/sleep.html"].get("lang", "es") == "es"
    )
    assert (
        links["en/walking.html"]["lang"] == "en"
    )  # Spanish is a preview: the English page, marked
    english = index_links(built, "en/index.html")
    assert "en/plain/sleep.html" in english and "en/plain/walking.html" not in english


def test_a_title_in_english_on_a_right_to_left_index_is_marked_lang_and_dir(built: Path) -> None:
    links = index_links(built, "ar/index.html")
    for article in ARTICLES:
        assert (links[f"en/{article}.html"]["lang"], links[f"en/{article}.html"]["dir"]) == (
            "en",
            "ltr",
        )


def test_a_published_version_whose_title_fell_back_is_marked_english(fresh: Path, run) -> None:
    pyproject = fresh / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text(encoding="utf-8") + "publish_threshold_by_locale = { es = 50 }\n",
        encoding="utf-8",
    )
    run(fresh, "build")
    assert index_links(fresh, "es/index.html")["es/walking.html"]["lang"] == "en"
    titles = {s.text: s.attrs.get("lang") for s in out(fresh, "index.html").find_all("span")}
    assert titles["Walking for health"] == "en" and titles["SLEEPING WELL"] == "es"


# --- Review dates -----------------------------------------------------------------------------


def review_text(root: Path, rel: str) -> str:
    divs = [d for d in out(root, rel).find_all("div") if d.attrs.get("class") == "review-dates"]
    return " ".join(divs[0].text.split()) if divs else ""


def test_every_version_shows_its_review_dates_in_its_language(built: Path) -> None:
    assert (
        review_text(built, "en/sleep.html")
        == "Page last reviewed: March 1, 2024 Next review due: March 1, 2027"
    )
    assert (
        review_text(built, "es/sleep.html")
        == "PAGE LAST REVIEWED: 1 de marzo de 2024 NEXT REVIEW DUE: 1 de marzo de 2027"
    )
    # Arabic has no ui.po translation: the sentence and its date stay English, marked so.
    assert (
        review_text(built, "ar/sleep.html")
        == "Page last reviewed: March 1, 2024 Next review due: March 1, 2027"
    )
    assert (
        'lang="en"'
        in html_of(built, "ar/sleep.html").split('class="review-dates"')[1].split("</div>")[0]
    )
    assert review_text(built, "en/water.html") == ""  # no dates in its metadata


def test_check_warns_when_a_review_is_overdue(
    built: Path, run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PIPELINE_TODAY", TODAY)
    overdue = [
        f
        for f in json.loads(run(built, "check", "--format", "json")[1])["findings"]
        if f["check"] == "review-overdue"
    ]
    assert [(f["article"], f["file"], f["line"]) for f in overdue] == [
        ("walking", "source/walking.md", 4)
    ]
    monkeypatch.setenv("PIPELINE_TODAY", "2027-03-02")
    overdue = [
        f
        for f in json.loads(run(built, "check", "--format", "json")[1])["findings"]
        if f["check"] == "review-overdue"
    ]
    assert sorted(f["article"] for f in overdue) == ["sleep", "walking"]


def test_check_warns_when_a_translation_is_behind_its_source(fresh: Path, run) -> None:
    source = fresh / "source" / "sleep.md"
    source.write_text(
        source.read_text(encoding="utf-8").replace(
            "Keep your bedroom dark, quiet and cool.",
            "Keep your bedroom dark, quiet and fairly cool.",
        ),
        encoding="utf-8",
    )
    run(fresh, "update")
    findings = json.loads(run(fresh, "check", "--format", "json")[1])["findings"]
    behind = [
        (f["article"], f["locale"], f["msgid"])
        for f in findings
        if f["check"] == "translation-behind-source"
    ]
    assert ("sleep", "es", "Keep your bedroom dark, quiet and fairly cool.") in behind
    assert all(article == "sleep" for article, _, _ in behind)


def test_a_review_date_that_is_not_iso_names_its_line(fresh: Path, run) -> None:
    source = fresh / "source" / "walking.md"
    source.write_text(
        source.read_text(encoding="utf-8").replace("Reviewed: 2022-01-10", "Reviewed: 10/01/2022"),
        encoding="utf-8",
    )
    code, _, err = run(fresh, "build")
    assert code == 2 and err.startswith(
        "pipeline: source/walking.md:3: Reviewed: '10/01/2022' is not a date"
    )


# --- Print ------------------------------------------------------------------------------------


def test_an_abbreviation_spelled_out_in_the_text_is_not_expanded_again_in_print(
    built: Path,
) -> None:
    abbrs = {a.text: a.attrs for a in out(built, "en/sleep.html").find_all("abbr")}
    assert abbrs["OSA"].get("class") == "spelled-out"  # "obstructive sleep apnoea (OSA)"
    assert "class" not in abbrs["BMI"]  # "when your BMI is high": print adds "(body mass index)"
    css = html_of(built, "assets/style.css")
    print_css = css[css.index("@media print") :]
    assert (
        "abbr[title]:not(.spelled-out)::after" in print_css
        and "abbr[title]::after" not in print_css
    )
