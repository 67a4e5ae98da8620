"""A pipeline run that SIGKILLs itself after its Nth file-system change: ``python -m tests.kill_child``.

Environment:
  KILL_AFTER   N (kill after the Nth change) or ``name`` (after the first call of that function)
  KILL_LOG     a file to which each change is appended as ``N name`` before it happens
  KILL_NO_EXCHANGE  set: run as on a system without renameat2 (the two-renames fallback)
Arguments: ``publish ROOT FILES.json`` (``publish()`` alone, fast) or ``cli ARGS…`` (a whole run;
changes are counted from the start of ``publish()``), or ``hang worker|warmer ARGS…``: a whole
run in which a process it forks (a pool worker, even for a small site; or the table warmer)
appends ``pid ppid`` to KILL_LOG and then never ends, for the caller to SIGKILL this process.

The kill is a real SIGKILL from the kernel: no ``finally``, no ``atexit``, nothing of Python runs.
"""

from __future__ import annotations

import builtins
import json
import os
import shutil
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipeline.store import publish  # only this: a child that publishes alone starts in milliseconds

CHANGES = [
    (os, "rename"),
    (os, "replace"),
    (os, "mkdir"),
    (os, "makedirs"),
    (os, "link"),
    (os, "chmod"),
    (os, "unlink"),
    (os, "rmdir"),
    (shutil, "copy2"),
    (Path, "write_text"),
    (Path, "write_bytes"),
]
_state = {"count": 0, "on": False}


def _hooked(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not _state["on"]:
            return function(*args, **kwargs)
        _state["count"] += 1
        step = _state["count"]  # copy2 calls chmod inside: that is a step of its own
        with open(os.environ["KILL_LOG"], "a", encoding="utf-8") as log:
            log.write(f"{step} {name}\n")
        try:
            return function(*args, **kwargs)
        finally:  # also after a step that raised (mkdir of a folder that exists)
            if os.environ["KILL_AFTER"] in (str(step), name):
                os.kill(os.getpid(), signal.SIGKILL)

    return wrapper


def _install() -> None:
    for owner, name in CHANGES:
        setattr(owner, name, _hooked(name, getattr(owner, name)))
    publish.exchange = _hooked("exchange", publish.exchange)
    publish.open = _hooked("open", builtins.open)  # type: ignore[attr-defined]  # each file it writes
    if os.environ.get("KILL_NO_EXCHANGE"):
        publish._renameat2 = None
    real_publish = publish.publish

    def counted_publish(*args: Any, **kwargs: Any) -> None:
        _state["on"] = True
        real_publish(*args, **kwargs)
        _state["on"] = False

    publish.publish = counted_publish


def _logged(where: str) -> None:
    with open(os.environ["KILL_LOG"], "a", encoding="utf-8") as log:
        log.write(f"{where} {os.getpid()} {os.getppid()}\n")


def hanging_call(position: int) -> Any:
    """A pool worker: the first item never ends (a leaflet stuck in the PDF engine); the other
    workers make theirs and go idle, waiting for work that never comes."""
    _logged("worker")
    if position == 0:
        threading.Event().wait()
    return _real["call"](position)


def hanging_warmer(*args: Any) -> None:
    _logged("warmer")
    _real["warmer"](*args)  # the tether is installed there, as in a real run
    threading.Event().wait()


_real: dict[str, Callable[..., Any]] = {}


def _hang(where: str) -> None:
    from pipeline.build import forked, versions, warmup

    _real.update(call=forked._call, warmer=warmup._build)
    if where == "worker":
        versions.PARALLEL_FROM = 1  # the test site is small: fork anyway
        forked._call = hanging_call
    else:
        warmup._build = hanging_warmer


def main(argv: list[str]) -> int:
    if argv[0] == "hang":
        _hang(argv[1])
        argv = ["cli", *argv[2:]]
    _install()
    if argv[0] == "publish":
        files = json.loads(Path(argv[2]).read_text(encoding="utf-8"))
        publish.publish(Path(argv[1]) / "output", files)
        return 0
    from pipeline.build import verbs as build
    from pipeline.cli import main as cli

    build.publish = publish.publish
    return cli(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
