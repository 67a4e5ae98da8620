"""Every word a reader sees is in their language, or marked and announced (issue 25).

A version's figures count its page's interface (ui.po) and glossary entries, not its article
alone; a language whose interface is not translated is a preview and ``check`` says why in one
line; a new language's missing glossary is one finding; whatever falls back is marked ``lang``,
accessible names included.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import polib
import pytest

from tests.a11y_tools import format_violations, format_vnu, require_tools, run_axe, vnu_messages
from tests.conftest import po_path, translate_po
from tests.pages import read
from tests.test_build import pseudo

PAGE = "feature.html"
DEFINITION = "When the nerves and brain become extra sensitive."
EXPANSION = "N-methyl-D-aspartate"


def publish_at(site: Path, threshold: int, locales: str = '"es", "ar", "en@plain"') -> None:
    """The fixture's configuration with another threshold and locale list, and no leaflets."""
    config = site / "pyproject.toml"
    text = re.sub(
        r"publish_threshold = 0.*", f"publish_threshold = {threshold}", config.read_text()
    )
    text = re.sub(r"locales = \[.*\]", f"locales = [{locales}]", text)
    config.write_text(text + "leaflets = false\n", encoding="utf-8")


def findings(out: str, check: str) -> list[str]:
    return [line for line in out.splitlines() if f"[{check}]" in line]


def published(site: Path) -> set[str]:
    sitemap = (site / "output" / "sitemap.xml").read_text(encoding="utf-8")
    return set(re.findall(r"<loc>https://health\.example/([^<]+)</loc>", sitemap))


def test_a_new_language_with_an_empty_ui_po_is_a_preview_and_check_says_why(
    site: Path, run
) -> None:
    publish_at(site, 100, '"es", "ar", "en@plain", "pt_BR"')
    assert run(site, "init", "pt_BR")[0] == 0
    for domain in ("feature", "glossary"):  # all but the page's own words
        translate_po(po_path(site, "pt_BR", domain), pseudo)
    code, out, _ = run(site, "check")
    assert code == 0, out  # a warning: the language is not published, nothing wrong goes live
    [line] = [f for f in findings(out, "interface-untranslated") if "/pt_BR/" in f]
    assert line.startswith("locales/pt_BR/LC_MESSAGES/ui.po:")
    assert (
        "ui.po: 15 interface text(s) not translated yet (the page's navigation and disclaimer would show in English)"
        in line
    )
    assert not [f for f in findings(out, "incomplete") if "pt_BR" in f]  # its article is done

    code, out, _ = run(site, "build")
    assert code == 0, out
    assert "pt-BR/feature.html" not in published(site)
    page = (site / "output" / "pt-BR" / PAGE).read_text(encoding="utf-8")
    assert '<meta name="robots" content="noindex">' in page
    report = json.loads((site / "output" / "reports" / "report.json").read_text(encoding="utf-8"))
    [preview] = [p for p in report["previews"] if p["locale"] == "pt_BR"]
    assert "15 of its 15 interface texts (ui.po) not translated yet" in preview["reason"]

    translate_po(po_path(site, "pt_BR", "ui"), pseudo)
    assert run(site, "build")[0] == 0
    assert "pt-BR/feature.html" in published(site)


def test_the_interface_must_reach_the_threshold_however_long_the_article(site: Path, run) -> None:
    """At 60 %, a Spanish article and glossary translated in full carry the share over the
    threshold; an interface at 0 % still keeps the page a preview."""
    publish_at(site, 60)
    for domain in ("feature", "glossary"):
        translate_po(po_path(site, "es", domain), pseudo)
    run(site, "build")
    assert "es/feature.html" not in published(site)
    translate_po(po_path(site, "es", "ui"), pseudo)
    run(site, "build")
    assert "es/feature.html" in published(site)


def test_the_share_counts_the_glossary_entries_the_page_shows(site: Path, run) -> None:
    """Article and interface translated, one definition not: below 100 %, a preview that says
    why, and check names the term."""
    publish_at(site, 100)
    for domain in ("feature", "ui", "glossary"):
        translate_po(po_path(site, "es", domain), lambda m: "" if m == DEFINITION else pseudo(m))
    code, out, _ = run(site, "check")
    row = next(line for line in out.splitlines() if line.startswith("es ") and " feature " in line)
    assert " 100 %" not in row
    [line] = findings(out, "glossary-explanation-missing")
    assert "locales/es/LC_MESSAGES/glossary.po:" in line and "'central sensitization'" in line
    run(site, "build")
    assert "es/feature.html" not in published(site)
    report = json.loads((site / "output" / "reports" / "report.json").read_text(encoding="utf-8"))
    [preview] = [p for p in report["previews"] if p["locale"] == "es"]
    assert (
        "of what the page shows is translated (its glossary entries count too)" in preview["reason"]
    )


def test_a_new_language_glossary_is_one_finding_naming_its_terms(site: Path, run) -> None:
    _code, out, _ = run(site, "check")
    found = findings(out, "glossary-translation-missing")
    assert len(found) == 3  # es, ar, en@plain: one each, not one per term
    spanish = next(line for line in found if "/es/" in line)
    assert "glossary.po: 2 of 2 glossary terms not translated yet" in spanish
    assert "'central sensitization', 'NMDA'" in spanish


@pytest.fixture
def fallbacks(site: Path, run) -> Path:
    """Spanish translated but for one glossary definition and one expansion; Arabic untranslated."""
    for domain in ("feature", "ui", "glossary"):
        translate_po(
            po_path(site, "es", domain),
            lambda m: "" if m in (DEFINITION, EXPANSION) else pseudo(m),
        )
    assert run(site, "build")[0] in (0, 1)
    return site / "output"


def test_a_glossary_definition_or_expansion_left_in_english_is_marked(fallbacks: Path) -> None:
    page = read(fallbacks / "es" / PAGE)
    [words] = [a for a in page.find_all("aside") if "words" in a.attrs.get("class", "")]
    terms = {dt.attrs["id"]: dt for dt in words.find_all("dt")}
    assert set(terms) == {"term-central-sensitization", "term-nmda"}
    [english] = [dd for dd in words.find_all("dd") if dd.text.startswith(DEFINITION)]
    assert english.attrs.get("lang") == "en"
    [other] = [dd for dd in words.find_all("dd") if dd is not english]
    assert other.attrs.get("lang") is None  # translated: the page's language
    [expansion] = [
        s for s in terms["term-nmda"].find_all("span") if s.attrs.get("class") == "expansion"
    ]
    assert (expansion.text, expansion.attrs.get("lang")) == (f"({EXPANSION})", "en")


def test_accessible_names_in_english_carry_their_language(fallbacks: Path) -> None:
    """Arabic, nothing translated: the switcher and the table region are named by marked elements."""
    page = read(fallbacks / "ar" / PAGE)
    [nav] = page.find_all("nav")
    assert "aria-label" not in nav.attrs
    [label] = [e for e in page.iter() if e.attrs.get("id") == nav.attrs["aria-labelledby"]]
    [marked] = label.find_all("span")
    assert (label.text, marked.attrs.get("lang"), marked.attrs.get("dir")) == (
        "Other languages",
        "en",
        None,
    )
    [region] = [d for d in page.find_all("div") if d.attrs.get("role") == "region"]
    assert "aria-label" not in region.attrs
    [name] = [e for e in region.iter() if e.attrs.get("id") == region.attrs["aria-labelledby"]]
    assert (name.text, name.attrs.get("lang"), name.attrs.get("dir")) == ("Table", "en", "ltr")
    assert "hidden" in name.attrs  # read out as the region's name, not shown twice
    spanish = read(fallbacks / "es" / PAGE)  # translated: plain aria-label, as before
    assert all("aria-label" in nav.attrs for nav in spanish.find_all("nav"))


def test_pages_with_fallbacks_stay_valid_and_accessible(fallbacks: Path) -> None:
    require_tools()
    pages = [fallbacks / "es" / PAGE, fallbacks / "ar" / PAGE]
    errors = [m for m in vnu_messages(pages) if m.get("type") == "error"]
    assert not errors, format_vnu(errors)
    failing = [r for r in run_axe(pages) if r["violations"]]
    assert not failing, format_violations(failing)


def test_a_fuzzy_ui_entry_is_not_translated(site: Path, run) -> None:
    """The disclaimer marked fuzzy after a template change: the interface is not complete."""
    publish_at(site, 100)
    for domain in ("feature", "ui", "glossary"):
        translate_po(po_path(site, "es", domain), pseudo)
    po = polib.pofile(str(po_path(site, "es", "ui")))
    disclaimer = next(e for e in po if e.msgid.startswith("This page gives general information"))
    disclaimer.flags.append("fuzzy")
    po.save()
    _code, out, _ = run(site, "check")
    [line] = [f for f in findings(out, "interface-untranslated") if "/es/" in f]
    assert "ui.po: 1 interface text(s)" in line
