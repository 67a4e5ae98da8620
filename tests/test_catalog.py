"""Catalogues: init, update and the promise that a translator's work is never lost."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.catalog import catalogs as catalog
from pipeline.locales import parse_locale
from tests.conftest import po_path, translate_po

FEATURE = "source/feature.md"


def test_init_fills_headers_from_cldr(site: Path) -> None:
    ar = polib.pofile(str(po_path(site, "ar")))
    assert ar.metadata["Language"] == "ar"
    assert ar.metadata["Plural-Forms"].startswith("nplurals=6;")
    assert ar.metadata["Content-Type"] == "text/plain; charset=UTF-8"
    assert ar.metadata["Project-Id-Version"]
    plain = polib.pofile(str(po_path(site, "en@plain")))
    assert plain.metadata["Language"] == "en@plain"
    assert plain.metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"


@pytest.mark.parametrize("bad", ["../x", "zz", "en_XA", "EN", "sr_RS@foo", "be@latin"])
def test_bad_locale_names_are_refused_and_nothing_is_written(site: Path, run, bad: str) -> None:
    before = sorted(p.relative_to(site) for p in site.rglob("*"))
    code, _out, err = run(site, "init", "de", bad)
    assert code == 2
    assert bad in err and len(err.strip().splitlines()) == 1
    assert sorted(p.relative_to(site) for p in site.rglob("*")) == before


def _added_and_built(site: Path, run, *names: str) -> dict[str, str]:
    """Add languages as a site does (listed, ``init``, translated, built): the first one's headers."""
    config = site / "pyproject.toml"
    listed = ", ".join(f'"{name}"' for name in names)
    config.write_text(
        config.read_text(encoding="utf-8").replace('"en@plain"]', f'"en@plain", {listed}]'),
        encoding="utf-8",
    )
    code, _out, err = run(site, "init", *names)
    assert code == 0, err
    for name in names:
        translate_po(po_path(site, name), lambda msgid: msgid)
    assert run(site, "build")[0] in (0, 1)
    return polib.pofile(str(po_path(site, names[0]))).metadata


def test_chinese_named_as_gettext_names_it_is_a_language_of_the_site(site: Path, run) -> None:
    """``zh_CN`` and ``zh_TW`` are how gettext, GNOME and Poedit name Simplified and Traditional
    Chinese. CLDR reads them with the script the country implies (``zh_Hans_CN``), which changes
    nothing: they were refused, and a Chinese translator could not start."""
    headers = _added_and_built(site, run, "zh_CN", "zh_TW")
    assert headers["Language"] == "zh_CN" and headers["Plural-Forms"].startswith("nplurals=1;")
    page = (site / "output" / "zh-CN" / "feature.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN" dir="ltr">' in page
    link = (
        '<link rel="alternate" hreflang="zh-TW" href="https://health.example/zh-TW/feature.html">'
    )
    assert link in page
    assert (
        '<a href="../zh-TW/feature.html" hreflang="zh-TW" lang="zh-TW">中文 (繁體, 台灣)</a>'
        in page
    )


def test_serbian_in_latin_letters_named_as_gnome_names_it(site: Path, run) -> None:
    """GNOME's translators name Serbian in Latin letters ``sr@latin``: the page is ``sr-Latn``,
    and its name in the switcher is written in Latin letters too. Babel alone read the modifier
    as a variant of Cyrillic Serbian (``sr_RS@latin`` as Cyrillic outright)."""
    headers = _added_and_built(site, run, "sr@latin")
    assert headers["Language"] == "sr@latin" and headers["Plural-Forms"].startswith("nplurals=3;")
    page = (site / "output" / "sr-Latn" / "feature.html").read_text(encoding="utf-8")
    assert '<html lang="sr-Latn" dir="ltr">' in page
    spanish = (site / "output" / "es" / "feature.html").read_text(encoding="utf-8")
    switcher = (
        '<a href="../sr-Latn/feature.html" hreflang="sr-Latn" lang="sr-Latn">Srpski (latinica)</a>'
    )
    assert switcher in spanish


def test_init_keeps_an_existing_translation(site: Path, run) -> None:
    translate_po(po_path(site, "es"), lambda msgid: f"ES {msgid}")
    before = po_path(site, "es").read_bytes()
    code, out, _ = run(site, "init", "es")
    assert code == 0 and "kept" in out
    assert po_path(site, "es").read_bytes() == before


def _edit_source(site: Path, old: str, new: str) -> None:
    path = site / FEATURE
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_update_makes_changed_text_fuzzy_with_previous_msgid_and_keeps_the_translation(
    site: Path, run
) -> None:
    translate_po(po_path(site, "es"), lambda msgid: f"ES {msgid}")
    _edit_source(site, "A quoted sentence about pain.", "A quoted sentence about chronic pain.")
    assert run(site, "update")[0] == 0
    po = polib.pofile(str(po_path(site, "es")))
    entry = po.find("A quoted sentence about chronic pain.")
    assert entry is not None and entry.fuzzy
    assert entry.previous_msgid == "A quoted sentence about pain."
    assert entry.msgstr == "ES A quoted sentence about pain."
    text = po_path(site, "es").read_text(encoding="utf-8")
    assert '#| msgid "A quoted sentence about pain."' in text


def test_update_keeps_removed_text_as_obsolete(site: Path, run) -> None:
    translate_po(po_path(site, "es"), lambda msgid: f"ES {msgid}")
    _edit_source(site, "| High dose | 1 hour |\n", "")
    run(site, "update")
    po = polib.pofile(str(po_path(site, "es")))
    obsolete = {e.msgid: e.msgstr for e in po.obsolete_entries()}
    assert obsolete == {"High dose": "ES High dose", "1 hour": "ES 1 hour"}
    assert '#~ msgid "High dose"' in po_path(site, "es").read_text(encoding="utf-8")


def test_obsolete_translation_comes_back_with_its_text(site: Path, run) -> None:
    translate_po(po_path(site, "es"), lambda msgid: f"ES {msgid}")
    original = (site / FEATURE).read_text(encoding="utf-8")
    _edit_source(site, "| High dose | 1 hour |\n", "")
    run(site, "update")
    (site / FEATURE).write_text(original, encoding="utf-8")
    run(site, "update")
    po = polib.pofile(str(po_path(site, "es")))
    assert po.find("High dose").msgstr == "ES High dose"
    assert not po.obsolete_entries()


def test_update_twice_changes_nothing_the_second_time(site: Path, run) -> None:
    translate_po(po_path(site, "es"), lambda msgid: f"ES {msgid}", fuzzy={"Dose"})
    _edit_source(site, "A third item", "A third and last item")
    run(site, "update")
    files = sorted(site.glob("locales/**/*.po*"))
    before = {p: p.read_bytes() for p in files}
    code, out, _ = run(site, "update")
    assert code == 0 and out.startswith("0 catalogue(s) updated")
    assert {p: p.read_bytes() for p in files} == before


def test_translator_comments_and_fuzzy_flags_survive_update(site: Path, run) -> None:
    path = po_path(site, "es")
    po = polib.pofile(str(path))
    entry = po.find("Dose")
    entry.msgstr, entry.tcomment, entry.flags = "Dosis", "Checked with the pharmacist.", ["fuzzy"]
    po.save(str(path))
    run(site, "update")
    entry = polib.pofile(str(path)).find("Dose")
    assert (entry.msgstr, entry.tcomment, entry.fuzzy) == (
        "Dosis",
        "Checked with the pharmacist.",
        True,
    )


def test_broken_po_names_file_and_line(site: Path, run) -> None:
    path = po_path(site, "es")
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[20] = 'msgstr "unterminated'
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, _out, err = run(site, "build")
    assert code == 2
    assert err.startswith("pipeline: locales/es/LC_MESSAGES/feature.po:21:")
    assert len(err.strip().splitlines()) == 1


def test_stats_counts_translated_fuzzy_and_untranslated(site: Path, run) -> None:
    translate_po(
        po_path(site, "es"), lambda msgid: "" if msgid == "Dose" else f"ES {msgid}", fuzzy={"Time"}
    )
    code, out, _ = run(site, "stats")
    assert code == 0
    row = next(
        line
        for line in out.splitlines()
        if line.startswith("es ") and " feature " in f" {line.split()[1]} "
    )
    total = len(polib.pofile(str(po_path(site, "es"))))
    assert row.split()[2:] == [str(total - 2), f"{100 * (total - 2) / total:.1f}%", "1", "1"]


messages = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), min_size=1, max_size=30
)


@settings(max_examples=60, deadline=None)
@given(
    old=st.lists(messages, min_size=1, max_size=8, unique=True),
    new=st.lists(messages, min_size=0, max_size=8, unique=True),
)
def test_merge_never_loses_a_translation(old: list[str], new: list[str]) -> None:
    """Whatever the new template holds, every old msgstr is still in the merged file (active, fuzzy or obsolete)."""
    locale = parse_locale("es")
    pot_old = catalog.build_pot("d", tuple(_units(old)), "source/d.md", "test")
    po = catalog.new_po(pot_old, locale)
    for entry in po:
        entry.msgstr = f"T:{entry.msgid}"
    merged = catalog.merge(po, catalog.build_pot("d", tuple(_units(new)), "source/d.md", "test"))
    kept = [e.msgstr for e in merged]
    for msgid in old:
        assert f"T:{msgid}" in kept
    assert [e.msgid for e in merged if not e.obsolete] == new
    again = catalog.merge(merged, catalog.build_pot("d", tuple(_units(new)), "source/d.md", "test"))
    assert again.__unicode__() == merged.__unicode__()


def _units(texts: list[str]):
    from pipeline.model import Unit

    return [Unit(text, "paragraph", i + 1) for i, text in enumerate(texts)]


@pytest.mark.parametrize(
    ("content", "line", "words"),
    [
        ('msgid ""\nmsgstr ""\n\nmsgid "Dose"\nmsgstr "Dosis\n', 5, "not closed"),
        ('msgid ""\nmsgstr ""\n\nmsgid "Dose"\nmsgtsr "Dosis"\n', 5, "keyword"),
        (b'msgid ""\nmsgstr ""\n\nmsgid "Dose"\nmsgstr "Dosis \xe9"\n', 5, "UTF-8"),
        ('msgid ""\nmsgstr ""\n\nmsgid "Dose"\nmsgstr "Dosis"\nmsgstr "Otra"\n', 6, "Syntax error"),
    ],
)
def test_each_kind_of_broken_po_is_reported_with_file_and_line(
    site: Path, run, content: str | bytes, line: int, words: str
) -> None:
    path = po_path(site, "es")
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    code, _out, err = run(site, "stats")
    assert code == 2
    assert f"locales/es/LC_MESSAGES/feature.po:{line}:" in err and words.lower() in err.lower()


any_text = st.text(
    alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\x00"),
    min_size=1,
    max_size=60,
)


@settings(max_examples=150, deadline=None)
@given(
    pairs=st.dictionaries(any_text, any_text, min_size=1, max_size=6),
    note=st.text(alphabet=st.characters(exclude_categories=["Cs", "Cc"]), max_size=30),
)
def test_whatever_a_translator_types_survives_writing_and_reading(
    tmp_path_factory, pairs: dict[str, str], note: str
) -> None:
    """Quotes, backslashes, tabs, newlines, any script: written by us, read back by our strict reader, unchanged."""
    locale = parse_locale("ar")
    pot = catalog.build_pot("d", tuple(_units(list(pairs))), "source/d.md", "test")
    po = catalog.new_po(pot, locale)
    for entry in po:
        entry.msgstr, entry.tcomment = pairs[entry.msgid], note
    path = tmp_path_factory.mktemp("po") / "d.po"
    catalog.write_if_changed(po, path)
    loaded = catalog.load_po(path)
    assert {e.msgid: e.msgstr for e in loaded} == pairs
    assert catalog.to_catalog(loaded, "d", "ar", path).messages.keys() == pairs.keys()


def test_headers_a_translation_team_expects(site: Path, run) -> None:
    pyproject = site / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text(encoding="utf-8") + '\nreport_bugs_to = "https://example.org/issues"\n',
        encoding="utf-8",
    )
    assert run(site, "init", "fr")[0] == 0
    pot = catalog.load_po(site / "locales" / "feature.pot")
    po = catalog.load_po(po_path(site, "fr"))
    assert re.fullmatch(r".+ feature \d{4}-\d\d-\d\d", po.metadata["Project-Id-Version"])
    assert (
        po.metadata["Report-Msgid-Bugs-To"]
        == pot.metadata["Report-Msgid-Bugs-To"]
        == "https://example.org/issues"
    )
    assert "edit the source" in pot.header and "edit the source" not in po.header
    assert (
        po.metadata["Last-Translator"] == "FULL NAME <EMAIL@ADDRESS>"
    )  # Poedit and msginit fill it in, not us
    assert (
        po.metadata["Language-Team"] == "French"
        and po.metadata["Plural-Forms"] == "nplurals=2; plural=(n > 1);"
    )


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        (
            "ar",
            "nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5;",
        ),
        ("es", "nplurals=2; plural=(n != 1);"),
        ("de", "nplurals=2; plural=(n != 1);"),
        (
            "pl",
            "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
        ),
        ("ja", "nplurals=1; plural=0;"),
    ],
)
def test_plural_forms_are_gnu_gettexts(locale: str, expected: str) -> None:
    """The gettext manual's formulas (Weblate uses the same): Babel's Arabic orders forms 4 and 5 differently."""
    pot = catalog.build_pot("d", tuple(_units(["x"])), "source/d.md", "test")
    assert catalog.new_po(pot, parse_locale(locale)).metadata["Plural-Forms"] == expected


def test_notes_say_where_a_unit_sits_and_pronunciations_have_a_context(site: Path) -> None:
    pot = catalog.load_po(site / "locales" / "feature.pot")
    item = next(e for e in pot if e.msgid == "A first item about NMDA receptors")
    assert item.comment.split("\n") == ["list item", "under 'Lists'"]
    glossary = catalog.load_po(site / "locales" / "glossary.pot")
    respellings = [e for e in glossary if e.comment.startswith("how to say")]
    assert respellings and all(e.msgctxt == "pronunciation" for e in respellings)
    ui = catalog.load_po(site / "locales" / "ui.pot")
    label = next(e for e in ui if e.msgid == "{language} – plain language")
    assert "python-brace-format" in label.flags and "{language} is replaced by" in label.comment
    assert all("python-brace-format" not in e.flags for e in ui if "{" not in e.msgid)
