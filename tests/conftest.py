"""Shared fixtures: a copy of a small test site (every Markdown feature) in a temporary folder."""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

import polib
import pytest

from pipeline.cli import main

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).parent.parent


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A fresh copy of tests/data/site with its templates extracted and PO files initialised."""
    root = tmp_path / "site"
    shutil.copytree(DATA / "site", root)
    assert main(["--root", str(root), "init", "es", "ar", "en@plain"]) == 0
    return root


@pytest.fixture
def shipped(tmp_path: Path) -> Path:
    """A copy of the shipped project (source, catalogues, configuration) to change."""
    root = tmp_path / "shipped"
    root.mkdir()
    for name in ("source", "locales"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "pyproject.toml", root)
    return root


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """Run the CLI like a user: returns (exit code, stdout, stderr)."""

    def _run(root: Path, *args: str) -> tuple[int, str, str]:
        code = main(["--root", str(root), *args])
        out, err = capsys.readouterr()
        return code, out, err

    return _run


def po_path(root: Path, locale: str, domain: str = "feature") -> Path:
    return root / "locales" / locale / "LC_MESSAGES" / f"{domain}.po"


def translate_po(
    path: Path, translate: Callable[[str], str], fuzzy: set[str] | None = None
) -> polib.POFile:
    """Fill every msgstr of a PO file with ``translate(msgid)``, as a translator would."""
    po = polib.pofile(str(path))
    for entry in po:
        entry.msgstr = translate(entry.msgid)
        if fuzzy and entry.msgid in fuzzy:
            entry.flags.append("fuzzy")
    po.save(str(path))
    return po


def pipe_feeding(path: Path, content: bytes) -> Callable[[], None]:
    """``path`` as a named pipe that gives ``content`` to every reader that opens it (the old code
    read it, so the test fails there rather than hang); returns the cleanup."""
    path.unlink(missing_ok=True)
    os.mkfifo(path)
    done = threading.Event()

    def feed() -> None:
        while not done.is_set():
            with contextlib.suppress(OSError), open(path, "wb") as pipe:
                pipe.write(content)

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()

    def cleanup() -> None:
        done.set()
        with contextlib.suppress(OSError):
            os.close(os.open(path, os.O_RDONLY | os.O_NONBLOCK))
        writer.join()

    return cleanup
