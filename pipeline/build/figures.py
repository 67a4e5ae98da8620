"""Every version's figures, kept by article from one build to the next.

The plan needs every version's figures (``project.version_stats``: how much of what its page
shows is translated). Counting them parses every PO; hashing 1,400 version keys on each build
costs more than a translator's save should. So a build keeps one entry: for each article, its
key (the site's part — the code, the glossary, the interface texts, each locale's ``ui.po`` and
``glossary.po`` — its text's hash and its POs' hashes, which ``Cache.file_digest`` knows from
their stamps) and each of its versions' key and figures. Only an article whose key changed is
looked at again, and in it only a version whose own key changed is counted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pipeline.catalog.store import CatalogStore
from pipeline.model import GLOSSARY_DOMAIN, UI_DOMAIN, Article, Stats
from pipeline.project import Counted, Project, figures_of, in_order, source_figures
from pipeline.store import kinds
from pipeline.store.cache import Cache, code_version, digest


def version_stats(
    project: Project,
    store: CatalogStore,
    cache: Cache,
    ahead: Callable[[list[int]], Counted] | None = None,
) -> dict[tuple[str, str], Stats]:
    """``project.version_stats``, each article's figures from the last build where its key is
    unchanged; the stale articles counted by ``ahead`` where it is given (``counting``: the
    articles at those positions, on every core)."""
    table = _table(project, store, cache, ahead).values()
    counted = ({item: v[1] for item, v in versions.items()} for _, versions in table)
    return in_order(counted, project.config.source_locale.name)


Known = dict[str, tuple[str, dict[tuple[str, str], tuple[str, Stats]]]]
# article -> (its key, each version's (key, figures)): a version's key is made only where its
# article's changed, and its figures counted only where its own did


def _table(
    project: Project,
    catalogs: CatalogStore,
    cache: Cache,
    ahead: Callable[[list[int]], Counted] | None,
) -> Known:
    """The last build's table, each article whose key changed looked at again (counted by
    ``ahead`` where it is given), and in it each version whose key changed counted again; kept
    for the next build where it changed. A translator's save hashes 200 article keys, not 1,400
    version keys, and counts its own version alone."""
    last = cache.get(*STATS_TABLE)
    last = last if isinstance(last, dict) else {}
    site, keys = _stats_keys(project, catalogs)
    stale = [
        i
        for i, article in enumerate(project.articles)
        if _known_key(last, article.slug) != keys[article.slug]
    ]
    counted = ahead(stale) if ahead and stale else {}
    recount = set(stale)
    table: Known = {}
    for i, article in enumerate(project.articles):
        table[article.slug] = (
            (keys[article.slug], _recounted(project, catalogs, article, site, counted, last))
            if i in recount
            else last[article.slug]
        )
    if stale or table.keys() != last.keys():
        cache.put(*STATS_TABLE, table)
    return table


def _recounted(
    project: Project,
    catalogs: CatalogStore,
    article: Article,
    site: str,
    counted: Counted,
    last: Known,
) -> dict[tuple[str, str], tuple[str, Stats]]:
    """An article's versions: each as the last build counted it where its key is unchanged,
    else as ``ahead`` counted it, else counted here."""
    before = last[article.slug][1] if _known_key(last, article.slug) else {}
    item, stats = source_figures(project, article)
    found = {item: (article.digest, stats)}
    for loc in project.config.locales:
        item = (article.slug, loc.name)
        key = digest(site, article.digest, loc.name, catalogs.digest(loc.name, article.slug))
        if item in counted:
            found[item] = key, counted[item]
        elif before.get(item, ("",))[0] == key:
            found[item] = before[item]
        else:
            found[item] = key, figures_of(project, catalogs, article, loc)
    return found


def _known_key(last: dict[str, Any], slug: str) -> str:
    """The key an article's figures were counted under at the last build ("" if none, or if the
    entry is not of this table's shape)."""
    found = last.get(slug)
    shaped = isinstance(found, tuple) and len(found) == 2 and isinstance(found[1], dict)
    return found[0] if shaped else ""  # type: ignore[index]


STATS_TABLE = (kinds.STATS, "last build")  # (kind, key): every article's (key, figures), one entry


def _stats_keys(project: Project, catalogs: CatalogStore) -> tuple[str, dict[str, str]]:
    """The site's part of every key, and every article's key: what its versions' figures are
    counted from. The site's part (the
    glossary, the page's interface texts, each locale's ``ui.po`` and ``glossary.po``) is one
    digest; each article adds its text's hash and its POs' (``Cache.file_digest``: stamps)."""
    locales = [loc.name for loc in project.config.locales]
    site = digest(
        code_version(),
        repr(project.glossary.terms),
        *sorted(project.interface.texts),
        project.config.source_locale.name,
        *(
            part
            for name in locales
            for part in (
                name,
                catalogs.digest(name, UI_DOMAIN),
                catalogs.digest(name, GLOSSARY_DOMAIN),
            )
        ),
    )
    return site, {
        article.slug: digest(
            site, article.digest, *(catalogs.digest(name, article.slug) for name in locales)
        )
        for article in project.articles
    }
