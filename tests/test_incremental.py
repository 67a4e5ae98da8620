"""Incremental and parallel builds: the cache and the process pool change how long a build takes, never a byte of it."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from types import ModuleType
from typing import Any

import polib
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.build import counting, forked, verbs, versions
from pipeline.cli import main
from pipeline.config import load_config
from pipeline.render.site import SiteContext
from pipeline.report import formats as report
from pipeline.serve.server import HELD
from pipeline.store import cache as cache_module
from pipeline.store import kinds as store_kinds
from tests.multisite import LOCALES, make_multisite


def snapshot(root: Path) -> dict[str, str]:
    output = root / "output"
    return {
        p.relative_to(output).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(output.rglob("*"))
        if p.is_file()
    }


def recorded_pools(monkeypatch: pytest.MonkeyPatch, module: ModuleType) -> list[int]:
    """One item for each process pool ``module`` starts (all go through ``forked.forked_map``)."""
    started: list[int] = []

    def recorded(
        function: Callable[[Any], Any], items: Sequence[Any], jobs: int, **options: Any
    ) -> Iterator[Any]:
        started.append(1)
        return forked.forked_map(function, items, jobs, **options)

    monkeypatch.setattr(module, "forked_map", recorded)
    return started


def build(root: Path, *options: str) -> dict[str, str]:
    assert main(["--root", str(root), "-q", "build", *options]) in (0, 1)
    return snapshot(root)


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """The multi-article site built serially without the cache: the output every other way must give."""
    root = make_multisite(tmp_path_factory.mktemp("reference"))
    return root, build(root, "--no-cache", "--jobs", "1")


@pytest.fixture
def site(tmp_path: Path, reference: tuple[Path, dict[str, str]]) -> Path:
    root = tmp_path / "site"
    shutil.copytree(reference[0], root, ignore=shutil.ignore_patterns(".pipeline-cache", "output"))
    return root


def test_a_parallel_cached_build_writes_the_same_bytes_as_a_serial_uncached_one(
    site: Path, reference: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(versions, "PARALLEL_FROM", 2)  # the fixture site is small: pool it anyway
    pools = recorded_pools(monkeypatch, versions)
    counting_pools = recorded_pools(monkeypatch, counting)
    cold = build(site, "--jobs", "2")
    assert pools, "the versions were made by a process pool"
    assert counting_pools, "the figures and plain-version facts were counted by a pool first"
    assert cold == reference[1]
    assert (site / ".pipeline-cache").is_dir()
    warm = build(site, "--jobs", "2")
    assert warm == reference[1]


def test_deleting_the_cache_changes_nothing(
    site: Path, reference: tuple[Path, dict[str, str]]
) -> None:
    build(site)
    shutil.rmtree(site / ".pipeline-cache")
    assert build(site) == reference[1]


def test_a_damaged_cache_entry_is_made_again_not_an_error(
    site: Path, reference: tuple[Path, dict[str, str]]
) -> None:
    build(site)
    shutil.rmtree(site / "output")  # so the pages must come from the damaged entries
    for entry in (site / ".pipeline-cache").rglob("*"):
        if entry.is_file():
            entry.write_bytes(b"not a pickle")
    assert build(site) == reference[1]


def stats(root: Path) -> dict[str, tuple[int, int]]:
    """path under output/ -> (inode, mtime): what shows whether a build touched a file."""
    output = root / "output"
    return {
        p.relative_to(output).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in output.rglob("*")
        if p.is_file()
    }


def test_a_build_with_nothing_changed_touches_no_file(
    site: Path, reference: tuple[Path, dict[str, str]]
) -> None:
    build(site)
    before = stats(site)
    assert build(site) == reference[1]
    assert stats(site) == before


def test_after_one_po_changed_only_its_files_and_the_site_wide_ones_are_new(
    site: Path, reference: tuple[Path, dict[str, str]]
) -> None:
    """A deploy that copies by size and time (rsync) sends what changed, not the whole site."""
    build(site)
    before = stats(site)
    _edit(site / "locales/es/LC_MESSAGES/sleep.po", 'msgstr "SLEEPING WELL"', 'msgstr "SLEEPING!"')
    after = build(site)
    touched = {path for path, stat in stats(site).items() if before.get(path) != stat}
    assert "es/sleep.html" in touched
    assert {"en/water.html", "es/water.html", "en/sleep.html", "reports/en.html"}.isdisjoint(
        touched
    )  # an editor's other languages' pages of the report hold nothing new
    assert {"index.html", "reports/es.html", "reports/report.json"} <= touched
    assert build(site, "--no-cache") == after


def test_a_changed_title_renders_its_language_index_and_the_site_index_again_only(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each index is cached on the titles it shows, the sitemap on the plan alone: a
    translator's new title renders two files again, not every language's index."""
    build(site)
    rendered: list[str] = []
    for name in ("render_index", "render_locale_index", "render_sitemap"):
        original = getattr(SiteContext, name)

        def spy(
            self: SiteContext, *args: object, _original: Any = original, _name: str = name
        ) -> object:
            rendered.append(args[0].tag if _name == "render_locale_index" else _name)  # type: ignore[attr-defined]
            return _original(self, *args)

        monkeypatch.setattr(SiteContext, name, spy)
    build(site)
    assert rendered == [], "nothing changed, nothing rendered"
    _edit(site / "locales/es/LC_MESSAGES/sleep.po", 'msgstr "SLEEPING WELL"', 'msgstr "SLEEPING!"')
    after = build(site)
    assert sorted(rendered) == ["es", "render_index"]
    assert build(site, "--no-cache") == after


def test_a_file_changed_added_or_deleted_in_output_is_put_right_by_the_next_build(
    site: Path, reference: tuple[Path, dict[str, str]]
) -> None:
    """The record of what output/ holds is a shortcut, never trusted over the files themselves."""
    build(site)
    page = site / "output" / "en" / "water.html"
    page.write_text(page.read_text(encoding="utf-8") + "<!-- edited -->", encoding="utf-8")
    (site / "output" / "es" / "sleep.html").unlink()
    (site / "output" / "stray.html").write_text("left by hand", encoding="utf-8")
    assert build(site) == reference[1]
    page.write_text(page.read_text(encoding="utf-8").replace("<html", "<html "), encoding="utf-8")
    assert build(site) == reference[1]  # a change inside one page alone is seen too


def test_the_streamed_report_is_the_json_check_prints(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The build appends each version's part of report.json as it is made; the result is the
    one document ``check --format json`` gives, in the exact form ``json.dumps`` writes."""
    build(site, "--jobs", "2")
    written = (site / "output" / "reports" / "report.json").read_text(encoding="utf-8")
    capsys.readouterr()
    assert main(["--root", str(site), "check", "--format", "json"]) in (0, 1)
    printed = capsys.readouterr().out
    assert written == printed
    assert written == json.dumps(json.loads(written), ensure_ascii=False, indent=2) + "\n"
    assert json.loads(written)["findings"], "the fixture site has findings to stream"


def test_a_build_prints_the_table_first_errors_and_totals_check_gives(
    site: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build keeps each version's counts and its first errors only, so its memory does not
    grow with a site's findings; what it prints is still what ``check`` finds."""
    monkeypatch.setattr(report, "SHOWN", 3)
    po = polib.pofile(str(site / "locales/es/LC_MESSAGES/sleep.po"))
    for entry in po:  # a translation that drops the source's numbers and glossary terms
        entry.msgstr = "Texto" if entry.msgstr else ""
    po.save()
    assert main(["--root", str(site), "check", "--no-warnings"]) == 1
    checked = _sections(capsys.readouterr().out)
    errors = checked[1]
    assert len(errors) > 3, "the edited site has more errors than a build shows"
    for run in ("cold", "from the cache", "nothing changed"):
        assert main(["--root", str(site), "build"]) == 1, run
        built = _sections(capsys.readouterr().out)
        assert built[0] == checked[0], run  # the table: every version's counts
        assert built[1] == [
            *errors[:3],
            f"… and {len(errors) - 3} more: see pipeline check, or output/reports/index.html",
        ], run
        assert built[2][0] == checked[2][0], run  # the totals
        if run == "cold":
            shutil.rmtree(site / "output")  # the next build reads every summary from the cache


def _sections(out: str) -> list[list[str]]:
    return [part.splitlines() for part in out.strip("\n").split("\n\n")]


def test_the_cache_stays_the_size_of_one_site(site: Path) -> None:
    """Each save makes new entries for what changed; the old ones, which no build can use
    again, go: a translator's hundred saves do not leave a hundred sites' worth of cache."""
    build(site)
    first = _entries(site)
    for word in ("ONE", "TWO", "THREE"):
        po = site / "locales/es/LC_MESSAGES/sleep.po"
        _edit(po, 'msgstr "SLEEPING WELL', f'msgstr "SLEEPING WELL {word}')
        build(site)
        assert _entries(site) == first, word


OLD_AT_ONCE, NEVER_OLD = -1, 10**30  # the racy window: every file "old enough", or none


@pytest.mark.parametrize(
    "racy",
    [
        (NEVER_OLD, NEVER_OLD),
        (OLD_AT_ONCE, OLD_AT_ONCE),
        (NEVER_OLD, OLD_AT_ONCE),
        (OLD_AT_ONCE, NEVER_OLD),
    ],
    ids=["fast-machine", "slow-machine", "slowed-down-later", "sped-up-later"],
)
def test_source_edits_and_updates_leave_no_entry_behind(
    site: Path, monkeypatch, racy: tuple[int, int]
) -> None:
    """A writer's edits, each followed by ``update`` and ``build``: every kind of entry (the
    parsed article, its template, each PO's merge, each plain version's state…) keeps one per
    file or version, however many edits there were.

    Whether a file's stamp is remembered depends on how long ago it changed (``RACY_NS``): on a
    loaded machine more of them are. The racy window is set, not waited for: files all too new
    to remember (a fast machine), all old enough (a slow one), and one then the other."""
    monkeypatch.setattr(cache_module, "RACY_NS", racy[0])

    def every_entry() -> dict[str, int]:
        cache = site / ".pipeline-cache"
        return {
            kind.name: sum(1 for p in kind.rglob("*") if p.is_file())
            for kind in sorted(cache.iterdir())
            if kind.is_dir() and kind.name not in store_kinds.WARM_TABLES
        }

    assert main(["--root", str(site), "-q", "update"]) == 0
    build(site)
    first = every_entry()
    assert {"article", "pot", "merged", "plain-written"} <= first.keys()
    monkeypatch.setattr(cache_module, "RACY_NS", racy[1])
    for word in ("One", "Two", "Three"):
        _edit(site / "source/sleep.md", "Most adults need", f"{word}: most adults need")
        assert main(["--root", str(site), "-q", "update"]) == 0
        build(site)
        now = every_entry()
        # the translations kept while their source changed: one entry each, however many edits
        kept = now.pop(store_kinds.KEPT_INPUTS, 0)
        assert now == first and kept <= len(KEPT_WHEN_SLEEP_CHANGES), word
        _edit(site / "source/sleep.md", f"{word}: most adults need", "Most adults need")


KEPT_WHEN_SLEEP_CHANGES = ("es", "en@plain")  # the fixture's published translations of sleep


def _entries(root: Path) -> dict[str, int]:
    kinds = (*store_kinds.VERSION_KINDS, *store_kinds.SITE_KINDS, store_kinds.PUBLISHED)
    cache = root / ".pipeline-cache"
    return {kind: sum(1 for p in (cache / kind).rglob("*") if p.is_file()) for kind in kinds}


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _changed_files(before: dict[str, str], after: dict[str, str]) -> set[str]:
    return {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}


@pytest.mark.parametrize(
    ("path", "old", "new", "expected_page"),
    [
        ("source/water.md", "Drink", "Sip", "en/water.html"),
        (
            "locales/es/LC_MESSAGES/sleep.po",
            'msgstr "SLEEPING WELL"',
            'msgstr "SLEEPING WELL!"',
            "es/sleep.html",
        ),
        ("source/glossary.toml", 'definition = "', 'definition = "Changed: ', "en/sleep.html"),
        # the site-wide catalogues' findings are kept by their inputs (``reduce._site_findings``)
        (
            "locales/es/LC_MESSAGES/glossary.po",
            'msgstr "INSOMNIA"',
            'msgstr ""',
            "reports/report.json",
        ),
        (
            "locales/es/LC_MESSAGES/ui.po",
            'msgstr "PLAIN LANGUAGE"',
            'msgstr "PLAIN LANGUAGE {x}"',
            "reports/report.json",
        ),
        ("pyproject.toml", 'site_name = "', 'site_name = "New ', "en/water.html"),
    ],
)
def test_a_change_to_any_one_input_shows_in_the_next_incremental_build(
    site: Path, path: str, old: str, new: str, expected_page: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # every file counts as old enough to be remembered by its stamps: the edit must still show
    monkeypatch.setattr(cache_module, "RACY_NS", 0)
    before = build(site)
    published = site / ".pipeline-published"  # the last build's states: what a change is against
    shutil.copytree(published, site / "published-before")
    _edit(site / path, old, new)
    after = build(site)
    assert expected_page in _changed_files(before, after)
    shutil.rmtree(site / ".pipeline-cache")
    shutil.rmtree(published)
    shutil.move(site / "published-before", published)
    assert (
        build(site, "--no-cache") == after
    )  # the incremental result is the one a clean build gives, against the same last build


def test_a_translators_save_reads_no_other_locales_data(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page a save re-renders names every locale in its language switcher: those names and
    each script's direction come from the build's cache, not from Babel's CLDR files, which
    cost some 8 ms a locale to read and merge. Only the page's own locale may be read (its
    leaflet's digits and dates are written the Spanish way)."""
    import babel.localedata

    from pipeline import locales

    locales.parse_locale.cache_clear()  # each build as in a process of its own
    build(site)
    locales.parse_locale.cache_clear()
    monkeypatch.setattr(babel.localedata, "_cache", {})
    loaded: list[str] = []
    real = babel.localedata.load

    def recorded(name: str, merge_inherited: bool = True) -> dict[str, Any]:
        if name not in babel.localedata._cache:
            loaded.append(name)
        return real(name, merge_inherited)

    monkeypatch.setattr(babel.localedata, "load", recorded)
    before = snapshot(site)
    _edit(
        site / "locales/es/LC_MESSAGES/sleep.po",
        'msgstr "SLEEPING WELL"',
        'msgstr "SLEEPING WELL!"',
    )
    assert "es/sleep.html" in _changed_files(before, build(site))
    assert set(loaded) <= {"es", "root"}


def test_a_template_or_code_change_is_a_new_cache_key(tmp_path: Path) -> None:
    package = tmp_path / "pipeline"
    shutil.copytree(
        Path(cache_module.__file__).parent.parent,
        package,
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    before = cache_module.package_digest(package)
    _edit(package / "templates" / "page.html", "<article", "<article data-x")
    cache_module.package_digest.cache_clear()
    assert cache_module.package_digest(package) != before


def _counting_reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    reads: list[Path] = []
    real = cache_module.file_digest

    def counted(path: Path) -> str:
        reads.append(path)
        return real(path)

    monkeypatch.setattr(cache_module, "file_digest", counted)
    return reads


def test_a_file_unchanged_since_the_last_build_is_not_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache_module, "RACY_NS", 0)
    po = tmp_path / "es.po"
    po.write_text('msgid "Pain"\nmsgstr "Dolor"\n', encoding="utf-8")
    first = cache_module.Cache(tmp_path / "cache")
    remembered = first.file_digest(po)
    first.save_stamps()
    reads = _counting_reads(monkeypatch)
    later = cache_module.Cache(tmp_path / "cache")
    assert later.file_digest(po) == remembered
    assert reads == []
    po.write_text('msgid "Pain"\nmsgstr "Dolar"\n', encoding="utf-8")  # same size, one letter
    assert later.file_digest(po) == cache_module.digest(po.read_bytes()) != remembered
    assert reads == [po]


def test_a_build_with_nothing_changed_reads_no_catalogue_or_source(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's promise: once hashed, an unchanged PO or article is known by its stamps."""
    monkeypatch.setattr(cache_module, "RACY_NS", 0)  # the copied files count as old enough
    first = build(site)
    reads = _counting_reads(monkeypatch)
    assert build(site) == first
    assert [p for p in reads if p.suffix in (".po", ".md")] == []


def test_a_file_changed_just_before_it_was_hashed_is_hashed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Git's racy rule: a change within the clock's resolution could keep size and time stamp."""
    po = tmp_path / "es.po"
    po.write_text('msgid "Pain"\nmsgstr "Dolor"\n', encoding="utf-8")
    first = cache_module.Cache(tmp_path / "cache")
    first.file_digest(po)
    first.save_stamps()
    reads = _counting_reads(monkeypatch)
    cache_module.Cache(tmp_path / "cache").file_digest(po)
    assert reads == [po]


def test_a_cold_cache_gets_its_lookup_tables_from_one_warmer_process(tmp_path: Path) -> None:
    """The warmer fills the cache's tables while the build reads the site; a filled cache
    starts no warmer at all."""
    from pipeline.build.runtime import Runtime
    from pipeline.checks import plain
    from pipeline.language import syllables

    for memo in (plain._vocabulary, syllables._get_pyphen, syllables.cmu_index):
        memo.cache_clear()  # as in a fresh process: earlier tests loaded the tables here
    cache = cache_module.Cache(tmp_path / "cache")
    with Runtime(cache) as runtime:
        runtime.warm({"en", "es"})
        runtime.ready()
    assert all(cache.has_any(kind) for kind in store_kinds.WARM_TABLES)
    counts = {kind: len(cache._entries(kind)) for kind in store_kinds.WARM_TABLES}
    assert counts == {"vocabulary": 2, "hyphenation": 2, "cmu-index": 1}
    with Runtime(cache) as runtime:
        runtime.warm({"en", "es"})
        assert runtime._warmer.process is None


def test_a_build_stopped_by_a_broken_glossary_leaves_no_warmer_behind(site: Path) -> None:
    """The warmer starts before the site is read; a glossary that cannot be read ends the
    build with its one-line error, and no process of the build is left running. (An article
    that cannot be read no longer stops a build: it is withheld, see test_publication.)"""
    import multiprocessing

    (site / "source" / "glossary.toml").write_bytes(b"[broken\n")
    assert main(["--root", str(site), "-q", "build"]) == 2
    assert multiprocessing.active_children() == []
    assert not (site / "output").exists()


def _check_printed(site: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    """What ``check --format json`` prints with one job and with two."""
    printed = {}
    for jobs in ("1", "2"):
        capsys.readouterr()
        assert main(["--root", str(site), "check", "--format", "json", "--jobs", jobs]) in (0, 1)
        printed[jobs] = capsys.readouterr().out
    return printed


def test_check_on_every_core_finds_what_one_process_finds(
    site: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``check --jobs 2`` spreads the versions over a pool: the editors' report is the same, byte
    for byte, as ``check --jobs 1`` writes it."""
    from pipeline.build import verbs as build_module

    monkeypatch.setattr(versions, "PARALLEL_FROM", 2)  # the fixture site is small: pool it anyway
    pools = recorded_pools(monkeypatch, build_module)
    printed = _check_printed(site, capsys)
    assert pools == [1], "only the two-process check used a pool"
    assert printed["2"] == printed["1"]
    assert json.loads(printed["1"])["findings"], "the fixture site has findings to compare"


def test_check_renews_its_workers_and_finds_what_one_process_finds(
    site: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker checks at most ``RENEWED_AFTER`` versions before a fresh one is forked (its memory
    grows with what it checks): the report is still the one process's, byte for byte."""
    from pipeline.build import verbs as build_module

    monkeypatch.setattr(versions, "PARALLEL_FROM", 2)  # the fixture site is small: pool it anyway
    monkeypatch.setattr(build_module, "RENEWED_AFTER", 2)
    pools = recorded_pools(monkeypatch, build_module)
    printed = _check_printed(site, capsys)
    versions_of_site = len(list((site / "source").glob("*.md"))) * (1 + len(LOCALES))
    assert len(pools) == -(-versions_of_site // 4), "a fresh pool every 2 versions a worker"
    assert printed["2"] == printed["1"]


def _record_making(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """In order: ("begun", n) for each pool of n versions started, "read" for each version
    read from the cache, ("made", article, locale) for each version made."""
    events: list[object] = []
    forked_map, cached_version, store = versions.forked_map, versions.cached_version, versions.store

    def begun(
        function: Callable[[Any], Any], items: Sequence[Any], jobs: int, **options: Any
    ) -> Iterator[Any]:
        events.append(("begun", len(items)))
        return forked_map(function, items, jobs, **options)

    def read(*args: Any) -> versions.Made | None:
        events.append("read")
        return cached_version(*args)

    def stored(cache: Any, key: str, version: versions.Made) -> None:
        events.append(("made", version.article, version.locale))
        store(cache, key, version)

    monkeypatch.setattr(versions, "forked_map", begun)
    monkeypatch.setattr(versions, "cached_version", read)
    monkeypatch.setattr(versions, "store", stored)
    return events


def _scratch(site: Path, tmp_path: Path) -> Path:
    """A copy of the site's inputs, to build from nothing: what every cached build must give."""
    scratch = tmp_path / "scratch"
    shutil.copytree(site, scratch, ignore=shutil.ignore_patterns(".pipeline-cache", "output"))
    return scratch


def test_a_translators_save_is_made_on_the_second_core_while_the_rest_is_read(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The changed version is begun before a single other version is read from the cache, so
    the two cores work at once; the versions after it (Spanish's sleep is not the last) are
    taken in before it is there, and the bytes are still those of a build from scratch."""
    build(site)
    events = _record_making(monkeypatch)
    _edit(site / "locales/es/LC_MESSAGES/sleep.po", 'msgstr "SLEEPING WELL"', 'msgstr "SLEEPING!"')
    scratch = _scratch(site, tmp_path)
    after = build(site, "--jobs", "2")
    assert events[0] == ("begun", 1), events[:3]
    versions_of_site = len(list((site / "source").glob("*.md"))) * (1 + len(LOCALES))
    assert events.count("read") == versions_of_site - 1
    assert ("made", "sleep", "es") in events
    assert build(scratch, "--no-cache", "--jobs", "1") == after


def test_a_version_whose_part_is_gone_is_made_after_those_begun_in_the_build_order(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A save begins its changed version at once; the versions the cache turns out to lack only
    while they are read (their parts deleted) are made after it. All land in their places: the
    bytes are those of a build from scratch."""
    build(site)
    shutil.rmtree(site / ".pipeline-cache" / store_kinds.PART)
    events = _record_making(monkeypatch)
    _edit(site / "locales/es/LC_MESSAGES/sleep.po", 'msgstr "SLEEPING WELL"', 'msgstr "SLEEPING!"')
    scratch = _scratch(site, tmp_path)
    after = build(site, "--jobs", "2")
    versions_of_site = len(list((site / "source").glob("*.md"))) * (1 + len(LOCALES))
    begun = [event for event in events if isinstance(event, tuple) and event[0] == "begun"]
    assert begun == [("begun", 1), ("begun", versions_of_site - 1)]
    assert events[0] == ("begun", 1)
    assert build(scratch, "--no-cache", "--jobs", "1") == after


def test_an_authors_edit_makes_its_versions_on_every_core_while_the_rest_is_read(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A changed source remakes each of its versions, all begun at once over the two cores
    before any other version is read; the bytes are those of a build from scratch."""
    build(site)
    events = _record_making(monkeypatch)
    _edit(site / "source/sleep.md", "Older adults", "Older people")
    scratch = _scratch(site, tmp_path)
    after = build(site, "--jobs", "2")
    sleep = [
        event for event in events if isinstance(event, tuple) and event[:2] == ("made", "sleep")
    ]
    assert len(sleep) >= 3
    assert events[0] == ("begun", len(sleep)), events[:3]
    assert build(scratch, "--no-cache", "--jobs", "1") == after


def test_the_warmer_starts_before_the_site_is_read(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a cold cache the lookup tables are built while the articles are read, not after; a
    build starts one warmer, once, and waits for it in one place (``Runtime.ready``)."""
    from pipeline.build import verbs as build_module
    from pipeline.build import warmup

    events: list[str] = []
    read_project, start, wait = build_module.read_project, warmup.Warmer.start, warmup.Warmer.wait

    def reading(*args: Any, **kwargs: Any) -> Any:
        events.append("read")
        return read_project(*args, **kwargs)

    def starting(self: warmup.Warmer, *args: Any) -> None:
        start(self, *args)
        events.append("started" if self.process is not None else "start")

    def waiting(self: warmup.Warmer) -> None:
        events.append("wait" if self.process is not None else "nothing to wait for")
        wait(self)

    monkeypatch.setattr(build_module, "read_project", reading)
    monkeypatch.setattr(warmup.Warmer, "start", starting)
    monkeypatch.setattr(warmup.Warmer, "wait", waiting)
    assert main(["--root", str(site), "-q", "build"]) in (0, 1)
    assert events == ["started", "read", "wait", "nothing to wait for"]


# --- update: a catalogue the last update left, with the same template, is not merged again ------


def locales_snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted((root / "locales").rglob("*"))
        if p.is_file()
    }


def update(root: Path, *options: str) -> dict[str, bytes]:
    assert main(["--root", str(root), "-q", "update", *options]) == 0
    return locales_snapshot(root)


def test_an_update_with_nothing_new_reads_no_catalogue(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = update(site)

    def refused(*args: object, **kwargs: object) -> None:
        raise AssertionError("a catalogue was read")

    from pipeline.catalog import catalogs as catalog

    monkeypatch.setattr(catalog, "load_po", refused)
    assert update(site) == before


def test_every_change_between_updates_is_merged_as_without_the_cache(site: Path) -> None:
    """A translator's edit, a source edit and a deleted PO, each followed by ``update`` on two
    copies, one with the cache and one without: the catalogues are the same bytes each time."""
    other = site.parent / "uncached"
    shutil.copytree(site, other)

    def both(edit: Callable[[Path], None]) -> dict[str, bytes]:
        edit(site)
        edit(other)
        cached = update(site)
        assert cached == update(other, "--no-cache")
        return cached

    both(lambda root: None)
    sleep_es = Path("locales/es/LC_MESSAGES/sleep.po")
    removed = "Keep your bedroom dark, quiet and cool."
    changed = "Avoid coffee and tea after lunch."

    def translator(root: Path) -> None:  # drops an entry and edits another, as by hand
        po = polib.pofile(str(root / sleep_es))
        entry = next(e for e in po if e.msgstr and not e.obsolete)
        entry.msgstr += " (revisado)"
        po.remove(next(e for e in po if e.msgid.startswith(removed[:20])))
        po.save(str(root / sleep_es))

    after = both(translator)
    merged = polib.pofile(after[sleep_es.as_posix()].decode("utf-8"))
    assert any(e.msgid.startswith(removed[:20]) and not e.msgstr for e in merged)  # back, empty
    assert any(e.msgstr.endswith(" (revisado)") for e in merged)  # the edit kept

    def writer(root: Path) -> None:  # the source changes a sentence every catalogue translates
        md = root / "source" / "sleep.md"
        md.write_text(md.read_text(encoding="utf-8").replace(changed, "Avoid coffee and tea after noon."), encoding="utf-8")  # fmt: skip

    after = both(writer)
    fuzzy = [
        e for e in polib.pofile(after[sleep_es.as_posix()].decode("utf-8")) if "fuzzy" in e.flags
    ]
    assert any(e.previous_msgid == changed and e.msgstr for e in fuzzy)  # kept, to review
    after = both(lambda root: (root / sleep_es).unlink())
    assert sleep_es.as_posix() in after  # made again from the template


@given(st.permutations(range(24)))
def test_versions_ready_in_any_order_come_back_in_the_builds_order_as_soon_as_they_can(
    arrival: list[int],
) -> None:
    """A translator's save reads the versions after the changed one while it is being made: each
    is given back in the build's order, the moment every version before it is there."""
    reordered: versions.Reordered[int] = versions.Reordered()
    given_back: list[int] = []
    for count, position in enumerate(arrival, start=1):
        given_back += reordered.add(position, position)
        arrived = set(arrival[:count])
        assert given_back == list(range(min(set(range(len(arrival) + 1)) - arrived)))
    assert given_back == list(range(len(arrival)))


def _preview_build(site: Path, cache: cache_module.Cache) -> Any:
    """A build as the preview server makes one: every finding kept for its panel."""
    with verbs.Runtime(cache) as runtime:
        return verbs.build(
            verbs.read_project(load_config(site), cache), runtime, every_finding=True
        )


def _checked(site: Path) -> tuple[Any, ...]:
    return verbs.check(verbs.read_project(load_config(site))).findings


def test_the_previews_findings_are_checks_after_a_save_and_with_nothing_changed(
    site: Path,
) -> None:
    """The preview's panel shows every finding. A build keeps its result without them (they are
    read back from each version's entry), and the preview server holds what each rebuild reads
    whole in memory between rebuilds: neither may change a finding or its place in the order."""
    held = cache_module.Cache.of_project(site, held=HELD)
    cold = _preview_build(site, held)
    assert not cold.nothing_to_do
    assert cold.checks.findings == _checked(site) and cold.checks.findings
    again = _preview_build(site, held)  # the same server, nothing changed
    assert again.nothing_to_do and again.checks.findings == cold.checks.findings
    restarted = _preview_build(site, cache_module.Cache.of_project(site, held=HELD))
    assert restarted.nothing_to_do and restarted.checks.findings == cold.checks.findings
    po = polib.pofile(str(site / "locales/es/LC_MESSAGES/sleep.po"))
    for entry in po:  # a translation that drops the source's numbers and glossary terms
        entry.msgstr = "Texto" if entry.msgstr else ""
    po.save()
    saved = _preview_build(site, held)
    assert not saved.nothing_to_do
    assert saved.checks.findings == _checked(site) != cold.checks.findings
    # a command-line build after the preview's reads the result it kept: the same counts
    assert main(["--root", str(site), "-q", "build"]) == 1


def _build_in_process(site: Path) -> Any:
    cache = cache_module.Cache.of_project(site)
    with verbs.Runtime(cache) as runtime:
        return verbs.build(verbs.read_project(load_config(site), cache), runtime)


def test_a_build_with_nothing_to_do_gives_the_last_result_whole(site: Path) -> None:
    """The last result is kept without the pages and readability scores the versions' summaries
    already hold, and put back together from them: a build that finds nothing to do gives what
    the build before it gave, every page and score in its place."""
    first = _build_in_process(site)
    again = _build_in_process(site)
    assert again.nothing_to_do and first.pages and first.checks.documents
    assert replace(again, nothing_to_do=False) == first


def test_articles_read_through_the_cache_are_those_their_files_give(site: Path) -> None:
    """The parsed articles are kept in shards: after an article is edited, added or deleted,
    the project read through the cache is the one read from the files, in the same order."""
    cache = cache_module.Cache.of_project(site)
    sleep = site / "source" / "sleep.md"

    def as_read() -> tuple[Any, ...]:
        config = load_config(site)
        through_cache = verbs.read_project(config, cache).articles
        assert through_cache == verbs.read_project(config).articles
        return through_cache

    first = as_read()
    _edit(sleep, "Most adults need", "Most grown-ups need")
    edited = as_read()
    assert [a.slug for a in edited] == [a.slug for a in first] and edited != first
    shutil.copy(sleep, site / "source" / "sleep-again.md")
    assert "sleep-again" in {a.slug for a in as_read()}
    sleep.unlink()
    assert "sleep" not in {a.slug for a in as_read()}


def test_a_held_entry_is_given_again_until_its_file_is_replaced(tmp_path: Path) -> None:
    """A long-running process keeps what it reads of the kinds it holds; another process's
    write or delete of the entry is seen at once."""
    held = cache_module.Cache(tmp_path, frozenset({"kept"}))
    other = cache_module.Cache(tmp_path)  # another process, holding nothing
    held.put("kept", "key", ["first"])
    first = held.get("kept", "key")
    assert first == ["first"] and held.get("kept", "key") is first  # not read again
    other.put("kept", "key", ["second value"])
    assert held.get("kept", "key") == ["second value"]
    other.delete("kept", "key")
    assert held.get("kept", "key") is None
    held.put("other", "key", ["read"])
    assert held.get("other", "key") == ["read"]
    assert held.get("other", "key") is not held.get("other", "key")  # a kind not held is read
