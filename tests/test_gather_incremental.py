"""What a build gathers before it writes is kept by article: an edit re-plans and recounts its own
article alone, and every kind of edit still gives the bytes (and the record) of a build from scratch."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polib
import pytest

from pipeline.build import figures as figures_module
from pipeline.build import publication
from pipeline.cli import main
from pipeline.store import cache as cache_module
from tests.conftest import po_path
from tests.multisite import make_multisite

RECORD = Path(".pipeline-published") / "state.json"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The multi-article site, built once with its cache (every later build here is incremental)."""
    root = make_multisite(tmp_path_factory.mktemp("gather"))
    _build(root)
    return root


@pytest.fixture
def site(built: Path, tmp_path: Path) -> Path:
    """A copy, built once where it is (the configuration names the site's folder, so a copy's
    first build plans every article)."""
    root = tmp_path / "site"
    shutil.copytree(built, root)
    _build(root)
    return root


def _build(root: Path, *options: str) -> dict[str, str]:
    """The site built; every file of ``output/`` and the record of what it published, by hash."""
    assert main(["--root", str(root), "-q", "build", *options]) in (0, 1)
    found = {
        p.relative_to(root / "output").as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted((root / "output").rglob("*"))
        if p.is_file()
    }
    found["(record)"] = (root / RECORD).read_text(encoding="utf-8")
    return found


def _replace(old: str, new: str) -> Callable[[Path], None]:
    def edit(path: Path) -> None:
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {path}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return edit


def _retranslate(path: Path) -> None:
    """A translator's save: the first translated entry of a PO given a new msgstr."""
    po = polib.pofile(str(path))
    entry = next(e for e in po if e.msgstr and not e.obsolete)
    entry.msgstr += " (REVISED)"
    po.save()


EDITS: list[tuple[str, Callable[[Path], None]]] = [
    ("locales/es/LC_MESSAGES/sleep.po", _retranslate),
    ("source/walking.md", _replace("Why a daily walk", "Why a walk each day")),
    ("locales/es/LC_MESSAGES/ui.po", _retranslate),
    ("locales/es/LC_MESSAGES/glossary.po", _retranslate),
    ("source/glossary.toml", _replace('definition = "', 'definition = "Changed: ')),
    ("source/sleep.md", _replace("Most adults need", "Nearly all adults need")),
    ("locales/en@plain/LC_MESSAGES/sleep.po", _retranslate),
]


def test_every_kind_of_edit_in_a_row_builds_what_a_build_from_scratch_builds(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A PO, a source, ``ui.po``, ``glossary.po``, the glossary, a source whose translation is
    kept, a plain version: after each, the incremental build (whose per-article entries the
    earlier edits left) writes the pages and the record a ``--no-cache`` build writes from the
    same last record."""
    monkeypatch.setattr(cache_module, "RACY_NS", 0)  # every file remembered by its stamps
    for step, (path, edit) in enumerate(EDITS):
        edit(site / path)
        scratch = tmp_path / f"scratch-{step}"
        shutil.copytree(site, scratch, ignore=shutil.ignore_patterns(".pipeline-cache"))
        assert _build(site) == _build(scratch, "--no-cache"), f"after editing {path}"


def test_a_translators_save_plans_its_own_article_and_counts_its_own_version_alone(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    planned = _recorded(monkeypatch, publication, "_made", lambda args: args[1])
    counted = _recorded(monkeypatch, figures_module, "figures_of", lambda a: (a[2].slug, a[3].name))
    _retranslate(po_path(site, "es", "sleep"))
    _build(site)
    assert {a.slug for articles in planned for a in articles} == {"sleep"}
    assert counted == [("sleep", "es")]


def test_a_changed_glossary_catalogue_counts_every_article_again(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every page shows its glossary entries: each article's figures count them."""
    counted = _recorded(monkeypatch, figures_module, "figures_of", lambda args: (args[2],))
    _retranslate(po_path(site, "es", "glossary"))
    _build(site)
    assert {a.slug for articles in counted for a in articles} == {"sleep", "walking", "water"}


def _recorded(
    monkeypatch: pytest.MonkeyPatch,
    module: Any,
    name: str,
    articles: Callable[[tuple[Any, ...]], Any],
) -> list[Any]:
    """The articles each call of ``module.name`` was given (``articles`` picks them)."""
    calls: list[Any] = []
    function = getattr(module, name)

    def recorded(*args: Any, **kwargs: Any) -> Any:
        calls.append(articles(args))
        return function(*args, **kwargs)

    monkeypatch.setattr(module, name, recorded)
    return calls
