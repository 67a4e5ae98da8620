"""Files the build reads: regular files inside the project, nothing else.

A symbolic link in ``source/`` or ``locales/`` that leads out of the project would have the build
read, and publish, whatever it names (``/etc/shadow`` as a translated image). A named pipe (FIFO),
a device or a socket where a file is expected would block the read forever. Every reader asks
here first, so both are refused at once in one line that names the file. Catalogues (PO files)
may be links to a translations repository elsewhere (they are written through, never published),
so they are only required to be regular files.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from pipeline.errors import PipelineError

_KINDS = {
    stat.S_ISDIR: "a folder",
    stat.S_ISFIFO: "a named pipe (FIFO)",
    stat.S_ISCHR: "a device",
    stat.S_ISBLK: "a device",
    stat.S_ISSOCK: "a socket",
}


def not_regular(mode: int) -> str | None:
    """What a file of this mode is, if not a regular file: ``"a named pipe (FIFO)"``."""
    if stat.S_ISREG(mode):
        return None
    return next((kind for test, kind in _KINDS.items() if test(mode)), "not a regular file")


def not_a_file(kind: str) -> str:
    """How every reader refuses what is not a regular file, in one wording."""
    return f"is {kind}, not a file: refused"


def refusal(path: Path, root: Path | None) -> str | None:
    """Why ``path`` may not be read (a link out of ``root``, not a regular file), or None.

    A missing file is no refusal: the caller says "not found" in its own words.
    """
    if root is not None:
        resolved = path.resolve()
        if not resolved.is_relative_to(root.resolve()):
            return f"leads out of the project through a symbolic link (to {resolved}): refused; put the file itself in the project"
    try:
        kind = not_regular(os.stat(path).st_mode)
    except OSError:
        return None
    return not_a_file(kind) if kind else None


def check_file(path: Path, root: Path | None, error: type[PipelineError] = PipelineError) -> Path:
    """``path`` if it is a regular file inside ``root`` (any regular file when ``root`` is None)."""
    reason = refusal(path, root)
    if reason:
        raise error(reason, path)
    return path


def check_files(
    folder: Path, paths: Iterable[Path], root: Path, error: type[PipelineError] = PipelineError
) -> list[Path]:
    """``check_file`` of each of ``folder``'s ``paths``, with ``folder`` resolved once: a file
    of a folder inside ``root`` that is not itself a link cannot lead out of it, so only links
    (and the files of a folder that is itself a way out) are resolved one by one. Resolving
    each of 200 articles took most of the time a translator's build spent listing them."""
    inside = folder.resolve().is_relative_to(root.resolve())
    checked = []
    for path in paths:
        try:
            status = os.lstat(path)
        except OSError:
            status = None
        if not inside or path.parent != folder or status is None or stat.S_ISLNK(status.st_mode):
            checked.append(check_file(path, root, error))
            continue
        kind = not_regular(status.st_mode)
        if kind:
            raise error(not_a_file(kind), path)
        checked.append(path)
    return checked


def read_bytes(path: Path, error: type[PipelineError] = PipelineError) -> bytes:
    """The file's bytes; a FIFO, device or socket is refused before a read could block on it."""
    return read_with_stat(path, error)[0]


def read_with_stat(
    path: Path, error: type[PipelineError] = PipelineError
) -> tuple[bytes, os.stat_result]:
    """The file's bytes and what it was when opened (a command that rewrites it compares).

    Checked before opening (opening a device may act on it) and again on the open file
    (``O_NONBLOCK``: opening a FIFO with no writer returns at once), so nothing swapped in
    between the two can block either.
    """
    check_file(path, None, error)
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as handle:
        stat = os.fstat(fd)
        kind = not_regular(stat.st_mode)
        if kind:
            raise error(not_a_file(kind), path)
        return handle.read(), stat


def read_text(path: Path, error: type[PipelineError] = PipelineError) -> str:
    """``read_bytes`` as ``Path.read_text`` gives it: UTF-8 (a byte-order mark at the top, as
    some Windows editors write, is no text), universal newlines (``UnicodeDecodeError`` is left
    to the caller, who can name the line)."""
    text = read_bytes(path, error).decode("utf-8-sig")
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def write_atomically(path: Path, data: bytes) -> None:
    """``data`` at ``path`` whole or not at all: a temporary file beside it, renamed over it, so
    a reader (or a build killed meanwhile) never sees half of it; the temporary file is removed
    whatever stops the write, Ctrl-C included. The one atomic writer of the store."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def umask_mode(base: int) -> int:
    """What the umask leaves of ``base`` (0o666 for a file, 0o777 for a folder): the mode a new
    file or folder gets from ``open``/``mkdir``, for writers that go through ``mkstemp`` or
    ``mkdtemp``, whose 0o600 and 0o700 are meant for secrets, not for a web server's pages. The
    one place the umask is read (it can only be read by setting it)."""
    mask = os.umask(0)
    os.umask(mask)
    return base & ~mask
