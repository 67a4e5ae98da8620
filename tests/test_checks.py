"""Quality gates: each kind of fault injected into a copy of the shipped content gives its exact finding."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import polib
import pytest
import textstat
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.build.verbs import check, read_project
from pipeline.checks import markup
from pipeline.config import load_config
from pipeline.language import formulas as readability_formulas
from pipeline.language import text as text_module
from pipeline.model import Finding
from tests.conftest import REPO, po_path, translate_po

SLUG = "ketamine-infusions-chronic-pain"


def findings(root: Path) -> list[Finding]:
    return list(check(read_project(load_config(root))).findings)


def edit_entry(root: Path, locale: str, msgid: str, change) -> polib.POEntry:
    """Change one msgstr as a translator would, and return the entry (its line is the finding's line)."""
    path = po_path(root, locale, SLUG)
    po = polib.pofile(str(path))
    entry = po.find(msgid)
    assert entry is not None, msgid
    entry.msgstr = change(entry.msgstr)
    po.save(str(path))
    return next(e for e in polib.pofile(str(path)) if e.msgid == msgid)


def only(found: list[Finding], check_id: str) -> Finding:
    matching = [f for f in found if f.check == check_id]
    assert len(matching) == 1, matching
    return matching[0]


def test_clean_shipped_content_has_no_errors(shipped: Path, run) -> None:
    code, out, _ = run(shipped, "check")
    assert code == 0, out
    assert " 0 error(s)" in "\n" + out.splitlines()[-1] or out.splitlines()[-1].startswith(
        "0 error(s)"
    )


def test_glossary_term_replaced_by_a_synonym(shipped: Path) -> None:
    msgid = "Reduced effects of central sensitization"
    entry = edit_entry(
        shipped,
        "es",
        msgid,
        lambda s: s.replace("sensibilización central", "hipersensibilidad central"),
    )
    finding = only(findings(shipped), "glossary-term")
    assert finding == Finding(
        "glossary-term", "error", SLUG, "es", f"locales/es/LC_MESSAGES/{SLUG}.po", entry.linenum, msgid,
        "the source uses 'central sensitization'; use the approved translation 'sensibilización central' (glossary.po)",
        msgstr=entry.msgstr,
    )  # fmt: skip
    assert any(f.check == "glossary-inconsistent" and f.locale == "es" for f in findings(shipped))


def test_inflected_approved_term_is_accepted(shipped: Path) -> None:
    edit_entry(
        shipped,
        "de",
        "Reduction in pain",
        lambda s: "Weniger Schmerzen und weniger chronischen Schmerzen",
    )
    assert not [f for f in findings(shipped) if f.check.startswith("glossary") and f.locale == "de"]


@pytest.mark.parametrize(
    ("locale", "approved", "found", "missing"),
    [
        # no space between words: the term is found as the characters it is written with
        ("zh_CN", "慢性疼痛", ["这种治疗可以减轻慢性疼痛。"], "这种治疗可以减轻长期的疼痛。"),
        ("ja", "慢性疼痛", ["この治療は慢性疼痛を和らげます。"], "この治療は長く続く痛みを和らげます。"),
        ("th", "อาการปวดเรื้อรัง", ["การรักษานี้ช่วยลดอาการปวดเรื้อรัง"], "การรักษานี้ช่วยลดความเจ็บปวด"),
        # a prefix joined to the word: לכאב כרוני, "for chronic pain"
        ("he", "כאב כרוני", ["עירויי קטמין מראים הבטחה רבה כטיפול לכאב כרוני."], "עירויי קטמין מראים הבטחה רבה כטיפול לכאב ממושך."),
        # a particle joined to the noun: 만성 통증을, "chronic pain" as an object
        (
            "ko",
            "만성 통증",
            ["케타민 수액은 만성 통증을 치료하는 방법으로 큰 가능성을 보입니다.", "케타민 수액은 만성 통증의 치료법으로 큰 가능성을 보입니다."],
            "케타민 수액은 오래가는 통증을 치료하는 방법으로 큰 가능성을 보입니다.",
        ),
    ],
)  # fmt: skip
def test_an_approved_term_is_found_as_the_language_writes_it_among_other_words(
    shipped: Path, run, locale: str, approved: str, found: list[str], missing: str
) -> None:
    """Read as words set apart by spaces, a Chinese, Japanese or Thai sentence was one word, and
    a Hebrew or Korean term with its prefix or particle was another word: every approved term was
    reported missing from nearly every sentence. A translation without the term still is."""
    assert run(shipped, "init", locale)[0] == 0
    glossary = polib.pofile(str(po_path(shipped, locale, "glossary")))
    glossary.find("chronic pain").msgstr = approved
    glossary.save()
    msgid = "Ketamine infusions are showing great promise as a treatment for chronic pain."

    def term_findings(translation: str) -> list[str]:
        edit_entry(shipped, locale, msgid, lambda _: translation)
        return [
            f.message
            for f in findings(shipped)
            if f.check == "glossary-term" and f.msgid == msgid and "'chronic pain'" in f.message
        ]

    for text in found:
        assert term_findings(text) == [], text
    assert term_findings(missing) == [
        f"the source uses 'chronic pain'; use the approved translation '{approved}' (glossary.po)"
    ]


def test_kept_term_translated(shipped: Path) -> None:
    msgid = next(
        e.msgid
        for e in polib.pofile(str(po_path(shipped, "fr", SLUG)))
        if e.msgid.startswith("Ketamine interacts with a part of the brain")
    )
    entry = edit_entry(shipped, "fr", msgid, lambda s: s.replace("NMDA", "N-méthyl-D-aspartate"))
    found = [f for f in findings(shipped) if f.check == "glossary-kept-term"]
    assert [(f.locale, f.line, f.msgid) for f in found] == [("fr", entry.linenum, msgid)] * len(
        found
    ) and found
    assert "'NMDA'" in found[0].message


def test_number_changed(shipped: Path) -> None:
    msgid = next(
        e.msgid for e in polib.pofile(str(po_path(shipped, "es", SLUG))) if "42%" in e.msgid
    )
    entry = edit_entry(shipped, "es", msgid, lambda s: s.replace("42 %", "24 %"))
    finding = only(findings(shipped), "number")
    assert (finding.severity, finding.locale, finding.line, finding.msgid) == (
        "error",
        "es",
        entry.linenum,
        msgid,
    )
    assert finding.message == "number(s) of the source missing: 42"


def test_script_added(shipped: Path) -> None:
    entry = edit_entry(shipped, "de", "Hallucinations", lambda s: s + "<script>alert(1)</script>")
    finding = only(findings(shipped), "unsafe-html")
    assert (finding.severity, finding.locale, finding.line) == ("error", "de", entry.linenum)
    shipped_page = shipped / "output" / "de" / f"{SLUG}.html"
    from pipeline.cli import main

    assert main(["--root", str(shipped), "build"]) == 1
    assert "<script" not in shipped_page.read_text(encoding="utf-8")


def test_variant_spelling_in_the_source(shipped: Path) -> None:
    path = shipped / "source" / f"{SLUG}.md"
    text = path.read_text(encoding="utf-8").replace(
        "- Reduced effects of central sensitization\n",
        "- Reduced effects of central sensitisation\n",
    )
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index("- Reduced effects of central sensitisation") + 1
    found = [
        f
        for f in findings(shipped)
        if f.check == "glossary-variant-spelling" and "sensitisation" in f.message
    ]
    assert [(f.severity, f.locale, f.file, f.line, f.msgid) for f in found] == [
        ("warning", "en", f"source/{SLUG}.md", line, "Reduced effects of central sensitisation")
    ]


def test_missing_approved_translation_is_reported_once_per_term(shipped: Path) -> None:
    path = po_path(shipped, "fr", "glossary")
    po = polib.pofile(str(path))
    po.find("glutamate").msgstr = ""
    po.save(str(path))
    found = [f for f in findings(shipped) if f.check == "glossary-translation-missing"]
    assert [(f.locale, f.msgid) for f in found] == [("fr", "glutamate")]


def test_plain_version_over_its_target_lists_the_hardest_units(shipped: Path) -> None:
    hard = "Notwithstanding considerable interindividual heterogeneity, subanaesthetic ketamine administration demonstrates substantial analgesic efficacy in neuropathic conditions characterised by central sensitization in some adults who have lived with severe and persistent pain."
    translate_po(
        po_path(shipped, "en@plain", SLUG),
        lambda m: (
            hard
            if m.startswith("Interestingly")
            else polib.pofile(str(po_path(shipped, "en@plain", SLUG))).find(m).msgstr
        ),
    )
    (shipped / "pyproject.toml").write_text(
        (shipped / "pyproject.toml").read_text(encoding="utf-8")
        + '\n[tool.pipeline.readability."en@plain"]\nmetric = "flesch_kincaid_grade"\nmax = 5.0\n',
        encoding="utf-8",
    )
    result = check(read_project(load_config(shipped)))
    document = next(d for d in result.documents if d.locale == "en@plain")
    assert document.met is False and document.target == 5.0
    assert document.hardest[0].msgid.startswith("Interestingly")
    target = only(list(result.findings), "readability-target")
    assert target.locale == "en@plain" and "start with line" in target.message
    long_sentence = [f for f in result.findings if f.check == "plain-long-sentence"]
    assert [f.msgid[:13] for f in long_sentence] == ["Interestingly"]


def test_readability_equals_textstats_own_figures(shipped: Path) -> None:
    result = check(read_project(load_config(shipped)))
    po = polib.pofile(str(po_path(shipped, "es@plain", SLUG)))
    kinds = {u.msgid: u for u in read_project(load_config(shipped)).articles[0].units}
    texts = [e.msgstr for e in po if e.msgid in kinds and readability_kind(kinds[e.msgid].kind)]
    text = readability_formulas.document_text(texts)
    textstat.set_lang("es")
    document = next(d for d in result.documents if d.locale == "es@plain")
    assert document.scores["fernandez_huerta"] == round(textstat.fernandez_huerta(text), 2)
    assert document.scores["fernandez_huerta"] >= 70
    for unit in document.units:
        assert unit.score == round(textstat.fernandez_huerta(unit.text), 2), unit.text
    textstat.set_lang("en")


def readability_kind(kind: str) -> bool:
    from pipeline.checks.subject import BODY_KINDS

    return kind.startswith(BODY_KINDS)


def test_a_list_item_counts_as_a_sentence_and_markup_is_not_words() -> None:
    text = readability_formulas.document_text(
        ["Feeling very drowsy", "See the **[NHS page](https://www.nhs.uk/long/url)**.[^1]"]
    )
    assert text == "Feeling very drowsy. See the NHS page."
    assert textstat.sentence_count(text) == 2


def test_a_sentence_in_hindi_is_as_many_words_long_as_a_reader_counts() -> None:
    """The plain-language limit counts words: a vowel sign, a virama or a nasal mark is part of
    its word (counted by ``\\w`` alone, this 11-word sentence had 23 and was "too long")."""
    sentence = "डॉक्टर आपको बहुत कम खुराक देंगे और फिर धीरे-धीरे उसे बढ़ाएंगे।"
    assert readability_formulas.word_count(sentence) == len(sentence.split()) == 11


# Letters, the characters Markdown gives a meaning to, and white space of every kind.
_UNIT_TEXT = st.text(
    alphabet=st.sampled_from(list("aZé9 .,;:()'’%-+=>#*_`[]<>&!\\\t\n\r\x85\u2028\u00a0\x00|~")),
    max_size=24,
)


@settings(max_examples=3000, deadline=None)
@given(_UNIT_TEXT)
def test_plain_text_is_what_markdown_shows(markdown_text: str) -> None:
    """A sentence with nothing for Markdown to act on skips the parser: it must read the same,
    and have the same markup to keep."""
    shown = text_module.to_html(markdown_text)
    expected = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", shown))).strip()
    assert text_module.plain_text(markdown_text) == expected
    assert markup.shape(markdown_text) == markup.rendered_shape(markdown_text)


# Paragraphs and list items of words, an abbreviation the page defines, the characters Markdown
# acts on, and raw HTML whose text md_in_html keeps atomic: the page converter must give the same
# page with the inline pass skipped.
_RAW_HTML_BLOCK = '<div markdown="1">\n<div markdown="0">The NMDA word</div>\n</div>'
_PAGE_TEXT = st.lists(
    st.one_of(
        st.lists(
            st.sampled_from(
                [*"aZé9 .,;:()'’-+>#*_`[]<>&!\\|{}\n", "NMDA", "- ", "1. ", "word ", "    "]
            ),
            max_size=30,
        ).map("".join),
        st.just(_RAW_HTML_BLOCK),
    ),
    min_size=1,
    max_size=4,
).map(lambda blocks: "\n\n".join(blocks) + "\n\n*[NMDA]: N-methyl-D-aspartate\n")


@settings(max_examples=1000, deadline=None)
@given(_PAGE_TEXT)
def test_a_page_is_the_same_when_its_plain_texts_skip_the_inline_pass(document: str) -> None:
    from pipeline.source.frontmatter import FrontMatterError
    from pipeline.source.segment import make_markdown

    def keep(text: str, kind: str) -> None:
        return None

    skipping = make_markdown(keep)
    inlining = make_markdown(keep)
    inlining.treeprocessors.deregister("inert-texts")
    inlining.treeprocessors.deregister("inert-texts-done")

    def converted(md: Any) -> str:  # a document opening with '---' may be no front matter at all
        try:
            return str(md.convert(document))
        except FrontMatterError as error:
            return f"refused: {error}"

    assert converted(skipping) == converted(inlining)


def test_no_formula_is_said_not_guessed() -> None:
    assert readability_formulas.formulas_for("ja") == []
    assert readability_formulas.scores("テキスト。", "ja") == {}


def test_json_report_has_the_documented_keys(shipped: Path, run) -> None:
    code, out, _ = run(shipped, "check", "--format", "json")
    data = json.loads(out)
    assert code == 0 and set(data) >= {"documents", "findings"}
    document = data["documents"][0]
    assert set(document) >= {"article", "locale", "readability"}
    assert set(document["readability"]) >= {"scores", "metric", "target", "met", "hardest", "units"}
    assert len(document["readability"]["units"]) == document["readability"]["units_scored"]
    assert {d["locale"] for d in data["documents"]} == {
        "en",
        "es",
        "de",
        "fr",
        "ar",
        "en@plain",
        "es@plain",
    }
    for finding in data["findings"]:
        assert set(finding) == {
            "check",
            "severity",
            "article",
            "locale",
            "file",
            "line",
            "msgid",
            "message",
            "deliberate",
            "msgstr",
        }
    run(shipped, "build")
    assert (
        json.loads((shipped / "output" / "reports" / "report.json").read_text(encoding="utf-8"))
        == data
    )


def test_textstat_works_without_a_network() -> None:
    """textstat must not fetch the CMU dictionary (NLTK) at first use: run it with sockets disabled."""
    code = (
        "import socket\n"
        "def refuse(*a, **k): raise OSError('network disabled in this test')\n"
        "socket.socket = refuse; socket.create_connection = refuse\n"
        "from pipeline.language import formulas as readability\n"
        "print(readability.scores('Ketamine is an anaesthetic. It can relieve pain.', 'en')['flesch_kincaid_grade'])\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert float(result.stdout) < 12


INTRO = 'An introduction with **far longer** relief, a [NHS page](https://www.nhs.uk/ "NHS website") and a pain score of `0–10`. It continues on a second line and cites a study.[^study]'
GOOD_INTRO = 'Una introducción con un alivio **mucho más largo**, una [página del NHS](https://www.nhs.uk/ "Sitio web del NHS") y una puntuación de dolor de `0–10`. Continúa en una segunda línea y cita un estudio.[^study]'


@pytest.mark.parametrize(
    ("broken", "check_id", "words"),
    [
        (
            GOOD_INTRO.replace("https://www.nhs.uk/", "https://www.nhs.es/"),
            "link-target",
            "https://www.nhs.es/",
        ),
        (GOOD_INTRO.replace("`0–10`", "0–10"), "code-span", "0–10"),
        (GOOD_INTRO.replace("[^study]", ""), "footnote-marker", "study"),
        (GOOD_INTRO.replace("**mucho más largo**", "mucho más largo"), "emphasis", "1 emphasised"),
        (GOOD_INTRO.replace("**mucho más largo**", "**mucho más largo"), "broken-markdown", "**"),
        (GOOD_INTRO + " ", "whitespace", "spaces"),
    ],
)
def test_markup_faults_in_a_translation(site: Path, broken: str, check_id: str, words: str) -> None:
    translate_po(po_path(site, "es"), lambda m: broken if m == INTRO else f"ES {m}")
    found = [f for f in findings(site) if f.locale == "es" and f.msgid == INTRO]
    assert [f.check for f in found] == [check_id]
    assert words in found[0].message
    entry = polib.pofile(str(po_path(site, "es"))).find(INTRO)
    assert (found[0].file, found[0].line) == ("locales/es/LC_MESSAGES/feature.po", entry.linenum)


def test_correct_translation_of_the_markup_has_no_finding(site: Path) -> None:
    translate_po(po_path(site, "es"), lambda m: GOOD_INTRO if m == INTRO else f"ES {m}")
    assert not [f for f in findings(site) if f.msgid == INTRO]


def test_long_text_left_in_english_is_a_warning_unless_a_note_says_why(site: Path) -> None:
    long = "A repeated heading above, and a last paragraph with 42% of patients."
    translate_po(po_path(site, "es"), lambda m: m if m == long else f"ES {m}")
    assert [f.check for f in findings(site) if f.msgid == long] == ["untranslated-identical"]
    po = polib.pofile(str(po_path(site, "es")))
    po.find(long).tcomment = "Quotation kept in English."
    po.save(str(po_path(site, "es")))
    assert not [f for f in findings(site) if f.msgid == long]


def test_incomplete_and_outdated_catalogues_are_reported(site: Path) -> None:
    translate_po(po_path(site, "es"), lambda m: "" if m == "Dose" else f"ES {m}", fuzzy={"Time"})
    path = site / "source" / "feature.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nA new paragraph.\n", encoding="utf-8")
    found = {f.check: f for f in findings(site) if f.locale == "es" and f.article == "feature"}
    assert "1 untranslated and 1 fuzzy" in found["incomplete"].message
    assert "pipeline update" in found["catalogue-outdated"].message


def test_rare_word_in_a_plain_version_is_flagged_unless_the_glossary_explains_it(
    shipped: Path,
) -> None:
    msgid = "Feeling drowsy and sleepy"
    entry = edit_entry(
        shipped,
        "en@plain",
        msgid,
        lambda s: "You may feel crapulous and sleepy, like a sedative makes you feel.",
    )
    found = [
        f for f in findings(shipped) if f.check == "plain-rare-word" and f.locale == "en@plain"
    ]
    assert [(f.line, f.severity, f.msgid) for f in found] == [(entry.linenum, "warning", msgid)]
    assert found[0].message.endswith(": crapulous")  # "sedative" is explained by the glossary


def test_inflected_forms_of_everyday_words_are_not_rare(shipped: Path) -> None:
    msgid = "Feeling drowsy and sleepy"
    edit_entry(
        shipped, "es@plain", msgid, lambda s: "Los médicos le vigilarán y le conectarán a la vía."
    )
    assert not [f for f in findings(shipped) if f.check == "plain-rare-word" and f.msgid == msgid]


def test_a_rare_word_in_hindi_is_named_whole() -> None:
    """The word "ketamine" written in Devanagari is rare, and named as written. Cut at its vowel signs it
    was four pieces of one or two letters, each too short to be looked up, and nothing was said."""
    from pipeline.checks import plain

    text = "डॉक्टर आपको केटामाइन की बहुत कम खुराक देंगे।"
    assert plain.rare_words(text, "hi", frozenset()) == ["केटामाइन"]


def test_terminal_summary_shows_the_version_too_hard_and_the_error_where_to_act(
    shipped: Path, run
) -> None:
    (shipped / "pyproject.toml").write_text(
        (shipped / "pyproject.toml").read_text(encoding="utf-8")
        + '\n[tool.pipeline.readability."es@plain"]\nmetric = "fernandez_huerta"\nmin = 95\n',
        encoding="utf-8",
    )
    code, out, _ = run(shipped, "check")
    assert code == 1
    row = next(line for line in out.splitlines() if line.startswith("es@plain "))
    assert (
        "Fernández-Huerta" in row and "(≥95) TOO HARD" in row and row.split()[-2] == "1"
    )  # errors column
    error = next(line for line in out.splitlines() if "[readability-target]" in line)
    assert error.startswith(
        f"locales/es@plain/LC_MESSAGES/{SLUG}.po: error: [readability-target] Fernández-Huerta is "
    )
    assert "words per sentence" in error and "start with line" in error
    assert out.splitlines()[-1].startswith("1 error(s)")


def test_summary_translated_share_counts_fuzzy_and_empty_entries_as_not_done(
    site: Path, run
) -> None:
    translate_po(po_path(site, "es"), lambda m: "" if m == "Dose" else f"ES {m}", fuzzy={"Time"})
    for domain in ("ui", "glossary"):
        translate_po(po_path(site, "es", domain), lambda m: f"ES {m}")
    # The page also shows 15 interface texts and, for its two glossary terms, 5 glossary texts.
    total = len(polib.pofile(str(po_path(site, "es")))) + 15 + 5
    _code, out, _ = run(site, "check")
    rows = {
        line.split()[0]: line
        for line in out.splitlines()[1:]
        if line.startswith(("es ", "ar ")) and " feature " in line
    }
    assert f" {100 * (total - 2) / total:.0f} %" in rows["es"]
    assert "   0 %" in rows["ar"]  # nothing translated yet


# --- numbers written as the reader's language writes them ----------------------------------------

from pipeline.language import terms as glossary_terms  # noqa: E402

DECADE_SOURCE = "Ketamine was first used in hospitals in the 1960s. It was approved in 1970."


@pytest.mark.parametrize(
    "translation",
    [
        "استُخدم الكيتامين لأول مرة في المستشفيات في الستينيات من القرن الماضي، ووُوفق عليه عام 1970.",
        "استُخدم الكيتامين في الستينات، ووُوفق عليه عام ١٩٧٠.",
        "Se usó por primera vez en los años sesenta y se aprobó en 1970.",
        "Es wurde in den Sechzigerjahren erstmals verwendet und 1970 zugelassen.",
        "Es wurde in den sechziger Jahren erstmals verwendet und 1970 zugelassen.",
        "Elle a été utilisée dans les années soixante et approuvée en 1970.",
        "It was first used in the sixties and approved in 1970.",
    ],
)
def test_a_decade_named_in_words_keeps_the_number(translation: str) -> None:
    assert markup.number_problem(DECADE_SOURCE, translation) == (None, None)


def test_a_decade_in_words_must_be_the_same_decade() -> None:
    assert (
        markup.number_problem(
            DECADE_SOURCE, "Elle a été utilisée dans les années soixante-dix et approuvée en 1970."
        )[0]
        == "number(s) of the source missing: 1960"
    )
    assert (
        markup.number_problem(DECADE_SOURCE, "استُخدم في الخمسينيات، ووُوفق عليه عام 1970.", "ar")[0]
        == "number(s) of the source missing: 1960"
    )
    # "sixty" alone is not the decade, nor is a plain year in words
    assert (
        markup.number_problem("In the 1960s.", "Con sesenta pacientes.")[0]
        == "number(s) of the source missing: 1960"
    )


def test_digits_of_other_scripts_are_the_same_digits() -> None:
    assert markup.number_problem(
        "42% in 1970, 1,000 people, 0.5 mg", "٤٢٪ عام ١٩٧٠، ١٬٠٠٠ شخص، ٠٫٥ ملغ"
    ) == (None, None)
    assert markup.number_problem("in 1970", "در سال ۱۹۷۰") == (None, None)  # Persian digits
    assert markup.number_problem("42%", "٢٤٪")[0] == "number(s) of the source missing: 42"


def test_a_small_number_in_words_of_the_translation_language_keeps_the_number() -> None:
    assert markup.number_problem("for between 7 and 14 days", "durante entre siete y 14 días") == (
        None,
        None,
    )
    assert markup.number_problem("for 7 days", "لمدة سبعة أيام", "ar") == (None, None)
    assert markup.number_problem("for 3 days", "pendant trois jours") == (
        None,
        None,
    )  # language not told: any table
    assert markup.number_problem("for 2 days", "für zwei Tage und die Nacht") == (None, None)


def test_a_number_in_words_must_have_the_same_value() -> None:
    assert (
        markup.number_problem("for 3 days", "pendant deux jours")[0]
        == "number(s) of the source missing: 3"
    )
    assert (
        markup.number_problem("for 3 days", "لمدة ثلاثة عشر يومًا", "ar")[0]
        == "number(s) of the source missing: 3"
    )  # 13
    assert (
        markup.number_problem("for 14 days", "durante catorce días")[0]
        == "number(s) of the source missing: 14"
    )  # only 2 to 12
    assert markup.number_problem("for 7 days and 7 nights", "durante siete días y 7 noches") == (
        None,
        None,
    )
    assert (
        markup.number_problem("7 days, 7 nights", "siete días y las noches")[0]
        == "number(s) of the source missing: 7"
    )


def test_a_word_that_means_something_else_in_another_language_is_not_a_number_when_the_language_is_unknown() -> (
    None
):
    assert (
        markup.number_problem("2 sites", "Mal de dos")[0] == "number(s) of the source missing: 2"
    )  # French: back
    assert markup.number_problem("2 days", "durante dos días con el médico", "es") == (
        None,
        None,
    )  # the check says: Spanish


def test_shipped_arabic_sentence_may_name_the_decade_in_words_and_write_digits_as_arabic_readers_do(
    shipped: Path,
) -> None:
    msgid = next(
        e.msgid for e in polib.pofile(str(po_path(shipped, "ar", SLUG))) if "1960s" in e.msgid
    )
    entry = edit_entry(shipped, "ar", msgid, lambda s: s.replace("1970", "١٩٧٠"))
    assert "ستينيات" in entry.msgstr and "1960" not in entry.msgstr and "١٩٧٠" in entry.msgstr
    assert not [f for f in findings(shipped) if f.check == "number" and f.locale == "ar"]
    edit_entry(
        shipped, "ar", msgid, lambda s: s.replace("ستينيات", "خمسينيات")
    )  # the 1950s: wrong decade
    assert only(findings(shipped), "number").message == "number(s) of the source missing: 1960"


# --- compounds that contain the approved term ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "approved"),
    [
        ("Ketamin-Infusionen sind sicher.", "Infusion"),
        ("Ketamininfusionen sind sicher.", "Infusion"),
        ("Ketamininfusionen sind sicher.", "Ketamin-Infusion"),
        ("Ketamin-Infusionen sind sicher.", "Ketamininfusion"),
        ("Während der Ketamin-Infusion liegen Sie.", "Ketamin-Infusion"),
        ("Die Infusionsbehandlung mit Ketamin", "Infusion"),
        ("an den NMDA-Rezeptoren", "NMDA-Rezeptor"),
    ],
)
def test_a_german_compound_that_contains_the_approved_term_passes(text: str, approved: str) -> None:
    assert glossary_terms.mentions(text, approved, "de")


@pytest.mark.parametrize(
    ("text", "approved"),
    [
        ("Die Infusion läuft.", "Ketamin-Infusion"),  # half the term
        ("Ketamin als Tablette", "Ketamininfusion"),
        ("Ketamin und eine Infusion", "Ketamininfusion"),  # not one compound
    ],
)
def test_a_compound_match_still_needs_the_whole_term(text: str, approved: str) -> None:
    assert not glossary_terms.mentions(text, approved, "de")


def test_compounds_join_only_in_languages_that_glue_words() -> None:
    assert not glossary_terms.mentions("Les perfusions", "perfusion-kétamine", "fr")


def test_shipped_german_may_write_ketamine_infusion_as_one_compound(shipped: Path) -> None:
    path = po_path(shipped, "de", SLUG)
    po = polib.pofile(str(path))
    for entry in po:
        entry.msgstr = entry.msgstr.replace("Infusionen mit Ketamin", "Ketamin-Infusionen").replace(
            "Ketamin-Infusionen", "Ketamininfusionen"
        )
    po.save(str(path))
    assert not [f for f in findings(shipped) if f.check.startswith("glossary") and f.locale == "de"]


@pytest.mark.parametrize("language", ["en", "es", "de", "fr", "ar"])
def test_the_kept_vocabulary_answers_as_wordfreq_does(language: str) -> None:
    """The plain-language check keeps only the words at or above its Zipf threshold (wordfreq's
    full lists take tens of MB a language). For words on both sides of the threshold, in the
    bands where rounding decides, and for the shipped article's words, the answer must be
    wordfreq's own ``zipf_frequency(word) >= RARE_ZIPF``."""
    import itertools

    import wordfreq

    from pipeline.checks import plain
    from pipeline.language import terms

    bands = wordfreq.get_frequency_list(language)
    edge = next(i for i in range(len(bands)) if plain._band_zipf(i) < plain.RARE_ZIPF)
    near = [w for band in bands[max(0, edge - 3) : edge + 3] for w in band[:40]]
    top = list(itertools.islice(itertools.chain.from_iterable(bands), 200))
    article = (REPO / "source" / "ketamine-infusions-chronic-pain.md").read_text(encoding="utf-8")
    words = [w for w in dict.fromkeys(near + top + terms.words(article, "en")) if w.isalpha()]
    expected = {w: wordfreq.zipf_frequency(w, language) >= plain.RARE_ZIPF for w in words}
    assert any(expected.values()) and not all(expected.values())
    assert {w: plain._frequent(w, language) for w in words} == expected
