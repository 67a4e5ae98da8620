"""``publish(meanwhile=...)``: the build's bookkeeping runs while the old site is deleted, where
it cannot be kept as the spare (``store.spare``).

What a publisher relies on is unchanged: when ``publish`` returns, ``output/`` is the new site and
no leftover of the old one remains; an error of either half is raised, never printed and lost.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.store import publish, spare

OLD = {"index.html": "old", "es/a.html": "vieja"}
NEW = {"index.html": "new", "es/a.html": "nueva", "es/b.html": "otra"}


def site(tmp_path: Path) -> Path:
    output = tmp_path / "output"
    publish.publish(output, OLD)
    return output


def tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8")
        for p in folder.rglob("*")
        if p.is_file()
    }


def leftovers(output: Path) -> list[str]:
    return [p.name for p in output.parent.iterdir() if p.name.startswith(".output-")]


@pytest.fixture
def not_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    """The old site cannot become the spare (one is there already, or it is read-only): deleted."""
    monkeypatch.setattr(spare, "keep", lambda old, target: False)


def test_the_work_sees_the_new_site_and_no_old_site_is_left_after(
    tmp_path: Path, not_kept: None
) -> None:
    output = site(tmp_path)
    seen: list[dict[str, str]] = []
    publish.publish(output, NEW, meanwhile=lambda: seen.append(tree(output)))
    assert seen == [NEW]
    assert tree(output) == NEW and leftovers(output) == []
    assert not spare.spare_path(output).exists()


def test_the_old_site_kept_as_the_spare_is_no_leftover(tmp_path: Path) -> None:
    output = site(tmp_path)
    seen: list[dict[str, str]] = []
    publish.publish(output, NEW, meanwhile=lambda: seen.append(tree(output)))
    assert seen == [NEW] and tree(output) == NEW and leftovers(output) == []
    assert tree(spare.spare_path(output)) == OLD


def test_a_first_build_runs_the_work_too(tmp_path: Path) -> None:
    ran: list[bool] = []
    publish.publish(tmp_path / "output", NEW, meanwhile=lambda: ran.append(True))
    assert ran == [True] and tree(tmp_path / "output") == NEW


def test_the_works_error_is_raised_once_the_old_site_is_gone(
    tmp_path: Path, not_kept: None
) -> None:
    output = site(tmp_path)

    def broken() -> None:
        raise OSError(28, "No space left on device", "cache")

    with pytest.raises(OSError, match="No space left"):
        publish.publish(output, NEW, meanwhile=broken)
    assert tree(output) == NEW and leftovers(output) == []


def test_an_old_site_that_cannot_be_deleted_is_an_error_after_the_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, not_kept: None
) -> None:
    output = site(tmp_path)

    def refused(path: Path) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(publish, "remove_tree", refused)
    ran: list[bool] = []
    with pytest.raises(PermissionError):
        publish.publish(output, NEW, meanwhile=lambda: ran.append(True))
    assert ran == [True] and tree(output) == NEW  # the new site is in; the sweep deletes the rest
    assert len(leftovers(output)) == 1


def test_work_that_fails_before_the_swap_never_runs(tmp_path: Path) -> None:
    output = site(tmp_path)

    def files() -> Iterator[tuple[str, str]]:
        yield "index.html", "half"
        raise OSError(5, "Input/output error", "source")

    ran: list[bool] = []
    with pytest.raises(OSError, match="Input/output"):
        publish.publish(output, files(), meanwhile=lambda: ran.append(True))
    assert ran == [] and tree(output) == OLD and leftovers(output) == []


def test_a_failed_build_over_the_spare_leaves_no_file_it_moved_aside(tmp_path: Path) -> None:
    """The spare's copy of a file being replaced is moved aside at once and deleted after the
    swap; a build that fails first deletes it with the rest of its folder."""
    output = site(tmp_path)
    publish.publish(output, OLD)  # the first site is now the spare

    def files() -> Iterator[tuple[str, str]]:
        yield "index.html", "half"  # replaces the spare's index.html
        raise OSError(5, "Input/output error", "source")

    with pytest.raises(OSError, match="Input/output"):
        publish.publish(output, files())
    assert tree(output) == OLD and leftovers(output) == []
