"""Where a unit's words are written: the flattened text finds what a regular expression per unit found.

The oracle below is the pattern each unit was once searched with (its first words, any white
space, ``>`` markers or backslash line breaks between them, an optional backslash before each
character that is not a letter or digit, and no word character before a text that begins with
one). The flat search must give the same (start, end) on any text, at any starting offset.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.source.reader import read_article
from pipeline.source.sourcetext import SourceText, flatten

_SEPARATOR = r"(?:[\s>]|\\(?=\n))+"


def oracle(text: str, words: int) -> re.Pattern[str]:
    parts = [
        "".join(re.escape(c) if c.isalnum() else "\\\\?" + re.escape(c) for c in word)
        for word in text.split()[:words]
    ]
    boundary = r"(?<!\w)" if text[:1].isalnum() else ""
    return re.compile(boundary + _SEPARATOR.join(parts))


def oracle_find(source: SourceText, text: str, start: int, words: int) -> tuple[int, int] | None:
    match = source.search(oracle(text, words), start)
    return match.span() if match else None


# Markdown's own characters, escapes and line breaks, words with and without accents
ALPHABET = st.sampled_from(list("abcé_1 \n\t>\\*.-()[]!") + ["ab", "Ket", "ß", "—", "  ", "\n> "])
TEXTS = st.lists(ALPHABET, min_size=1, max_size=60).map("".join)


@settings(max_examples=600, deadline=None)
@given(TEXTS, st.data())
def test_found_where_the_pattern_was_found(source_text: str, data: st.DataObject) -> None:
    source = SourceText(source_text, 0)
    # a unit's text is most often words of the source itself, sometimes anything
    a = data.draw(st.integers(0, len(source.text)))
    b = data.draw(st.integers(a, len(source.text)))
    text = data.draw(st.one_of(st.just(source.text[a:b]), TEXTS))
    if not text.split():
        return  # no words: no unit's text (test_no_words_is_not_found)
    start = data.draw(st.integers(0, len(source.text)))
    words = data.draw(st.sampled_from([1, 2, 8]))
    assert source.find_words(text, start, words) == oracle_find(source, text, start, words)


def test_no_words_is_not_found() -> None:
    """A text without words finds nothing, rather than matching everywhere."""
    source = SourceText("> quoted\n", 0)
    assert source.find_words("", 0, 8) is None
    assert source.find_words(" \n ", 0, 8) is None


def test_flat_offsets_point_back_into_the_text() -> None:
    text = "Ketamine \\*blocks\\* the\n> NMDA  receptor\\\nhere"
    flat, origin = flatten(text)
    assert flat == "Ketamine *blocks* the NMDA receptor here"
    assert [text[origin[i]] for i, c in enumerate(flat) if c != " "] == [
        c for c in flat if c != " "
    ]


def test_escaped_and_wrapped_words_get_their_line(tmp_path) -> None:
    """What a translator sees in ``#:``: the line the unit begins on, across escapes, quotes and
    line breaks, and the second of two texts that begin alike."""
    path = tmp_path / "walking.md"
    path.write_text(
        "# Walking\n\n"
        "Walking is good.\n\n"
        "> Walking \\*daily\\* helps\n> most people\n> a lot.\n\n"
        "Walking is good for you, and\nfor your heart.\n\n"
        "> Walking is good\n> for your *heart*\\\nand your lungs.\n",
        encoding="utf-8",
    )
    lines = {unit.msgid: unit.line for unit in read_article(path).units}
    assert lines["Walking is good."] == 3
    assert lines["Walking \\*daily\\* helps most people a lot."] == 5  # the escapes are kept
    assert lines["Walking is good for you, and for your heart."] == 9
    assert lines["Walking is good for your *heart*  \nand your lungs."] == 12
