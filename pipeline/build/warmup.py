"""Lookup tables built in a process of their own while a cold build reads the site.

A build's checks load a word list per language (wordfreq), hyphenation patterns (Pyphen) and the
CMU pronouncing dictionary; each is built once and kept in the build's cache (``cache.table``).
With no cache yet (a new machine, a deleted ``.pipeline-cache``), every worker of the pool built
them itself, at the same moment: some 2.4 s of CPU each, during which no page was made. Started
before the build reads its catalogues, one process builds them into the cache while the parent
works; the pool starts once they are there, and its workers only load them. A command run's
``build.runtime.Runtime`` owns the one ``Warmer``: it starts it once and waits for it.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import threading
from collections.abc import Iterable
from multiprocessing.process import BaseProcess

from pipeline.build.tether import die_with_parent
from pipeline.store import kinds
from pipeline.store.cache import Cache, tables_kept_in

WAIT_SECONDS = 120  # past this the pool starts anyway: its workers build what is missing
STOP_SECONDS = 10  # then a warmer asked to stop is made to


class Warmer:
    """At most one warmer process, started by ``start`` and reaped by ``wait``; a command run's
    ``Runtime`` owns one."""

    def __init__(self) -> None:
        self.process: BaseProcess | None = None
        self.started = False  # a run starts at most one, however often it is asked
        # ``pipeline serve`` builds on its watcher thread, the CLI on the main one
        self._turn = threading.Lock()

    def start(self, cache: Cache, languages: Iterable[str]) -> None:
        """Build the tables of ``languages`` in the background, if the cache has none yet."""
        with self._turn:
            if cache.folder is None or self.started:
                return
            self.started = True
            if all(cache.has_any(kind) for kind in kinds.WARM_TABLES):
                return
            self.process = multiprocessing.get_context("fork").Process(
                target=_build, args=(os.getpid(), cache, sorted(set(languages))), daemon=True
            )
            self.process.start()

    def wait(self) -> None:
        """Until the tables are in the cache (at most ``WAIT_SECONDS``): before any page is made.

        One thread at a time joins the warmer (two joining one process race to reap it); a
        second caller waits its turn and finds the warmer gone.
        """
        with self._turn:
            warmer, self.process = self.process, None
            if warmer is None:
                return
            warmer.join(WAIT_SECONDS)
            if warmer.is_alive():
                warmer.terminate()
                warmer.join(STOP_SECONDS)
            if warmer.is_alive():  # stuck where SIGTERM cannot reach it: SIGKILL cannot be refused
                warmer.kill()
                warmer.join()


def _build(parent: int, cache: Cache, languages: list[str]) -> None:
    die_with_parent(parent)  # a build killed from outside leaves no warmer behind
    with tables_kept_in(cache):
        load_tables(languages)


def load_tables(languages: Iterable[str]) -> None:
    """Load (or build) the tables of ``languages`` in this process: a warmer's work, and what
    ``check`` does before its pool forks, so that its workers inherit them."""
    from pipeline.checks import plain  # noqa: PLC0415
    from pipeline.language import syllables  # noqa: PLC0415 (the checks' own loaders, where used only)

    wanted = sorted(set(languages))
    for language in wanted:
        for load in (plain.vocabulary, syllables.hyphenation):
            with contextlib.suppress(Exception):  # a language without a list: the check says so
                load(language)
    if "en" in wanted:
        syllables.cmu_index()
