"""What the site promised its readers at the last build: each version's state, and the inputs of each published one.

A build needs the previous state of every version to say what changed (a translation
withdrawn, kept with a notice, published again) and to rebuild a kept translation exactly as it
was published: from the article's text and its translation (the PO file) as they were then.
Both live in ``.pipeline-published/`` in the project, not in ``.pipeline-cache/``: the cache
may be deleted at any time without changing a byte of the site, and this record is what keeps
a kept translation online. It is written by the pipeline after every build, never by hand.

| file                               | holds                                                       |
|------------------------------------|-------------------------------------------------------------|
| ``state.json``                     | ``"<article>/<locale>"`` -> state, input hashes, kept since  |
| ``inputs/<sha256>``                | an article's text or a PO file, as published (by content)   |

A missing or unreadable record is a first build: nothing is kept, no change is listed.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipeline.store import files
from pipeline.store.cache import digest

FOLDER = ".pipeline-published"
PUBLISHED, KEPT, PREVIEW, WITHHELD = "published", "kept", "preview", "withheld"
LIVE = (PUBLISHED, KEPT)  # the states a reader sees: listed, indexed, in hreflang and the sitemap


@dataclass(frozen=True)
class Entry:
    """One version's state at a build; for a live one, the hashes of the inputs it was made from."""

    state: str
    source: str = ""  # hash of the article's text as published
    po: str = ""  # hash of its PO file as published ("" for the source language)
    since: str = ""  # ISO date its source was first seen changed (a kept version)


Versions = dict[tuple[str, str], Entry]  # (article, locale) -> entry


@dataclass(frozen=True)
class Record:
    """The state of every version at the last build; ``inputs`` is where their texts are kept."""

    versions: Versions
    inputs: Path

    def text(self, sha: str) -> bytes | None:
        """The kept input with this hash, or None when it was lost (then nothing is kept)."""
        try:
            data = (self.inputs / sha).read_bytes()
        except OSError:
            return None
        return data if digest(data) == sha else None


def folder(root: Path) -> Path:
    return root / FOLDER


def load(root: Path) -> Record | None:
    """The last build's record, or None (a first build, or a record someone deleted)."""
    try:
        data = json.loads((folder(root) / "state.json").read_text(encoding="utf-8"))
        versions: Versions = {
            _item(name): Entry(**fields) for name, fields in data["versions"].items()
        }
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return Record(versions, folder(root) / "inputs")


def save(
    root: Path,
    versions: Versions,
    inputs: dict[str, Callable[[], bytes]],
    before: Versions | None = None,
) -> None:
    """Write the new record: the inputs first, then the state that names them (each atomically);
    inputs no version names any more are deleted last. An input already kept is not read, and a
    state equal to ``before`` (the record as loaded) is not written again: a translator's save
    costs one listing of ``inputs/``, not a stat and a JSON line for each of 1,400 versions."""
    kept = folder(root) / "inputs"
    kept.mkdir(parents=True, exist_ok=True)
    present = set(os.listdir(kept))
    for sha, read in inputs.items():
        if sha not in present and digest(data := read()) == sha:
            _write(kept / sha, data)  # a file changed since it was read is not kept as published
    if versions != before or not (folder(root) / "state.json").is_file():
        _write(folder(root) / "state.json", _state_json(versions))
    named = {sha for e in versions.values() for sha in (e.source, e.po) if sha}
    for name in present - named:
        with contextlib.suppress(OSError):
            (kept / name).unlink()


def _state_json(versions: Versions) -> bytes:
    """One line per version, each by the C encoder: ``indent`` would take the pure-Python one."""
    lines = [
        f"  {json.dumps(f'{slug}/{locale}')}: {json.dumps(vars(entry))}"
        for (slug, locale), entry in sorted(versions.items())
    ]
    return ('{\n "versions": {\n' + ",\n".join(lines) + "\n }\n}\n").encode("utf-8")


def _item(name: str) -> tuple[str, str]:
    slug, locale = name.split("/", 1)
    return slug, locale


def _write(path: Path, data: bytes) -> None:
    """Atomically, and not at all when the file already holds ``data``: a build with nothing to
    do then writes nothing, and the CLI can stamp it (``store.stamp``)."""
    with contextlib.suppress(OSError):
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return
    files.write_atomically(path, data)
