"""Whatever a translator writes reaches the leaflet as text: nothing in it is read as Typst markup.

A property test: arbitrary text (Typst's own markup characters favoured) in a paragraph, a
heading and a link of the leaflet's HTML comes out of the PDF (pdftotext) as the same characters
in the same order (``pdftotext -raw``: the order Typst draws, which is the reading order;
its default layout analysis drops a lone "-" beside a block). Spaces are left out of the comparison: Typst draws a space as a gap, not a
glyph, and pdftotext does not see the narrow gap between "#" and "[" as one.
"""

from __future__ import annotations

import html
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.locales import parse_locale
from pipeline.model import Page, Version
from pipeline.render import leaflet
from pipeline.render.leaflet import LeafletSettings, leaflet_for
from pipeline.render.ui import UiText

PDFTOTEXT = shutil.which("pdftotext")
pytestmark = [
    pytest.mark.skipif(
        leaflet.unavailable() is not None, reason=f"no leaflets: {leaflet.unavailable()}"
    ),
    pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext (poppler-utils): bash tests/setup.sh"),
]
TYPST_SPECIALS = list('#[]*_`$<>@\\/=-+~"\'{}();:.,!?%&^|') + ["//", "/*", "*/", "#panic(", '#"', "= ", "- ", "+ ", "$x$", "<l>", "@l"]  # fmt: skip
WORD = st.lists(
    st.one_of(st.sampled_from(TYPST_SPECIALS), st.text("abcXYZ019éß", min_size=1, max_size=6)),
    min_size=1,
    max_size=8,
).map("".join)
# At most 28 characters: Typst breaks no word and keeps "( x" together (UAX #14), so a longer
# run could be wider than the line and run off the page, where pdftotext does not look.
TEXT = st.lists(WORD, min_size=1, max_size=12).map(lambda words: " ".join(words)[:28])


def _printed(data: bytes) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.pdf"
        path.write_bytes(data)
        out = subprocess.run(
            [PDFTOTEXT, "-raw", "-enc", "UTF-8", str(path), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    return "".join(out.split())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(heading=TEXT, paragraph=TEXT, linked=TEXT)
def test_any_text_is_printed_as_written(heading: str, paragraph: str, linked: str) -> None:
    root = Path(__file__).parent / "data" / "leaflet"
    config = LeafletSettings("https://x.example/", "Site", parse_locale("en"), root)
    body = (
        f"<h1>{html.escape(heading)}</h1><p>{html.escape(paragraph)} "
        f'<a href="https://x.example/a">{html.escape(linked)}</a></p>'
    )
    page = Page(Version("leaflet-demo", "en", "en/leaflet-demo.html"), heading, "", body, 0)
    made = leaflet_for(page, parse_locale("en"), UiText(None, "en", "en"), config)
    printed = _printed(made.data)
    for text in (heading, paragraph + linked):
        assert "".join(text.split()) in printed, (text, printed[:400])
    assert printed.endswith("Page1of1")  # nothing ran past the text: the footer is the last
