"""A content-addressed cache of per-version results, so a build redoes only what changed.

Every article version is a pure function of its inputs: the source text, the PO files it reads,
the glossary, the templates, the configuration and the pipeline's own code. The key of a cached
result is a hash of all of them, so nothing is ever "invalidated": a changed input simply has a
new key. The folder (``.pipeline-cache/`` in the project) can be deleted at any time, and
``--no-cache`` bypasses it; neither changes any result, only the time it takes. A damaged or
unreadable entry is a miss, never an error.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import time
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from pipeline.store import files

CACHE_DIR = ".pipeline-cache"
# one entry: path -> (size, mtime, ctime, inode, content hash) of each file a build hashed
STAMPS = "stamps"
RACY_NS = 2_000_000_000  # two seconds: coarser than any file system's time stamps (FAT's)
T = TypeVar("T")
PACKAGE_DIR = Path(__file__).parent.parent  # the package root: its code and templates/


def digest(*parts: str | bytes) -> str:
    """SHA-256 of the parts, each length-prefixed so ("ab", "c") and ("a", "bc") differ."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little") + data)
    return h.hexdigest()


def file_digest(path: Path) -> str:
    """A file's content hash; a missing file has its own stable hash."""
    try:
        return digest(files.read_bytes(path))
    except FileNotFoundError:
        return digest("<missing>", str(path.name))


def code_version() -> str:
    """The pipeline's own code and templates: a new release never reuses an old result."""
    return package_digest(PACKAGE_DIR)


@cache
def package_digest(folder: Path) -> str:
    files = sorted(
        p for p in folder.rglob("*") if p.is_file() and p.suffix in {".py", ".html", ".css", ".xml"}
    )
    return digest(
        *(part for p in files for part in (p.relative_to(folder).as_posix(), p.read_bytes()))
    )


class Cache:
    """Pickled values under ``<folder>/<kind>/<key[:2]>/<key>``; disabled when ``folder`` is None.

    A command run makes one (``of_project``) and passes it to every stage that may use it; a
    stage with nothing to keep is given ``disabled()``, never a cache of its own."""

    def __init__(self, folder: Path | None, held: frozenset[str] = frozenset()) -> None:
        self.folder = folder
        # kinds whose values this process keeps once read or written (``pipeline serve``): a
        # value is given again while its file is the very one it came from
        self.held = held
        self._held: dict[tuple[str, str], tuple[tuple[int, int, int, int], Any]] = {}
        self.hits = 0
        self.misses = 0
        self.used: set[tuple[str, str]] = set()  # (kind, key) read or written by this process
        self._stamps: dict[str, tuple[int, int, int, int, str]] | None = None
        self._stamps_seen: set[str] = set()
        self._stamps_changed = False
        self._stamps_on_disk = False

    @classmethod
    def disabled(cls) -> Cache:
        """The cache of ``--no-cache``: every lookup a miss, nothing written; results unchanged."""
        return cls(None)

    @classmethod
    def of_project(
        cls, root: Path, enabled: bool = True, held: frozenset[str] = frozenset()
    ) -> Cache:
        """The project's ``.pipeline-cache/``, or the disabled cache where it is not to be used;
        ``held``: the kinds a long-running process keeps in memory (``get``)."""
        return cls(root / CACHE_DIR, held) if enabled else cls.disabled()

    def get(self, kind: str, key: str) -> Any | None:
        """The entry's value; None when there is none or it cannot be read.

        A value of a ``held`` kind is kept and given again, unread, while the entry's file is
        the same file unchanged (inode, size, modification and change time): the preview server
        reads every version's findings at each rebuild, 1,400 files and 0.23 s at 200 articles
        otherwise. Another process that writes the entry replaces the file, and is seen.
        """
        if self.folder is None:
            return None
        path = self._file(kind, key)
        try:
            value = self._held_value(kind, key, path) if kind in self.held else _load(path)
        except Exception:  # missing, truncated, from another Python: recompute, never fail
            self.misses += 1
            self._held.pop((kind, key), None)
            return None
        self.hits += 1
        self.used.add((kind, key))
        return value

    def _held_value(self, kind: str, key: str, path: str) -> Any:
        """The kept value while the file is the one it came from (one ``stat``), else read."""
        kept = self._held.get((kind, key))
        if kept is not None and kept[0] == _identity(os.stat(path)):
            return kept[1]
        with open(path, "rb") as handle:
            value = pickle.load(handle)
            self._held[(kind, key)] = (_identity(os.fstat(handle.fileno())), value)
        return value

    def has(self, kind: str, key: str) -> bool:
        """Whether there is an entry, unread: asked of every version by a build that has changed."""
        return self.folder is not None and os.path.exists(self._file(kind, key))

    def file_digest(self, path: Path) -> str:
        """``file_digest``, remembered by the file's size, time stamps and inode, as git's index
        does: a build hashes only the files changed since the last one, not a site's thousands.

        A file changed less than ``RACY_NS`` before it was hashed is not remembered (git's
        "racy" rule: a change within the clock's resolution, of the same size, would look
        unchanged); ``ctime``, which no tool can set back, catches a restored ``mtime``.
        """
        if self.folder is None:
            return file_digest(path)
        name = os.fspath(path)
        try:
            status = os.stat(name)
        except OSError:
            return file_digest(path)
        stamp = (status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino)
        stamps = self._load_stamps()
        self._stamps_seen.add(name)
        known = stamps.get(name)
        if known is not None and known[:4] == stamp:
            return known[4]
        found = file_digest(path)
        if time.time_ns() - max(status.st_mtime_ns, status.st_ctime_ns) > RACY_NS:
            stamps[name] = (*stamp, found)
            self._stamps_changed = True
        elif stamps.pop(name, None) is not None:
            self._stamps_changed = True
        return found

    def save_stamps(self) -> None:
        """Keep the stamps of the files this build hashed (a deleted file's are let go).

        The entry is written when there was none, even empty: whether any stamp is remembered
        depends on how long ago files changed (``RACY_NS``), so on the machine's speed; what
        the cache holds must not."""
        if self._stamps is None:
            return
        kept = {name: self._stamps[name] for name in self._stamps_seen if name in self._stamps}
        if self._stamps_changed or len(kept) != len(self._stamps) or not self._stamps_on_disk:
            self.put(STAMPS, STAMPS, kept)
            self._stamps, self._stamps_changed, self._stamps_on_disk = kept, False, True

    def _load_stamps(self) -> dict[str, tuple[int, int, int, int, str]]:
        if self._stamps is None:
            found = self.get(STAMPS, STAMPS)
            self._stamps = found if isinstance(found, dict) else {}
            self._stamps_on_disk = isinstance(found, dict)
        return self._stamps

    def get_slot(self, kind: str, slot: str, key: str) -> Any | None:
        """The value ``put_slot`` kept in ``slot`` if it was made from ``key``, else None.

        One entry per slot (a file, a version), not one per content: what a file held before an
        edit is replaced, where an entry per content key would stay behind, never read again."""
        found = self.get(kind, digest(slot))
        if isinstance(found, tuple) and len(found) == 2 and found[0] == key:
            return found[1]
        return None

    def put_slot(self, kind: str, slot: str, key: str, value: Any) -> None:
        self.put(kind, digest(slot), (key, value))

    def put(self, kind: str, key: str, value: Any) -> None:
        """Atomic (temporary file + rename), so a killed build never leaves a half entry. A
        value of a ``held`` kind is kept as given: the caller hands over a value it no longer
        changes."""
        written = self.put_bytes(kind, key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        if written is not None and kind in self.held:
            self._held[(kind, key)] = (written, value)

    def put_bytes(self, kind: str, key: str, data: bytes) -> tuple[int, int, int, int] | None:
        """A raw entry (read back from ``path``), written as atomically as ``put``; the file's
        identity once written (``_identity``), None where it was not."""
        if self.folder is None:
            return None
        path = self._file(kind, key)
        self.used.add((kind, key))
        self._held.pop((kind, key), None)
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            files.write_atomically(Path(path), data)
            return _identity(os.stat(path))
        except OSError:  # an entry that cannot be written only makes the next build slower
            return None

    def sweep(self, kinds: tuple[str, ...]) -> None:
        """Delete the entries of ``kinds`` this process neither read nor wrote: for the kinds of
        which a build uses one current entry (the plan, the indexes, the last result), the rest
        are what earlier states of the site left, which no build will read again."""
        for kind in kinds:
            for path in self._entries(kind):
                if (kind, path.name) not in self.used:
                    self._held.pop((kind, path.name), None)
                    with contextlib.suppress(OSError):
                        path.unlink()

    def _entries(self, kind: str) -> list[Path]:
        return list(self._walk(kind))

    def _walk(self, kind: str) -> Iterator[Path]:
        if self.folder is None:
            return
        try:
            shards = list(os.scandir(os.path.join(self.folder, kind)))
        except OSError:
            return
        for shard in shards:
            with contextlib.suppress(OSError):
                yield from (Path(e.path) for e in os.scandir(shard.path) if e.is_file())

    def has_any(self, kind: str) -> bool:
        """Asked by every build (``warmup``): stops at the first entry."""
        return next(self._walk(kind), None) is not None

    def delete(self, kind: str, key: str) -> None:
        self._held.pop((kind, key), None)
        if self.folder is not None:
            with contextlib.suppress(OSError):
                os.unlink(self._file(kind, key))

    def where(self, kind: str, key: str) -> str | None:
        """Where an entry is or would be, unchecked: for one ``has_bytes`` checked earlier in the
        build. A string: a save asks it of 1,400 versions' parts."""
        return self._file(kind, key) if self.folder is not None else None

    def has_bytes(self, kind: str, key: str, size: int) -> bool:
        """Whether there is a raw entry of ``size`` bytes (one ``stat``)."""
        if self.folder is None:
            return False
        try:
            return os.stat(self._file(kind, key)).st_size == size
        except OSError:
            return False

    def _file(self, kind: str, key: str) -> str:
        """A string, not a ``Path``: a build looks up thousands of entries."""
        assert self.folder is not None
        return os.path.join(self.folder, kind, key[:2], key)


def _load(path: str) -> Any:
    with open(path, "rb") as handle:
        return pickle.load(handle)


def _identity(status: os.stat_result) -> tuple[int, int, int, int]:
    """What tells one file from another at the same path: a replaced entry has a new inode."""
    return (status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns)


_tables: Cache | None = None  # where this process keeps its lookup tables (``tables_kept_in``)


@contextlib.contextmanager
def tables_kept_in(cache: Cache) -> Iterator[None]:
    """While it lasts, this process keeps its lookup tables in ``cache``: a build's runtime
    (``build.runtime``) and a cluster worker's task enter it; ``check`` keeps none. On exit the
    process keeps them where it did before."""
    global _tables
    before, _tables = _tables, cache
    try:
        yield
    finally:
        _tables = before


def tables_folder(kind: str) -> Path | None:
    """A folder in the build's cache for a library's own cache (Jinja's compiled templates:
    compiling them costs a translator's save about 0.15 s); None where a build keeps none."""
    if _tables is None or _tables.folder is None:
        return None
    folder = Path(_tables.folder) / kind
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return folder


def table(kind: str, key: str, make: Callable[[], T]) -> T:
    """A lookup table that costs more to build than to unpickle (hyphenation patterns, word
    lists): from the build's cache when there is one, else made. ``key`` names every input."""
    if _tables is None:
        return make()
    found = _tables.get(kind, key)
    if found is None:
        found = make()
        _tables.put(kind, key, found)
    return found
