"""``pipeline build --scheduler``: the map over versions on a Dask cluster gives the local build's
site, byte for byte, cold and after one PO changed; a cluster that cannot be used is one line
and exit 2, with ``output/`` untouched.

The cluster is a ``distributed.LocalCluster`` of two worker processes started here: they share
this machine's folders, as workers on other machines share the project on a network file system.
"""

from __future__ import annotations

import shutil
import socket
import sys
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

from pipeline.build import cluster, versions
from pipeline.config import load_config
from pipeline.store import cache as cache_module
from pipeline.store.cache import CACHE_DIR
from tests.conftest import po_path
from tests.multisite import make_multisite

TODAY = "2025-06-01"  # the workers were started without it: the build's date must reach them
Run = Callable[..., tuple[int, str, str]]
NO_DISTRIBUTED = "dask.distributed is not installed (pip install '.[cluster]'; tests/setup.sh does)"


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """Two worker processes of one thread each, for the module's tests; closed after."""
    distributed = pytest.importorskip("distributed", reason=NO_DISTRIBUTED)
    with distributed.LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
    ) as local:
        yield local.scheduler_address


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PIPELINE_TODAY", TODAY)
    return make_multisite(tmp_path)


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file of output/, by its path under output/."""
    output = root / "output"
    return {p.relative_to(output).as_posix(): p.read_bytes() for p in output.rglob("*") if p.is_file()}  # fmt: skip


def local_cold(root: Path, run: Run) -> dict[str, bytes]:
    """A local build with no cache and no output: the reference."""
    shutil.rmtree(root / "output", ignore_errors=True)
    shutil.rmtree(root / CACHE_DIR, ignore_errors=True)
    assert run(root, "build", "--scheduler", "local")[0] in (0, 1)
    return snapshot(root)


def test_cold_cluster_build_is_the_local_build(
    site: Path, run: Run, scheduler: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    reference = local_cold(site, run)
    shutil.rmtree(site / "output")
    shutil.rmtree(site / CACHE_DIR)
    with monkeypatch.context() as patch:
        patch.setattr(versions, "make", _refused)
        code, _, err = run(site, "build", "--scheduler", scheduler)
        assert code in (0, 1), err
        built = snapshot(site)
        assert any(path.endswith(".pdf") for path in built)  # leaflets too
        assert sorted(built) == sorted(reference)
        assert [path for path in reference if built[path] != reference[path]] == []
        # without a cache, the workers send the versions whole (the same workers, which
        # gathered this build's context with a cache just now)
        code, _, err = run(site, "build", "--no-cache", "--scheduler", scheduler)
    assert code in (0, 1), err
    assert snapshot(site) == reference


def test_one_po_changed_on_the_cluster_is_the_local_build(
    site: Path, run: Run, scheduler: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run(site, "build", "--scheduler", scheduler)[0] in (0, 1)
    po = po_path(site, "es", "water")
    po.write_text(
        po.read_text(encoding="utf-8").replace('msgstr ""\n\n', 'msgstr "AGUA"\n\n', 1),
        encoding="utf-8",
    )
    with monkeypatch.context() as patch:
        patch.setattr(versions, "make", _refused)
        code, _, err = run(site, "build", "--scheduler", scheduler)
    assert code in (0, 1), err
    incremental = snapshot(site)
    assert b"AGUA" in incremental["es/water.html"]
    reference = local_cold(site, run)
    assert sorted(incremental) == sorted(reference)
    assert [path for path in reference if incremental[path] != reference[path]] == []


def _refused(*args: object) -> versions.Made:
    raise AssertionError("a version was made where the command runs, not on the cluster")


def test_the_configuration_key_chooses_the_cluster(site: Path, run: Run, scheduler: str) -> None:
    pyproject = site / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text(encoding="utf-8") + f'scheduler = "{scheduler}"\n', encoding="utf-8"
    )
    assert load_config(site).scheduler == scheduler
    code, _, err = run(site, "build")
    assert code in (0, 1), err
    assert (site / "output" / "es" / "sleep.html").is_file()


def test_a_bad_scheduler_key_names_it(site: Path, run: Run) -> None:
    pyproject = site / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text(encoding="utf-8") + "scheduler = 8786\n", encoding="utf-8"
    )
    code, _, err = run(site, "build")
    assert code == 2
    assert "pyproject.toml: [tool.pipeline] scheduler: expected a Dask scheduler's address" in err


def test_without_distributed_one_line_names_the_extra(
    site: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed: ImportError
    code, _, err = run(site, "build", "--scheduler", "tcp://127.0.0.1:8786")
    assert code == 2
    assert err.count("\n") == 1
    assert "pip install '.[cluster]'" in err
    assert not (site / "output").exists()


def test_an_unreachable_scheduler_leaves_output_untouched(
    site: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("distributed", reason=NO_DISTRIBUTED)
    assert run(site, "build")[0] in (0, 1)
    before = snapshot(site)
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", "1s")
    code, _, err = run(site, "build", "--scheduler", f"tcp://127.0.0.1:{_closed_port()}")
    assert code == 2
    assert err.count("\n") == 1
    assert err.startswith("pipeline: cannot reach the Dask scheduler at tcp://127.0.0.1:")
    assert snapshot(site) == before


def _closed_port() -> int:
    """A port nothing listens on (it was free a moment ago)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_worker_seeing_another_project_refuses(
    site: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a worker does when its copy of the project differs from the build's (here: asked
    for a build key no project on disk gives)."""
    assert run(site, "build")[0] in (0, 1)
    # make_remote keeps the lookup tables in the shared cache for its task alone
    before = cache_module._tables
    config = load_config(site)
    recipe = cluster.Recipe(config, str(site / CACHE_DIR), date.fromisoformat(TODAY))
    with pytest.raises(cluster.ClusterError, match="a worker sees another project"):
        cluster.make_remote(("sleep", "es"), "0" * 64, recipe, "not this build")
    assert cache_module._tables is before
