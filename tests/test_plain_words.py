"""The plain-language check as an editor of a plain version meets it: which words it calls rare,
which the page's "Words to know" (the glossary) explains, and what each finding says."""

from __future__ import annotations

from pathlib import Path

from pipeline.checks import plain
from pipeline.checks.subject import Site, Subject
from pipeline.locales import parse_locale
from pipeline.model import ERROR, WARNING, Article, Catalog, Glossary, Message, Unit

PO = "locales/en@plain/LC_MESSAGES/a.po"


def _page(
    texts: list[tuple[str, str, str]],
    glossary: dict[str, tuple[str, bool]] | None = None,
    locale: str = "en@plain",
) -> Subject:
    """A plain version of an article of one paragraph per (msgid, msgstr, translator's note);
    ``glossary``: its glossary.po, msgid -> (msgstr, fuzzy)."""
    units = tuple(Unit(msgid, "paragraph", 3 + 2 * i) for i, (msgid, _, _) in enumerate(texts))
    messages = {
        msgid: Message(msgid, msgstr, False, 10 + 5 * i, note=note)
        for i, (msgid, msgstr, note) in enumerate(texts)
    }
    body = "\n\n".join(msgid for msgid, _, _ in texts)
    article = Article("a", Path("source/a.md"), f"Title: A\n\n{body}\n", units)
    words_to_know = Catalog(
        "glossary",
        locale,
        Path("glossary.po"),
        {k: Message(k, v, fuzzy, 1) for k, (v, fuzzy) in (glossary or {}).items()},
    )
    site = Site(
        parse_locale("en"),
        Glossary(Path("glossary.toml"), ()),
        {},
        {locale: (words_to_know, "glossary.po")},
    )
    catalog = Catalog("a", locale, Path("a.po"), messages)
    return Subject(site, article, parse_locale(locale), catalog, PO)


def _found(subject: Subject) -> list[tuple[str, str, int | None, str, str]]:
    return [(f.check, f.severity, f.line, f.msgid, f.message) for f in plain.run(subject)]


SOURCE = "The nurse measures your blood pressure."


def test_a_rare_word_is_a_warning_on_the_entry_naming_every_rare_word() -> None:
    found = _found(_page([(SOURCE, "The nurse uses a sphygmomanometer and a ptosis chart.", "")]))
    assert found == [
        (
            "plain-rare-word",
            WARNING,
            10,
            SOURCE,
            "rare word(s) not explained by the glossary: sphygmomanometer, ptosis",
        )
    ]


def test_a_long_sentence_is_an_error_on_its_entry() -> None:
    long = " ".join(["word"] * 21) + "."
    [(check, severity, line, msgid, message)] = _found(_page([(SOURCE, long, "")]))
    assert (check, severity, line, msgid) == ("plain-long-sentence", ERROR, 10, SOURCE)
    assert message.startswith("21 words (plain language: at most 20)")


def test_a_term_the_glossary_translates_is_explained_in_any_of_its_forms() -> None:
    """The page's "Words to know" lists the term: the plural of it is no rare word."""
    page = _page(
        [(SOURCE, "The nurse has two sphygmomanometers.", "")],
        {"sphygmomanometer": ("sphygmomanometer", False)},
    )
    assert _found(page) == []


def test_a_glossary_entry_still_fuzzy_explains_nothing() -> None:
    """A fuzzy entry is not on the page, so the reader has no explanation of the word."""
    page = _page(
        [(SOURCE, "The nurse uses a sphygmomanometer.", "")],
        {"sphygmomanometer": ("sphygmomanometer", True)},
    )
    assert [check for check, *_ in _found(page)] == ["plain-rare-word"]


def _definition(length: int) -> str:
    """A glossary text of ``length`` characters that uses the word "ptosis"."""
    text = "A ptosis is an eyelid that droops"
    return text + "." * (length - len(text))


def test_a_term_s_translation_explains_its_words_but_a_definition_does_not() -> None:
    """Glossary entries under 60 characters are terms and respellings, which "Words to know"
    shows in bold; longer ones are definitions, whose words are not explained by being used."""
    text = [(SOURCE, "Your eyelid may show a ptosis.", "")]
    assert _found(_page(text, {"ptosis": (_definition(59), False)})) == []
    found = _found(_page(text, {"ptosis": (_definition(60), False)}))
    assert [message for *_, message in found] == [
        "rare word(s) not explained by the glossary: ptosis"
    ]


def test_a_rare_inflection_of_an_everyday_word_is_not_rare() -> None:
    """ "vigilarán" is rare as a form and everyday as a family (vigilar)."""
    assert plain.rare_words("Los médicos vigilarán su tensión.", "es", frozenset()) == []


def test_words_of_three_letters_or_with_digits_are_not_judged() -> None:
    """DVT is an abbreviation, CYP2D6 the name of an enzyme; NMDA has four letters and is rare."""
    text = "Ketamine blocks NMDA receptors; DVT and the enzyme CYP2D6 are named."
    assert plain.rare_words(text, "en", frozenset()) == ["nmda"]


def test_a_kept_citation_does_not_stop_the_check_of_the_texts_after_it() -> None:
    citation = " ".join(["quoted"] * 25) + "."
    long = " ".join(["word"] * 21) + "."
    found = _found(
        _page([(citation, citation, "a quotation: kept as written"), (SOURCE, long, "")])
    )
    assert [(check, line) for check, _, line, *_ in found] == [("plain-long-sentence", 15)]


def test_in_a_language_written_without_spaces_a_run_of_characters_is_not_one_long_word() -> None:
    """Each Japanese character is a token of its own, too short to be judged: without a
    dictionary, a run up to the next punctuation is no word a reader would call rare."""
    assert plain.rare_words("ケタミンの点滴を受けます。", "ja", frozenset()) == []


def test_a_latin_word_in_japanese_or_chinese_plain_text_is_judged_without_optional_tokenizers() -> (
    None
):
    """wordfreq reads Japanese and Chinese with MeCab or jieba, optional extras not installed:
    "NMDA" in a ja@plain or zh@plain text was a ModuleNotFoundError that stopped the check. The
    word is looked up as written: a word wordfreq does not know in that language is rare."""
    assert plain.rare_words("NMDA", "ja", frozenset()) == ["nmda"]
    assert plain.rare_words("NMDA", "zh", frozenset({"nmda"})) == []


def test_a_language_without_a_word_list_has_no_rare_words() -> None:
    """Thai has no wordfreq list: no word can be called rare, and none is (not every word)."""
    assert plain.rare_words("ยาเคตามีนช่วยบรรเทาอาการปวด", "th", frozenset()) == []
    plain.vocabulary("th")  # the warm-up asks for every locale's list: nothing to load, no error
