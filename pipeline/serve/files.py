"""What a request names in ``output/``, and that file opened as one instant of the site.

``http.server``'s own file serving holds nothing against a rebuild and decodes a path leniently:
``%ff`` becomes U+FFFD, ``%00`` reaches ``open()`` and ends the request in a traceback, ``..``
segments are silently dropped. The preview is stricter, and says so with a 400: a path must be
UTF-8 once percent-decoded, without control characters, backslashes or ``..`` segments (a
browser resolves those before it asks; only a crafted request still has them).

A file is opened while ``publish.SWAPPING`` is held, and only opened: the open file is a
snapshot (see ``publish``), read and sent after the lock is let go, so a client that reads
slowly, or never, holds up no other request and no rebuild.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote_to_bytes, urlsplit

from pipeline.store.publish import SWAPPING

INDEX = "index.html"


class BadPath(ValueError):
    """The request's path is not one a browser would send: answered with 400."""


def site_path(target: str) -> str:
    """The path under ``output/`` a request target names (``""`` for the root, a trailing ``/``
    kept for a folder's index); ``BadPath`` for a malformed one.

    ``target`` is the request line's target as ``http.server`` gives it (decoded as Latin-1, so
    each character is one byte of the request).
    """
    try:
        raw = urlsplit(target).path
        path = unquote_to_bytes(raw.encode("latin-1")).decode("utf-8")
    except (ValueError, UnicodeError) as exc:  # UnicodeDecodeError, a malformed IPv6 host
        raise BadPath(f"not a UTF-8 path: {target!r}") from exc
    if not path.startswith("/"):
        raise BadPath(f"not a path: {target!r}")
    if any(ord(c) < 0x20 or ord(c) == 0x7F or c == "\\" for c in path):
        raise BadPath(f"a control character or a backslash in {target!r}")
    parts = path.split("/")
    if ".." in parts:
        raise BadPath(f"a '..' segment in {target!r}")
    name = "/".join(part for part in parts if part not in ("", "."))
    return f"{name}/" if name and path.endswith("/") else name


@dataclass
class Opened:
    """A file of the site, open: its name under ``output/``, the file, its size and time."""

    name: str
    file: BinaryIO
    size: int
    modified: float


def open_in_site(folder: Path, name: str) -> Opened | str | None:
    """The file ``name`` (from ``site_path``) names, open; a folder's own name (to redirect to,
    with a ``/``); or None (404). The lock is held for the open alone."""
    if not name or name.endswith("/"):
        name += INDEX
    with SWAPPING:
        path = folder / name
        if path.is_dir():
            return name
        return _open_regular(path, name)


def _open_regular(path: Path, name: str) -> Opened | None:
    """Open without blocking (a FIFO would block ``open``) and keep only a regular file."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:  # missing, a name too long, not ours to read: all "not found" to a browser
        return None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        return None
    os.set_blocking(fd, True)
    return Opened(name, os.fdopen(fd, "rb"), info.st_size, info.st_mtime)
