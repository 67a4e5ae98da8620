"""The editors' report is assembled from each version's part: cached parts copied, changed ones made.

A translator's save must cost one version's share of the report, not the site's: these tests hold
a build after one PO changed to rendering that version's part alone, copying every other part
from the cache, and to writing the same report bytes as a build from scratch.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import polib
import pytest

from pipeline.cli import main
from pipeline.locales import parse_locale
from pipeline.report import assemble
from pipeline.report import site as sitereport
from tests.multisite import make_multisite

REPORTS = ("index.html", "report.json", "en.html", "es.html")


def build(root: Path, *options: str) -> dict[str, bytes]:
    assert main(["--root", str(root), "-q", "build", *options]) in (0, 1)
    folder = root / "output" / "reports"
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def from_scratch(site: Path, tmp_path: Path) -> dict[str, bytes]:
    """The report of a copy of ``site``'s sources built with no cache and no earlier output."""
    scratch = tmp_path / "scratch"
    shutil.copytree(site, scratch, ignore=shutil.ignore_patterns(".pipeline-cache", "output"))
    return build(scratch, "--no-cache")


def recorded_parts(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """(article, locale) of each version whose part a build renders."""
    made: list[tuple[str, str]] = []
    render = sitereport.part

    def recorded(*args: Any, **kwargs: Any) -> sitereport.Part:
        document, article = args[1], args[4]
        made.append((article.slug, document.locale if document else "?"))
        return render(*args, **kwargs)

    monkeypatch.setattr(sitereport, "part", recorded)
    return made


def recorded_copies(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The file each section of the report was copied from."""
    sources: list[Path] = []
    copy = assemble._copy_from

    def recorded(file: Path, target: int, offset: int, size: int) -> None:
        sources.append(file)
        copy(file, target, offset, size)

    monkeypatch.setattr(assemble, "_copy_from", recorded)
    return sources


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_multisite(tmp_path / "site")


def test_one_changed_po_renders_only_its_versions_part_and_copies_the_rest_from_the_cache(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(site)
    po = site / "locales/es/LC_MESSAGES/sleep.po"
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "SLEEPING WELL"', 'msgstr "SLEEPING!"', 1), encoding="utf-8")  # fmt: skip
    made, sources = recorded_parts(monkeypatch), recorded_copies(monkeypatch)
    incremental = build(site)
    assert made == [("sleep", "es")]
    cached = [s for s in sources if (site / ".pipeline-cache") in s.parents]
    fresh = {s for s in sources if s not in cached}
    assert cached, "the unchanged versions' sections come from their cached parts"
    assert len(fresh) == 1 and next(iter(fresh)).name == "fresh-parts"  # the one new part
    assert set(REPORTS) <= set(incremental)
    made.clear()
    assert build(site, "--no-cache", "--jobs", "1") == incremental
    assert ("sleep", "es") in made and len(made) > 1, "from scratch, every part is made"


def test_a_translators_save_rewrites_its_languages_report_page_and_links_the_others(
    site: Path, tmp_path: Path
) -> None:
    """The other languages' pages are the files already published (same inode: linked, not
    copied again); the Spanish page and report.json, which hold the change, are written anew."""
    build(site)
    folder = site / "output" / "reports"
    before = {p.name: p.stat().st_ino for p in folder.iterdir()}
    po = site / "locales/es/LC_MESSAGES/sleep.po"
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "SLEEPING WELL"', 'msgstr "SLEEPING!"', 1), encoding="utf-8")  # fmt: skip
    warm = build(site)
    after = {p.name: p.stat().st_ino for p in folder.iterdir()}
    kept = {name for name in before if after.get(name) == before[name]}
    assert {"en.html", "ar.html", "en-plain.html"} <= kept
    assert not {"es.html", "report.json"} & kept
    assert from_scratch(site, tmp_path) == warm


def test_a_new_error_in_one_language_reaches_the_overview_as_a_build_from_scratch_shows_it(
    site: Path, tmp_path: Path
) -> None:
    """The overview is kept by what it shows: a count that changes must make it again."""
    build(site)
    po = polib.pofile(str(site / "locales/es/LC_MESSAGES/sleep.po"))
    entry = next(e for e in po if "7 and 9 hours" in e.msgid)
    changed = entry.msgstr.replace("7", "8", 1)  # a number the source does not have
    assert changed != entry.msgstr
    entry.msgstr = changed
    po.save()
    before = (site / "output/reports/index.html").stat().st_ino
    warm = build(site)
    assert (site / "output/reports/index.html").stat().st_ino != before
    assert from_scratch(site, tmp_path) == warm


def test_a_report_from_cached_parts_is_the_report_made_from_scratch(
    site: Path, tmp_path: Path
) -> None:
    """Cold with the cache, then warm after an edit, against a copy built with no cache at all."""
    build(site)
    po = polib.pofile(str(site / "locales/ar/LC_MESSAGES/sleep.po"))
    entry = next(e for e in po if e.msgstr)
    entry.msgstr += " ؟"
    po.save()
    warm = build(site)
    assert from_scratch(site, tmp_path) == warm


def test_a_cached_part_gone_during_the_build_is_an_error_naming_it(tmp_path: Path) -> None:
    """Never a report with a hole: the build stops, and the next one makes the part again."""
    report = assemble.SiteReport(tmp_path, [parse_locale("en")])
    with report:
        stored = tmp_path / "part"
        stored.write_bytes(b"x")
        part = sitereport.Part((0, 0, 0, 0, 0, 1, 0), (0, 0, 0, 0, 0, 1, 0))
        report.add(part, "its-version-key", stored, "en")
        stored.unlink()
        with pytest.raises(OSError, match="vanished"):
            report._fill("report.json", "[\x00report-part:documents\x00]")
