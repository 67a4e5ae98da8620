"""What one command run holds for its whole life, in one object: its cache, the lookup tables
kept there, and the process that builds them on a cold cache.

| held          | begun                                          | ended                          |
|---------------|------------------------------------------------|--------------------------------|
| the cache     | given (``Cache.of_project``, ``Cache.disabled``) | the verbs save its stamps      |
| lookup tables | ``warm``: kept in the cache (``tables_kept_in``) | on exit, as before it          |
| the warmer    | ``warm``: once, if the cache lacks the tables   | ``ready``: before the first version is made, and on exit |

The CLI makes one per command (``pipeline serve`` one per rebuild) and passes it down; nothing
else starts a warmer or keeps tables, so a run leaves no process or setting behind.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from types import TracebackType

from pipeline.build.warmup import Warmer
from pipeline.store.cache import Cache, tables_kept_in


class Runtime:
    """A command run's process-wide state; a context manager, entered once."""

    def __init__(self, cache: Cache) -> None:
        self.cache = cache
        self._warmer = Warmer()
        self._kept = contextlib.ExitStack()
        self._keeping = False

    def __enter__(self) -> Runtime:
        return self

    def warm(self, languages: Iterable[str]) -> None:
        """A build's: keep the lookup tables in the cache, and build the missing ones of
        ``languages`` in a process of their own while the site is read."""
        if not self._keeping:
            self._kept.enter_context(tables_kept_in(self.cache))
            self._keeping = True
        self._warmer.start(self.cache, languages)

    def ready(self) -> None:
        """Until the warmer (if any) has put the tables in the cache: before a version is made."""
        self._warmer.wait()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        """A run that failed before its pages leaves no warmer behind."""
        try:
            self.ready()
        finally:
            self._kept.close()
