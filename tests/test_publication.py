"""A changing site published safely (issue 25): what a reader and a publisher see after a source edit,
a translator's ``-l`` build, and an article that cannot be built.

The fixture is the multi-article site (``tests/multisite.py``): Spanish and plain English of
``sleep`` are published, Arabic is not. The edit is the one the issue reports: one sentence added,
one changed, one list item removed, then ``pipeline update`` and ``pipeline build``. "Today" is
fixed with ``PIPELINE_TODAY``, so no assertion depends on the clock or the machine's speed.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import polib
import pytest

from tests.conftest import po_path
from tests.multisite import make_multisite

Run = Callable[..., tuple[int, str, str]]
PDFTOTEXT = shutil.which("pdftotext")  # installed by tests/setup.sh
KEPT_NOTICE = re.compile(r'<p class="notice kept">(.*?)</p>\n?', re.S)


@pytest.fixture
def published(tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The multi-article site, built once on 1 May 2024."""
    monkeypatch.setenv("PIPELINE_TODAY", "2024-05-01")
    root = make_multisite(tmp_path)
    code, _, err = run(root, "build", "-q", "--jobs", "1")
    assert code == 0, err
    return root


def edit_source(root: Path) -> None:
    """One sentence added, one changed, one list item removed."""
    path = root / "source" / "sleep.md"
    text = path.read_text(encoding="utf-8")
    text = text.replace("the same amount.", "the same amount. A short nap can help too.")
    text = text.replace("talk to your doctor.", "talk to your GP.")
    text = text.replace("- Keep your bedroom dark, quiet and cool.\n", "")
    path.write_text(text, encoding="utf-8")


def pdf_text(data: bytes, path: Path) -> str:
    """The leaflet's words as pdftotext reads them, spaces collapsed."""
    path.write_bytes(data)
    out = subprocess.run(
        [str(PDFTOTEXT), "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return " ".join(out.split())


def files(root: Path) -> dict[str, str]:
    output = root / "output"
    return {
        p.relative_to(output).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(output.rglob("*"))
        if p.is_file()
    }


def configure(root: Path, lines: str) -> None:
    with (root / "pyproject.toml").open("a", encoding="utf-8") as handle:
        handle.write(lines)


def edit_and_build(
    root: Path, run: Run, monkeypatch: pytest.MonkeyPatch, *args: str
) -> tuple[int, str]:
    edit_source(root)
    assert run(root, "update", "-q")[0] == 0
    monkeypatch.setenv("PIPELINE_TODAY", "2024-05-03")
    code, _, err = run(root, "build", "-q", "--jobs", "1", *args)
    return code, err


def test_a_source_edit_keeps_the_last_published_translation_with_a_dated_notice(
    published: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    output = published / "output"
    before_page = (output / "es" / "sleep.html").read_text(encoding="utf-8")
    before_leaflet = (output / "es" / "sleep.pdf").read_bytes()
    code, err = edit_and_build(published, run, monkeypatch)
    assert code == 0
    page = (output / "es" / "sleep.html").read_text(encoding="utf-8")
    notice = KEPT_NOTICE.search(page)
    assert notice is not None
    # in the reader's language (Spanish is a pseudo-translation in capitals), its date too
    assert "THE ORIGINAL OF THIS PAGE WAS UPDATED ON 3 de mayo de 2024." in notice.group(1)
    assert '<a href="../en/sleep.html" hreflang="en">READ THE UPDATED ORIGINAL</a>' in notice.group(
        1
    )
    assert KEPT_NOTICE.sub("", page) == before_page  # exactly what was published, plus the notice
    leaflet = (output / "es" / "sleep.pdf").read_bytes()
    assert leaflet != before_leaflet  # the printed leaflet carries the notice too
    if PDFTOTEXT:
        printed = pdf_text(leaflet, published / "kept.pdf")
        notice = "THE ORIGINAL OF THIS PAGE WAS UPDATED ON 3 de mayo de 2024. THIS TRANSLATION IS BEING UPDATED. "
        assert notice in printed
        # and otherwise the words that were published, in their order
        assert printed.replace(notice, "") == pdf_text(before_leaflet, published / "before.pdf")
    assert "noindex" not in page
    assert "https://everyday.example/es/sleep.html" in (output / "sitemap.xml").read_text()
    assert 'hreflang="es" href="https://everyday.example/es/sleep.html"' in (
        output / "en" / "sleep.html"
    ).read_text(encoding="utf-8")
    assert 'href="../es/sleep.html"' in (output / "es" / "index.html").read_text(encoding="utf-8")
    line = "sleep (es): published -> kept with notice"
    assert f"pipeline: {line}" in err
    assert line.replace(">", "&gt;") in (output / "reports" / "index.html").read_text()


def test_a_kept_translation_is_withdrawn_after_keep_days_and_strict_fails(
    published: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(published, "keep_days = 30\n")
    assert edit_and_build(published, run, monkeypatch)[0] == 0
    monkeypatch.setenv("PIPELINE_TODAY", "2024-06-02")  # 30 days after the change was seen
    code, _, err = run(published, "build", "-q", "--jobs", "1", "--strict")
    assert code == 1
    assert "sleep (es): kept with notice -> preview (withdrawn)" in err
    assert "noindex" in (published / "output" / "es" / "sleep.html").read_text(encoding="utf-8")


def test_withdraw_policy_unpublishes_names_it_and_strict_exits_1(
    published: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(published, 'when_source_changes_by_locale = { es = "withdraw" }\n')
    code, err = edit_and_build(published, run, monkeypatch, "--strict")
    assert code == 1
    output = published / "output"
    assert "sleep (es): published -> preview (withdrawn)" in err
    assert "sleep (en@plain): published -> kept with notice" in err  # the site's default
    page = (output / "es" / "sleep.html").read_text(encoding="utf-8")
    assert "noindex" in page and not KEPT_NOTICE.search(page)
    assert not (output / "es" / "sleep.pdf").exists()
    assert "es/sleep.html" not in (output / "sitemap.xml").read_text()
    assert 'href="../es/sleep.html"' not in (output / "es" / "index.html").read_text()
    assert "(withdrawn)" in (output / "reports" / "index.html").read_text()


def test_the_translation_catching_up_publishes_it_again(
    published: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    edit_and_build(published, run, monkeypatch)
    po = polib.pofile(str(po_path(published, "es", "sleep")))
    for entry in po:  # the translator brings the changed and the new texts up to date
        if "fuzzy" in entry.flags or not entry.msgstr:
            entry.msgstr = entry.msgid.upper()
            entry.flags = [flag for flag in entry.flags if flag != "fuzzy"]
    po.save()
    code, _, err = run(published, "build", "-q", "--jobs", "1")
    assert code == 0
    assert "sleep (es): kept with notice -> published" in err
    page = (published / "output" / "es" / "sleep.html").read_text(encoding="utf-8")
    assert not KEPT_NOTICE.search(page) and "A SHORT NAP CAN HELP TOO." in page


def test_a_locale_build_leaves_every_other_language_byte_for_byte(
    published: Path, run: Run
) -> None:
    before = files(published)
    po = polib.pofile(str(po_path(published, "es", "walking")))
    for entry in po:
        entry.msgstr = entry.msgstr or entry.msgid.upper()
    po.save()
    code, _, err = run(published, "build", "-q", "--jobs", "1", "-l", "es")
    assert code == 0, err
    after = files(published)
    changed = {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}
    assert changed == {
        "es/walking.html",
        "es/walking.pdf",
        "reports/readability/es/walking.html",
    }
    assert "noindex" not in (published / "output" / "es" / "walking.html").read_text()


@pytest.mark.parametrize(
    "name, text, said",
    [
        ("broken", "Title: Broken\n\nText.\n\n![A chart](images/missing.png)\n", "source/broken.md:5: image 'images/missing.png' not found"),
        ("unreadable", "---\ntitle: [unclosed\n---\n\n# Bad\n", "source/unreadable.md:2: the front matter is not valid YAML"),
    ],
)  # fmt: skip
def test_one_articles_error_withholds_it_alone(
    tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch, name: str, text: str, said: str
) -> None:
    monkeypatch.setenv("PIPELINE_TODAY", "2024-05-01")
    root = make_multisite(tmp_path)
    (root / "source" / f"{name}.md").write_text(text, encoding="utf-8")
    code, _, err = run(root, "build", "-q", "--jobs", "1")
    assert code == 1
    assert f"pipeline: withheld {name} (en, ar, en@plain, es): {said}" in err
    output = root / "output"
    assert (output / "en" / "sleep.html").is_file() and (output / "es" / "sleep.html").is_file()
    assert not (output / "en" / f"{name}.html").exists()
    assert f"{name}.html" not in (output / "index.html").read_text(encoding="utf-8")
