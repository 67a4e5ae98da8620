"""What ``output/`` holds, so that a build links an unchanged file instead of writing it again.

After each publish, the build records in its cache every file it wrote under ``output/``: the key
of the inputs that made it (a version's cache key, an image's hash, or the whole site's key) and
what git's index keeps of a file once in place: size, modification and change time, inode. The
next build reuses a file only while all four are the same and its key has not changed: it hard-links it into the
staging folder (same inode, no bytes copied) instead of loading it from the cache and writing it.
A build whose site key is unchanged and whose ``output/`` is exactly as recorded has nothing to
do at all. A publisher who edits, deletes or adds a file in ``output/`` changes its change time
(which no tool can set back: ``touch -d`` or ``os.utime`` restoring the size and modification
time set it to now), its inode (an editor that saves by rename) or the set of files, so the next
build writes that file again: the record is a shortcut, never a
source of truth, and ``--no-cache`` or a deleted cache folder gives the same bytes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.store import kinds
from pipeline.store.cache import Cache, digest
from pipeline.store.publish import OUTPUT_README, site_folder

KIND = kinds.PUBLISHED


@dataclass(frozen=True)
class Record:
    site_key: str  # every input of the build (``sitebuild.site_key``)
    files: dict[str, tuple[str, int, int, int, int]] = field(default_factory=dict)
    # path under output/ -> (key of what made it, size, mtime_ns, ctime_ns, inode)

    def reusable(self, output_dir: Path, path: str, key: str) -> Path | None:
        """The file in ``output/`` if it is what ``key`` would write, untouched since."""
        return Path(output_dir, path) if self.untouched(output_dir, path, key) else None

    def untouched(self, output_dir: Path, path: str, key: str) -> bool:
        """``reusable`` as a yes or no: asked of each of a save's 2,800 unchanged files, which
        need no ``Path`` made to be answered."""
        entry = self.files.get(path)
        if entry is None or entry[0] != key:
            return False
        try:
            status = os.lstat(os.path.join(output_dir, path))
        except OSError:
            return False
        return _stamp(status) == entry[1:]

    def earlier(self, output_dir: Path, path: str) -> tuple[str, Path] | None:
        """The key of what made ``path`` and the file in ``output/``, if untouched since."""
        entry = self.files.get(path)
        found = self.reusable(output_dir, path, entry[0]) if entry else None
        return (entry[0], found) if entry and found else None

    def intact(self, output_dir: Path) -> bool:
        """``output/`` holds exactly the recorded files, each untouched (the publisher's README aside)."""
        found = scan(site_folder(output_dir))
        found.pop(OUTPUT_README, None)
        return found == {path: entry[1:] for path, entry in self.files.items()}


def load(cache: Cache, output_dir: Path) -> Record | None:
    found = cache.get(KIND, _key(output_dir))
    return found if isinstance(found, Record) else None


def save(
    cache: Cache,
    output_dir: Path,
    site_key: str,
    made_by: dict[str, str],
    kept: tuple[Record | None, set[str] | None] | None = None,
) -> None:
    """Record what ``output/`` now holds: ``made_by`` maps each written path to its key.

    ``kept``: the record the build started from, and the paths ``publish`` wrote anew (None:
    it cannot say, and every file is read). Every
    other path is the file that record's stamp was checked against (same inode, no link added
    or removed since, so the same ctime): its stamp is carried over, not read again. A stamp
    carried over wrongly could only make the next build write that file again."""
    if kept is None or kept[0] is None or kept[1] is None:
        found = scan(site_folder(output_dir))
        files = {path: (key, *found[path]) for path, key in made_by.items() if path in found}
    else:
        files = _carried(site_folder(output_dir), made_by, kept[0], kept[1])
    cache.put(KIND, _key(output_dir), Record(site_key, files))


def _carried(
    folder: Path, made_by: dict[str, str], record: Record, written: set[str]
) -> dict[str, tuple[str, int, int, int, int]]:
    files: dict[str, tuple[str, int, int, int, int]] = {}
    for path, key in made_by.items():
        entry = record.files.get(path)
        if path not in written and entry is not None and entry[0] == key:
            files[path] = entry
            continue
        try:
            files[path] = (key, *_stamp(os.lstat(os.path.join(folder, path))))
        except FileNotFoundError:
            continue
    return files


def _key(output_dir: Path) -> str:
    return digest(str(site_folder(output_dir).absolute()))


def _stamp(status: os.stat_result) -> tuple[int, int, int, int]:
    return (status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino)


def scan(folder: Path) -> dict[str, tuple[int, int, int, int]]:
    """Every entry under ``folder`` that is not a folder: path -> its stamp; a symbolic
    link counts as itself, so one that replaced a page is a change."""
    found: dict[str, tuple[int, int, int, int]] = {}
    stack = [(folder, "")]
    while stack:
        current, prefix = stack.pop()
        try:
            entries = list(os.scandir(current))
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                stack.append((Path(entry.path), f"{prefix}{entry.name}/"))
            else:
                found[f"{prefix}{entry.name}"] = _stamp(entry.stat(follow_symlinks=False))
    return found
