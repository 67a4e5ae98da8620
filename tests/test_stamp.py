"""A build with nothing to do is answered from the stamp (``store.stamp``), and only then.

The visible sign of the fast path is that the pipeline is never imported: in a subprocess,
``pipeline.build`` is not in ``sys.modules``; in this process, ``cli._commands`` (the one
place the CLI imports it) is not called.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from pipeline import cli
from pipeline.store import stamp
from tests.conftest import REPO, po_path, translate_po

PROBE = (
    "import sys\nfrom pipeline.cli import main\ncode = main(sys.argv[1:])\n"
    "print('pipeline.build' in sys.modules, file=sys.__stderr__)\nsys.exit(code)"
)

Build = Callable[..., tuple[int, str, str, bool]]


def _subprocess_build(root: Path, *args: str) -> tuple[int, str, str, bool]:
    """(exit code, stdout, stderr, whether the pipeline was imported) of a build in a new Python."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "PIPELINE_TODAY": "2026-12-07"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "--root", str(root), "build", *args],
        capture_output=True,
        text=True,
        env=env,
    )
    err, _, imported = done.stderr.rstrip("\n").rpartition("\n")
    return done.returncode, done.stdout, err + "\n" if err else "", imported == "True"


@pytest.fixture
def build(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Build:
    """Build in this process: (exit code, stdout, stderr, whether the pipeline was imported)."""
    monkeypatch.setenv("PIPELINE_TODAY", "2026-12-07")
    calls: list[int] = []
    real = cli._commands

    def counted() -> ModuleType:
        calls.append(1)
        return real()

    monkeypatch.setattr(cli, "_commands", counted)

    def _build(root: Path, *args: str) -> tuple[int, str, str, bool]:
        calls.clear()
        code = cli.main(["--root", str(root), "build", *args])
        out, err = capsys.readouterr()
        return code, out, err, bool(calls)

    return _build


def _settled(build: Build, root: Path, *args: str) -> tuple[int, str, str]:
    """Build until a build found nothing to do and recorded its stamp; the next is the fast one."""
    for _ in range(3):
        if build(root, *args)[3] is False:
            break
    code, out, err, imported = build(root, *args)
    assert not imported, "a build with nothing changed took the normal path"
    return code, out, err


def test_third_build_replays_the_second(site: Path) -> None:
    first = _subprocess_build(site)
    second = _subprocess_build(site)
    third = _subprocess_build(site)
    assert first[3] and second[3]
    assert not third[3], "the third build imported the pipeline"
    assert third[:3] == second[:3]
    assert "wrote 3 pages" in third[1]


def test_corrupt_stamp_takes_the_normal_path(site: Path, build: Build) -> None:
    _settled(build, site)
    stamp.stamp_path(site).write_text('{"format": 1, "digest": ', encoding="utf-8")
    code, out, _, imported = build(site)
    assert imported and code == 0 and "wrote 3 pages" in out


def test_no_cache_never_replays(site: Path, build: Build) -> None:
    _settled(build, site)
    for _ in range(2):
        assert build(site, "--no-cache")[3]


def test_other_arguments_or_day_are_another_build(
    site: Path, build: Build, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, out, _ = _settled(build, site)
    code, quiet, _, imported = build(site, "-q")
    assert imported and "wrote" not in quiet and "wrote" in out
    assert build(site, "--jobs", "1")[3]
    monkeypatch.setenv("PIPELINE_TODAY", "2026-12-08")
    assert build(site)[3]


def test_po_edit_of_the_same_size_and_mtime_is_seen(site: Path, build: Build) -> None:
    po = po_path(site, "es")
    translate_po(po, lambda msgid: "tr:" + msgid)
    _settled(build, site)
    page = site / "output" / "es" / "feature.html"
    assert "tr:Lists" in page.read_text(encoding="utf-8")
    before = po.stat()
    po.write_bytes(po.read_bytes().replace(b'msgstr "tr:Lists"', b'msgstr "tr:Lusts"'))
    os.utime(po, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert po.stat().st_size == before.st_size
    assert build(site)[3]
    assert "tr:Lusts" in page.read_text(encoding="utf-8")


def test_source_and_configuration_changes_are_built(site: Path, build: Build) -> None:
    _settled(build, site)
    source = site / "source" / "feature.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nA new closing line.\n")
    assert build(site)[3]
    assert "A new closing line." in (site / "output" / "en" / "feature.html").read_text()
    _settled(build, site)
    pyproject = site / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("Test site", "Best site"))
    assert build(site)[3]
    assert "Best site" in (site / "output" / "en" / "feature.html").read_text()


def test_output_edited_or_deleted_by_hand_is_repaired(site: Path, build: Build) -> None:
    _settled(build, site)
    page = site / "output" / "es" / "feature.html"
    good = page.read_bytes()
    page.write_bytes(good.replace(b"<html", b"<html data-edited", 1))
    assert build(site)[3]
    assert page.read_bytes() == good
    _settled(build, site)
    page.unlink()
    assert build(site)[3]
    assert page.read_bytes() == good


def test_pipeline_code_change_is_seen(
    site: Path, build: Build, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "package"
    shutil.copytree(stamp.PACKAGE_DIR / "templates", copy / "templates")
    monkeypatch.setattr(stamp, "PACKAGE_DIR", copy)  # the folder the signature walks
    _settled(build, site)
    template = next((copy / "templates").glob("*.html"))
    template.write_text(template.read_text() + " ")
    assert build(site)[3]


def test_leftovers_of_a_killed_build_are_cleaned(site: Path, build: Build) -> None:
    _settled(build, site)
    (site / ".output-staging-x1").mkdir()
    code, _, err, imported = build(site)
    assert imported and "cleaned up after an interrupted run" in err
    assert not (site / ".output-staging-x1").exists()


def test_a_file_changed_while_the_build_runs_records_no_stamp(
    site: Path, build: Build, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The signature is taken before the build reads anything: a file changed during a build
    that finds nothing to do differs between the signatures before and after it, so no stamp
    is recorded and the next build takes the normal path."""
    _settled(build, site)
    stamp.forget(site)
    real = cli._commands()
    changed = site / "source" / "notes.txt"

    class During:
        def __getattr__(self, name: str) -> object:
            return getattr(real, name)

        @staticmethod
        def run(argv: list[str]) -> object:
            result = real.run(argv)
            changed.write_text("an editor's note, saved while the build ran\n", encoding="utf-8")
            return result

    monkeypatch.setattr(cli, "_commands", During)
    assert cli.main(["--root", str(site), "build"]) == 0
    assert not stamp.stamp_path(site).exists()
