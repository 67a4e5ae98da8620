"""A leaflet Typst refuses (pipeline/render/leaflet.py ``Leaflets``): the site is built without it.

One version's leaflet refused must not stop the build: that version's page is published without a
leaflet link, the other versions keep theirs, and the refusal is a ``leaflet-refused`` error
(exit code 1, in the editors' report and report.json). A refusal is never kept in the cache: the
next build that makes the version asks Typst again.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polib
import pytest

from pipeline.cli import main
from pipeline.errors import LeafletError
from pipeline.render import engine, leaflet
from tests.conftest import DATA

pytestmark = pytest.mark.skipif(
    leaflet.unavailable() is not None, reason=f"no leaflets here: {leaflet.unavailable()}"
)
Run = Callable[..., tuple[int, str, str]]
PO = "locales/es/LC_MESSAGES/leaflet-demo.po"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """The leaflet fixture with Arabic and Spanish catalogues, untranslated: a build exits 0."""
    root = tmp_path / "site"
    shutil.copytree(DATA / "leaflet", root)
    assert main(["--root", str(root), "init", "ar", "es"]) == 0
    return root


def refuse_spanish(monkeypatch: pytest.MonkeyPatch) -> None:
    """Typst refuses the Spanish leaflet, as it refuses a PDF/UA-1 rule broken, and no other."""
    typeset = engine.typeset

    def refusing(data: dict[str, Any], root: Path) -> tuple[bytes, tuple[str, ...]]:
        if data.get("lang") == "es":
            raise LeafletError("PDF/UA-1 error: a rule this text breaks")
        return typeset(data, root)

    monkeypatch.setattr(engine, "typeset", refusing)


def findings(root: Path, check: str) -> list[dict[str, Any]]:
    report = json.loads((root / "output/reports/report.json").read_text(encoding="utf-8"))
    found: list[dict[str, Any]] = []
    stack: list[object] = [report]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            found += [item] if item.get("check") == check else []
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def page(root: Path, tag: str) -> str:
    return (root / "output" / tag / "leaflet-demo.html").read_text(encoding="utf-8")


def assert_spanish_without_leaflet(root: Path) -> None:
    """The Spanish page is published and links to no leaflet; the others have theirs."""
    assert not (root / "output/es/leaflet-demo.pdf").exists()
    assert "<h1" in page(root, "es")
    assert "leaflet-demo.pdf" not in page(root, "es") and "application/pdf" not in page(root, "es")
    for tag in ("en", "ar"):
        assert (root / "output" / tag / "leaflet-demo.pdf").read_bytes().startswith(b"%PDF")
        assert 'href="leaflet-demo.pdf" type="application/pdf"' in page(root, tag)


def test_a_refused_leaflet_is_an_error_and_the_site_is_built_without_it(
    site: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    refuse_spanish(monkeypatch)
    code, out, err = run(site, "build")
    assert code == 1 and err == "", err
    assert "wrote 3 pages, 2 leaflets" in out
    assert (
        f"{PO}: error: [leaflet-refused] leaflet: cannot make the es leaflet: "
        "PDF/UA-1 error: a rule this text breaks; this version is published without a leaflet"
    ) in out
    assert_spanish_without_leaflet(site)
    [found] = findings(site, "leaflet-refused")
    assert (found["severity"], found["article"], found["locale"], found["file"]) == (
        "error",
        "leaflet-demo",
        "es",
        PO,
    )
    assert "PDF/UA-1 error: a rule this text breaks" in found["message"]
    editors = (site / "output/reports/es.html").read_text(encoding="utf-8")
    assert "leaflet-refused" in editors and "a rule this text breaks" in editors


def test_a_refused_leaflet_is_asked_again_after_the_engine_changes(
    site: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another Typst (``presence`` names its files) makes the versions again; the leaflet's own
    key (``engine_key``, cached for this process) is unchanged, so a refusal kept under it would
    leave Spanish without a leaflet. It was not kept: Typst is asked again and prints it."""
    with monkeypatch.context() as patch:
        refuse_spanish(patch)
        assert run(site, "build")[0] == 1
    assert_spanish_without_leaflet(site)
    presence = engine.presence()
    monkeypatch.setattr(engine, "presence", lambda: presence + "; another Typst")
    code, out, _err = run(site, "build")
    assert code == 0 and "wrote 3 pages, 3 leaflets" in out
    assert 'href="leaflet-demo.pdf" type="application/pdf"' in page(site, "es")
    assert findings(site, "leaflet-refused") == []


def _link_to_nowhere(root: Path, target: str) -> None:
    path = root / PO
    po = polib.pofile(str(path))
    po.find("Wash your hands.").msgstr = f"Lávese [las manos]({target})."
    po.save(str(path))


def test_a_translation_typst_refuses_then_fixed(site: Path, run: Run) -> None:
    """Real input: a Spanish link to a place the page does not have (``#manos``). Typst refuses
    a link to a label that does not exist; the translator's link-target error says the same on
    the PO's line. Once the translator removes it, the next build makes the Spanish leaflet."""
    _link_to_nowhere(site, "#manos")
    code, out, err = run(site, "build")
    assert code == 1 and err == "", err
    assert "wrote 3 pages, 2 leaflets" in out
    assert_spanish_without_leaflet(site)
    [found] = findings(site, "leaflet-refused")
    assert found["locale"] == "es" and found["file"] == PO
    assert "label `<manos>` does not exist" in found["message"]
    po = polib.pofile(str(site / PO))
    po.find("Wash your hands.").msgstr = "Lávese las manos."
    po.save(str(site / PO))
    code, out, _err = run(site, "build")
    assert code == 0 and "wrote 3 pages, 3 leaflets" in out
    assert (site / "output/es/leaflet-demo.pdf").read_bytes().startswith(b"%PDF")


def test_the_versions_key_names_typsts_files_and_the_template(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``presence`` is in every version's key: another Typst (its files) or another leaflet
    template remakes the versions, so a refused leaflet is asked for again; Python's
    ``__pycache__`` beside Typst's files does not."""
    package = tmp_path / "typst"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "_typst.abi3.so").write_bytes(b"0.15.2")
    spec = importlib.machinery.ModuleSpec("typst", None, origin=str(package / "__init__.py"))
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: spec)
    before = engine.presence()
    (package / "__pycache__").mkdir()
    assert engine.presence() == before
    (package / "_typst.abi3.so").write_bytes(b"0.16.0-upgraded")
    upgraded = engine.presence()
    assert upgraded != before
    monkeypatch.setattr(engine, "template", lambda: b"#set page(paper: a4)")
    assert engine.presence() != upgraded
