"""The one process pool of the pipeline's maps: versions made, figures counted, versions checked.

The pool forks, so its workers inherit what the parent has loaded (articles, catalogues, lookup
tables, templates) and the function itself: only an item's position goes to a worker, and only
its result comes back. Results come in the items' order, so a map over the pool gives what the
same map in one process gives. Each worker ends when the process that made the pool does,
however that one ends (``tether``): a build killed by a CI timeout leaves no worker behind.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar, cast

from pipeline.build.tether import die_with_parent

T = TypeVar("T")
R = TypeVar("R")

# Items sent to a worker at a time. A chunk's results come back as one message: with 1/16 of the
# site per chunk, the parent and each worker held some 70 MB of pages at N=800. A handful cost no
# more wall time there (95 s either way): a version takes some 30 ms, a message far less.
CHUNK = 4
# A worker's work: set in each worker by ``_start_worker`` (the parent keeps none), inherited
# through the fork with the function and items it names, never pickled.
_WORK: tuple[Callable[[Any], Any], Sequence[Any]] | None = None


def forked_map(
    function: Callable[[T], R], items: Sequence[T], jobs: int, chunk: int = CHUNK
) -> Generator[R, None, None]:
    """``map(function, items)`` over ``jobs`` forked processes, in order, ``chunk`` items at a time.

    Begun when called, not when the first result is asked for: the workers fork and are given
    every item at once, so the caller's own work in the meantime (reading the rest of the site
    from the cache) overlaps theirs. Closing the generator stops the pool."""
    running = _forked(function, items, jobs, chunk)
    next(running)  # up to the first ``yield``: the pool is made and every item given
    return cast("Generator[R, None, None]", running)


def _forked(
    function: Callable[[T], R], items: Sequence[T], jobs: int, chunk: int
) -> Generator[R | None, None, None]:
    pool = ProcessPoolExecutor(
        jobs,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_start_worker,
        initargs=(os.getpid(), (function, items)),
    )
    try:
        results = pool.map(_call, range(len(items)), chunksize=chunk)  # forks every worker
        yield None  # begun
        yield from results
    except BaseException:  # Ctrl-C, an error, closed: the queued work is dropped, not done first
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    finally:
        pool.shutdown(wait=True)


def _start_worker(parent: int, work: tuple[Callable[[Any], Any], Sequence[Any]]) -> None:
    """A worker ends with its parent, however that one ends (``tether``); and Ctrl-C, which
    reaches every process of the terminal's group, is the parent's alone to answer (one line,
    exit 130): a worker would print a traceback of its own. ``work`` is its map's, for its life."""
    global _WORK
    _WORK = work
    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _call(position: int) -> Any:
    assert _WORK is not None, "the worker's initializer sets its work"
    function, items = _WORK
    return function(items[position])
