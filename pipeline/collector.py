"""Python's cycle collector, kept off what a command loads to hold until it ends.

Why: besides reference counting, CPython runs a collector that looks for reference cycles. It
walks each new object once or twice as it ages, and walks every object it tracks each time the
oldest generation has grown by a quarter. A build's process loads much that it keeps to the end:
its own modules, the parsed articles (6.8 MB pickled at 200 real-size articles), every version's
summary (1,400 of them). At that size the collector spent some 0.15 s of a translator's save
walking them (the save took 1.4 s; see ``docs/speed.md``), and found nothing: what is unpickled
from the cache holds no cycle.

How: ``paused`` switches the collector off while such a load runs and then moves every object
alive out of its sight (``gc.freeze``, made for this: Instagram's servers freeze what their
workers inherit). Reference counting still frees each of them the moment it is dropped; only the
search for cycles skips them. Mercurial pauses the collector the same way while it parses large
structures. ``release`` gives them back to the collector: a build ends with it, so a long-running
``pipeline serve`` (or a test session) collects whatever cycles its builds left.
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
