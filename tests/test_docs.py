"""The README is a front door and the guides behind it hold together: a reader who follows a
link finds the file, and CI runs exactly the test command the README gives."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import REPO

DOCS = [
    REPO / "README.md",
    *sorted((REPO / "docs").glob("*.md")),
    REPO / "benchmarks" / "README.md",
]
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def _relative_links(doc: Path) -> list[str]:
    text = re.sub(r"```.*?```", "", doc.read_text(encoding="utf-8"), flags=re.S)
    text = re.sub(r"`[^`\n]*`", "", text)
    return [t for t in LINK.findall(text) if not re.match(r"[a-z]+:|#", t)]


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(REPO)))
def test_every_relative_link_resolves(doc: Path) -> None:
    missing = [t for t in _relative_links(doc) if not (doc.parent / t.split("#")[0]).exists()]
    assert missing == []


def test_the_readme_is_a_front_door_not_a_manual() -> None:
    lines = (REPO / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 170
    assert any(line.startswith("## The two commands") for line in lines)


def test_ci_runs_the_test_command_the_readme_gives() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    command = "bash tests/setup.sh && .venv/bin/python -m pytest"
    assert command in readme
    assert command in (REPO / ".ci" / "run").read_text(encoding="utf-8")
