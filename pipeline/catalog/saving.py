"""Writing catalogues so that no translator's save is lost and no command writes half its files.

A translator's editor (Poedit, Lokalize, Emacs) may save a PO while a command is merging it:
most write a temporary file and rename it over, some write in place. A command therefore
remembers what each file *was* when it read it (``Seen``: device, inode, size, modification
and change times) and, just before its own rename, compares that with what the file is now.
Any save in between changes at least one of them (an in-place write that restores the
modification time still moves the change time, which no program can set), so the command
leaves that file as the translator saved it: ``commit`` reports it, the caller merges again
from the new file or stops with a line naming it.

Writing is two steps, as the site's publication is: ``stage`` every new file beside its
catalogue first, then ``commit`` renames them all. A catalogue that cannot be staged (a
read-only folder, a full disk) removes the files staged so far and raises naming *the
catalogue*, never a temporary file, so a failed command has written none of them.
Temporary files are named ``.<name>.XXXX.tmp``, which ``build.recovery`` sweeps after a kill.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import CatalogError
from pipeline.store import files

Seen = tuple[int, int, int, int, int] | None  # (dev, ino, size, mtime_ns, ctime_ns); None: no file


def seen(path: Path) -> Seen:
    """What the file (through a symbolic link) is now; None when there is none."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return _identity(st)


def _identity(st: os.stat_result) -> Seen:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def read(path: Path) -> tuple[bytes, Seen]:
    """The file's bytes and what it was when they were read (taken before reading, so a save
    during the read is noticed later too)."""
    try:
        raw, stat = files.read_with_stat(path, CatalogError)
        return raw, _identity(stat)
    except OSError as exc:
        raise CatalogError(f"cannot read this catalogue: {exc.strerror or exc}", path) from exc


@dataclass(frozen=True)
class Staged:
    """A new version of ``path`` written to ``temporary``, to replace ``target`` if it is still
    what was read (``was``)."""

    path: Path
    target: Path
    temporary: Path
    was: Seen


def stage(text: str, path: Path, was: Seen) -> Staged:
    """Write ``text`` beside the catalogue (through a symbolic link), keeping the file's mode."""
    target = path.resolve() if path.is_symlink() else path
    temporary = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        mode = target.stat().st_mode & 0o7777 if target.exists() else files.umask_mode(0o666)
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        temporary = Path(name)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.chmod(temporary, mode)
    except OSError as exc:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        raise CatalogError(f"cannot write this catalogue: {exc.strerror or exc}", path) from exc
    return Staged(path, target, temporary, was)


def discard(staged: list[Staged]) -> None:
    """Remove staged files that will not be committed."""
    for item in staged:
        item.temporary.unlink(missing_ok=True)


def stage_all(items: list[tuple[str, Path, Seen]]) -> list[Staged]:
    """Stage every file or none: a failure removes those staged before it and names its catalogue."""
    staged: list[Staged] = []
    try:
        for text, path, was in items:
            staged.append(stage(text, path, was))
    except BaseException:
        discard(staged)
        raise
    return staged


def commit(staged: list[Staged]) -> list[Path]:
    """Rename every staged file over its catalogue, except those saved by someone else since
    they were read: those are left as saved, and returned (their staged files removed)."""
    saved_meanwhile = []
    for index, item in enumerate(staged):
        if seen(item.path) != item.was:
            item.temporary.unlink(missing_ok=True)
            saved_meanwhile.append(item.path)
            continue
        try:
            os.replace(item.temporary, item.target)
        except OSError as exc:
            discard(staged[index:])
            raise CatalogError(
                f"cannot write this catalogue: {exc.strerror or exc}", item.path
            ) from exc
        except BaseException:
            discard(staged[index:])
            raise
    return saved_meanwhile
