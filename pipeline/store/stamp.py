"""A build with nothing to do, answered before the pipeline is even imported.

Importing the pipeline costs more CPU than a build that finds nothing changed (issue 28). So the
CLI records, after a ``build`` that itself found nothing to do, a *stamp*: one digest of the stat
signature (path, size, mtime, ctime, inode) of every file that can change the result, with the
command's arguments, the working folder, today's date as ``source.dates`` sees it and the Python
version; beside it, what that build printed (stdout and stderr, in order) and its exit code. The
next ``build`` computes the same digest first; when it is equal, nothing a build reads has changed,
and the build would find nothing to do again and print the same: the recorded output is replayed.

Why the output of a build that found nothing to do, and not of any build: a build that did work
prints what a following one would not (the lines of publication states that changed, the cleanup
of an interrupted run). A build that did nothing prints what the next one with the same inputs
prints: the last result, from the cache. And the stamp is only recorded when the signature taken
before that build equals the one taken after it, so no file changed while it ran, and the stamp is
taken after all its writes.

What the signature covers: everything under the project (``output/`` too, so a page edited or
deleted by hand is repaired), the folder ``output/`` links to, the pipeline's own code and
templates, and the folders on ``sys.path`` (an installed or upgraded library changes their mtime).
What it leaves out: ``.git/``, ``.venv/``, ``node_modules/``, ``__pycache__/`` and
``.pipeline-cache/`` and the spare site beside ``output/`` (``.pipeline-spare-*``), which only ever save time (``--no-cache`` gives the same bytes) and which a
build writes even when it has nothing to do; the stamp lives in it, so deleting the cache forgets
the stamp. Of the leftovers of an interrupted build (``.output-staging-*``, ``.output-old-*``)
only the names count: their presence alone sends the next run to the normal path, whose recovery
cleans them up.

A file written within ``RACY_NS`` of the recording can change again within the file system's
clock tick with nothing in its stat to show it (git's "racy clean" problem): its content hash is
recorded too and compared. Any doubt (no stamp, a damaged one, an error while walking) means the
normal path: the stamp can only save time, never change what a build does.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pipeline.store import files
from pipeline.store.cache import CACHE_DIR, PACKAGE_DIR, RACY_NS
from pipeline.store.publish import OLD_PREFIX, STAGING_PREFIX
from pipeline.store.spare import SPARE_PREFIX

STAMP_FILE = "noop-stamp.json"  # in .pipeline-cache/
SKIPPED = frozenset({".git", ".venv", "node_modules", "__pycache__", CACHE_DIR})
LEFTOVERS = (STAGING_PREFIX, OLD_PREFIX)
TODAY_VARIABLE = "PIPELINE_TODAY"  # as pipeline.source.dates reads it (not imported: too heavy)
FORMAT = 1


@dataclass
class Signature:
    """The digest of a project's state, and the files recent enough to be compared by content."""

    digest: str
    recent: dict[str, int] = field(default_factory=dict)  # path -> newest of mtime/ctime (ns)


def stamp_path(root: Path) -> Path:
    return root / CACHE_DIR / STAMP_FILE


def signature(root: Path, argv: list[str]) -> Signature:
    """The stat signature of everything a build of ``root`` with ``argv`` depends on (see the
    module's docstring). Raises OSError where a folder cannot be read: the caller's doubt."""
    root = root.resolve()
    rows: list[str] = [json.dumps(_context(argv))]
    recent: dict[str, int] = {}
    output = root / "output"
    folders = [(root, "."), (PACKAGE_DIR, "<pipeline>")]
    if output.is_symlink():
        site = output.resolve()
        folders += [(site, "<site>"), (site.parent, "<beside-site>")]
    for folder, label in folders:
        _walk(str(folder), label, rows, recent, label != "<beside-site>")
    rows += _path_rows(root)
    return Signature(hashlib.sha256("\n".join(rows).encode()).hexdigest(), recent)


def _context(argv: list[str]) -> list[object]:
    """What a build's output depends on besides files: its arguments and where it runs, the
    day (``PIPELINE_TODAY`` or the clock), the Python, and whether a progress bar is drawn."""
    return [
        FORMAT,
        argv,
        os.getcwd(),
        os.environ.get(TODAY_VARIABLE, ""),
        date.today().isoformat(),
        sys.version,
        bool(os.environ.get("CI")),
        sys.stderr.isatty(),
    ]


def _walk(folder: str, label: str, rows: list[str], recent: dict[str, int], deep: bool) -> None:
    """One row per file (and name per folder) below ``folder``, sorted: os.scandir, whose entries
    carry their type, costs one ``stat`` per file. ``deep`` false: this folder's leftovers only."""
    with os.scandir(folder) as entries:
        found = sorted(entries, key=lambda entry: entry.name)
    for entry in found:
        name = f"{label}/{entry.name}"
        if entry.name.startswith(LEFTOVERS):
            rows.append(f"leftover {name}")
        elif not deep or entry.name in SKIPPED or entry.name.startswith(SPARE_PREFIX):
            continue
        elif entry.is_dir(follow_symlinks=False):
            rows.append(f"dir {name}")
            _walk(entry.path, name, rows, recent, deep)
        else:
            info = entry.stat(follow_symlinks=False)
            rows.append(
                f"{name} {info.st_size} {info.st_mtime_ns} {info.st_ctime_ns} {info.st_ino}"
            )
            recent[entry.path] = max(info.st_mtime_ns, info.st_ctime_ns)


def _path_rows(root: Path) -> list[str]:
    """The mtime of each folder Python imports from (an install changes it); the project's own
    folders are walked already, and their mtimes change when the stamp itself is written."""
    rows = []
    for entry in sys.path:
        folder = Path(entry or ".").absolute()
        if folder == root or root in folder.parents:
            continue
        try:
            rows.append(f"path {folder} {folder.stat().st_mtime_ns}")
        except OSError:
            rows.append(f"path {folder} missing")
    return rows


@dataclass(frozen=True)
class Recorded:
    """A build that found nothing to do: its signature, what it printed, its exit code."""

    digest: str
    hashes: dict[str, str]  # path -> sha256 of the files written just before the recording
    output: list[tuple[int, str]]  # (1 stdout | 2 stderr, text), in the order printed
    code: int


def load(root: Path) -> Recorded | None:
    """The recorded stamp, or None when there is none or it cannot be trusted whole."""
    try:
        data = json.loads(stamp_path(root).read_bytes())
        output = [(int(stream), str(text)) for stream, text in data["output"]]
        recorded = Recorded(str(data["digest"]), dict(data["hashes"]), output, int(data["code"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if data.get("format") != FORMAT or any(stream not in (1, 2) for stream, _ in output):
        return None
    return recorded


def same_contents(recorded: Recorded) -> bool:
    """Every file written just before the recording still has the content it had: its stat
    alone cannot tell (see the module's docstring)."""
    return all(_sha256(path) == sha for path, sha in recorded.hashes.items())


def record(
    root: Path, before: Signature, after: Signature, output: list[tuple[int, str]], code: int
) -> None:
    """Keep the stamp of a build that found nothing to do, if nothing changed while it ran
    (``before`` and ``after`` its run): else the next build takes the normal path."""
    path = stamp_path(root)
    if before.digest != after.digest or not path.parent.is_dir():
        with contextlib.suppress(OSError):
            path.unlink()
        return
    racy = time.time_ns() - RACY_NS
    hashes = {name: _sha256(name) for name, ns in after.recent.items() if ns >= racy}
    data = {"format": FORMAT, "digest": after.digest, "hashes": hashes}
    data |= {"output": output, "code": code}
    files.write_atomically(path, json.dumps(data).encode("utf-8"))


def forget(root: Path) -> None:
    """No stamp: the next build takes the normal path (a build that did work, or failed)."""
    with contextlib.suppress(OSError):
        stamp_path(root).unlink()


def _sha256(path: str) -> str:
    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return ""
