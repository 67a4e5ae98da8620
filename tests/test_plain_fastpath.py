"""The plain check answers a plain Latin word from its kept word list without importing wordfreq:
these tests hold that answer equal to what wordfreq's own tokenizer would have looked up."""

from __future__ import annotations

import subprocess
import sys

import pytest
import wordfreq
from hypothesis import given, settings
from hypothesis import strategies as st
from wordfreq.tokens import lossy_tokenize

from pipeline.checks import plain

# the fast path's letters, and around them what must send a word to wordfreq
LATIN = "".join(
    chr(c)
    for c in (*range(0x41, 0x5B), *range(0x61, 0x7B), *range(0xC0, 0x100))
    if chr(c).isalpha()
)
OTHERS = "'’-0123456789İıİµªºſﬁ\u0301\u0308\u0640\u064eءاب·ǅȘșŞşẞ "


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(sorted(plain._PLAIN_LATIN)),
    st.text(alphabet=LATIN + OTHERS, min_size=1, max_size=12),
)
def test_a_word_on_the_fast_path_is_wordfreqs_one_token(language: str, word: str) -> None:
    """Generated words of Latin letters, mixed case, ß, ÿ, with apostrophes, hyphens, digits,
    combining accents, dotted İ, ligatures, tatweel and harakat mixed in: every word the fast
    path takes is the one token wordfreq makes of it; the others go to wordfreq as before."""
    if plain._LATIN_WORD.fullmatch(word):
        assert lossy_tokenize(word, language) == [word.casefold()]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(plain._PLAIN_LATIN)), st.text(alphabet=LATIN, min_size=1))
def test_every_word_of_latin_letters_takes_the_fast_path(language: str, word: str) -> None:
    assert plain._LATIN_WORD.fullmatch(word)
    assert lossy_tokenize(word, language) == [word.casefold()]


@pytest.mark.parametrize("language", sorted(plain._PLAIN_LATIN))
def test_the_fast_path_languages_have_no_special_rule(language: str) -> None:
    """No dotless i, no letters under-marked, no transliteration, NFC: wordfreq's own table."""
    from wordfreq.language_info import get_language_info

    info = get_language_info(language)
    assert (info["script"], info["normal_form"], info["tokenizer"]) == ("Latn", "NFC", "regex")
    assert not (info["dotless_i"] or info["diacritics_under"] or info["transliteration"])
    assert not (info["remove_marks"] or info["lookup_transliteration"])


@pytest.mark.parametrize(
    "language", ["en", "es", "de", "fr", "ar", "it", "pt", "ja", "zh", "th", "xx", "en_US", ""]
)
def test_listed_is_wordfreqs_list_of_languages(language: str) -> None:
    plain._listed.cache_clear()
    assert plain._listed(language) == (language in wordfreq.available_languages())


def test_a_rare_word_test_in_english_imports_no_wordfreq(tmp_path: object) -> None:
    """What a translator's save pays for: the English words answered from the kept list alone."""
    code = (
        "import sys\n"
        "from pipeline.checks import plain\n"
        "plain._vocabulary = lambda language: ({'the', 'pain', 'strasse'}, set())\n"
        "print(plain._frequent('Pain', 'en'), plain._frequent('Straße', 'de'),"
        " plain._frequent('ketamine', 'en'), plain._listed('en'))\n"
        "print('wordfreq' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert out.stdout.split() == ["True", "True", "False", "True", "False"]
