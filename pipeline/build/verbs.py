"""The pipeline's verbs, each readable top to bottom: first gather all data, then write.

Source -> Article/Glossary -> POT/PO -> Catalog -> (checks, pages) -> output/.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

import babel

from pipeline import checks, collector
from pipeline.build import cluster, publication, versions, warmup
from pipeline.build import site as sitebuild
from pipeline.build.forked import forked_map
from pipeline.build.gather import site_for_checks
from pipeline.build.runtime import Runtime
from pipeline.build.signoff import sign_off
from pipeline.build.site import BuildResult, Progress, no_progress
from pipeline.catalog import catalogs as catalog
from pipeline.catalog import review
from pipeline.locales import LocaleInfo, parse_locale
from pipeline.model import CheckResult, Finding, Preview, ReviewState
from pipeline.project import (
    Catalogs,
    Domain,
    Project,
    _locales_on_disk,
    catalog_store,
    load_catalogs,
    read_project,
    stats,
    version_stats,
)
from pipeline.render.media import collect_media
from pipeline.store import kinds
from pipeline.store.cache import Cache, code_version, digest

# The verbs' module is the one entry point of the CLI, the preview server and the tests: what they
# read about a project (project.py) is named here too.
__all__ = [
    "BuildResult", "Catalogs", "Domain", "Project", "build", "catalog_store", "check", "check_stream", "extract",
    "init", "load_catalogs", "previews", "reviews", "read_project", "Runtime", "sign_off", "stats", "update",
    "version_stats",
]  # fmt: skip


def extract(project: Project, cache: Cache | None = None) -> list[Path]:
    """Write every domain's POT; return the ones whose content changed.

    With a cache, a template whose units are unchanged and whose file is still the one written
    last time is not even formatted again (and when that holds for all, one entry says so). An
    article's units are known unchanged by its text's hash, not by formatting 200 of them.
    """
    config = project.config
    keys = {
        project.pot_path(domain.name): digest(
            code_version(), domain.name, domain.source_name, config.site_name,
            config.report_bugs_to, domain.fingerprint,
        )
        for domain in project.domains
    }  # fmt: skip
    if cache is None:
        return [path for domain in project.domains if (path := _write_pot(project, domain))]
    every = digest(*(f"{path}={key}" for path, key in keys.items()))
    written = cache.get(kinds.POT_ALL, every)
    if written == {path: cache.file_digest(path) for path in keys}:
        return []
    changed = []
    for domain in project.domains:
        path = project.pot_path(domain.name)
        written = cache.get_slot(kinds.POT, str(path), keys[path])
        if written == cache.file_digest(path):
            continue  # its entry stays as it is: an author's edit rewrites one, not 202
        if _write_pot(project, domain):
            changed.append(path)
        cache.put_slot(kinds.POT, str(path), keys[path], cache.file_digest(path))
    cache.put(kinds.POT_ALL, every, {path: cache.file_digest(path) for path in keys})
    return changed


def _write_pot(project: Project, domain: Domain) -> Path | None:
    """The domain's POT written if its content changed (its path), else None."""
    path = project.pot_path(domain.name)
    config = project.config
    written = catalog.write_template(
        domain.name, domain.units, domain.source_name, config.site_name, path,
        config.report_bugs_to,
    )  # fmt: skip
    return path if written else None


def init(project: Project, names: list[str]) -> list[tuple[Path, bool]]:
    """Create PO files for new locales; an existing PO is kept untouched (nothing is ever lost)."""
    locales = [parse_locale(name) for name in names]  # all validated before anything is written
    extract(project)
    items = [
        (project.pot_path(domain.name), locale, project.po_path(locale.name, domain.name))
        for locale in locales
        for domain in project.domains
    ]
    return list(zip([path for _t, _l, path in items], catalog.create_pos(items), strict=True))


MERGED = kinds.MERGED  # a PO's digest as the last update left it, by template and locale


def update(project: Project, cache: Cache) -> list[Path]:
    """Merge the templates into every PO (fuzzy for changed texts, obsolete for removed ones).

    A PO that is still the file the last update left, to be merged with the same template, is
    not read at all: a merge is a function of the two files (and of this code and Babel's plural
    rules), and merging a merged catalogue again changes nothing. So an ``update`` with nothing
    new hashes each file instead of parsing and formatting every catalogue (4 s at 200 articles
    in six languages). Any change to either file, or a deleted cache, merges it again.
    """
    extract(project, cache)
    locales = _locales_on_disk(project)
    todo: dict[tuple[Path, Path, LocaleInfo], str] = {}
    for domain in project.domains:
        pot = project.pot_path(domain.name)
        template = cache.file_digest(pot)
        for loc in locales:
            path = project.po_path(loc.name, domain.name)
            key = kinds.versioned(babel.__version__, template, loc.name, str(path))
            if not path.exists() or cache.get_slot(MERGED, str(path), key) != cache.file_digest(
                path
            ):
                todo[(pot, path, loc)] = key
    changed = catalog.update_pos(list(todo)) if todo else []  # all written, or none
    for (_pot, path, _loc), key in todo.items():
        cache.put_slot(MERGED, str(path), key, cache.file_digest(path))
    cache.save_stamps()
    return sorted(changed)


def subjects(project: Project, catalogs: Catalogs, site: checks.Site) -> list[checks.Subject]:
    """Every article version: the source first, then each target locale."""
    config = project.config
    return [
        checks.Subject(
            site,
            article,
            loc,
            catalogs.get((loc.name, article.slug)) if loc != config.source_locale else None,
            project.file_of(article, loc.name),
        )
        for article in project.articles
        for loc in config.all_locales
    ]


def check(
    project: Project,
    catalogs: Catalogs | None = None,
    progress: Progress = no_progress,
    jobs: int = 1,
) -> CheckResult:
    """Every quality check; findings are values, the caller decides the exit code."""
    site_findings, results = check_stream(project, catalogs, progress, jobs)
    return checks.collect(site_findings, results)


def check_stream(
    project: Project,
    catalogs: Catalogs | None = None,
    progress: Progress = no_progress,
    jobs: int = 1,
) -> tuple[list[Finding], Iterator[checks.VersionResult]]:
    """The site-wide findings, and each version's results as it is checked: ``check``'s, for a
    caller that keeps only what it shows of each (the CLI: a site's findings and readability
    documents are a hundred megabytes and more at 200 articles in seven versions)."""
    catalogs = load_catalogs(project) if catalogs is None else catalogs
    collect_media(
        project.config, project.articles
    )  # a missing image is an error of the source, before any check
    site = site_for_checks(project, catalogs)
    found = subjects(project, catalogs, site)
    return checks.check_site(site), iter(progress(_checked(found, jobs), "checking"))


# A check worker's memory grows with the versions it checks (from about 215 MiB inherited to 300
# over 700 real-size versions, not traced to one cache): after this many each, the pool ends and
# a fresh one is forked from this process, so a worker's peak stays near what it inherits.
RENEWED_AFTER = 175


def _checked(found: list[checks.Subject], jobs: int) -> Iterator[checks.VersionResult]:
    """Each version's checks, in order: from ``versions.PARALLEL_FROM`` versions on, over a
    process pool (forked: the workers inherit the catalogues, and the lookup tables loaded here
    first, rather than each building its own), renewed every ``RENEWED_AFTER`` versions a worker."""
    if jobs <= 1 or len(found) < versions.PARALLEL_FROM:
        return map(checks.check_afresh, found)
    warmup.load_tables(subject.locale.language for subject in found)
    return _renewed(found, jobs)


def _renewed(found: list[checks.Subject], jobs: int) -> Iterator[checks.VersionResult]:
    share = RENEWED_AFTER * jobs
    for start in range(0, len(found), share):
        yield from forked_map(checks.check_afresh, found[start : start + share], jobs)


def build(
    project: Project,
    runtime: Runtime | None = None,
    jobs: int = 1,
    progress: Progress = no_progress,
    every_finding: bool = False,
    scheduler: str | None = None,
) -> BuildResult:
    """Extract, check and render every version, then swap the new ``output/`` in whole.

    Check errors do not stop the pages: they are the translators' preview; the exit code tells
    a publisher's deploy step not to ship. A version below its publishing threshold is written
    as a preview that nothing public links to. ``runtime`` (the command run's: its cache over
    ``.pipeline-cache/``, the lookup tables and their warmer) makes only what changed; without
    one, a build keeps nothing. ``jobs`` spreads the versions over processes. Neither changes a
    byte of the output (see ``sitebuild``). The result counts the findings and keeps the first
    errors, or ``every_finding`` (for the preview's panel). With ``scheduler`` (a Dask
    scheduler's address), the versions are made on its workers (``cluster``).
    """
    with _given(runtime) as run:
        # connected before anything is written: an unreachable scheduler leaves everything as it was
        with cluster.mapper(jobs, scheduler, project.config, run) as mapper:
            extract(project, run.cache)
            try:
                result = sitebuild.build(project, run.cache, jobs, progress, every_finding, mapper)
            finally:
                collector.release()  # ``pipeline serve`` builds again and again in one process
        run.cache.save_stamps()
    return result


def _given(runtime: Runtime | None) -> AbstractContextManager[Runtime]:
    """The caller's runtime, left open for it to close; else one for this build alone."""
    return nullcontext(runtime) if runtime is not None else Runtime(Cache.disabled())


def previews(project: Project, catalogs: Catalogs) -> tuple[Preview, ...]:
    """The versions a build would not advertise: for ``check``'s report."""
    return publication.plan(
        project.config, project.articles, catalogs, version_stats(project, catalogs)
    ).previews


def reviews(project: Project, catalogs: Catalogs) -> list[ReviewState]:
    """Every translated version's review record, in build order: for ``check``'s report."""
    return [
        review.status(article, catalogs.get((locale.name, article.slug))).line(
            article.slug, locale.name
        )
        for article in project.articles
        for locale in project.config.locales
    ]
