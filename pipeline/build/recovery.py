"""Every run holds a lock on the project folder; the first run after an interrupted one cleans up.

A SIGKILL (an out-of-memory killer, a CI timeout, a closed laptop) can stop a run anywhere. What
it leaves is never a half site or a half catalogue — writes go to a staging folder or a temporary
file and are renamed in whole — but the staging folder, the old site of a swap and temporary
catalogues stay behind. Deleting them is only safe when no other run is writing: a concurrent
build's staging folder looks exactly like a leftover. So every command holds a *shared* ``flock``
on the project folder (released by the kernel when the process dies, however it dies), and a run
that can take it *exclusively* knows it is alone and sweeps before it downgrades to shared.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.config import Config
from pipeline.store.publish import sweep

try:
    import fcntl
except ImportError:  # not a POSIX system: no lock, so no sweep either
    fcntl = None  # type: ignore[assignment]


@contextmanager
def project_run(config: Config) -> Iterator[list[Path]]:
    """Hold the project's shared lock for the run; yield the leftovers cleaned up before it started."""
    if fcntl is None:
        yield []
        return
    fd = os.open(config.root, os.O_RDONLY)
    try:
        yield _lock_and_sweep(fd, config)
    finally:
        os.close(fd)  # releases the lock


def _lock_and_sweep(fd: int, config: Config) -> list[Path]:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:  # another run is under way: its files are not leftovers
        fcntl.flock(fd, fcntl.LOCK_SH)
        return []
    except OSError:  # a file system without locks (some network mounts): never guess, never sweep
        return []
    try:
        return sweep(config.output_dir) + _sweep_catalogue_temps(config.locales_dir)
    finally:
        fcntl.flock(fd, fcntl.LOCK_SH)


def _sweep_catalogue_temps(locales_dir: Path) -> list[Path]:
    """``.<name>.po.XXXX.tmp`` files of an interrupted write (see ``catalog.saving``)."""
    found = [
        path
        for folder in (locales_dir, *locales_dir.glob("*/LC_MESSAGES"))
        for path in folder.glob(".*.tmp")
        if path.is_file() and any(f".{ext}." in path.name for ext in ("po", "pot"))
    ]
    for path in found:
        path.unlink(missing_ok=True)
    return found


def describe(config: Config, removed: list[Path]) -> str:
    """One line for the CLI: what an interrupted run had left and this one cleaned up."""
    names = ", ".join(config.rel(path) for path in removed[:3])
    more = f" and {len(removed) - 3} more" if len(removed) > 3 else ""
    return f"cleaned up after an interrupted run: {names}{more}"
