"""The multi-article fixture site: three articles in every state of translation, as a site grows.

| article  | size   | es                     | ar                 | en@plain                 | image | review      |
|----------|--------|------------------------|--------------------|--------------------------|-------|-------------|
| sleep    | long   | complete               | half (no ui/gloss.)| complete, some rewritten | yes   | current     |
| walking  | medium | every other text, not  | none               | none (no plain version)  | no    | overdue     |
|          |        | the title              |                    |                          |       |             |
| water    | short  | none                   | none               | none                     | no    | no dates    |

Spanish is a pseudo-translation in capitals (any lower-case Spanish-page text did not go through
the catalogue, as in Sphinx's tests); Arabic is the same, so right-to-left pages get fallbacks.
``locales/es/images/sleep-cycle.png`` is the Spanish page's own chart.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import polib

from pipeline.cli import main
from tests.conftest import DATA, po_path, translate_po
from tests.test_build import pseudo

ARTICLES = ("sleep", "walking", "water")
LOCALES = ("es", "ar", "en@plain")


PLAIN_REWRITES = {
    "between 7 and 9 hours": "7 to 9 hours",
    "Older adults often sleep less deeply": "Older people sleep less deeply",
    "repair itself": "mend itself",
}


def plain_english(msgid: str) -> str:
    """A plain-language rewrite: shorter, everyday words (numbers and markup kept)."""
    for hard, easy in PLAIN_REWRITES.items():
        msgid = msgid.replace(hard, easy)
    return msgid


def every_other(msgid: str, po: polib.POFile, skip: set[str]) -> str:
    index = next(i for i, e in enumerate(po) if e.msgid == msgid)
    return pseudo(msgid) if index % 2 and msgid not in skip else ""


def make_multisite(dest: Path) -> Path:
    """A fresh copy of tests/data/multisite with its catalogues in the states of the table above."""
    root = dest / "multisite"
    shutil.copytree(DATA / "multisite", root)
    assert main(["--root", str(root), "init", *LOCALES]) == 0
    for domain in ("sleep", "glossary", "ui"):
        translate_po(po_path(root, "es", domain), pseudo)
    walking = polib.pofile(str(po_path(root, "es", "walking")))
    translate_po(
        po_path(root, "es", "walking"), lambda m: every_other(m, walking, {"Walking for health"})
    )
    sleep_ar = polib.pofile(str(po_path(root, "ar", "sleep")))
    translate_po(po_path(root, "ar", "sleep"), lambda m: every_other(m, sleep_ar, set()))
    translate_po(po_path(root, "en@plain", "sleep"), plain_english)
    return root


def translated_share(root: Path, locale: str, domain: str) -> float:
    """Percent of entries with a msgstr and no fuzzy flag, read from the PO with polib (not our code)."""
    po = polib.pofile(str(po_path(root, locale, domain)))
    entries = [e for e in po if not e.obsolete]
    return 100.0 * sum(bool(e.msgstr) and "fuzzy" not in e.flags for e in entries) / len(entries)
