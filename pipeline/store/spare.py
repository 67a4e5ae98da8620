"""The previous site, kept beside ``output/`` and written over into the next one.

Why: the site is swapped in whole (``publish``), so each build makes a complete folder. Made from
nothing, a translator's save at 200 articles in seven versions linked 2,800 unchanged files into a
fresh folder and then unlinked the old site's 2,800 names: about a quarter of a second, for one
changed page. Kept instead, the old site is already almost the next one: every file that did not
change is the same inode in both folders (the new site linked it from the old), so only what
changed needs a system call.

How:

- After the exchange, the old site is renamed to ``.pipeline-spare-<folder>`` beside the site
  folder instead of being deleted (``keep``). It shares the inodes of every unchanged file with
  ``output/``, so it costs only the bytes of what the last build changed.
- The next build claims it with one rename to its own staging name (``claim``): a concurrent build
  finds no spare and starts from an empty folder, as every build did before.
- Each file of the new site is then kept where the spare holds that very file (same device and
  inode as the file to link); any other entry is removed and the file made anew, never written in
  place (its inode may be the live site's); what the new site lacks is removed (``Staging``).

The spare is a shortcut, never a source: deleting it costs one build its speed, never a byte of
the output. A spare with a folder this process may not change (a publisher's ``chmod a-w``) is
not kept.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from pathlib import Path

SPARE_PREFIX = ".pipeline-spare-"
STAGING_PREFIX = ".output-staging-"


def spare_path(target: Path) -> Path:
    return target.with_name(f"{SPARE_PREFIX}{target.name}")


class Staging:
    """A folder being made into the new site: an empty one, or a claimed spare whose entries
    are replaced, kept or removed as the new site's files arrive."""

    def __init__(
        self, folder: Path, files: dict[str, int] | None = None, folders: set[str] | None = None
    ) -> None:
        self.folder = folder
        self._device = os.stat(folder).st_dev
        self._files = files or {}  # the spare's entries not yet dealt with -> inode (0: not a file)
        self._folders = folders or set()  # the spare's folders
        self._made: set[str] = set()  # folders the new site has, known to exist
        self.written: set[str] = set()  # paths made anew, not kept from the spare
        self.trash: Path | None = None  # the spare's replaced files, to delete after the swap
        self._discarded = 0

    def holds(self, rel: str, source: Path) -> bool:
        """True where the spare's ``rel`` is the file ``source`` (same inode): kept as it is.
        The spare's inodes are the folder listing's, so this costs one ``stat``."""
        if not self._files.get(rel):
            return False
        try:
            theirs = os.stat(source)
        except OSError:
            return False
        return self.holds_file(rel, theirs.st_dev, theirs.st_ino)

    def holds_file(self, rel: str, device: int, inode: int) -> bool:
        """``holds``, for a file whose device and inode the caller has just seen."""
        if not inode or (device, inode) != (self._device, self._files.get(rel)):
            return False
        del self._files[rel]
        self._note_folders(rel)
        return True

    def make_room(self, rel: str) -> str:
        """Clear the way for a new file ``rel`` (whatever the spare has there, and a file where
        one of its folders goes) and make its folders; return its path."""
        path = os.path.join(self.folder, rel)
        self.written.add(rel)
        if rel in self._files:
            self._discard(path)
            del self._files[rel]
        elif rel in self._folders:
            self._drop_folder(rel)
        folder = os.path.dirname(rel)
        if folder and folder not in self._made:
            for ancestor in _ancestors(rel):
                if ancestor in self._files:  # a file of the spare where the new site has a folder
                    os.unlink(os.path.join(self.folder, ancestor))
                    del self._files[ancestor]
            os.makedirs(os.path.join(self.folder, folder), exist_ok=True)
            self._note_folders(rel)
        return path

    def _discard(self, path: str) -> None:
        """Out of the way with one rename, deleted once the new site is in (``publish``, on a
        thread): unlinking a save's old ``report.json`` frees 130 MB of blocks, a wait of tens
        of milliseconds the build need not sit through. A kill leaves a leftover the next
        command sweeps (``STAGING_PREFIX``)."""
        if self.trash is None:
            self.trash = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=self.folder.parent))
        self._discarded += 1
        os.rename(path, os.path.join(self.trash, str(self._discarded)))

    def finish(self) -> None:
        """Remove what the spare held and the new site lacks."""
        for rel in self._files:
            Path(self.folder, rel).unlink(missing_ok=True)
        self._files.clear()
        stale = self._folders - self._made
        for rel in sorted(stale):
            if os.path.dirname(rel) not in stale:  # its parent stays: remove the whole subtree
                shutil.rmtree(os.path.join(self.folder, rel))

    def _note_folders(self, rel: str) -> None:
        self._made.update(_ancestors(rel))

    def _drop_folder(self, rel: str) -> None:
        shutil.rmtree(os.path.join(self.folder, rel))
        inside = rel + "/"
        self._folders = {f for f in self._folders if f != rel and not f.startswith(inside)}
        self._files = {f: i for f, i in self._files.items() if not f.startswith(inside)}


def _ancestors(rel: str) -> list[str]:
    """``a/b/c.html`` -> ``["a", "a/b"]``."""
    parts = rel.split("/")[:-1]
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def claim(target: Path) -> Staging:
    """A staging folder beside ``target``: the spare if there is one this process may change,
    else an empty folder."""
    folder = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=target.parent))
    try:
        os.replace(spare_path(target), folder)  # over the empty folder: one claim, atomic
    except OSError:  # none; a concurrent build's; or not a folder (then left as it is)
        return Staging(folder)
    found = _scan(folder)
    if found is None:  # a folder it may not change: start afresh, in a folder surely empty
        shutil.rmtree(folder, ignore_errors=True)  # what stays is a leftover the next start sweeps
        return Staging(Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=target.parent)))
    return Staging(folder, *found)


def keep(old: Path, target: Path) -> bool:
    """Make the old site the spare; False where it cannot be (a read-only folder, or a spare
    already there), and the caller deletes it."""
    if _scan(old) is None:
        return False
    try:
        os.rename(old, spare_path(target))
    except OSError:
        return False
    return True


def _scan(folder: Path) -> tuple[dict[str, int], set[str]] | None:
    """Every file (any entry not a folder: a link is never followed, and has inode 0) with its
    inode, and every folder under ``folder``, relative; None if one of its folders is not the
    owner's to change."""
    files: dict[str, int] = {}
    folders: set[str] = set()
    stack = [(str(folder), "")]
    while stack:
        current, prefix = stack.pop()
        if not _changeable(current):
            return None
        with os.scandir(current) as entries:
            for entry in entries:
                rel = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    folders.add(rel)
                    stack.append((entry.path, rel + "/"))
                else:
                    files[rel] = entry.inode() if entry.is_file(follow_symlinks=False) else 0
    return files, folders


def _changeable(folder: str) -> bool:
    """The owner may add and remove names here (the mode's bits too: root ignores ``access``)."""
    mode = os.lstat(folder).st_mode
    wanted = stat.S_IWUSR | stat.S_IXUSR
    return mode & wanted == wanted and os.access(folder, os.W_OK | os.X_OK)
