"""The merge rule of ``pipeline update`` on small PO files, fast enough to run against every
change of it (``docs/testing.md``, mutation testing). What a translator finds after an update:
their translation kept, offered as fuzzy with the old source (``#|``), or kept as obsolete (``#~``).
``test_catalog.py`` and ``test_po_fidelity.py`` hold the same rule end to end, byte for byte."""

from __future__ import annotations

import polib
import pytest

from pipeline.catalog.catalogs import po_text
from pipeline.catalog.merge import merge
from pipeline.errors import CatalogError
from pipeline.locales import parse_locale

HEADER = """msgid ""
msgstr ""
"Project-Id-Version: {version}\\n"
"POT-Creation-Date: {date}\\n"
"Language: {language}\\n"
"Content-Type: text/plain; charset={charset}\\n"
{plural}
"""


def _po(entries: str, *, version: str = "site 1", date: str = "2026-11-01", language: str = "es",
        charset: str = "UTF-8", plural: str = "", comment: str = "") -> polib.POFile:  # fmt: skip
    head = HEADER.format(version=version, date=date, language=language, charset=charset, plural=plural)  # fmt: skip
    return polib.pofile(comment + head + "\n" + entries)


def _entries(po: polib.POFile) -> list[tuple[str, str, list[str], str | None, bool]]:
    """What a translator sees of each entry: msgid, msgstr, flags, ``#|`` msgid, obsolete."""
    return [(e.msgid, e.msgstr, e.flags, e.previous_msgid, e.obsolete) for e in po]


POT = _po(
    '#: source/a.md:1\nmsgid "Rest well."\nmsgstr ""\n\n'
    '#: source/a.md:3\nmsgid "Drink water every day."\nmsgstr ""\n',
    version="site 2",
    date="2026-12-01",
    language="",
)


def test_an_exact_match_keeps_its_translation_and_a_close_one_is_offered_as_fuzzy() -> None:
    po = _po(
        '# my note\nmsgid "Rest well."\nmsgstr "Descanse bien."\n\n'
        'msgid "Drink water each day."\nmsgstr "Beba agua cada día."\n'
    )
    merged = merge(po, POT)
    assert _entries(merged) == [
        ("Rest well.", "Descanse bien.", [], None, False),
        (
            "Drink water every day.",
            "Beba agua cada día.",
            ["fuzzy"],
            "Drink water each day.",
            False,
        ),
    ]
    assert merged[0].tcomment == "my note" and merged[0].occurrences == [("source/a.md", "1")]


def test_a_text_too_different_is_new_and_the_old_translation_is_kept_obsolete() -> None:
    po = _po(
        'msgid "Rest well."\nmsgstr "Descanse bien."\n\n'
        'msgid "Ketamine is an anaesthetic."\nmsgstr "La ketamina es un anestésico."\n\n'
        'msgid "Untranslated and unannotated."\nmsgstr ""\n\n'
        '# only a note\nmsgid "Noted."\nmsgstr ""\n'
    )
    assert _entries(merge(po, POT)) == [
        ("Rest well.", "Descanse bien.", [], None, False),
        ("Drink water every day.", "", [], None, False),
        ("Ketamine is an anaesthetic.", "La ketamina es un anestésico.", [], None, True),
        ("Noted.", "", [], None, True),  # a translator's note is their work too
    ]


def test_an_obsolete_translation_comes_back_when_its_text_does() -> None:
    po = _po('#~ msgid "Rest well."\n#~ msgstr "Descanse bien."\n')
    assert _entries(merge(po, POT))[0] == ("Rest well.", "Descanse bien.", [], None, False)


def test_exact_matches_win_over_close_ones() -> None:
    """ "Rest well." is close to "Rest well!", but "Rest well!" has its own exact entry."""
    pot = _po('msgid "Rest well."\nmsgstr ""\n\nmsgid "Rest well!"\nmsgstr ""\n', language="")
    po = _po('msgid "Rest well!"\nmsgstr "¡Descanse bien!"\n')
    assert _entries(merge(po, pot)) == [
        ("Rest well.", "", [], None, False),
        ("Rest well!", "¡Descanse bien!", [], None, False),
    ]


def test_a_fuzzy_entry_keeps_its_flag_and_old_source_and_flags_keep_gnu_s_order() -> None:
    pot = _po('#, python-brace-format\nmsgid "{n} days"\nmsgstr ""\n', language="")
    po = _po('#, fuzzy, no-wrap\n#| msgid "{n} day"\nmsgid "{n} days"\nmsgstr "{n} días"\n\n')
    [entry] = merge(po, pot)
    assert (entry.flags, entry.previous_msgid) == (
        ["fuzzy", "python-brace-format", "no-wrap"],
        "{n} day",
    )
    po = _po('#, no-wrap\n#| msgid "{n} day"\nmsgid "{n} days"\nmsgstr "{n} días"\n')
    [entry] = merge(po, pot)
    assert (entry.flags, entry.previous_msgid) == (["python-brace-format", "no-wrap"], None)


def test_a_text_that_gains_a_context_keeps_its_translation() -> None:
    pot = _po('msgctxt "pronunciation"\nmsgid "an-uss-THET-ik"\nmsgstr ""\n', language="")
    po = _po(
        '#, fuzzy\n#| msgid "an-uss-THET-ic"\nmsgid "an-uss-THET-ik"\nmsgstr "a-nes-TÉ-si-co"\n'
    )
    [entry] = merge(po, pot)
    assert (entry.msgctxt, entry.msgstr, entry.flags, entry.previous_msgid) == (
        "pronunciation", "a-nes-TÉ-si-co", ["fuzzy"], "an-uss-THET-ic",
    )  # fmt: skip


def test_a_close_match_is_taken_only_from_the_same_context_and_a_translated_singular() -> None:
    pot = _po('msgctxt "menu"\nmsgid "Rest well."\nmsgstr ""\n', language="")
    po = _po('msgid "Rest well!"\nmsgstr "¡Descanse bien!"\n')
    assert [(e.msgctxt, e.msgstr, e.obsolete) for e in merge(po, pot)] == [
        ("menu", "", False),
        (None, "¡Descanse bien!", True),
    ]
    po = _po('msgid "Rest well!"\nmsgstr ""\n')
    assert _entries(merge(po, POT))[0] == ("Rest well.", "", [], None, False)


def test_a_singular_translation_becomes_the_first_form_of_a_plural_text() -> None:
    pot = _po('msgid "{n} day"\nmsgid_plural "{n} days"\nmsgstr[0] ""\nmsgstr[1] ""\n', language="")
    [fresh] = merge(_po(""), pot)
    assert (fresh.msgstr, fresh.msgstr_plural) == ("", {0: "", 1: ""})
    # a close singular text (a typo corrected as the text became plural): a guess, so fuzzy
    [entry] = merge(_po('msgid "{n} dai"\nmsgstr "{n} día"\n'), pot)
    assert (entry.msgstr, entry.msgstr_plural, entry.flags) == ("", {0: "{n} día"}, ["fuzzy"])


def test_a_text_plural_in_one_file_and_singular_in_the_other_is_an_error_at_its_line() -> None:
    pot = _po('msgid "{n} day"\nmsgid_plural "{n} days"\nmsgstr[0] ""\nmsgstr[1] ""\n', language="")
    po = _po('msgid "{n} day"\nmsgstr "{n} día"\n')
    with pytest.raises(
        CatalogError, match="plural forms in one file and not in the other"
    ) as error:
        merge(po, pot)
    assert error.value.line == 9


def test_the_header_takes_the_template_s_version_and_date_and_says_utf_8() -> None:
    po = _po(
        'msgid "Rest well."\nmsgstr "Descanse bien."\n',
        charset="ISO-8859-1",
        comment="# Spanish translation.\n# Generated by the pipeline from source/a.md: edit the source.\n",
    )
    merged = merge(po, POT)
    assert merged.header == "Spanish translation."
    assert (merged.metadata["Project-Id-Version"], merged.metadata["POT-Creation-Date"]) == (
        "site 2",
        "2026-12-01",
    )
    assert merged.metadata["Language"] == "es"
    assert merged.metadata["Content-Type"] == "text/plain; charset=UTF-8"


def test_babel_s_plural_formula_becomes_gnu_s_while_no_entry_depends_on_it() -> None:
    locale = parse_locale("ar")
    po = _po('msgid "Rest well."\nmsgstr "استرح."\n', language="ar", plural=f'"Plural-Forms: {locale.plural_forms}\\n"')  # fmt: skip
    gnu = merge(po, POT, locale).metadata["Plural-Forms"]
    assert gnu != locale.plural_forms and gnu.startswith("nplurals=6; plural=n==0 ? 0 : n==1 ? 1")


# A translator's PO with one of each kind of entry, and the new template.
OLD_PO = r"""# Spanish translation of the site.
# Generated by the pipeline from source/a.md: edit the source.
# Translators: Ana.
#, fuzzy
msgid ""
msgstr ""
"Project-Id-Version: site 1\n"
"Language: es\n"

msgid "Home"
msgstr "Inicio"

msgctxt "menu"
msgid "Back"
msgstr "Volver"

msgid "Back"
msgstr "Atrás"

#| msgctxt "old"
#| msgid "A stale old source."
msgid "Rest well."
msgstr "Descanse bien."

#, fuzzy
#| msgctxt "old"
#| msgid "Drink water each day."
msgctxt "advice"
msgid "Drink water every day."
msgstr "Beba agua cada día."

msgid "{n} day"
msgid_plural "{n} days"
msgstr[0] "{n} día"
msgstr[1] "{n} días"

# A note of mine.
#, fuzzy, no-wrap
#| msgctxt "old"
#| msgid "Ketamine was an anaesthetic."
msgctxt "drug"
msgid "Ketamine is an anaesthetic."
msgid_plural "Ketamines are anaesthetics."
msgstr[0] "La ketamina es un anestésico."
msgstr[1] "Las ketaminas son anestésicos."
"""
NEW_POT = r"""msgid ""
msgstr ""
"Project-Id-Version: site 2\n"
"POT-Creation-Date: 2026-12-01 10:00+0000\n"

#. a menu entry
#: source/a.md:1
msgid "Home"
msgstr ""

#: source/a.md:2
msgctxt "menu"
msgid "Home"
msgstr ""

#: source/a.md:3
msgctxt "menu"
msgid "Back"
msgstr ""

#: source/a.md:4
msgid "Back"
msgstr ""

#: source/a.md:5
msgid "Rest well."
msgstr ""

#: source/a.md:6
msgctxt "advice"
msgid "Drink water every day."
msgstr ""

#, python-brace-format
#: source/a.md:7
msgid "{n} day"
msgid_plural "{n} days"
msgstr[0] ""
msgstr[1] ""

#, python-brace-format
#: source/a.md:8
msgid "Wait {n} minutes."
msgstr ""
"""


def test_an_update_writes_what_the_rule_says_for_every_kind_of_entry() -> None:
    """Read against the rule, line by line: the header keeps the translator's comment (not the
    "Generated by" line), its fuzzy flag and Language, takes the template's version and date and
    says UTF-8; "Home" keeps its translation and gains the template's comment; "Home" in the menu
    is new (the plain "Home" is taken by its exact match); the two "Back" stay apart by context;
    a stale ``#|`` of a translation no longer fuzzy goes; a fuzzy entry keeps its ``#|`` context
    and text; the plural keeps its forms and takes the format flag; a new entry has the flag and
    nothing else; the entry gone from the template is obsolete with all it had."""
    merged = merge(polib.pofile(OLD_PO), polib.pofile(NEW_POT))
    assert po_text(merged) == EXPECTED_PO


EXPECTED_PO = r"""# Spanish translation of the site.
# Translators: Ana.
#, fuzzy
msgid ""
msgstr ""
"Project-Id-Version: site 2\n"
"Language: es\n"
"POT-Creation-Date: 2026-12-01 10:00+0000\n"
"Content-Type: text/plain; charset=UTF-8\n"

#. a menu entry
#: source/a.md:1
msgid "Home"
msgstr "Inicio"

#: source/a.md:2
msgctxt "menu"
msgid "Home"
msgstr ""

#: source/a.md:3
msgctxt "menu"
msgid "Back"
msgstr "Volver"

#: source/a.md:4
msgid "Back"
msgstr "Atrás"

#: source/a.md:5
msgid "Rest well."
msgstr "Descanse bien."

#: source/a.md:6
#, fuzzy
#| msgctxt "old"
#| msgid "Drink water each day."
msgctxt "advice"
msgid "Drink water every day."
msgstr "Beba agua cada día."

#: source/a.md:7
#, python-brace-format
msgid "{n} day"
msgid_plural "{n} days"
msgstr[0] "{n} día"
msgstr[1] "{n} días"

#: source/a.md:8
#, python-brace-format
msgid "Wait {n} minutes."
msgstr ""

# A note of mine.
#, fuzzy, no-wrap
#~| msgctxt "old"
#~| msgid "Ketamine was an anaesthetic."
#~ msgctxt "drug"
#~ msgid "Ketamine is an anaesthetic."
#~ msgid_plural "Ketamines are anaesthetics."
#~ msgstr[0] "La ketamina es un anestésico."
#~ msgstr[1] "Las ketaminas son anestésicos."
"""


def test_a_content_type_written_another_way_keeps_its_way_and_says_utf_8() -> None:
    po = _po('msgid "Rest well."\nmsgstr "Descanse bien."\n', charset="CHARSET")
    po.metadata["Content-Type"] = "text/plain;charset=CHARSET"  # msginit's placeholder, no space
    assert merge(po, POT).metadata["Content-Type"] == "text/plain;charset=UTF-8"


@pytest.mark.parametrize(
    ("language", "formula", "kept"),
    [
        ("es", "nplurals=2; plural=n != 1;", True),  # the translator's own: left alone
        ("cy", None, True),  # Welsh: GNU has no formula of its own, Babel's stays
    ],
)
def test_a_plural_formula_other_than_babel_s_or_without_a_gnu_one_is_kept(
    language: str, formula: str | None, kept: bool
) -> None:
    locale = parse_locale(language)
    formula = formula or locale.plural_forms
    po = _po('msgid "Rest well."\nmsgstr "x"\n', language=language, plural=f'"Plural-Forms: {formula}\\n"')  # fmt: skip
    assert (merge(po, POT, locale).metadata["Plural-Forms"] == formula) is kept


def test_a_singular_text_that_becomes_plural_with_a_context_is_new_and_the_old_is_kept() -> None:
    """Not the same text gaining a context (that needs the same number of forms), nor a close
    one (that needs the same context): a new entry, the singular translation kept obsolete."""
    pot = _po(
        'msgctxt "count"\nmsgid "{n} day"\nmsgid_plural "{n} days"\nmsgstr[0] ""\nmsgstr[1] ""\n',
        language="",
    )
    merged = merge(_po('msgid "{n} day"\nmsgstr "{n} día"\n'), pot)
    assert [(e.msgctxt, e.msgstr, e.msgstr_plural, e.obsolete) for e in merged] == [
        ("count", "", {0: "", 1: ""}, False),
        (None, "{n} día", {}, True),
    ]


def test_the_plural_error_names_the_text_by_its_first_forty_characters() -> None:
    text = "Ketamine infusions are given over {n} hours in a clinic."
    pot = _po(f'msgid "{text}"\nmsgid_plural "{text}s"\nmsgstr[0] ""\nmsgstr[1] ""\n', language="")
    with pytest.raises(CatalogError) as error:
        merge(_po(f'msgid "{text}"\nmsgstr "x"\n'), pot)
    assert error.value.message == (
        "the entry for 'Ketamine infusions are given over {n} ho' has plural forms in one file "
        "and not in the other: make both plural or both singular"
    )


def test_a_plural_text_that_gains_a_context_keeps_its_forms_and_drops_a_stale_old_source() -> None:
    pot = _po(
        'msgctxt "count"\nmsgid "{n} day"\nmsgid_plural "{n} days"\nmsgstr[0] ""\nmsgstr[1] ""\n',
        language="",
    )
    old = _po('#| msgid "{n} dai"\nmsgid "{n} day"\nmsgid_plural "{n} days"\nmsgstr[0] "{n} día"\nmsgstr[1] "{n} días"\n')  # fmt: skip
    [entry] = merge(old, pot)
    assert (entry.msgctxt, entry.msgstr_plural, entry.flags, entry.previous_msgid) == (
        "count", {0: "{n} día", 1: "{n} días"}, [], None,
    )  # fmt: skip
