"""The editors' report says what to do next, and each version's readability view says where and why."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote

import polib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.cli import main
from pipeline.language import formulas
from pipeline.report import formats as report
from tests.a11y_tools import format_violations, format_vnu, require_tools, run_axe, vnu_messages
from tests.conftest import po_path, translate_po
from tests.pages import Element, parse

SLUG = "ketamine-infusions-chronic-pain"
BROKEN_LINK = "An introduction with **far longer** relief"
REPEATED = "A repeated heading above, and a last paragraph with 42% of patients."


def built(root: Path) -> Path:
    assert main(["--root", str(root), "-q", "build"]) in (0, 1)
    return root / "output"


def element(html_path: Path) -> Element:
    return parse(html_path.read_text(encoding="utf-8"))


def by_class(root: Element, name: str) -> list[Element]:
    return [e for e in root.iter() if name in e.attrs.get("class", "").split()]


@pytest.fixture
def faulty(site: Path) -> Path:
    """The test site with an error (a changed link), a warning and a deliberate warning in Spanish."""

    def spanish(msgid: str) -> str:
        if msgid.startswith(BROKEN_LINK):
            return "Una introducción con un alivio **mucho más largo**, una [página](https://www.nhs.es/) y `0–10`. Cita un estudio.[^study]"
        return msgid.replace("42%", "42 % (7 de 10)") if msgid == REPEATED else f"ES {msgid}"

    translate_po(po_path(site, "es"), spanish)
    return site


def language_report(out: Path, stem: str) -> Element:
    """One language's page of the report (``reports/es.html``, ``reports/en-plain.html``)."""
    return element(out / "reports" / f"{stem}.html")


def test_errors_come_first_then_warnings_then_the_readability_tables(faulty: Path) -> None:
    report = language_report(built(faulty), "es")
    order = [
        h.attrs.get("id") for h in report.find_all("h2") if h.attrs.get("id") != "contents-title"
    ]
    assert order == [
        "errors",
        "warnings",
        "deliberate",
        "previews",
        "reviews",
        "readability",
        "hardest",
    ]
    errors = next(
        s for s in report.find_all("section") if "finding-group-errors" in s.attrs.get("class", "")
    )
    assert "[link-target]" not in errors.text and "link-target" in errors.text


def test_error_and_warning_differ_by_a_word_and_an_icon_not_colour_alone(faulty: Path) -> None:
    report = language_report(built(faulty), "es")
    for item in by_class(report, "finding"):
        badge = by_class(item, "badge")[0]
        kind = next(
            c for c in item.attrs["class"].split() if c.startswith("finding-")
        ).removeprefix("finding-")
        word, icon = {
            "error": ("Error", "✖"),
            "warning": ("Warning", "⚠"),
            "deliberate": ("Deliberate", "✓"),
        }[kind]
        assert word in badge.text and icon in badge.text
    assert {"finding-error", "finding-warning"} <= {
        c for e in by_class(report, "finding") for c in e.attrs["class"].split()
    }


def test_a_finding_shows_both_texts_copyable_file_line_and_links_to_the_unit_on_its_page(
    faulty: Path,
) -> None:
    out = built(faulty)
    report = language_report(out, "es")
    entry = next(
        e for e in polib.pofile(str(po_path(faulty, "es"))) if e.msgid.startswith(BROKEN_LINK)
    )
    item = next(i for i in by_class(report, "finding-error") if "link-target" in i.text)
    assert by_class(item, "where")[0].text == f"locales/es/LC_MESSAGES/feature.po:{entry.linenum}"
    sides = by_class(item, "side-text")
    assert [s.text for s in sides] == [entry.msgid, entry.msgstr]
    assert [(s.attrs["lang"], s.attrs["dir"]) for s in sides] == [("en", "ltr"), ("es", "ltr")]
    page_link = next(a.attrs["href"] for a in item.find_all("a") if "See it on" in a.text)
    path, _, fragment = page_link.partition("#")
    anchor, _, directive = fragment.partition(":~:text=")
    page = (out / "reports" / path).resolve()
    assert page == (out / "es" / "feature.html").resolve()
    html = page.read_text(encoding="utf-8")
    assert (
        anchor == "" or f'id="{anchor}"' in html
    )  # the custom {#top} heading is not guessed: page top
    assert unquote(directive) in re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def test_a_unit_under_a_repeated_heading_links_to_that_heading(faulty: Path) -> None:
    out = built(faulty)
    report = language_report(out, "es")
    item = next(
        i
        for i in by_class(report, "finding-warning")
        if "number-added" in i.text and "feature.po" in i.text
    )
    href = next(a.attrs["href"] for a in item.find_all("a") if "See it on" in a.text)
    assert href.startswith(
        "../es/feature.html#lists_1:~:text=A%20repeated%20heading%20above%2C%20and"
    )
    assert 'id="lists_1"' in (out / "es" / "feature.html").read_text(encoding="utf-8")


def test_a_deliberate_finding_is_shown_as_such_with_the_reason(faulty: Path) -> None:
    po = polib.pofile(str(po_path(faulty, "es")))
    po.find(REPEATED).tcomment = "ignore-number-added: seven in ten, as the source says in words"
    po.save(str(po_path(faulty, "es")))
    report = language_report(built(faulty), "es")
    section = next(
        s
        for s in report.find_all("section")
        if "finding-group-deliberate" in s.attrs.get("class", "")
    )
    assert (
        "Deliberate warning" in section.text
        and "seven in ten, as the source says in words" in section.text
    )
    assert not any(
        "number-added" in i.text
        for i in by_class(report, "finding-warning")
        if "feature.po" in i.text
    )


def test_failing_readability_looks_failing_in_words_and_pattern(shipped: Path) -> None:
    with (shipped / "pyproject.toml").open("a", encoding="utf-8") as toml:
        toml.write(
            '\n[tool.pipeline.readability."es@plain"]\nmetric = "fernandez_huerta"\nmin = 95\n'
        )
    out = built(shipped)

    def chart_row(stem: str, label: str) -> Element:
        report = language_report(out, stem)
        chart = next(t for t in report.find_all("table") if "chart" in t.attrs.get("class", ""))
        return next(
            tr
            for tr in chart.find_all("tr")
            if tr.find_all("th") and tr.find_all("th")[0].text.startswith(label)
        )

    row = chart_row("es-plain", "es@plain ")
    assert "Too hard" in row.text and "✖" in row.text and by_class(row, "bar-fail")
    overview = element(out / "reports" / "index.html")
    line = next(tr for tr in overview.find_all("tr") if "(es@plain)" in tr.text)
    assert "1 of 1 too hard" in line.text and "✖" in line.text
    ok = chart_row("es", "es ")
    assert "Met" in ok.text and not by_class(ok, "bar-fail")
    css = (out / "assets" / "report.css").read_text(encoding="utf-8")
    assert re.search(r"\.bar-fail \{[^}]*repeating-linear-gradient[^}]*outline: 2px dashed", css)


def test_hardest_units_leave_out_kept_citations_and_show_the_po_text_against_the_target(
    shipped: Path,
) -> None:
    out = built(shipped)
    report = language_report(out, "fr")
    po = polib.pofile(str(po_path(shipped, "fr", SLUG)))
    kept = {e.msgstr for e in po if e.msgstr == e.msgid and e.tcomment}
    assert kept  # the shipped French keeps its citations, with a note
    section = next(
        s
        for s in report.find_all("section")
        if s.attrs.get("aria-labelledby") == f"hardest-fr-{SLUG}"
    )
    rows = section.find_all("tbody")[0].find_all("tr")
    target = float(re.search(r"at least ([\d.]+)", section.find_all("caption")[0].text).group(1))
    by_line = {e.linenum: e.msgstr for e in po}
    for row in rows:
        where, score, against, *_rest, text = (td.text for td in row.find_all("td"))
        line = int(where.rsplit(":", 1)[1])
        assert text == by_line[line] and text not in kept  # exactly as in the PO
        assert ("within" in against) == (float(score) >= target)


def test_every_version_with_a_formula_has_a_linked_readability_view_that_marks_and_explains(
    shipped: Path,
) -> None:
    out = built(shipped)
    views = {
        a.attrs["href"]
        for page in sorted((out / "reports").glob("*.html"))
        for a in element(page).find_all("a")
        if a.text.startswith("Readability view of")
    }
    assert {(out / "reports" / v).resolve() for v in views} == {
        p.resolve() for p in (out / "reports" / "readability").rglob("*.html")
    }
    assert len(views) == 7
    for view_path in (out / "reports" / "readability").rglob("*.html"):  # and each leads back
        back = next(a for a in element(view_path).find_all("a") if a.text.startswith("Back to"))
        page, _, anchor = back.attrs["href"].partition("#")
        target = (view_path.parent / page).resolve()
        assert target.parent == (out / "reports").resolve()
        assert f'id="{anchor}"' in target.read_text(encoding="utf-8")
        assert view_path.stem in anchor
    view = element(out / "reports" / "readability" / "en" / f"{SLUG}.html")
    marks = view.find_all("mark")[1:]  # the first one is the legend's example
    assert marks
    for number, mark in enumerate(marks, start=1):
        label = by_class(mark, "mark-label")[0].text
        assert label == f"[{number}]"
        sentence = mark.text.removeprefix(label).strip()
        note = next(li for li in view.find_all("li") if li.attrs.get("id") == f"note-{number}")
        assert f"{formulas.word_count(sentence)} words in the sentence" in note.text
        grade = float(re.search(r"Flesch-Kincaid grade ([\d.]+)", note.text).group(1))
        assert grade > 10.0  # marked because it misses the English target
        assert "Long words:" in note.text and "Rare words:" in note.text


def test_a_version_without_a_formula_has_no_view_and_the_report_says_why(site: Path) -> None:
    toml = site / "pyproject.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace('"en@plain"]', '"en@plain", "nl"]'),
        encoding="utf-8",
    )
    main(["--root", str(site), "-q", "init", "nl"])
    out = built(site)
    assert (
        not (out / "reports" / "readability" / "nl").exists()
        and (out / "reports" / "readability" / "es").is_dir()
    )
    assert "no readability formula for “nl”" in (out / "reports" / "nl.html").read_text(
        encoding="utf-8"
    )
    overview = element(out / "reports" / "index.html")
    assert "not scored" in next(tr for tr in overview.find_all("tr") if "(nl)" in tr.text).text


def test_report_and_readability_views_pass_the_nu_checker_and_axe(faulty: Path) -> None:
    require_tools()
    po = polib.pofile(str(po_path(faulty, "es")))
    po.find(REPEATED).tcomment = "ignore-number-added: seven in ten"
    po.save(str(po_path(faulty, "es")))
    translate_po(po_path(faulty, "ar"), lambda m: f"ع {m}")
    out = built(faulty)
    files = [
        out / "index.html",
        *sorted((out / "reports").glob("*.html")),
        *sorted((out / "reports" / "readability").rglob("*.html")),
    ]
    assert len(files) == 10  # the overview, en, es, ar, en@plain: a report page and a view each
    messages = [
        m
        for m in vnu_messages([*files, out / "assets" / "report.css"])
        if m["type"] == "error" or m.get("subType") == "warning"
    ]
    assert not messages, format_vnu(messages)
    results = run_axe(files)
    assert not any(r["violations"] for r in results), format_violations(results)


# --- report.json is what json.dumps(indent=2) writes, whoever writes it -------------------------

_LEAF = (
    st.none()
    | st.booleans()
    | st.integers()  # past 64 bits too
    | st.floats()  # NaN, infinities, 1e-05, 1e+16 too
    | st.sampled_from([0.0001, 9.999999999999999e-05, 1e16, 9999999999999998.0, -0.0, 12.34])
    | st.text()  # lone surrogates too
)
_JSON = st.recursive(
    _LEAF,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=6), inner, max_size=4)
        | st.dictionaries(st.integers(), inner, max_size=2)
    ),  # keys json turns into strings
    max_leaves=24,
)


@settings(max_examples=3000, deadline=None)
@given(_JSON, st.integers(min_value=0, max_value=3))
def test_the_report_s_json_is_json_dumps_with_indent_2(value: object, depth: int) -> None:
    """The report's JSON is written by orjson where it writes json's text, by json elsewhere:
    a tool reading report.json, or diffing two of them, sees json.dumps(indent=2) either way."""
    expected = json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + "  " * depth)
    assert report._nested(value, depth) == expected


def test_what_json_cannot_write_the_report_does_not_write_either() -> None:
    """orjson writes dataclasses and dates that json refuses: the report refuses them as json does."""
    import datetime

    for value in ({"reviewed": datetime.date(2026, 12, 5)}, [report.NONE]):
        with pytest.raises(TypeError):
            json.dumps(value)
        with pytest.raises(TypeError):
            report._nested(value, 1)


# --- The report as an editor uses it: out-of-date entries, badges, file:line, narrow screens ------

CHANGED_FROM = "A paragraph with a class of its own."
CHANGED_TO = "A paragraph with a style of its very own."


@pytest.fixture
def outdated(site: Path) -> Path:
    """Spanish fully translated, then one source sentence edited and ``update`` run: fuzzy, ``#|``."""
    translate_po(po_path(site, "es"), lambda m: f"ES {m}")
    feature = site / "source" / "feature.md"
    feature.write_text(
        feature.read_text(encoding="utf-8").replace(CHANGED_FROM, CHANGED_TO), encoding="utf-8"
    )
    assert main(["--root", str(site), "-q", "update"]) == 0
    entry = polib.pofile(str(po_path(site, "es"))).find(CHANGED_TO)
    assert entry is not None and entry.fuzzy and entry.previous_msgid == CHANGED_FROM
    return site


def test_an_out_of_date_entry_shows_what_changed_in_the_source(outdated: Path) -> None:
    report = language_report(built(outdated), "es")
    item = next(
        i
        for i in report.find_all("li")
        if CHANGED_TO in i.text and "finding" in i.attrs.get("class", "")
    )
    assert "Not translated yet" not in item.text
    assert "out of date" in item.text.lower()
    change = by_class(item, "source-change")[0]
    removed = [d.text.replace("removed:", "").strip() for d in change.find_all("del")]
    added = [i.text.replace("added:", "").strip() for i in change.find_all("ins")]
    assert removed == ["class"] and added == ["style", "very"]
    assert change.find_all("p")[-1].attrs["lang"] == "en"
    assert f"ES {CHANGED_FROM}" in item.text  # the fuzzy translation, to update


def test_a_language_without_errors_shows_no_error_badge(outdated: Path) -> None:
    out = built(outdated)
    for stem in ("es", "ar", "en"):
        report = language_report(out, stem)
        summary = by_class(report, "summary")[0]
        errors = [e for e in report.iter() if "finding-error" in e.attrs.get("class", "")]
        badges = by_class(summary, "badge-error")
        assert bool(badges) == bool(errors), f"{stem}: {summary.text}"
        if not errors:
            assert "No errors" in summary.text


def test_file_and_line_are_copyable_text_not_links_that_break_once_output_moves(
    faulty: Path,
) -> None:
    out = built(faulty)
    for page in (out / "reports").glob("*.html"):
        hrefs = [a.attrs.get("href", "") for a in element(page).find_all("a")]
        outside = [h for h in hrefs if h.startswith(("file:", "../../")) or ".po" in h]
        assert not outside, f"{page.name}: {outside}"
    item = by_class(language_report(out, "es"), "finding")[0]
    assert re.fullmatch(r"locales/es/LC_MESSAGES/\w+\.po(:\d+)?", by_class(item, "where")[0].text)


def test_the_total_translated_share_leaves_the_source_out(
    outdated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The source's own rows (always 100 %) would lift the total of what translators did."""
    from pipeline.build import verbs
    from pipeline.config import load_config

    project = verbs.read_project(load_config(outdated))
    figures = verbs.version_stats(project, verbs.load_catalogs(project))
    targets = [s for (_, locale), s in figures.items() if locale != "en"]
    share = 100 * sum(s.translated for s in targets) / sum(s.total for s in targets)
    everything = (
        100 * sum(s.translated for s in figures.values()) / sum(s.total for s in figures.values())
    )
    assert f"{share:.0f}" != f"{everything:.0f}"  # the fixture tells them apart
    capsys.readouterr()
    assert main(["--root", str(outdated), "check"]) in (0, 1)
    total = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("total"))
    assert re.search(r"(\d+) %", total).group(1) == f"{share:.0f}"


def test_a_report_with_out_of_date_entries_is_valid_accessible_and_reads_at_390px(
    outdated: Path,
) -> None:
    """The diffs and the badges pass the Nu checker and axe; at 390 CSS px (a phone) the page
    does not scroll sideways: only a table may, inside its own labelled, focusable region."""
    require_tools()
    from tests.test_accessibility import _browse

    out = built(outdated)
    files = sorted((out / "reports").glob("*.html"))
    messages = [
        m
        for m in vnu_messages([*files, out / "assets" / "report.css"])
        if m["type"] == "error" or m.get("subType") == "warning"
    ]
    assert not messages, format_vnu(messages)
    results = run_axe([out / "index.html", *files])  # served from output/: the stylesheets load
    assert not any(r["violations"] for r in results), format_violations(results)
    for file, m in _browse(out, files, 390).items():
        assert m["scrollWidth"] <= 390 and not m["wide"], f"{file}: {m['wide']}"
    for page in files:
        for region in by_class(element(page), "table-scroll"):
            assert region.attrs["tabindex"] == "0" and region.attrs["role"] == "region"
            assert region.attrs["aria-labelledby"]
