"""A cold build's figures and plain-version facts, counted on every core before the plan needs them.

The plan of a build (which versions are published, which are previews) needs every version's
figures (``project.version_stats``) and whether each plain version was written
(``publication``). With nothing cached, both read every catalogue: at 200 articles in six
locales, 1,600 PO parses in the one process, about 1.7 s while the other core idles, before the
first page can be made. ``version_stats`` hands the articles it must count to ``ahead``, which
counts them in a pool, article by article, each PO parsed once; whether each plain version was
written goes into the cache entry the plan reads. Nothing here decides anything: a build without
it (one core, a small site) gives the same plan.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from pipeline.build import publication, versions
from pipeline.build.forked import forked_map
from pipeline.catalog.store import CatalogStore
from pipeline.project import Counted, Project, figures_of
from pipeline.store.cache import Cache


def ahead(
    project: Project, store: CatalogStore, cache: Cache, jobs: int
) -> Callable[[list[int]], Counted]:
    """What ``version_stats`` calls with the positions of the articles it must count again."""
    return partial(_count_all, project, store, cache, jobs)


def _count_all(
    project: Project, store: CatalogStore, cache: Cache, jobs: int, positions: list[int]
) -> Counted:
    """Those articles' figures, their plain versions' facts put in the cache; nothing (the
    caller counts) where a pool would not pay: one core, or fewer versions than a pool's worth.
    The PO hashes were asked by the parent: the pool inherits them with the store."""
    if jobs <= 1 or len(positions) * len(project.config.locales) < versions.PARALLEL_FROM:
        return {}
    counted: Counted = {}
    for figures, written in forked_map(partial(_count, project, store), positions, jobs):
        counted.update(figures)
        for slot, key, value in written:
            cache.put_slot(publication.PLAIN_WRITTEN, slot, key, value)
    return counted


def _count(
    project: Project, store: CatalogStore, position: int
) -> tuple[Counted, list[tuple[str, str, bool]]]:
    """One article's versions: each PO parsed once, for its figures and, if plain, whether it was
    written. The figures' keys are the parent's: it computed them to find these articles."""
    article = project.articles[position]
    figures, written = {}, []
    for loc in project.config.locales:
        figures[(article.slug, loc.name)] = figures_of(project, store, article, loc)
        if loc.is_plain:
            key = publication.plain_written_key(project.config, store, article, loc)
            value = publication.written_in(project.config, store, article, loc)
            written.append((publication.plain_slot(article, loc), key, value))
    return figures, written
