"""A process the build forks ends when the build does, however the build ends.

A CI job's timeout sends SIGKILL to the command: no ``finally`` of the parent runs, so nothing
tells its pool workers or its table warmer to stop. An idle worker waits on its task queue (whose
pipe the other workers hold open too, so it never reads an end of file); a busy one finishes its
task and waits. Each such orphan kept some 480 MB asleep, for hours.

So every forked process calls ``die_with_parent`` first. On Linux the kernel does it:
``prctl(PR_SET_PDEATHSIG, SIGKILL)`` kills the child the moment its parent dies, even while it is
deep in C code holding the GIL. The parent may have died between the fork and that call; the
check of ``getppid`` right after closes the gap. Elsewhere a daemon thread polls ``getppid``.

One caveat of the kernel's rule: "parent" is the *thread* that forked. The pipeline forks from a
thread that then waits for those children (the pool's ``with`` block, ``warmup.wait``), so the
thread always outlives them.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
POLL_SECONDS = 1.0  # the fallback watchdog's period, where the kernel cannot do it


def die_with_parent(parent: int) -> None:
    """Arrange for this (forked) process to end when process ``parent`` ends; at once if it has."""
    if not _kernel_kills_us_with_parent():
        threading.Thread(target=_watch, args=(parent,), name="tether", daemon=True).start()
    if os.getppid() != parent:  # the parent died before the line above: nobody is left to serve
        os._exit(1)


def _kernel_kills_us_with_parent() -> bool:
    """``prctl(PR_SET_PDEATHSIG, SIGKILL)``; False where there is no such call."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0)
    except (AttributeError, OSError):
        return False


def _watch(parent: int) -> None:
    """The portable fallback: reparented (to init or a subreaper) means the parent is gone."""
    while os.getppid() == parent:
        time.sleep(POLL_SECONDS)
    os._exit(1)
