"""WCAG 3.1 on the shipped pages, where no automated tool looks: words explained, abbreviations
expanded, language of parts marked, pronunciation given, plain versions linked."""

from __future__ import annotations

import posixpath
import re
import shutil
import xml.etree.ElementTree as etree
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.cli import main
from pipeline.model import Word
from pipeline.render import annotate
from tests.conftest import REPO
from tests.pages import Element, read

SLUG = "ketamine-infusions-chronic-pain"


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("shipped")
    for name in ("source", "locales"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "pyproject.toml", root)
    assert main(["--root", str(root), "build"]) == 0
    return root / "output"


def page(output: Path, rel: str) -> Element:
    return read(output / rel / f"{SLUG}.html")


def words_box(doc: Element) -> dict[str, tuple[str, str]]:
    """anchor -> (term, explanation) from the "Words to know" box."""
    aside = doc.find_all("aside")[0]
    terms = {dt.attrs["id"]: dt.text.strip() for dt in aside.find_all("dt")}
    explanations = [dd.text.strip() for dd in aside.find_all("dd")]
    return {
        anchor: (term, text)
        for (anchor, term), text in zip(terms.items(), explanations, strict=False)
    }


@pytest.mark.parametrize("rel", ["en", "es", "de", "fr", "ar", "en/plain", "es/plain"])
def test_every_term_linked_in_the_article_is_explained_in_the_page_language(
    output: Path, rel: str
) -> None:
    doc = page(output, rel)
    box = words_box(doc)
    links = [
        a.attrs["href"][1:]
        for a in doc.find_all("article")[0].find_all("a")
        if a.attrs.get("class") == "term"
    ]
    assert len(links) == len(set(links)) >= 20, "each term is linked at its first use only"
    assert set(links) <= set(box)
    for dd in doc.find_all("aside")[0].find_all("dd"):
        assert "lang" not in dd.attrs, f"{rel}: a definition fell back to English: {dd.text[:60]}"


def test_spanish_words_box_uses_the_translated_glossary(output: Path) -> None:
    box = words_box(page(output, "es"))
    term, explanation = box["term-central-sensitization"]
    assert term.startswith("sensibilización central")
    assert "nervios" in explanation or "cerebro" in explanation


def test_pronunciation_is_shown_where_the_term_is_explained(output: Path) -> None:
    assert "KET-uh-meen" in words_box(page(output, "en"))["term-ketamine"][1]
    assert "ke-ta-MI-na" in words_box(page(output, "es"))["term-ketamine"][1]


def test_abbreviations_are_expanded_at_first_use_only(output: Path) -> None:
    html = (output / "en" / f"{SLUG}.html").read_text(encoding="utf-8")
    article = html[html.index("<article") : html.index("</article>")]
    assert len(re.findall(r'<abbr[^>]* title="N-methyl-D-aspartate">NMDA</abbr>', article)) == 1
    assert article.count("NMDA") >= 3  # the other uses stay plain text
    assert article.index("<abbr") < article.index("NMDA") + 40


def test_an_abbreviation_of_the_page_language_is_expanded_in_that_language(output: Path) -> None:
    html = (output / "es" / f"{SLUG}.html").read_text(encoding="utf-8")
    assert re.search(r'<abbr[^>]* title="síndrome de dolor regional complejo">SDRC</abbr>', html)
    assert re.search(r'<abbr[^>]* title="N-metil-D-aspartato">NMDA</abbr>', html)


def test_english_words_inside_translations_carry_lang(output: Path) -> None:
    arabic = page(output, "ar")
    spans = {
        s.text: s.attrs
        for s in arabic.find_all("article")[0].find_all("span")
        if s.attrs.get("lang")
    }
    assert spans["special K"] == {"lang": "en", "dir": "ltr"}
    assert all(attrs == {"lang": "en", "dir": "ltr"} for attrs in spans.values())
    spanish = page(output, "es")
    assert any(
        s.text.lower() == "wind-up" and s.attrs.get("lang") == "en"
        for s in spanish.find_all("span")
    )


def test_citations_kept_in_english_are_marked_english(output: Path) -> None:
    items = [li for li in page(output, "fr").find_all("li") if li.text.startswith("Culp C")]
    assert items and items[0].attrs.get("lang") == "en"


@pytest.mark.parametrize(
    ("rel", "counterpart"),
    [("en", "en/plain"), ("es", "es/plain"), ("en/plain", "en"), ("es/plain", "es")],
)
def test_reading_level_link_is_prominent_and_reciprocal(
    output: Path, rel: str, counterpart: str
) -> None:
    """The first link of the main content leads to the other reading level of the same language."""
    first_link = page(output, rel).find_all("main")[0].find_all("a")[0]
    resolved = posixpath.normpath(posixpath.join(rel, first_link.attrs["href"]))
    assert resolved == f"{counterpart}/{SLUG}.html"


def test_pages_without_a_plain_version_do_not_pretend_to_have_one(output: Path) -> None:
    for rel in ("de", "fr", "ar"):
        assert "reading-level" not in (output / rel / f"{SLUG}.html").read_text(encoding="utf-8")


def test_ui_words_are_translated_on_every_page(output: Path) -> None:
    for rel, words in [
        ("es", "Saltar"),
        ("de", "Zum Inhalt"),
        ("fr", "Aller au contenu"),
        ("ar", "انتقل"),
    ]:
        skip = page(output, rel).find_all("a")[0]
        assert skip.attrs.get("class") == "skip-link" and skip.text.startswith(words), (
            rel,
            skip.text,
        )
        assert not re.search(
            r'<span lang="en">',
            (output / rel / f"{SLUG}.html").read_text(encoding="utf-8").split("<article")[0],
        )


# --- first uses linked in one pass: the links a search per term from the top would make ---------

_TERMS = ["ketamine", "ketamine infusion", "infusion", "pain", "Schmerz", "Ketamininfusion"]
_FILLER = ["the", "a", "of", "Ketamin-Infusionen", "infusions", "painful", "\x02wzxhzdk:0\x03"]
_PIECE = st.lists(st.sampled_from(_TERMS + _FILLER), max_size=6).map(" ".join)
_CHILD = st.tuples(st.sampled_from(["em", "code", "strong", "abbr"]), _PIECE, _PIECE)
_PARAGRAPH = st.tuples(st.sampled_from(["p", "li", "h2"]), _PIECE, st.lists(_CHILD, max_size=3))


def _tree(paragraphs: list[tuple[str, str, list[tuple[str, str, str]]]]) -> etree.Element:
    root = etree.Element("div")
    for tag, text, children in paragraphs:
        block = etree.SubElement(root, tag)
        block.text = text
        for child_tag, child_text, tail in children:
            child = etree.SubElement(block, child_tag)
            child.text, child.tail = child_text, tail
    return root


def _linked_per_term(root: etree.Element, words: list[Word], language: str) -> None:
    """The reference: each term in turn, searched from the top of the page."""
    linkable = annotate._outside(root, lambda e: e.tag in annotate.NO_LINKS_INSIDE)
    for word in words:
        found = False
        for el in linkable:
            pieces = [None, *el] if not found else []
            for after in pieces:
                text = el.text if after is None else after.tail
                if text and annotate._wrap(el, after, word, language) is not None:
                    found = True
                    break


@settings(max_examples=500, deadline=None)
@given(st.lists(_PARAGRAPH, min_size=1, max_size=4), st.sampled_from(["en", "de"]))
def test_terms_are_linked_as_a_search_per_term_would_link_them(
    paragraphs: list[tuple[str, str, list[tuple[str, str, str]]]], language: str
) -> None:
    words = [Word(f"term-{i}", term, "…") for i, term in enumerate(_TERMS)]
    one_pass, per_term = _tree(paragraphs), _tree(paragraphs)
    linkable = annotate._outside(one_pass, lambda e: e.tag in annotate.NO_LINKS_INSIDE)
    annotate._link_first_uses(linkable, words, language)
    _linked_per_term(per_term, words, language)
    assert etree.tostring(one_pass) == etree.tostring(per_term)


# Letters whose lower case is longer (İ), changes with its neighbours (Σ), or is already lower;
# Arabic words with harakat inside; joiners and digits: what decides how a text splits into words.
_WORDY = st.lists(
    st.sampled_from(
        [
            *"aAeIıİßΣσςéÉ'’_-7 .",
            "Ketamin",
            "NMDA",
            "الكيتامين",
            "ك\u064eيت\u0627م\u0650ين",
            "\u0651",
            "慢性疼痛", "点滴", "ケタミン", "ー", "ยา", "\u0e49", "दवा", "\u094d", "통증을", "수액",
        ]
    ),
    max_size=40,
).map("".join)  # fmt: skip


@settings(max_examples=2000, deadline=None)
@given(_WORDY, st.sampled_from(["en", "de", "tr", "el", "ar", "hi", "ja", "th", "ko"]))
def test_the_order_of_first_uses_is_read_from_the_same_words_a_link_is_placed_on(
    text: str, language: str
) -> None:
    """A page's terms are put in order of first use from the text's stems alone (no places):
    that is right only if those stems are, word for word, the ones whose places a link uses."""
    from pipeline.language import terms

    placed = tuple(stem for _, _, stem in terms._token_stems(text, language))
    assert terms._word_stems(text, language) == placed


def test_a_term_vocalised_inside_a_word_is_linked_whole() -> None:
    """Harakat are marks, not letters: a word written with them is the word without them, and
    the link covers it whole (a search by word stopped at the first mark and missed it)."""
    plain = "الكيتامين"
    vocalised = "الك\u0650يتام\u0650ين"
    root = _tree([("p", f"يعمل {vocalised} على مستقبلات NMDA.", [])])
    linkable = annotate._outside(root, lambda e: e.tag in annotate.NO_LINKS_INSIDE)
    annotate._link_first_uses(linkable, [Word("ketamine", plain, "…")], "ar")
    links = [e for e in root.iter() if e.tag == "a"]
    assert [link.text for link in links] == [vocalised]


def test_a_hindi_term_ending_in_a_vowel_sign_is_linked_whole() -> None:
    """A vowel sign is part of its syllable: a link that ended before it ("दव" then "ा") cut a
    written syllable in two, which a browser draws as a vowel sign on a dotted circle."""
    root = _tree([("p", "डॉक्टर आपको दवा देंगे।", [])])
    linkable = annotate._outside(root, lambda e: e.tag in annotate.NO_LINKS_INSIDE)
    annotate._link_first_uses(linkable, [Word("medicine", "दवा", "…")], "hi")
    links = [e for e in root.iter() if e.tag == "a"]
    assert [(link.text, link.tail) for link in links] == [("दवा", " देंगे।")]


# Scripts whose words carry combining marks: Devanagari vowel signs and virama, Arabic harakat,
# a Latin accent written apart (NFD); and what separates words.
_MARKED = st.lists(
    st.sampled_from(
        [
            "दवा", "दर्द", "क", "\u093e", "\u094d", "\u0902", "ك\u064eيت", "\u0650",
            "e\u0301", "cafe", "-", " ", "।", ".", "慢性", "点滴", "ยา", "\u0e49", "ปวด",
        ]
    ),
    min_size=1,
    max_size=20,
).map("".join)  # fmt: skip


@settings(max_examples=1500, deadline=None)
@given(_MARKED, st.sampled_from(["hi", "ar", "en", "de", "ja", "th"]), st.integers(min_value=0))
def test_a_term_found_on_a_page_is_whole_words_in_every_script(
    text: str, language: str, pick: int
) -> None:
    """Whatever word of a text is the term, the place a link is put on starts and ends between
    words: no mark left outside it, no letter of its word before it. In a language written
    without spaces (Japanese, Thai) a term is found inside a run of text, but never cuts a
    written character from its marks."""
    import unicodedata

    from pipeline.language import terms

    candidates = [w for w in re.split(r"[- ।.]+", text) if terms.stems(w, language)]
    if not candidates:
        return
    term = candidates[pick % len(candidates)]
    span = terms.find_term(text, term, language)
    assert span is not None, term
    start, end = span
    after, before = text[end : end + 1], text[start - 1 : start] if start else ""
    assert not after or not unicodedata.category(after).startswith("M"), (text, term, span)
    if language not in terms.UNSPACED:
        assert not before or unicodedata.category(before)[0] not in "LM", (text, term, span)


def test_terms_in_japanese_are_linked_as_written() -> None:
    """No space separates Japanese words: each term is found as its characters, and linked."""
    root = _tree([("p", "慢性疼痛に対するケタミン点滴にも長所と短所があります。", [])])
    linkable = annotate._outside(root, lambda e: e.tag in annotate.NO_LINKS_INSIDE)
    words = [Word("infusion", "点滴", "…"), Word("chronic-pain", "慢性疼痛", "…")]
    annotate._link_first_uses(linkable, words, "ja")
    links = [(e.text, e.get("href")) for e in root.iter() if e.tag == "a"]
    assert links == [("慢性疼痛", "#chronic-pain"), ("点滴", "#infusion")]


_STEMS = st.sampled_from(["ket", "ketamin", "infus", "ketamininfus", "a", "ab", "nmda", "schmerz"])


@settings(max_examples=2000, deadline=None)
@given(st.lists(_STEMS, max_size=12), st.lists(_STEMS, max_size=5), st.booleans())
def test_a_term_is_found_where_a_word_by_word_search_finds_it(
    text: list[str], term: list[str], inside: bool
) -> None:
    """The search jumps to the words that can start the term; a word-by-word search is the
    definition: the first place where each of the term's stems is the word (or, in a language
    of compounds, inside it, from three letters). A term longer than the text by two words or
    more ("complex regional pain syndrome" asked of "complex regional") is simply not there."""
    from pipeline.language import terms

    def same(word: str, stem: str) -> bool:
        return word == stem or (inside and len(stem) >= 3 and stem in word)

    expected = next(
        (
            start
            for start in range(len(text) - len(term) + 1)
            if term and all(same(text[start + i], stem) for i, stem in enumerate(term))
        ),
        None,
    )
    assert terms._first_window(tuple(text), tuple(term), inside) == expected


# --- Headings as a publisher expects them: one h1, ids of their own, a working [TOC] ----------

CALLOUTS = """---
title: Flu vaccine for adults
---

<div class="callout"><h1>Urgent advice</h1><p>Call 999 if you cannot breathe.</p></div>

[TOC]

Most adults get the vaccine in autumn.

<div class="nhs"><h2 id="who">Who should have it</h2><p>People over 65.</p></div>

## Content

What the vaccine contains, see [below](#content).

# Side effects

A sore arm for a day or two.

## Words to know

Some words.

## Central sensitization

The term's own heading.
"""


@pytest.fixture(scope="module")
def callouts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A page written by others: a front matter title, HTML callouts with headings, a second
    ``#`` heading, headings named like the page's own ids, a ``[TOC]``; Spanish in capitals,
    Arabic untranslated (every heading falls back)."""
    from tests.conftest import DATA, po_path, translate_po

    root = tmp_path_factory.mktemp("callouts") / "site"
    shutil.copytree(DATA / "site", root)
    (root / "source" / "feature.md").unlink()
    (root / "source" / "flu.md").write_text(CALLOUTS, encoding="utf-8")
    assert main(["--root", str(root), "init", "es", "ar"]) == 0
    translate_po(po_path(root, "es", "flu"), lambda m: m.upper().replace("#CONTENT", "#content"))
    assert main(["--root", str(root), "build"]) in (0, 1)
    return root / "output"


@pytest.mark.parametrize("rel", ["en", "es", "ar"])
def test_the_title_is_the_one_h1_and_other_h1s_become_h2(callouts: Path, rel: str) -> None:
    """The front matter title, not the h1 of a raw HTML callout; a second ``#`` heading is a section."""
    doc = read(callouts / rel / "flu.html")
    h1s = doc.find_all("h1")
    assert [h.text.strip().casefold() for h in h1s] == ["flu vaccine for adults"]
    assert doc.find_all("title")[0].text.casefold().startswith("flu vaccine for adults")
    h2s = [h.text.strip().casefold() for h in doc.find_all("h2")]
    assert "urgent advice" in h2s and "side effects" in h2s


@pytest.mark.parametrize("rel", ["en", "es", "ar"])
def test_heading_ids_never_collide_with_the_page_or_each_other(callouts: Path, rel: str) -> None:
    doc = read(callouts / rel / "flu.html")
    ids = [e.attrs["id"] for e in doc.iter() if "id" in e.attrs]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    main_ = doc.find_all("main")[0]
    assert main_.attrs["id"] == "content" and main_.parent.tag == "body"
    article = doc.find_all("article")[0]
    assert article.attrs["id"] == "article"
    heading_ids = {h.attrs.get("id") for h in article.find_all("h2")}
    assert not heading_ids & {"content", "article", "words-to-know", "term-central-sensitization"}
    # the author's link to their own "#content" heading follows it to its new id
    link = next(a for a in article.find_all("a") if a.text.strip().casefold() == "below")
    target = next(e for e in doc.iter() if e.attrs.get("id") == link.attrs["href"][1:])
    assert target.tag == "h2" and target.text.strip().casefold() == "content"


def _toc(doc: Element) -> list[Element]:
    tocs = [e for e in doc.iter() if e.attrs.get("class") == "toc"]
    assert len(tocs) == 1
    return tocs[0].find_all("a")


@pytest.mark.parametrize("rel", ["en", "es", "ar"])
def test_toc_lists_every_section_in_the_language_it_is_shown_in(callouts: Path, rel: str) -> None:
    """Headings written in raw HTML too; each entry links to its heading and has its language."""
    doc = read(callouts / rel / "flu.html")
    entries = _toc(doc)
    ids = {e.attrs["id"]: e for e in doc.iter() if "id" in e.attrs}
    sections = [h for h in doc.find_all("article")[0].iter() if h.tag in {"h2", "h3"}]
    assert [a.attrs["href"][1:] for a in entries] == [h.attrs["id"] for h in sections]
    for entry in entries:
        heading = ids[entry.attrs["href"][1:]]
        assert entry.text == heading.text.strip()
        shown_in = next((n.attrs["lang"] for n in _ancestors(heading) if "lang" in n.attrs), "en")
        page_lang = {"en": "en", "es": "es", "ar": "ar"}[rel]
        assert entry.attrs.get("lang", page_lang) == shown_in, entry.text
    if rel == "es":
        assert "CONTENT" in [a.text for a in entries]
        assert not any("lang" in a.attrs for a in entries if a.text.isupper())


def _ancestors(el: Element) -> list[Element]:
    found = []
    node: Element | None = el
    while node is not None:
        found.append(node)
        node = node.parent
    return found


@pytest.mark.parametrize("name", ["index", "sitemap", "reports", "media", "assets", "plain"])
def test_an_article_named_like_a_file_of_the_site_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    from tests.conftest import DATA

    root = tmp_path / "site"
    shutil.copytree(DATA / "site", root)
    shutil.copy(root / "source" / "feature.md", root / "source" / f"{name}.md")
    capsys.readouterr()
    assert main(["--root", str(root), "build"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert f"source/{name}.md" in err and "rename" in err
    assert not (root / "output").exists()


def test_pages_with_callouts_and_a_toc_are_valid_and_accessible(callouts: Path) -> None:
    """Nu HTML Checker and axe-core at zero on the pages the heading rules rewrite."""
    from tests.a11y_tools import format_violations, format_vnu, require_tools, run_axe, vnu_messages

    require_tools()
    files = [callouts / rel / "flu.html" for rel in ("en", "es", "ar")]
    errors = [m for m in vnu_messages(files) if m.get("type") == "error"]
    assert not errors, format_vnu(errors)
    failing = [r for r in run_axe(files) if r["violations"]]
    assert not failing, format_violations(failing)
