"""Our PO files are GNU gettext's to the byte: msgmerge and msgcat leave them alone, update after them too.

These tests run the real GNU tools (installed by tests/a11y/install.sh); they are skipped locally
when gettext is missing and fail on CI.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.catalog import catalogs as catalog
from pipeline.cli import main
from pipeline.locales import parse_locale
from pipeline.model import Unit

REPO = Path(__file__).parent.parent
HAVE_GETTEXT = all(shutil.which(tool) for tool in ("msgmerge", "msgcat", "msgfmt"))
pytestmark = pytest.mark.skipif(
    not HAVE_GETTEXT and not os.environ.get("CI"),
    reason="GNU gettext is not installed (tests/a11y/install.sh)",
)


def gnu(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), capture_output=True, text=True, check=False)


def catalogues(root: Path) -> list[Path]:
    return sorted((root / "locales").glob("*/LC_MESSAGES/*.po"))


def snapshot(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted((root / "locales").rglob("*.po*"))}


def test_shipped_catalogues_are_what_update_writes(shipped: Path) -> None:
    before = snapshot(shipped)
    assert main(["--root", str(shipped), "update"]) == 0
    assert snapshot(shipped) == before


@pytest.mark.parametrize("tool", ["msgmerge", "msgcat"])
def test_gnu_tools_leave_every_shipped_catalogue_byte_identical_and_update_rewrites_nothing(
    shipped: Path, tool: str, capsys
) -> None:
    before = snapshot(shipped)
    assert len(catalogues(shipped)) >= 18
    for po in catalogues(shipped):
        out = po.with_suffix(".gnu")
        args = (
            ["msgmerge", "--previous", "-q", str(po), str(shipped / "locales" / f"{po.stem}.pot")]
            if tool == "msgmerge"
            else ["msgcat", str(po)]
        )
        result = gnu(*args, "-o", str(out))
        assert result.returncode == 0, result.stderr
        assert out.read_bytes() == po.read_bytes(), f"{tool} rewrote {po.relative_to(shipped)}"
        out.replace(po)
    for pot in sorted((shipped / "locales").glob("*.pot")):
        assert gnu("msgcat", str(pot)).stdout == pot.read_text(encoding="utf-8")
    assert main(["--root", str(shipped), "update"]) == 0
    assert capsys.readouterr().out.startswith("0 catalogue(s) updated")
    assert snapshot(shipped) == before


def test_msgfmt_check_accepts_every_shipped_catalogue(shipped: Path) -> None:
    for po in catalogues(shipped):
        result = gnu("msgfmt", "--check", "-o", os.devnull, str(po))
        assert result.returncode == 0, f"{po}: {result.stderr}"


def test_the_brace_format_flag_lets_msgfmt_catch_a_renamed_placeholder(shipped: Path) -> None:
    path = shipped / "locales" / "es" / "LC_MESSAGES" / "ui.po"
    text = path.read_text(encoding="utf-8")
    assert '#, python-brace-format\nmsgid "{language} – plain language"' in text
    path.write_text(
        text.replace('msgstr "{language} – lenguaje claro"', 'msgstr "{idioma} – lenguaje claro"'),
        encoding="utf-8",
    )
    result = gnu("msgfmt", "--check", "-o", os.devnull, str(path))
    assert result.returncode != 0 and "idioma" in result.stderr


# Texts a translator types: words of several scripts (long ones too), spaces, punctuation that
# changes where lines may break, escapes, right-to-left text, numbers with units.
WORDS = st.sampled_from(
    [
        "pain",
        "dolor",
        "Schmerzbehandlung",
        "anesthésique",
        "الكيتامين",
        "للاستخدام",
        "שלום",
        "ketamine-based",
        "and/or",
        "“quoted”",
        "«cité»",
        "(FDA)",
        "[^1]",
        "**bold**",
        "[link](https://www.nhs.uk/x)",
        "42 %",
        "1,000",
        "0.5",
        "¿qué?",
        "¡sí!",
        "etc.",
        "—",
        "–",
        "…",
        "日本語",
        "x" * 90,
        "a\tb",
        'say "hi"',
        "back\\slash",
        "end\n",
        "mid\nline",
        "{language}",
        "n° 3",
        "½",
        "über:",
        "Straße;",
        "l'effet",
        "O’Brien",
        "e.g.",
        "$5",
        "€10",
    ]
)
separators = st.sampled_from([" ", " ", " ", "  ", "\u00a0", "", "\n"])
texts = st.lists(st.tuples(WORDS, separators), min_size=1, max_size=40).map(
    lambda parts: "".join(w + s for w, s in parts).strip(" ")
)


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    pairs=st.lists(st.tuples(texts, texts), min_size=1, max_size=6, unique_by=lambda p: p[0]),
    note=texts,
)
def test_any_entry_we_write_is_what_msgcat_writes(
    tmp_path: Path, pairs: list[tuple[str, str]], note: str
) -> None:
    pot = catalog.build_pot(
        "d",
        tuple(Unit(msgid, "paragraph", i + 1, context=note) for i, (msgid, _) in enumerate(pairs)),
        "source/d.md",
        "test",
    )
    po = catalog.new_po(pot, parse_locale("ar"))
    for entry, (_, msgstr) in zip(po, pairs, strict=False):
        entry.msgstr = msgstr
        entry.tcomment = note
    po[0].previous_msgid = pairs[0][1]
    po[0].flags = ["fuzzy"]
    path = tmp_path / "d.po"
    path.write_text(catalog.po_text(po), encoding="utf-8")
    result = gnu("msgcat", str(path))
    assert result.returncode == 0, result.stderr
    assert result.stdout == path.read_text(encoding="utf-8")
