"""``check`` takes each version's results in as they come and lets them go (``report.streamed``):
what it prints must be what the whole ``CheckResult`` formats to, byte for byte."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

from pipeline import checks
from pipeline.build import verbs as build
from pipeline.build.gather import site_for_checks
from pipeline.config import load_config
from pipeline.model import CheckResult
from pipeline.report import formats as report
from pipeline.report import streamed
from pipeline.store.cache import Cache
from tests.conftest import po_path, translate_po


@pytest.fixture
def rough(site: Path) -> Path:
    """The test site with Spanish that breaks links (errors, one marked as deliberate by the
    translator) and leaves the glossary and interface untranslated (warnings)."""

    def spanish(msgid: str) -> str:
        return f"ES {msgid.replace('](', '](https://example.es/')}"

    translate_po(po_path(site, "es"), spanish)
    found = build.check(_project(site)).findings
    po = polib.pofile(str(po_path(site, "es")))
    entries = {entry.msgid: entry for entry in po}
    meant = [f for f in found if f.locale == "es" and f.msgid in entries][-1]
    entries[meant.msgid].tcomment = f"ignore-{meant.check}: meant"
    po.save()
    return site


def _project(root: Path) -> build.Project:
    return build.read_project(load_config(root), Cache.disabled())


def test_the_terminal_report_from_the_stream_is_the_whole_results(rough: Path) -> None:
    project = _project(rough)
    whole = build.check(project)
    assert whole.errors and whole.warnings and whole.deliberate  # the fixture has all three
    totals = streamed.totals(*build.check_stream(project))
    stats = build.version_stats(project, build.load_catalogs(project))
    for warnings in (True, False):
        assert report.finding_lines(totals, warnings) == report.finding_lines(whole, warnings)
    assert report.terminal_table(totals, stats, "en") == report.terminal_table(whole, stats, "en")
    assert report.totals_line(totals) == report.totals_line(whole)


def test_the_json_report_from_the_stream_is_the_whole_results(rough: Path) -> None:
    project = _project(rough)
    catalogs = build.load_catalogs(project)
    previews, reviews = build.previews(project, catalogs), build.reviews(project, catalogs)
    expected = report.to_json(build.check(project, catalogs), previews, reviews)
    with streamed.JsonLists() as lists:
        lists.add_all(*build.check_stream(project, catalogs))
        assert "".join(lists.chunks(previews, reviews)) == expected
    assert lists.errors == build.check(project, catalogs).errors


def test_a_report_with_empty_lists_is_the_whole_results_too() -> None:
    with streamed.JsonLists() as lists:
        lists.add_all([], [])
        assert "".join(lists.chunks()) == report.to_json(CheckResult((), ()))


def test_the_cli_prints_json_that_a_tool_reads_whole(rough: Path, run) -> None:  # type: ignore[no-untyped-def]
    project = _project(rough)
    catalogs = build.load_catalogs(project)
    expected = report.to_json(
        build.check(project, catalogs),
        build.previews(project, catalogs),
        build.reviews(project, catalogs),
    )
    code, out, _ = run(rough, "check", "--format", "json")
    assert code == 1 and out == expected


def test_a_version_checked_afresh_leaves_nothing_on_the_subject(site: Path) -> None:
    """A process that checks every version holds every subject to the end: what a check works
    out of one (the texts it shows) must go with the check, not stay on the subject."""
    project = _project(site)
    catalogs = build.load_catalogs(project)
    found = build.subjects(project, catalogs, site_for_checks(project, catalogs))
    subject = found[-1]
    result = checks.check_afresh(subject)
    assert "shown" not in vars(subject) and "review" not in vars(subject)
    assert result == checks.check_version(build.subjects(project, catalogs, subject.site)[-1])
