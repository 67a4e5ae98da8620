"""Glossary terms in running text, as the glossary check and the "Words to know" links find them:
fast enough to run against every change of the rule (``docs/testing.md``, mutation testing).
Each case is a translator's sentence and whether the approved term is found in it, and where."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.language import terms

CASES = [
    # inflection is not drift: a plural, a German dative plural, a Spanish plural
    ("The anaesthetists agreed.", "anaesthetist", "en", True),
    ("mit Narkosemitteln behandelt", "Narkosemittel", "de", True),
    ("los anestésicos locales", "anestésico", "es", True),
    ("Take a painkiller.", "anaesthetic", "en", False),
    # a term of several words: in order, one after the other
    ("a ketamine infusion helps", "ketamine infusion", "en", True),
    ("an infusion of ketamine helps", "ketamine infusion", "en", False),
    ("ketamine", "ketamine infusion", "en", False),  # a text shorter than the term
    # compounds: a stem inside a longer word, in a language that glues words together
    ("Ketamininfusionen helfen", "Infusion", "de", True),
    ("Ketamininfusionen helfen", "Ketamin-Infusion", "de", True),
    ("Ketamin-Infusionen helfen", "Ketamininfusion", "de", True),
    ("Ketamin und Infusionen", "Ketamin-Infusion", "de", False),  # not one after the other
    ("Ketamininfusions help", "infusion", "en", False),  # English does not glue words
    ("Eine Ketamininfusion hilft", "Ketamin-Infusionen", "de", True),  # joined, then stemmed
    ("Starke Rückenschmerzen", "Rücken-Schmerzen", "de", True),  # ü as the stemmer writes it
    ("Starke Rücken-Schmerzen", "Rückenschmerzen", "de", True),
    ("Bei chronischen Rückenschmerzen", "chronische Schmerzen", "de", True),
    ("Ein Ketamin Gelpflaster", "Ketamin-Gel", "de", True),  # a stem of three letters inside
    ("Starke Ohrenschmerzen", "Ohr", "de", True),
    ("Ein Ei.", "Ei", "de", True),
    ("Ein Kleid.", "Ei", "de", False),  # a stem of two letters is not looked for inside
    # esketamine is another drug: a stem inside a longer word counts only where words glue
    ("Esketamine infusions and ketamine.", "ketamine infusion", "en", False),
    # the first word of the term twice in a row: the second starts the term
    ("What is ketamine? Ketamine infusions help.", "ketamine infusion", "en", True),
    # Hebrew attaches clitics ("for pain") and has no stemmer
    ("לכאב כרוני", "כאב", "he", True),
    ("טיפול", "כאב", "he", False),
    # Arabic: harakat are optional, clitics are attached
    ("الكِيتَامِين دواء", "الكيتامين", "ar", True),
    ("وللكيتامين آثار", "كيتامين", "ar", True),
    # a language written without spaces: the term is found as its characters
    ("ケタミンの点滴を受けます。", "点滴", "ja", True),
    ("ケタミンの注射を受けます。", "点滴", "ja", False),
    # a term with punctuation of its own is found as written, as a whole
    ("Written in C++ today.", "C++", "en", True),
    ("Written in C today.", "C++", "en", False),
    ("Written in C++x today.", "C++", "en", False),
    # a file saved decomposed (NFD) says the same words
    (unicodedata.normalize("NFD", "los anestésicos"), "anestésico", "es", True),
]


@pytest.mark.parametrize(("text", "term", "language", "found"), CASES)
def test_a_glossary_term_is_found_by_its_stems(
    text: str, term: str, language: str, found: bool
) -> None:
    assert terms.mentions(text, term, language) is found


@pytest.mark.parametrize(
    ("text", "term", "found"),
    [
        ("Patients are sedated.", "sedated", True),
        ("Patients are sedated.", "sedative", False),  # one stem, two words for the author
        ("Opioids can help.", "opioid", True),
        ("Given intravenously.", "intravenous", False),
        ("The anaesthetist's view.", "anaesthetist", True),
        ("Low doses of ketamine", "ketamine dose", False),
        ("C++ code", "C++", True),
    ],
)
def test_the_author_s_text_mentions_a_term_only_as_nearly_the_same_word(
    text: str, term: str, found: bool
) -> None:
    assert terms.source_mentions(text, term, "en") is found


def test_outside_english_the_author_s_text_is_matched_by_stem() -> None:
    assert terms.source_mentions("ケタミンの点滴を受けます", "点滴", "ja")  # by its characters
    assert terms.source_mentions("los anestésicos", "anestésico", "es")
    assert terms.source_mentions("una crema anestésica", "anestésico", "es")
    assert not terms.source_mentions("el dolor", "anestésico", "es")


@pytest.mark.parametrize(
    ("text", "term", "language", "span"),
    [
        ("Ask the anaesthetists first.", "anaesthetist", "en", (8, 21)),
        ("A ketamine infusion helps.", "ketamine infusion", "en", (2, 19)),
        ("Ask in C++ or C#.", "C#", "en", (14, 16)),
        ("Ask in C++ or C#.", "C++", "en", (7, 10)),
        ("الكِيتَامِين دواء", "الكيتامين", "ar", (0, 12)),  # the vocalised word, marks and all
        ("ケタミンの点滴", "点滴", "ja", (5, 7)),
        ("No term here.", "anaesthetist", "en", None),
        ("दवाई लें", "दवाई", "hi", (0, 4)),  # a vowel sign is part of its word
    ],
)
def test_a_term_is_marked_on_the_page_where_it_is_written(
    text: str, term: str, language: str, span: tuple[int, int] | None
) -> None:
    assert terms.find_term(text, term, language) == span


def test_terms_are_ordered_by_the_word_where_each_is_first_used() -> None:
    text = "Ketamine, an anaesthetic, is given by infusion in C++ clinics."
    assert [terms.term_index(text, t, "en") for t in ("infusion", "anaesthetic", "C++", "opioid")] == [
        6, 2, 8, None,
    ]  # fmt: skip


def test_words_are_counted_as_a_reader_counts_them() -> None:
    assert terms.words("Don’t STOP ketamine-infusions", "en") == ["don’t", "stop", "ketamine", "infusions"]  # fmt: skip
    assert terms.words("الكِيتَامِين", "ar") == ["الكيتامين"]
    assert terms.words("点滴 NMDA", "ja") == ["点", "滴", "nmda"]
    assert terms.words("The word 点滴 means a drip", "en")[2] == "点滴"  # spaced: whole words
    decomposed = unicodedata.normalize("NFD", "Schmerzmittel für")
    assert terms.words(decomposed, "de") == ["schmerzmittel", "für"]  # as NFC writes it
    assert terms.stems("Anaesthetists", "en") == ("anaesthetist",)
    assert terms.stems("NMDA", "xx") == ("nmda",)  # no stemmer for the language: the word itself
    assert [terms.lettered(w) for w in ("दवा", "cyp2d6", "ketamine")] == [True, False, True]


def test_where_a_term_starts_among_the_words_of_a_text() -> None:
    assert terms.term_index("Bei chronischen Rückenschmerzen", "chronische Schmerzen", "de") == 1
    assert terms.term_index("Gute Ketamininfusionen helfen", "Infusion", "de") == 1
    assert terms.term_index("Starke Ohrenschmerzen", "Ohr", "de") == 1
    assert terms.term_index("No sharp here.", "C#", "en") is None
    assert terms.term_index("ケタミンと C++", "C++", "ja") == 5  # each character is a word


def test_a_page_asks_first_whether_a_term_can_be_in_a_text_at_all() -> None:
    assert terms.may_contain("Use C++ here.", "C++", "en")
    assert not terms.may_contain("Use C here.", "C++", "en")
    assert not terms.may_contain("Ein Kleid.", "Ohr", "de")
    assert terms.may_contain("Starke Ohrenschmerzen", "Ohr", "de")
    assert not terms.may_contain("نص", "ـ", "ar")  # a tatweel alone is no word


_LANGUAGES = sorted({language for _, _, language, _ in CASES})


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(_LANGUAGES), st.data())
def test_a_page_s_probe_answers_as_may_contain_for_each_term(
    language: str, data: st.DataObject
) -> None:
    """The first-use links ask a page's probe about many terms at once: the same answers, in
    the same order, as ``may_contain`` asked term by term (the same term twice included)."""
    texts = [text for text, _, lang, _ in CASES if lang == language]
    every_term = sorted({term for _, term, _, _ in CASES})
    text = data.draw(st.sampled_from(texts + every_term))
    asked = data.draw(st.lists(st.sampled_from(every_term), max_size=8))
    probe = terms.TermProbe(asked, language)
    expected = [term for term in asked if terms.may_contain(text, term, language)]
    assert probe.among(text, asked, lambda term: term) == expected


def test_a_decomposed_text_has_no_mark_for_a_term_written_with_punctuation() -> None:
    """Its places would be counted in another text than the page's: no mark, not a wrong one."""
    assert terms.find_term(unicodedata.normalize("NFD", "Café en C++"), "C++", "es") is None


def test_a_word_list_is_stemmed_as_running_text_is() -> None:
    assert terms.stems_of_many(["Anaesthetists", "sleeping pills"], "en") == [
        "anaesthetist", "sleep", "pill",
    ]  # fmt: skip
    assert terms.stems_of_many(["NMDA"], "xx") == ["nmda"]
    assert terms.stems_of_many(["点滴"], "ja") == ["点", "滴"]
