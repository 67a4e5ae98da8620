"""Python's cycle collector, kept off what a command loads to hold until it ends.

Why: besides reference counting, CPython runs a collector that looks for reference cycles. It
walks each new object once or twice as it ages, and walks every object it tracks each time the
oldest generation has grown by a quarter. A build's process loads much that it keeps to the end:
its own modules, the parsed articles (6.8 MB pickled at 200 real-size articles), every version's
summary (1,400 of them). Reading the last summaries took 0.09-0.11 s with the collector and
0.03 s without, and a translator's save as a whole 0.89x the time (``docs/speed.md``); nothing
was found, since what is unpickled from the cache holds no cycle.

How: ``paused`` switches the collector off while such a load runs and then moves every object
alive out of its sight (``gc.freeze``, which CPython made for servers that fork: Instagram
freezes what its workers inherit). Reference counting still frees each of them the moment it is
dropped; only the search for cycles skips them. Only loads are paused, never parsing or
rendering: what is frozen is everything alive at that moment, cyclic garbage included, and
Python-Markdown's cycles from 200 articles parsed on a cold cache stayed to the end (25 MB).
``release`` gives everything back to the collector: every command and every build ends with it,
so a long-running ``pipeline serve`` (or the test suite's process) collects what cycles its builds left.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """No collection while the block loads what it will hold; then all alive is frozen."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def release() -> None:
    """Everything frozen goes back to the collector's oldest generation."""
    gc.unfreeze()
