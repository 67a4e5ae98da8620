"""UiText: the page's own words from the ui catalogue, whatever a translator typed."""

from __future__ import annotations

from pathlib import Path

from pipeline.model import Catalog, Message
from pipeline.render.ui import UiText

MSGID = "Print this page as a leaflet (PDF, {size})"


def ui(msgstr: str) -> UiText:
    catalog = Catalog("ui", "es", Path("ui.po"), {MSGID: Message(MSGID, msgstr, False, 1)})
    return UiText(catalog, "en", "es")


def test_a_translated_placeholder_is_filled() -> None:
    assert ui("Imprimir (PDF, {size})").content(MSGID, size="5 kB") == "Imprimir (PDF, 5 kB)"


def test_a_broken_placeholder_shows_the_source_text_marked_instead_of_stopping_the_build() -> None:
    assert (
        ui("IMPRIMIR (PDF, {SIZE})").content(MSGID, size="5 kB")
        == '<span lang="en">Print this page as a leaflet (PDF, 5 kB)</span>'
    )
    assert (
        ui("Imprimir (PDF, {0})").attribute(MSGID, size="5 kB")
        == "Print this page as a leaflet (PDF, 5 kB)"
    )
    assert (
        ui("Imprimir {size").attribute(MSGID, size="5 kB")
        == "Print this page as a leaflet (PDF, 5 kB)"
    )
