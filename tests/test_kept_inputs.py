"""A changed source's kept translations are rebuilt from the text as published: read once.

Every translation of an article is kept (``keeping``) when its source changes, and each is made
from the same published text: a build parses that text once, whatever the number of locales.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pipeline.build import gather
from pipeline.cli import main
from tests.multisite import make_multisite


def edited_site(tmp_path: Path) -> tuple[Path, Path]:
    """The multi-article site built once, then its ``sleep`` source changed: (root, source)."""
    root = make_multisite(tmp_path)
    assert main(["--root", str(root), "-q", "build"]) in (0, 1)
    source = root / "source" / "sleep.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nOne more paragraph.\n", encoding="utf-8")  # fmt: skip
    return root, source


def counted_parses(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Each article the build's gathering parses from here on, in order."""
    parsed: list[Path] = []
    parse = gather.parse_article

    def counted(path: Path, text: str) -> Any:
        parsed.append(path)
        return parse(path, text)

    monkeypatch.setattr(gather, "parse_article", counted)
    return parsed


def test_a_published_text_is_parsed_once_for_all_its_kept_translations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, source = edited_site(tmp_path)
    parsed = counted_parses(monkeypatch)
    assert main(["--root", str(root), "-q", "build"]) in (0, 1)
    kept = (root / "output" / "es" / "sleep.html").read_text(encoding="utf-8")
    assert "notice kept" in kept, "the Spanish translation is kept, as published"
    assert "notice kept" in (root / "output" / "en" / "plain" / "sleep.html").read_text(encoding="utf-8")  # fmt: skip
    assert parsed == [source]


def test_the_builds_after_it_take_the_kept_inputs_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A translation stays kept for weeks: the builds in between (a translator's save elsewhere,
    nothing at all) neither parse its published text nor read its published PO again, and make
    the same pages; without the cache they do, to the same bytes."""
    root, source = edited_site(tmp_path)
    assert main(["--root", str(root), "-q", "build"]) in (0, 1)
    page = root / "output" / "es" / "sleep.html"
    kept = page.read_bytes()
    parsed = counted_parses(monkeypatch)
    assert main(["--root", str(root), "-q", "build"]) in (0, 1)
    assert parsed == [] and page.read_bytes() == kept
    assert main(["--root", str(root), "-q", "build", "--no-cache"]) in (0, 1)
    assert parsed == [source] and page.read_bytes() == kept
