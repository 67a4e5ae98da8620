"""Incremental and parallel builds: the cache and the process pool change how long a build takes, never a byte of it."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from pipeline import cache as cache_module
from pipeline.cli import main
from tests.multisite import make_multisite


def snapshot(root: Path) -> dict[str, str]:
    output = root / "output"
    return {
        p.relative_to(output).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(output.rglob("*"))
        if p.is_file()
    }


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
    site: Path, reference: tuple[Path, dict[str, str]]
) -> None:
    cold = build(site, "--jobs", "2")
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
    for entry in (site / ".pipeline-cache" / "version").rglob("*"):
        if entry.is_file():
            entry.write_bytes(b"not a pickle")
    assert build(site) == reference[1]


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
        ("pyproject.toml", 'site_name = "', 'site_name = "New ', "en/water.html"),
    ],
)
def test_a_change_to_any_one_input_shows_in_the_next_incremental_build(
    site: Path, path: str, old: str, new: str, expected_page: str
) -> None:
    before = build(site)
    _edit(site / path, old, new)
    after = build(site)
    assert expected_page in _changed_files(before, after)
    shutil.rmtree(site / ".pipeline-cache")
    assert (
        build(site, "--no-cache") == after
    )  # the incremental result is the one a clean build gives


def test_a_template_or_code_change_is_a_new_cache_key(tmp_path: Path) -> None:
    package = tmp_path / "pipeline"
    shutil.copytree(
        Path(cache_module.__file__).parent, package, ignore=shutil.ignore_patterns("__pycache__")
    )
    before = cache_module.package_digest(package)
    _edit(package / "templates" / "page.html", "<article", "<article data-x")
    cache_module.package_digest.cache_clear()
    assert cache_module.package_digest(package) != before
