"""Which project a command is about, found as git finds its repository: light enough for the
command line to ask before it imports the pipeline (``cli``), and the one rule ``commands`` uses."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pipeline.errors import ConfigError, PipelineError
from pipeline.store import files


def find_root(start: Path) -> Path | None:
    """The nearest folder up from ``start`` whose pyproject.toml has a [tool.pipeline] table, as
    git finds ``.git``; None when there is none."""
    start = start.resolve()
    return next(
        (folder for folder in (start, *start.parents) if _is_project(folder / "pyproject.toml")),
        None,
    )


def discover(cwd: Path) -> Path:
    """The project above ``cwd``, or ``cwd`` itself if it has ``source/`` (a project may have no pyproject.toml)."""
    found = find_root(cwd)
    if found is not None:
        return found
    if (cwd / "source").is_dir():
        return cwd.resolve()
    raise ConfigError(
        "not a pipeline project: no pyproject.toml with [tool.pipeline] here or in any folder above, and no source/ folder here (or give --root DIR)"
    )


def _is_project(pyproject: Path) -> bool:
    try:
        text = files.read_text(pyproject)
    except (OSError, UnicodeDecodeError, PipelineError):
        return False
    try:
        return "pipeline" in tomllib.loads(text).get("tool", {})
    except tomllib.TOMLDecodeError:  # ours if it says so: load_config then names the broken line
        return "[tool.pipeline" in text
