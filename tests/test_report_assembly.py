"""The editors' report is assembled from each version's part: cached parts copied, changed ones made.

A translator's save must cost one version's share of the report, not the site's: these tests hold
a build after one PO changed to rendering that version's part alone, copying every other part
from the cache, and to writing the same report bytes as a build from scratch.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import polib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.cli import main
from pipeline.locales import parse_locale
from pipeline.report import assemble, parts
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

    def recorded(file: str | Path, target: int, offset: int, size: int) -> None:
        sources.append(Path(file))
        copy(file, target, offset, size)

    monkeypatch.setattr(assemble, "_copy_from", recorded)
    return sources


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_multisite(tmp_path / "site")


def _save(site: Path) -> None:
    """A translator's save: one msgstr of Spanish's "sleep" changed."""
    po = site / "locales/es/LC_MESSAGES/sleep.po"
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "SLEEPING WELL"', 'msgstr "SLEEPING!"', 1), encoding="utf-8")  # fmt: skip


def test_one_changed_po_renders_only_its_versions_part_and_copies_the_rest_from_the_last_report(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sections of every unchanged version are copied from the report files the last build
    wrote, where they lie one after another (a few runs, not one copy per version); only the
    new part is copied from this build's own file."""
    build(site)
    _save(site)
    made, sources = recorded_parts(monkeypatch), recorded_copies(monkeypatch)
    incremental = build(site, "--jobs", "1")  # made in this process, where it is recorded
    assert made == [("sleep", "es")]
    assert {s.name for s in sources} == {"fresh-parts"}, sources
    assert set(REPORTS) <= set(incremental)
    made.clear()
    assert build(site, "--no-cache", "--jobs", "1") == incremental
    assert ("sleep", "es") in made and len(made) > 1, "from scratch, every part is made"


def test_a_report_file_changed_by_hand_is_not_copied_from(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A published report.json someone edited (same size, other bytes) is no source: the
    sections come from the cached parts, and the report is the one a build from scratch makes."""
    build(site)
    published = site / "output/reports/report.json"
    text = published.read_bytes()
    published.write_bytes(text.replace(b'"es"', b'"xx"'))
    assert published.stat().st_size == len(text)
    _save(site)
    sources = recorded_copies(monkeypatch)
    warm = build(site)
    assert any((site / ".pipeline-cache") in s.parents for s in sources)
    assert from_scratch(site, tmp_path) == warm


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
            report._fill("reports/report.json", "key", "[\x00report-part:documents\x00]")


@settings(max_examples=150, deadline=None)
@given(
    sections=st.lists(st.binary(min_size=1, max_size=12), min_size=1, max_size=10),
    kept=st.lists(st.booleans(), min_size=10, max_size=10),
    other_joint=st.lists(st.booleans(), min_size=10, max_size=10),
    order=st.randoms(use_true_random=False),
    joint=st.sampled_from([b"", b",\n    "]),
)
def test_sections_copied_in_runs_from_the_earlier_file_are_the_sections_in_order(
    tmp_path_factory: pytest.TempPathFactory,
    sections: list[bytes],
    kept: list[bool],
    other_joint: list[bool],
    order: Any,
    joint: bytes,
) -> None:
    """Whatever the earlier file holds (some sections, in any order, joined as now or by other
    bytes of the same length), the file made is every section in order, joined by ``joint``, and
    each section is where the layout for the next build says."""
    folder = tmp_path_factory.mktemp("runs")
    own = []
    for n, data in enumerate(sections):  # each section in a part file of its own
        (folder / f"part{n}").write_bytes(b"<" + data + b">")
        own.append(folder / f"part{n}")
    chosen = [n for n in range(len(sections)) if kept[n]]
    order.shuffle(chosen)
    earlier, layout = b"HEAD", {}
    for i, n in enumerate(chosen):
        if i:
            earlier += b"~" * max(1, len(joint)) if other_joint[n] else joint
        layout[(f"key{n}", 0)] = len(earlier)
        earlier += sections[n]
    (folder / "earlier").write_bytes(earlier + b"TAIL")
    handle = os.open(folder / "earlier", os.O_RDONLY)
    with open(folder / "made", "wb", buffering=0) as out:
        with assemble._Runs(out.fileno(), assemble._Earlier(handle, layout)) as runs:
            runs.write(b"[")
            where = [
                runs.copy(file, 1, len(data), joint if n else b"", (f"key{n}", 0))
                for n, (file, data) in enumerate(zip(own, sections, strict=True))
            ]
            runs.write(b"]")
    made = (folder / "made").read_bytes()
    assert made == b"[" + joint.join(sections) + b"]"
    assert [made[at : at + len(data)] for at, data in zip(where, sections, strict=True)] == sections


@settings(max_examples=60, deadline=None)
@given(
    versions=st.lists(
        st.tuples(
            st.lists(
                st.text("ab\u00e9<>", max_size=4),
                min_size=len(parts.SECTIONS),
                max_size=len(parts.SECTIONS),
            ),
            st.sampled_from(["en", "es"]),
            st.booleans(),  # cached (a file of its own) or made now (its blob)
        ),
        min_size=1,
        max_size=8,
    ),
    order=st.randoms(use_true_random=False),
    site_part_at=st.integers(0, 8),
)
def test_versions_added_as_they_arrive_give_the_report_of_the_build_order(
    tmp_path_factory: pytest.TempPathFactory, versions: list[Any], order: Any, site_part_at: int
) -> None:
    """A save takes in 1,399 cached versions while its own is being made: whatever the order
    they arrive in, each file of the report and the overview's cells are those of the build's
    order; a part given no position (the site-wide catalogues') comes before every version's."""
    folder = tmp_path_factory.mktemp("arrival")
    made = []
    for n, (texts, language, cached) in enumerate(versions):
        part = sitereport.Part(
            tuple(1 if t else 0 for t in texts),
            tuple(len(t.encode()) for t in texts),
            "".join(texts).encode(),
        )
        stored = None
        if cached:
            stored = folder / f"part{n}"
            stored.write_bytes(part.blob)
            part = part.stored()
        made.append((part, f"key{n}", stored, language, f"article{n // 2}"))
    sizes = [0] * len(parts.SECTIONS)
    sizes[-1] = len(b'"site-wide"')
    site_part = sitereport.Part(tuple(sizes), tuple(sizes), b'"site-wide"')
    arrival = list(range(len(made)))
    order.shuffle(arrival)
    frame = "[" + "|".join(parts.MARK.format(name) for name in parts.SECTIONS) + "]"
    files = []
    for sequence in (range(len(made)), arrival):
        with assemble.SiteReport(folder, [parse_locale("en"), parse_locale("es")]) as report:
            site_at = min(site_part_at, len(made) - 1) if sequence is arrival else 0
            for i, n in enumerate(sequence):
                if i == site_at:
                    report.add(site_part, "site")
                part, key, stored, language, article = made[n]
                report.add(part, key, stored, language, None, article, position=n)
            report._fresh.close()  # as ``finish`` does before it fills the files
            written = {
                language: report._fill(f"reports/{language}", "k", frame, language).read_bytes()
                for language in (None, "en", "es")
            }
            files.append((written, repr(report.cells), [p.key for p in report.pieces]))
    assert files[0] == files[1]
    assert files[0][2] == ["site", *(f"key{n}" for n in range(len(made)))]
