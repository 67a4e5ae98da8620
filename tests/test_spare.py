"""The spare (``store.spare``): the previous site, written over into the next one.

What a publisher relies on: ``output/`` is exactly the files given, whatever the spare held; the
spare never changes a byte of ``output/`` and is never followed out of its folder. What a
translator gains: a save touches the files that changed, not the whole site.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pipeline.cli import main
from pipeline.store import publish, spare
from tests.multisite import make_multisite


def tree(folder: Path) -> dict[str, str]:
    """path -> text of each file, and "/" for each folder (to see a folder left where none is)."""
    return {
        p.relative_to(folder).as_posix(): "/" if p.is_dir() else p.read_text(encoding="utf-8")
        for p in folder.rglob("*")
    }


def expected(files: dict[str, str]) -> dict[str, str]:
    found = dict(files)
    for rel in files:
        parts = rel.split("/")
        found.update({"/".join(parts[:i]): "/" for i in range(1, len(parts))})
    return found


def linked_from(
    output: Path, files: dict[str, str], seen: bool = False
) -> dict[str, publish.Content]:
    """The files as a build gives them: a file already in ``output/`` with the same text is
    linked from there (as ``outputs`` does for an unchanged page), any other is text. ``seen``:
    each such file as the build names one it found untouched (``Linked``: its inode as seen),
    not by its ``Path``."""
    given: dict[str, publish.Content] = {}
    for rel, text in files.items():
        current = output / rel
        same = current.is_file() and current.read_text(encoding="utf-8") == text
        given[rel] = _found(current, seen) if same else text
    return given


def _found(current: Path, seen: bool) -> publish.Content:
    if not seen:
        return current
    status = os.lstat(current)
    return publish.Linked(str(current), status.st_dev, status.st_ino)


# paths from a small alphabet, so that one site's file is another's folder
NAMES = st.sampled_from(["a", "b", "c.html"])
PATHS = st.lists(NAMES, min_size=1, max_size=3).map("/".join)
SITES = st.dictionaries(PATHS, st.sampled_from(["one", "two", "three"]), max_size=6).filter(
    lambda files: not any(other.startswith(rel + "/") for rel in files for other in files)
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(sites=st.lists(st.tuples(SITES, st.booleans()), min_size=1, max_size=5))
# the spare holds the page as it was two sites ago; output/ has it as the last site left it
@example(sites=[({"a": "one"}, False), ({"a": "two"}, False), ({"a": "two"}, True)])
def test_output_is_exactly_each_site_in_turn(
    tmp_path_factory: pytest.TempPathFactory, sites
) -> None:
    """Whatever the spare holds at a path (an older file, another file, a folder), ``output/``
    is the site given: a file named by its ``Path`` or by the inode the build saw."""
    output = tmp_path_factory.mktemp("sites") / "output"
    for files, seen in sites:
        publish.publish(output, linked_from(output, files, seen))
        assert tree(output) == expected(files)
        assert sorted(p.name for p in output.parent.iterdir() if p.name != "output") in (
            [],
            [".pipeline-spare-output"],
        )


def _site(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    output = tmp_path / "output"
    files = {f"{lang}/page-{n}.html": f"{lang} {n}" for lang in ("en", "es") for n in range(20)}
    files["index.html"] = "index"
    publish.publish(output, files)
    publish.publish(output, linked_from(output, files))  # the first site is now the spare
    return output, files


def _counted(monkeypatch: pytest.MonkeyPatch, name: str) -> list[str]:
    calls: list[str] = []
    real = getattr(os, name)

    def counted(*args, **kwargs):
        calls.append(str(args[-1] if name == "link" else args[0]))
        return real(*args, **kwargs)

    monkeypatch.setattr(os, name, counted)
    return calls


def test_one_changed_page_is_the_only_file_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    output, files = _site(tmp_path)
    inodes = {rel: (output / rel).stat().st_ino for rel in files}
    files["es/page-3.html"] = "es 3, corrected"
    links, unlinks = _counted(monkeypatch, "link"), _counted(monkeypatch, "unlink")
    renames = _counted(monkeypatch, "rename")
    publish.publish(output, linked_from(output, files))
    assert tree(output) == expected(files)
    # the spare's old copy, only: moved aside at once, deleted once the new site is in
    assert [Path(p).name for p in renames if p.endswith(".html")] == ["page-3.html"]
    assert len(unlinks) == 1
    assert links == []  # every unchanged file was already the spare's
    assert [p.name for p in output.parent.iterdir() if p.name != "output"] == [
        ".pipeline-spare-output"
    ]
    assert {rel: (output / rel).stat().st_ino for rel in files if rel != "es/page-3.html"} == {
        rel: inode for rel, inode in inodes.items() if rel != "es/page-3.html"
    }


def test_a_spare_with_a_read_only_folder_is_not_used_and_not_kept(tmp_path: Path) -> None:
    output, files = _site(tmp_path)
    kept = spare.spare_path(output)
    (kept / "es").chmod(0o555)  # a publisher's chmod a-w, as root too (the mode is read)
    files["index.html"] = "index, new"
    publish.publish(output, linked_from(output, files))
    assert tree(output) == expected(files)
    assert tree(kept) == expected(
        {**files, "index.html": "index"}
    )  # the site before, not the one before that
    (output / "es").chmod(0o555)
    publish.publish(output, linked_from(output, files))
    assert tree(output) == expected(files) and not kept.exists()  # deleted, as before spares


def _someones_folder(tmp_path: Path, name: str) -> Path:
    """A folder outside the site, with one file a link in the way could lead the build to."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / name).write_text("someone's", encoding="utf-8")
    return elsewhere


def test_a_spare_that_is_a_link_is_never_followed(tmp_path: Path) -> None:
    output, files = _site(tmp_path)
    elsewhere = _someones_folder(tmp_path, "index.html")
    kept = spare.spare_path(output)
    shutil.rmtree(kept)
    kept.symlink_to(elsewhere)
    files["index.html"] = "index, new"
    publish.publish(output, linked_from(output, files))
    assert tree(output) == expected(files)
    assert kept.is_symlink() and tree(elsewhere) == {"index.html": "someone's"}


def test_a_link_inside_the_spare_is_removed_not_followed(tmp_path: Path) -> None:
    output, files = _site(tmp_path)
    elsewhere = _someones_folder(tmp_path, "page-0.html")
    kept = spare.spare_path(output)
    shutil.rmtree(kept / "es")
    (kept / "es").symlink_to(elsewhere)
    publish.publish(output, linked_from(output, files))
    assert tree(output) == expected(files)
    assert tree(elsewhere) == {"page-0.html": "someone's"}


def test_a_spare_claimed_by_another_build_means_a_fresh_folder(tmp_path: Path) -> None:
    output, files = _site(tmp_path)
    os.rename(spare.spare_path(output), tmp_path / "claimed")  # as a concurrent build's claim
    files["index.html"] = "index, new"
    publish.publish(output, linked_from(output, files))
    assert tree(output) == expected(files)
    assert tree(tmp_path / "claimed") == tree(spare.spare_path(output)) != tree(output)


def test_a_translators_save_links_no_unchanged_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A whole build: after a save, the new site is the spare with the changed files replaced."""
    root = make_multisite(tmp_path)
    po = root / "locales/es/LC_MESSAGES/sleep.po"
    for title in ("SLEEPING", "SLEEPING!"):  # the second build's old site is the third's spare
        assert main(["--root", str(root), "-q", "build"]) in (0, 1)
        text = po.read_text(encoding="utf-8").replace('msgstr "SLEEPING WELL"', f'msgstr "{title}"')
        po.write_text(text.replace('msgstr "SLEEPING"', f'msgstr "{title}"'), encoding="utf-8")
    links = _counted(monkeypatch, "link")
    assert main(["--root", str(root), "-q", "build"]) in (0, 1)
    into_site = [p for p in links if ".output-staging-" in p]
    pages = sum(1 for p in (root / "output").rglob("*.html"))
    assert "SLEEPING!" in (root / "output/es/sleep.html").read_text(encoding="utf-8")
    assert len(into_site) < pages / 4, into_site  # the report's pages and the changed version's


def test_the_record_of_output_carried_over_is_what_a_fresh_look_finds(tmp_path: Path) -> None:
    """The stamps of kept files are carried over from the last record, not read again: they must
    be what the files' ``lstat`` says, or the next build would write them again (or, worse, trust
    a file a publisher changed)."""
    from pipeline.config import load_config
    from pipeline.store import outputs
    from pipeline.store.cache import Cache

    root = make_multisite(tmp_path)
    po = root / "locales/es/LC_MESSAGES/sleep.po"
    for title in ("SLEEPING", "SLEEPING!", "SLEEPING?"):
        assert main(["--root", str(root), "-q", "build"]) in (0, 1)
        text = po.read_text(encoding="utf-8")
        po.write_text(
            text.replace('msgstr "SLEEPING WELL"', 'msgstr "SLEEPING"').replace(
                'msgstr "SLEEPING', f'msgstr "{title}', 1
            ),
            encoding="utf-8",
        )
    assert main(["--root", str(root), "-q", "build"]) in (0, 1)
    config = load_config(root)
    record = outputs.load(Cache(config.root / ".pipeline-cache"), config.output_dir)
    assert record is not None
    found = outputs.scan(config.output_dir)
    found.pop("README.md", None)
    assert {path: entry[1:] for path, entry in record.files.items()} == found
    assert record.intact(config.output_dir)


def test_a_read_only_spare_that_cannot_be_removed_leaves_nothing_in_the_new_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As an unprivileged user, ``rmtree`` of a read-only folder fails (silently, asked to):
    the new site must still start from an empty folder, not from what is left of the spare."""
    output, files = _site(tmp_path)
    (spare.spare_path(output) / "es").chmod(0o555)
    monkeypatch.setattr(spare.shutil, "rmtree", lambda path, ignore_errors=False: None)
    del files["es/page-3.html"]
    publish.publish(output, linked_from(output, files))
    assert tree(output) == expected(files)
