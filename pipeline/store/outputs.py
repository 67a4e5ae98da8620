"""What ``output/`` holds, so that a build links an unchanged file instead of writing it again.

After each publish, the build records in its cache every file it wrote under ``output/``: the key
of the inputs that made it (a version's cache key, an image's hash, or the whole site's key) and
the size and modification time the file had once in place. The next build reuses a file only
while it still has that size and time and its key has not changed: it hard-links it into the
staging folder (same inode, no bytes copied) instead of loading it from the cache and writing it.
A build whose site key is unchanged and whose ``output/`` is exactly as recorded has nothing to
do at all. A publisher who edits, deletes or adds a file in ``output/`` changes its size, time
or the set of files, so the next build writes the site again: the record is a shortcut, never a
source of truth, and ``--no-cache`` or a deleted cache folder gives the same bytes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.store.cache import Cache, digest
from pipeline.store.publish import OUTPUT_README, site_folder

KIND = "published"


@dataclass(frozen=True)
class Record:
    site_key: str  # every input of the build (``sitebuild.site_key``)
    files: dict[str, tuple[str, int, int]] = field(default_factory=dict)
    # path under output/ -> (key of what made it, size, mtime_ns)

    def reusable(self, output_dir: Path, path: str, key: str) -> Path | None:
        """The file in ``output/`` if it is what ``key`` would write, untouched since."""
        entry = self.files.get(path)
        if entry is None or entry[0] != key:
            return None
        found = os.path.join(output_dir, path)
        try:
            status = os.lstat(found)
        except OSError:
            return None
        return Path(found) if (status.st_size, status.st_mtime_ns) == entry[1:] else None

    def intact(self, output_dir: Path) -> bool:
        """``output/`` holds exactly the recorded files, each untouched (the publisher's README aside)."""
        found = scan(site_folder(output_dir))
        found.pop(OUTPUT_README, None)
        return found == {path: entry[1:] for path, entry in self.files.items()}


def load(cache: Cache, output_dir: Path) -> Record | None:
    found = cache.get(KIND, _key(output_dir))
    return found if isinstance(found, Record) else None


def save(cache: Cache, output_dir: Path, site_key: str, made_by: dict[str, str]) -> None:
    """Record what ``output/`` now holds: ``made_by`` maps each written path to its key."""
    found = scan(site_folder(output_dir))
    files = {path: (key, *found[path]) for path, key in made_by.items() if path in found}
    cache.put(KIND, _key(output_dir), Record(site_key, files))


def _key(output_dir: Path) -> str:
    return digest(str(site_folder(output_dir).absolute()))


def scan(folder: Path) -> dict[str, tuple[int, int]]:
    """Every entry under ``folder`` that is not a folder: path -> (size, mtime_ns); a symbolic
    link counts as itself, so one that replaced a page is a change."""
    found: dict[str, tuple[int, int]] = {}
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
                status = entry.stat(follow_symlinks=False)
                found[f"{prefix}{entry.name}"] = (status.st_size, status.st_mtime_ns)
    return found
