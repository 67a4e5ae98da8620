"""Writing ``output/``: every file goes into a staging folder beside it, then the folder is swapped in.

Why an exchange of directories, and not a symlink flip or two renames:

- ``output/`` stays a real folder (publishers copy it, serve it, or point it elsewhere with a
  symbolic link of their own), so a ``current -> site-N`` link of ours is not an option.
- Two renames (``output -> old``, ``staging -> output``) leave no ``output/`` at all between
  them: a SIGKILL there loses the site until someone repairs it.
- Linux's ``renameat2(RENAME_EXCHANGE)`` swaps two paths in one system call, so at every instant
  ``output/`` is either the whole old site or the whole new one; after the swap the old site sits
  in the staging folder and is deleted. A kill before the swap leaves a half-written staging folder,
  a kill after it leaves the old site there: either way a leftover, never a half site.
- Where the system has no exchange (another OS, a file system that refuses it), the two renames
  are the fallback, and ``sweep`` (run by the CLI before every command, see ``recovery``) undoes an
  interrupted swap: ``output/`` missing and a ``.output-old-*`` beside it means the old site is
  put back.

The old site is not deleted but kept as the next build's starting point (``spare``): a build then
touches only the files that changed, and the exchange stays one system call.

Leftovers are named ``.output-staging-*`` and ``.output-old-*`` beside the folder ``output/``
resolves to. ``output/`` that is a symbolic link (to a web root) is updated where it points: the
link is kept and the folder it names is swapped. The new folder gets the old one's permissions,
or what the umask gives for a first build (``mkdtemp`` alone would give 0700, which a web server
running as another user cannot read).

Within one process, ``SWAPPING`` is held for the swap alone (one system call, or the fallback's two
renames). A reader in another thread (``pipeline serve``) that opens a file under it gets a file of
the whole old site or of the whole new one, never a missing ``output/``, and waits for nothing else
of a build. An open file stays readable after the old site is deleted, and no file of a site is
ever rewritten in place, so the reader can send it after letting the lock go.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import stat
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import PipelineError
from pipeline.store import spare
from pipeline.store.files import umask_mode
from pipeline.store.spare import STAGING_PREFIX, Staging

OUTPUT_README = "README.md"  # the publisher's own note in output/, carried over
OLD_PREFIX = ".output-old-"
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


SWAPPING = threading.Lock()  # held while this process swaps a site in; see the module's docstring


@dataclass(frozen=True, slots=True)
class Linked:
    """A file of the current site that the build found untouched (``outputs.Record``), with its
    device and inode as it found them: a claimed spare keeps it with no ``stat`` and no ``Path``
    made (a translator's save links 2,800 of them)."""

    path: str
    device: int
    inode: int

    def __fspath__(self) -> str:
        return self.path


Content = str | bytes | Path | Linked  # a Path or Linked is a finished file to link (or copy) in


def publish(
    output_dir: Path,
    files: Mapping[str, Content] | Iterable[tuple[str, Content]],
    meanwhile: Callable[[], None] | None = None,
) -> set[str] | None:
    """Write ``files`` (path relative to ``output/`` -> content, or such pairs as they are made:
    a page goes to disk as soon as it exists) and swap them in as the new site. Return the paths
    written anew: every other one is the very file (inode) a ``Path`` named, untouched; None
    where the old site was deleted, whose unlinks changed the ctime of files it shared.

    ``meanwhile``: work to do once the new site is in. Where the old site cannot be kept as the
    spare, it runs while the old site is deleted on a thread (deleting thousands of files is
    system calls, during which Python runs)."""
    check_site_folder(output_dir)
    target = site_folder(output_dir)
    staging = spare.claim(target)
    try:
        for rel_path, content in files.items() if isinstance(files, Mapping) else files:
            _write(staging, rel_path, content, output_dir)
        readme = target / OUTPUT_README
        if readme.is_file():
            shutil.copy2(readme, staging.make_room(OUTPUT_README))
        staging.finish()
        os.chmod(staging.folder, _folder_mode(target))  # last: the old mode may be read-only
        with SWAPPING:
            old = _swap(staging.folder, target)
    except BaseException:
        remove_tree(staging.folder)  # the new site, never swapped in
        if staging.trash is not None:
            remove_tree(staging.trash)
        raise
    work = meanwhile or (lambda: None)
    trash = [staging.trash] if staging.trash is not None else []
    if old is None or spare.keep(old, target):
        _remove_during(trash, work)
        return staging.written
    _remove_during([old, *trash], work)
    return None


def _remove_during(folders: list[Path], work: Callable[[], None]) -> None:
    """Delete ``folders`` (the old site, the spare's replaced files) on a thread while ``work``
    runs; either's error is raised, once both are done."""
    if not folders:
        work()
        return
    failed: list[BaseException] = []

    def remove() -> None:
        try:
            for folder in folders:
                remove_tree(folder)
        except BaseException as exc:  # raised in the caller's thread, not printed by threading
            failed.append(exc)

    removing = threading.Thread(target=remove, name="pipeline-remove-old-files")
    removing.start()
    try:
        work()
    finally:
        removing.join()
    if failed:
        raise failed[0]


def _write(staging: Staging, rel_path: str, content: Content, output_dir: Path) -> None:
    """One file of the new site; an error names it as the user will look for it (``output/…``).

    A ``Path`` is a file already made: the same file in the current site, unchanged (``outputs``),
    or one assembled in a scratch folder beside it. It is kept where the spare already holds it,
    else hard-linked (no bytes copied), or copied where links are refused.
    """
    try:
        if isinstance(content, Linked):
            if staging.holds_file(rel_path, content.device, content.inode):
                return
        elif isinstance(content, Path) and staging.holds(rel_path, content):
            return
        path = staging.make_room(rel_path)
        if isinstance(content, Path | Linked):
            _link_or_copy(content, path)
        else:
            with open(path, "wb") as handle:
                handle.write(content if isinstance(content, bytes) else content.encode("utf-8"))
    except OSError as exc:  # a failed write() (a full disk) names no file: say which one
        raise OSError(exc.errno, exc.strerror or str(exc), str(output_dir / rel_path)) from exc


def _link_or_copy(source: Path | Linked, path: str) -> None:
    try:
        os.link(source, path)
    except OSError:  # another file system, or one without hard links
        shutil.copyfile(source, path)


def site_folder(output_dir: Path) -> Path:
    """The folder to replace: ``output/`` itself, or the folder its symbolic link points to."""
    return output_dir.resolve() if output_dir.is_symlink() else output_dir


def _folder_mode(target: Path) -> int:
    """The old site folder's permissions, else the umask's (what ``mkdir`` would have given)."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        return umask_mode(0o777)


def _swap(staging: Path, target: Path) -> Path | None:
    """Make ``staging`` the site at ``target``; return the folder now holding the old site, if any."""
    if not target.exists():
        os.rename(staging, target)  # no old site: one atomic rename
        return None
    if exchange(staging, target):
        return staging
    old = target.with_name(f"{OLD_PREFIX}{os.getpid()}")
    os.rename(target, old)  # fallback: between these two renames there is no site; sweep() repairs
    try:
        os.rename(staging, target)
    except BaseException:
        os.rename(old, target)
        raise
    return old


def check_site_folder(output_dir: Path) -> None:
    """``output/`` must be a folder, or not be there yet: a file there is someone's, never replaced."""
    target = site_folder(output_dir)
    if (target.exists() or target.is_symlink()) and not target.is_dir():
        raise PipelineError(
            "exists and is not a folder: the site is written to a folder of this name; move the file away",
            output_dir,
        )


def _libc_renameat2() -> Callable[..., int] | None:
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):  # not Linux, or a C library without it (glibc < 2.28)
        return None
    function.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    return function


_renameat2 = _libc_renameat2()


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically; False where the system cannot (then nothing has changed)."""
    if _renameat2 is None:
        return False
    if _renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):  # a file system without the exchange
        return False
    raise OSError(code, os.strerror(code), str(b))


def remove_tree(path: Path) -> None:
    """Delete a leftover, even a read-only one (a publisher's ``chmod -R a-w output``)."""
    if not path.is_dir() or path.is_symlink():
        return
    shutil.rmtree(path, ignore_errors=True)
    if path.exists():  # something read-only inside: make every folder ours to empty, then again
        _make_folders_writable(path)
        shutil.rmtree(path)


def _make_folders_writable(path: Path) -> None:
    os.chmod(path, stat.S_IMODE(path.stat().st_mode) | stat.S_IRWXU)
    for folder, names, _ in os.walk(path):  # top-down: each folder is opened after its chmod
        for name in names:
            child = os.path.join(folder, name)
            if not os.path.islink(child):  # chmod follows links: never touch what a link names
                os.chmod(child, stat.S_IMODE(os.stat(child).st_mode) | stat.S_IRWXU)


def sweep(output_dir: Path) -> list[Path]:
    """Clean up what an interrupted build left beside the site folder; return those leftovers.

    Only safe when no other run of the pipeline is writing (the caller holds the project's
    exclusive lock): a concurrent build's staging folder looks like a leftover.
    """
    target = site_folder(output_dir)
    if not target.parent.is_dir():
        return []
    olds = sorted(target.parent.glob(f"{OLD_PREFIX}*"))
    sites = [old for old in olds if old.is_dir() and not old.is_symlink()]
    if sites and not target.exists() and not target.is_symlink():
        os.rename(sites[-1], target)  # a fallback swap killed between its renames: undo it
    leftovers = olds + sorted(target.parent.glob(f"{STAGING_PREFIX}*"))
    for leftover in leftovers:
        if leftover.is_dir() and not leftover.is_symlink():
            remove_tree(leftover)
        else:  # a file or link under the pipeline's own reserved names: never a site, so never put back
            leftover.unlink(missing_ok=True)
    return leftovers
