"""A cold build's figures and plain-version facts, counted on every core before the plan needs them.

The plan of a build (which versions are published, which are previews) needs every version's
figures (``project.version_stats``) and whether each plain version was written
(``publication``). With nothing cached, both read every catalogue: at 200 articles in six
locales, 1,600 PO parses in the one process, about 1.7 s while the other core idles, before the
first page can be made. Here they are counted by a pool, article by article, into the very cache
entries those two read: they then find every figure counted and work as before. Nothing here
decides anything, so a build without it (one core, a small site) gives the same plan.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

from pipeline import publication, versions
from pipeline.cache import Cache
from pipeline.model import Article, Stats, stats_of
from pipeline.project import STATS_TABLE, Project, stats_key, texts_key
from pipeline.versions import CatalogStore

Counted = tuple[
    dict[tuple[str, str], tuple[str, Stats]],  # (article, locale) -> (stats key, figures)
    list[tuple[str, bool]],  # (plain-written key, written) of each plain locale
]
_JOB: tuple[Project, CatalogStore] | None = None  # set in the parent before the pool forks


def count_ahead(project: Project, store: CatalogStore, cache: Cache, jobs: int) -> None:
    """Fill the figures table and the plain-written entries of every version not counted yet."""
    global _JOB
    if cache.folder is None:  # --no-cache: nothing counted here could be read back
        return
    table = cache.get(*STATS_TABLE)
    table = table if isinstance(table, dict) else {}
    todo = [  # positions in project.articles: the pool inherits the project, nothing is pickled
        i
        for i, article in enumerate(project.articles)
        if not _counted(project, store, table, article)
    ]
    if jobs <= 1 or len(todo) * len(project.config.locales) < versions.PARALLEL_FROM:
        return
    _JOB = (project, store)
    try:
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            for figures, written in pool.map(_count, todo, chunksize=4):
                table.update(figures)
                for key, value in written:
                    cache.put(publication.PLAIN_WRITTEN, key, value)
    finally:
        _JOB = None
    cache.put(*STATS_TABLE, table)


def _counted(project: Project, store: CatalogStore, table: dict, article: Article) -> bool:
    """Whether every locale's figures of the article are in the table (asks each PO's hash, which
    the pool then inherits)."""
    texts = texts_key(article)
    return all(
        (known := table.get((article.slug, loc.name))) is not None
        and known[0] == stats_key(texts, store, loc.name, article.slug)
        for loc in project.config.locales
    )


def _count(position: int) -> Counted:
    """One article's versions: each PO parsed once, for its figures and, if plain, its fact."""
    assert _JOB is not None, "count_ahead sets the job"
    project, store = _JOB
    article = project.articles[position]
    slug = article.slug
    texts = texts_key(article)
    figures, written = {}, []
    for loc in project.config.locales:
        catalog = store.get((loc.name, slug))
        figures[(slug, loc.name)] = (
            stats_key(texts, store, loc.name, slug),
            stats_of(catalog, article.msgids),
        )
        if loc.is_plain:
            key = publication.plain_written_key(project.config, store, article, loc)
            written.append((key, publication.written_in(project.config, store, article, loc)))
    return figures, written
