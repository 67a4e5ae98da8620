"""The cycle collector kept off what a command holds (``pipeline.collector``).

What matters to a user: a build is quicker, and no process that runs many builds (``pipeline
serve``, the test suite's process) keeps garbage because of it. So: within ``paused`` nothing is collected,
after it what was alive is frozen, and every command gives all of it back when it ends.
"""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

import pytest

from pipeline import collector
from pipeline.cli import main
from tests.multisite import make_multisite


@pytest.fixture(autouse=True)
def nothing_frozen() -> None:
    collector.release()


class Cycle:
    def __init__(self) -> None:
        self.me = self


def test_nothing_is_collected_while_paused_and_what_is_alive_is_frozen_after() -> None:
    held = [Cycle() for _ in range(50)]
    with collector.paused():
        assert not gc.isenabled()
        before = gc.get_stats()[0]["collections"]
        loaded = [
            (n, str(n)) for n in range(20_000)
        ]  # far past the youngest generation's threshold
        assert gc.get_stats()[0]["collections"] == before
    assert gc.isenabled()
    assert gc.get_freeze_count() >= len(held) + len(loaded)
    collector.release()
    assert gc.get_freeze_count() == 0


def test_a_disabled_collector_stays_disabled() -> None:
    gc.disable()
    try:
        with collector.paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_garbage_frozen_is_collected_once_released() -> None:
    """Why every command releases: a cycle dropped after being frozen is found only then."""
    with collector.paused():
        cycle = Cycle()
    alive = weakref.ref(cycle)
    del cycle
    gc.collect()
    assert alive() is not None  # a frozen cycle is out of the collector's sight
    collector.release()
    gc.collect()
    assert alive() is None


@pytest.mark.parametrize("command", [["build"], ["check"], ["build", "-l", "es"]])
def test_every_command_leaves_the_collector_as_it_found_it(
    tmp_path: Path, command: list[str]
) -> None:
    root = make_multisite(tmp_path)
    assert main(["--root", str(root), "-q", "build"]) in (0, 1)
    assert main(["--root", str(root), "-q", *command]) in (0, 1)
    assert gc.isenabled() and gc.get_freeze_count() == 0
