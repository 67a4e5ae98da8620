"""The build: a map over article versions (``versions``), a small reduce, one swap into ``output/``.

What makes a build with little changed cheap, in order:

1. Every version has a key: the hash of all its inputs (``versions.Context.key``); the site's key
   is the hash of all of them. A build whose site key and ``output/`` are exactly as the last
   build left them (``outputs``) returns the last result and writes nothing.
2. A version whose key is cached is not made again; where its files are still in ``output/`` as
   written, only its small summary is loaded and the files are hard-linked into the new site.
3. The site-wide report is appended from each version's cached part (``sitereport``), the indexes
   and the sitemap are made from the summaries: no page is rendered or checked again.

The cache only ever saves time: ``--no-cache`` and a deleted cache folder give the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from dataclasses import replace
from functools import partial
from typing import TypeVar

from pipeline import collector
from pipeline.build import versions
from pipeline.build.gather import Gathered, gather
from pipeline.build.reduce import BuildResult, Reduce, filled, with_every_finding
from pipeline.config import Config
from pipeline.locales import LocaleInfo
from pipeline.model import (
    GLOSSARY_DOMAIN,
)
from pipeline.project import Project
from pipeline.render.ui import TEMPLATES_DIR
from pipeline.store import kinds, outputs
from pipeline.store.cache import Cache, digest
from pipeline.store.publish import OUTPUT_README, Content, check_site_folder, publish, site_folder

STYLESHEET = TEMPLATES_DIR / "style.css"
PACK = (
    kinds.SUMMARIES
)  # every version's summary in one entry, for the next build: one read, not thousands
T = TypeVar("T")
Progress = Callable[
    [Iterable[T], str], Iterable[T]
]  # (items, label) -> the same items; the CLI shows a bar


def no_progress(items: Iterable[T], label: str) -> Iterable[T]:
    return items


def build(
    project: Project,
    cache: Cache,
    jobs: int,
    progress: Progress,
    every_finding: bool = False,
    mapper: versions.Mapper | None = None,
) -> BuildResult:
    """Plan, map, reduce, publish: decide what every version is (``gather``), make each one that
    changed (``versions.make_all``, on this machine's ``jobs`` cores or ``mapper``'s), assemble the indexes, sitemap and report from
    their summaries (``Reduce``), and swap the new ``output/`` in whole. The result holds each
    version's tally and the first errors, or ``every_finding``. A build with ``-l`` over a site
    already built makes only those locales' versions (``_build_locales``)."""
    config = project.config
    check_site_folder(config.output_dir)  # before the work, not after it
    mapper = mapper or versions.LocalPool(jobs)
    if config.only and site_folder(config.output_dir).is_dir():
        whole = gather(project.whole(), cache, jobs)
        # made here: a cluster's workers gather the site of ``-l``, not the whole one
        local = mapper if isinstance(mapper, versions.LocalPool) else versions.LocalPool(jobs)
        return _build_locales(whole, config.only, cache, local, progress, every_finding)
    gathered = gather(project, cache, jobs)  # plan
    site_key = digest(_site_key(gathered.context, gathered.keys), *gathered.lines)
    record = outputs.load(cache, config.output_dir)
    done = _unchanged(gathered, record, cache, site_key, every_finding)
    if done is not None:
        return done
    # what no build has made yet is made on the other cores from here on, while this process
    # reads the rest of the site
    begun = versions.begin(gathered.context, cache, mapper, gathered.keys)
    with closing(begun.made):  # however the build ends, no worker is left making
        with collector.paused():  # 1,400 summaries at 200 articles, held to the end
            last = _last_summaries(cache, record)
        made = progress(
            _map(gathered, record, cache, mapper, begun, every_finding, last), "building"
        )
        reduce = Reduce(gathered, record, cache, every_finding)
        remember = partial(_remember, gathered, record, cache, site_key, reduce, last)
        written = publish(config.output_dir, reduce.files(made), meanwhile=remember)
    # after the old site is deleted, if it was: each unlink changes the ctime of a file the new one links
    outputs.save(cache, config.output_dir, site_key, reduce.made_by, (record, written))
    return reduce.result()


def _unchanged(
    gathered: Gathered,
    record: outputs.Record | None,
    cache: Cache,
    site_key: str,
    every_finding: bool,
) -> BuildResult | None:
    """The last build's result, when nothing changed and ``output/`` is as it left it (with
    ``every_finding``, its findings read back from the versions' entries)."""
    output_dir = gathered.project.config.output_dir
    if not (record and record.site_key == site_key and record.intact(output_dir)):
        return None
    done = _last_result(cache, site_key)
    if isinstance(done, BuildResult) and every_finding:
        done = with_every_finding(gathered, cache, done)
    if not isinstance(done, BuildResult):
        return None
    gathered.remember(gathered.context.locales)
    return replace(done, nothing_to_do=True)


def _last_result(cache: Cache, site_key: str) -> BuildResult | None:
    """The result ``_remember`` kept, with the summaries kept beside it."""
    kept, summaries = cache.get(kinds.BUILD, site_key), cache.get(PACK, site_key)
    if not (isinstance(kept, BuildResult) and isinstance(summaries, dict)):
        return None
    with collector.paused():  # a site's pages and documents, held to the end
        return filled(kept, summaries.values())


def _last_summaries(cache: Cache, record: outputs.Record | None) -> dict[str, versions.Made]:
    found = cache.get(PACK, record.site_key) if record else None
    return found if isinstance(found, dict) else {}


def _map(
    gathered: Gathered,
    record: outputs.Record | None,
    cache: Cache,
    mapper: versions.Mapper,
    begun: versions.Begun,
    every_finding: bool,
    last: dict[str, versions.Made],
) -> Iterator[tuple[int, str, versions.Made]]:
    """Every version made, or taken from the cache, as soon as it is ready; a file still in
    ``output/`` as the last build left it is linked, not written again."""
    current = site_folder(gathered.project.config.output_dir)

    def in_place(key: str, paths: tuple[str, ...]) -> bool:
        return record is not None and all(record.untouched(current, p, key) for p in paths)

    return versions.make_all(
        gathered.context, cache, mapper, gathered.keys, in_place, every_finding, last, begun
    )


def _remember(
    gathered: Gathered,
    record: outputs.Record | None,
    cache: Cache,
    site_key: str,
    reduce: Reduce,
    last: dict[str, versions.Made],
) -> None:
    """What the next build reads (the result, every summary, the published versions' record;
    the record of ``output/`` is the build's last step), and what no later build can read,
    deleted. The result is kept without every finding even where this build has them (the
    preview server's): they are in the versions' entries, and pickling them again at each
    rebuild (20 MB at 200 real-size articles) took 0.23 s of every save."""
    gathered.remember(gathered.context.locales)
    cache.put(kinds.BUILD, site_key, reduce.kept())
    cache.put(PACK, site_key, reduce.pack)
    if record and record.site_key != site_key:
        cache.delete(PACK, record.site_key)  # read by this build: the sweep would keep it
    _forget(cache, set(last) - set(gathered.keys.values()))


def _build_locales(
    gathered: Gathered,
    names: frozenset[str],
    cache: Cache,
    pool: versions.LocalPool,
    progress: Progress,
    every_finding: bool,
) -> BuildResult:
    """A translator's ``-l`` build over a published site: only those locales' versions are made
    (in the site of every language, so their switchers and ``hreflang`` list every published
    version); every other file of ``output/`` — other languages' pages, the indexes, the sitemap,
    the report — is carried over byte for byte. The next full build remakes the rest."""
    config, context = gathered.project.config, gathered.context
    only = {name: context.locales[name] for name in sorted(names) if name in context.locales}
    keys = {item: key for item, key in gathered.keys.items() if item[1] in only}
    record = outputs.load(cache, config.output_dir)
    making = versions.make_all(context, cache, pool, keys, every_finding=every_finding)
    made = list(versions.in_order(progress(making, "building")))
    made_by: dict[str, str] = {}  # path under output/ -> the key of what made it
    theirs = _version_paths(context, only)
    publish(config.output_dir, _carried_over(made, record, config, theirs, made_by))
    outputs.save(cache, config.output_dir, digest("only", *only, *keys.values()), made_by)
    gathered.remember(only)
    return Reduce.partial(gathered, [item for _, item in made], every_finding)


def _carried_over(
    made: list[tuple[str, versions.Made]],
    record: outputs.Record | None,
    config: Config,
    theirs: set[str],
    made_by: dict[str, str],
) -> Iterator[tuple[str, Content]]:
    """The files of the versions made, then every other file of ``output/`` as it is (recorded
    in ``made_by`` under what made it last)."""
    current = site_folder(config.output_dir)
    for key, item in made:
        yield from item.files or ((path, current / path) for path in item.paths)
        made_by.update(dict.fromkeys(item.paths, key))
    for path in outputs.scan(current):
        if path not in theirs and path not in made_by and path != OUTPUT_README:
            made_by[path] = record.files[path][0] if record and path in record.files else ""
            yield path, current / path


def _version_paths(context: versions.Context, locales: dict[str, LocaleInfo]) -> set[str]:
    """Every file a version of these locales may have written: its page, its leaflet, its view."""
    return {
        path
        for slug in context.articles
        for loc in locales.values()
        for path in (
            f"{loc.output_dir}/{slug}.html",
            f"{loc.output_dir}/{slug}.pdf",
            f"reports/readability/{loc.file_stem}/{slug}.html",
        )
    }


def _site_key(context: versions.Context, keys: dict[tuple[str, str], str]) -> str:
    """Every input of the site: each version's key, the glossary catalogues, the images."""
    return digest(
        context.salt,
        *keys.values(),
        *(context.store.digest(name, GLOSSARY_DOMAIN) for name in sorted(context.locales)),
        *(f"{out}={sha}" for out, sha in sorted(context.image_digests.items())),
    )


def _forget(cache: Cache, versions_gone: set[str]) -> None:
    """Delete what no later build can use: the site-wide entries this build did not use, and
    the entries of versions whose inputs have changed since the last build. The cache stays
    about one site's size, however many saves a translator makes."""
    cache.sweep(kinds.SITE_KINDS)
    for key in versions_gone:
        for kind in kinds.VERSION_KINDS:
            cache.delete(kind, key)
