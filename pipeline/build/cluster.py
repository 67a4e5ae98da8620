"""The map over versions on a Dask cluster: ``pipeline build --scheduler tcp://host:8786``.

A version is a pure function of the project on disk, so a worker that sees the project folder
and its ``.pipeline-cache/`` at the same path (shared storage) can make it as well as this
machine can. Nothing big travels: a task carries the build's recipe (the configuration, the
cache folder, the date), the version's (article, locale) and two keys; the worker gathers the
build's context itself from the shared folder, once per build and worker process, checks that
it sees the project this build sees (the same keys), makes the version, writes its cache
entries (atomic, content-addressed: workers never collide) and returns the small summary. The
reduce (indexes, sitemap, report) and the swap into ``output/`` stay where the command runs,
which reads each version's files back from the cache: the site is byte-identical to a local
build's. ``distributed`` is optional (``pip install '.[cluster]'``) and imported only here.

| side            | what it does                                                             |
|-----------------|--------------------------------------------------------------------------|
| ``mapper``      | the one place the map's engine is chosen: ``LocalPool`` or ``DaskCluster`` |
| ``DaskCluster`` | submits one task per version, yields the versions in the build's order    |
| ``make_remote`` | runs on a worker: gather (cached per process), check, make, store, summary |
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pipeline.build import versions
from pipeline.build.gather import gather
from pipeline.build.runtime import Runtime
from pipeline.build.versions import Context, LocalPool, Made, Mapper
from pipeline.config import Config
from pipeline.errors import PipelineError
from pipeline.project import read_project
from pipeline.source.dates import as_of, today
from pipeline.store.cache import Cache, digest, tables_kept_in

INSTALL = "pip install '.[cluster]'"
CONNECT_TIMEOUT = "10s"  # a scheduler that does not answer by then is reported, not waited for
LOCAL = "local"  # ``--scheduler local``: this machine, whatever the configuration says


class ClusterError(PipelineError):
    """The cluster cannot be used: not installed, not reachable, or seeing another project."""


@dataclass(frozen=True)
class Recipe:
    """What a worker needs to gather a build's context from the shared folder (the project
    folder and ``-l`` are in the configuration): small, the same for every task."""

    config: Config
    cache: str | None  # the cache folder; None with --no-cache (the worker returns the files)
    day: date  # the build's "today": the overdue-review check and every key depend on it


@contextmanager
def mapper(jobs: int, scheduler: str | None, config: Config, runtime: Runtime) -> Iterator[Mapper]:
    """The map's engine: this machine's ``jobs`` cores (once the run's lookup tables are
    ready), or the Dask scheduler at ``scheduler`` (connected before anything is written, closed
    after the build)."""
    if scheduler is None or scheduler == LOCAL:
        yield LocalPool(jobs, runtime.ready)
        return
    cache = runtime.cache
    folder = None if cache.folder is None else str(Path(cache.folder).resolve())
    with DaskCluster.connect(scheduler, Recipe(config, folder, today())) as cluster:
        yield cluster


def _distributed(address: str) -> Any:
    try:
        import distributed
    except ImportError:
        raise ClusterError(
            f"building on the Dask scheduler {address} needs dask.distributed, which is not installed: {INSTALL}"
        ) from None
    return distributed


class DaskCluster:
    """Versions made by a Dask cluster's workers, which share the project folder and its cache."""

    def __init__(self, client: Any, recipe: Recipe, address: str) -> None:
        self.client, self.recipe, self.address = client, recipe, address

    @classmethod
    @contextmanager
    def connect(cls, address: str, recipe: Recipe) -> Iterator[DaskCluster]:
        distributed = _distributed(address)
        try:
            client = distributed.Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            reason = (str(exc).splitlines() or [type(exc).__name__])[0]
            raise ClusterError(f"cannot reach the Dask scheduler at {address}: {reason}") from None
        try:
            yield cls(client, recipe, address)
        finally:
            client.close()

    def make(
        self, context: Context, cache: Cache, todo: dict[tuple[str, str], str]
    ) -> Generator[Made, None, None]:
        """One task per version, all submitted at once; the versions come back in ``todo``'s
        order, each with its files read from the cache the worker wrote."""
        if not todo:
            return
        build = build_key(context)
        futures = deque(
            self.client.map(
                make_remote, list(todo), list(todo.values()),
                recipe=self.recipe, build=build, key=[f"pipeline-version-{k}" for k in todo.values()],
            )
        )  # fmt: skip
        try:
            for item, key in todo.items():
                yield self._received(cache, item, key, self._result(futures.popleft()))
        finally:
            self.client.cancel(list(futures))

    def _result(self, future: Any) -> Made:
        """The worker's summary; the cluster's own failures (a worker lost, the scheduler gone) as
        one line. A ``PipelineError`` raised on the worker comes back as it was raised."""
        distributed = _distributed(self.address)
        try:
            made = future.result()
        except (OSError, distributed.KilledWorker, distributed.client.FutureCancelledError) as exc:
            raise ClusterError(f"the Dask cluster at {self.address} failed: {exc}") from None
        future.release()
        assert isinstance(made, Made)
        return made

    def _received(self, cache: Cache, item: tuple[str, str], key: str, made: Made) -> Made:
        """The version with its files, read from the cache the worker wrote (or, with
        --no-cache, sent whole)."""
        if cache.folder is None:
            return made
        every_finding = True  # the findings too: the reduce keeps every one or the first errors
        found = versions.cached_version(cache, key, lambda k, p: False, every_finding, {key: made})
        if found is None:
            raise ClusterError(
                f"a worker made {item[0]} ({item[1]}) but its cache entry is not in {cache.folder}: the workers must see the project folder and its cache at the same path"
            )
        return found


def build_key(context: Context) -> str:
    """One key for everything a build's versions depend on: a worker's context is the build's
    exactly when it gives the same key."""
    return digest(*context.keys().values())


_LOCK = threading.Lock()  # a worker with several threads makes one version at a time
# this worker process's last build, by its key and cache folder (a --no-cache build of the same
# project must not write, nor return summaries only)
_GATHERED: dict[tuple[str, str | None], tuple[Context, Cache]] = {}


def make_remote(item: tuple[str, str], key: str, recipe: Recipe, build: str) -> Made:
    """On a worker: the version ``item`` of the build ``build``, made and stored in the shared
    cache; its summary returned (the whole version where the build keeps no cache)."""
    with _LOCK, as_of(recipe.day):
        context, cache = _gathered(recipe, build)
        if context.key(*item) != key:
            raise ClusterError(
                f"a worker sees {item[0]} ({item[1]}) otherwise than this build: the workers must see the project folder at the same path",
                recipe.config.root,
            )
        with tables_kept_in(cache):  # for this task: the worker process outlives the build
            made = versions.make(context, *item)
        versions.store(cache, key, made)
        return made.summary() if cache.folder is not None else made


def _gathered(recipe: Recipe, build: str) -> tuple[Context, Cache]:
    """The build's context, gathered from the shared folder once per worker process and build."""
    if (build, recipe.cache) in _GATHERED:
        return _GATHERED[(build, recipe.cache)]
    cache = Cache(Path(recipe.cache)) if recipe.cache else Cache.disabled()
    with tables_kept_in(cache):  # the lookup tables from the shared cache, not built per worker
        project = read_project(recipe.config, cache, withhold=True)  # as the command reads it
        context = gather(project, cache, jobs=1).context
    if build_key(context) != build:
        raise ClusterError(
            "a worker sees another project than this build (changed while building, another copy, another pipeline version?): the workers must see the project folder at the same path",
            recipe.config.root,
        )
    _GATHERED.clear()  # one build's context per worker process: memory stays flat
    _GATHERED[(build, recipe.cache)] = (context, cache)
    return context, cache
