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
from ctypes.util import find_library
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

import babel

from pipeline import checks
from pipeline.build import counting, publication, versions
from pipeline.build.publication import Plan
from pipeline.catalog.store import CatalogStore
from pipeline.model import (
    GLOSSARY_DOMAIN,
    UI_DOMAIN,
    CheckResult,
    CheckTotals,
    Finding,
    Page,
    Preview,
    Stats,
    Tally,
    first_errors,
)
from pipeline.project import Catalogs, Project, catalog_store, version_stats
from pipeline.render.leaflet import LeafletSettings
from pipeline.render.media import Media, collect_media
from pipeline.render.site import SiteContext
from pipeline.render.ui import TEMPLATES_DIR
from pipeline.report import formats as report
from pipeline.report import site as sitereport
from pipeline.source.dates import today
from pipeline.store import outputs
from pipeline.store.cache import Cache, code_version, digest, file_digest
from pipeline.store.publish import Content, publish, site_folder

STYLESHEET = TEMPLATES_DIR / "style.css"
PACK = (
    "summaries"  # every version's summary in one entry, for the next build: one read, not thousands
)
T = TypeVar("T")
Progress = Callable[
    [Iterable[T], str], Iterable[T]
]  # (items, label) -> the same items; the CLI shows a bar


def no_progress(items: Iterable[T], label: str) -> Iterable[T]:
    return items


@dataclass(frozen=True)
class BuildResult:
    pages: tuple[Page, ...]
    checks: CheckTotals | CheckResult  # every finding only where asked (the preview's panel)
    stats: dict[tuple[str, str], Stats]  # (article, locale) -> its own figures
    leaflets: int = 0
    notices: tuple[str, ...] = ()  # one line each, for the CLI: why no leaflets were made
    previews: tuple[Preview, ...] = ()  # versions built but not advertised, or not built at all

    @property
    def errors(self) -> int:
        return self.checks.errors


def check_site(project: Project, catalogs: Catalogs) -> checks.Site:
    config = project.config
    glossaries = {
        loc.name: (
            catalogs.get((loc.name, GLOSSARY_DOMAIN)),
            config.rel(project.po_path(loc.name, GLOSSARY_DOMAIN)),
        )
        for loc in config.locales
    }
    site_catalogs = {
        (loc.name, domain): (found, config.rel(project.po_path(loc.name, domain)))
        for loc in config.locales
        for domain in (UI_DOMAIN, GLOSSARY_DOMAIN)
        if (found := catalogs.get((loc.name, domain))) is not None
    }
    return checks.Site(
        config.source_locale,
        project.glossary,
        config.targets,
        glossaries,
        require_review=config.require_review,
        catalogs=site_catalogs,
    )


@dataclass(frozen=True)
class Gathered:
    """What a build reads before it makes any version: a function of the project on disk (and the
    cache, which only saves time), so a cluster's worker gathers the same from the same folder."""

    figures: dict[tuple[str, str], Stats]
    plan: Plan
    media: Media
    context: versions.Context


def gather(project: Project, cache: Cache, jobs: int) -> Gathered:
    """The versions' figures, the plan, the images and the context every version shares."""
    store = catalog_store(project)
    figures = version_stats(project, store, cache, counting.ahead(project, store, cache, jobs))
    plan = publication.plan(project.config, project.articles, store, figures, cache)
    media = collect_media(project.config, project.articles)
    return Gathered(figures, plan, media, _context(project, store, plan, media))


def build(
    project: Project,
    cache: Cache,
    jobs: int,
    progress: Progress,
    every_finding: bool = False,
    mapper: versions.Mapper | None = None,
) -> BuildResult:
    """Check and render every version, then swap the new ``output/`` in whole (see the module).
    The result holds each version's tally and the first errors, or ``every_finding``. The
    versions to make are made by ``mapper`` (default: this machine's ``jobs`` cores)."""
    config = project.config
    gathered = gather(project, cache, jobs)
    context = gathered.context
    keys = context.keys()
    site_key = _site_key(context, keys)
    record = outputs.load(cache, config.output_dir)
    result_kind = "build-all" if every_finding else "build"
    if record and record.site_key == site_key and record.intact(config.output_dir):
        done = cache.get(result_kind, site_key)
        if isinstance(done, BuildResult):
            return done
    current = site_folder(config.output_dir)

    def in_place(key: str, paths: tuple[str, ...]) -> bool:
        return record is not None and all(record.reusable(current, p, key) for p in paths)

    found = cache.get(PACK, record.site_key) if record else None
    last: dict[str, versions.Made] = found if isinstance(found, dict) else {}
    made = progress(
        versions.make_all(
            context, cache, mapper or versions.LocalPool(jobs), keys, in_place, every_finding, last
        ),
        "building",
    )
    reduce = _Reduce(project, gathered, record, cache, every_finding)
    publish(config.output_dir, reduce.files(gathered.media, made))
    result = reduce.result()
    outputs.save(cache, config.output_dir, site_key, reduce.made_by)
    cache.put(result_kind, site_key, result)
    cache.put(PACK, site_key, reduce.pack)
    if record and record.site_key != site_key:
        cache.delete(PACK, record.site_key)  # read by this build: the sweep would keep it
    _forget(cache, set(last) - set(keys.values()))
    return result


def _site_key(context: versions.Context, keys: dict[tuple[str, str], str]) -> str:
    """Every input of the site: each version's key, the glossary catalogues, the images."""
    return digest(
        context.salt,
        *keys.values(),
        *(context.store.digest(name, GLOSSARY_DOMAIN) for name in sorted(context.locales)),
        *(f"{out}={sha}" for out, sha in sorted(context.image_digests.items())),
    )


SITE_KINDS = ("build", "build-all", PACK, "plan", "index", "articles", "pot-all")
# of each, a build reads one entry: the current site's


def _forget(cache: Cache, versions_gone: set[str]) -> None:
    """Delete what no later build can use: the site-wide entries this build did not use, and
    the entries of versions whose inputs have changed since the last build. The cache stays
    about one site's size, however many saves a translator makes."""
    cache.sweep(SITE_KINDS)
    for key in versions_gone:
        for kind in versions.KINDS:
            cache.delete(kind, key)


class _Reduce:
    """Streams every file of the new site to ``publish`` and keeps the versions' summaries."""

    def __init__(
        self,
        project: Project,
        gathered: Gathered,
        record: outputs.Record | None,
        cache: Cache,
        every_finding: bool,
    ) -> None:
        self.project, self.context = project, gathered.context
        self.plan, self.figures = gathered.plan, gathered.figures
        self.record, self.cache = record, cache
        self.current = site_folder(project.config.output_dir)
        self.site_findings = checks.check_site(self.context.check_site)
        self.every_finding = every_finding
        self.tallies = Tally.by_version(self.site_findings)
        self.findings: list[Finding] = list(  # every finding, or the site's first errors
            self.site_findings if every_finding else first_errors(self.site_findings, report.SHOWN)
        )
        self.made_by: dict[str, str] = {}  # path under output/ -> the key of what made it
        self.pack: dict[str, versions.Made] = {}  # version key -> its summary, findings counted

    def files(
        self, media: Media, made: Iterable[tuple[str, versions.Made]]
    ) -> Iterator[tuple[str, Content]]:
        """Every file of the new site, each page as soon as it is made (memory stays flat)."""
        for out, path in media.files.items():
            yield out, self._reused(out, self.context.image_digests[out]) or path.read_bytes()
        with sitereport.SiteReport(
            self.current.parent, self.project.config.all_locales
        ) as site_report:
            site_report.add_site(self.site_findings, self.context.site.env, self.context.source)
            for key, item in made:
                yield from self._version_files(key, item)
                assert item.part is not None
                stored = self.cache.path("part", key, item.part.size)
                site_report.add(item.part, stored, item.locale, item.result.document, item.article)
                self._count(key, item)
                self.pack[key] = item.summary()
            yield from self._site_files(site_report)

    def _count(self, key: str, item: versions.Made) -> None:
        """Count the version's findings; keep the first errors of the site (or every finding).
        A summary has no findings: they are read back only while the first errors are wanted."""
        version = (item.article, item.locale)
        self.tallies[version] = self.tallies.get(version, Tally()) + item.tally
        if self.every_finding:
            self.findings += item.result.findings
        elif item.tally.errors and len(self.findings) < report.SHOWN:
            found = item.result.findings or self._stored_findings(key)
            self.findings += first_errors(found, report.SHOWN - len(self.findings))

    def _stored_findings(self, key: str) -> tuple[Finding, ...]:
        found = self.cache.get("findings", key)
        if not isinstance(found, tuple):
            raise OSError("a cached version's findings vanished during the build (was .pipeline-cache deleted?): run the build again")  # fmt: skip
        return found

    @property
    def summaries(self) -> Iterable[versions.Made]:
        return self.pack.values()

    def _version_files(self, key: str, item: versions.Made) -> Iterator[tuple[str, Content]]:
        if item.files:
            yield from item.files
        else:  # a summary: make_all found its files in output/, untouched
            yield from ((path, self.current / path) for path in item.paths)
        self.made_by.update(dict.fromkeys(item.paths, key))

    def _reused(self, path: str, key: str) -> Content | None:
        self.made_by[path] = key
        return self.record.reusable(self.current, path, key) if self.record else None

    def _site_files(self, site_report: sitereport.SiteReport) -> Iterator[tuple[str, Content]]:
        """The index of each language, the sitemap, the stylesheets and the editors' report."""
        site, config = self.context.site, self.project.config
        reviews = [m.review for m in self.summaries if m.review is not None]
        files: dict[str, Content] = {
            **self._indexes(),
            "assets/style.css": STYLESHEET.read_text(encoding="utf-8"),
            "assets/report.css": report.REPORT_CSS.read_text(encoding="utf-8"),
        }
        files.update(site_report.finish(site.env, config.site_name, self.plan.previews, reviews))
        for path, content in files.items():
            self.made_by[path] = (
                "site"  # made from every input: trusted only by an unchanged site key
            )
            yield path, content

    def _indexes(self) -> dict[str, str]:
        """The indexes and the sitemap, each remade only when what it shows changed: the plan
        and the ``ui.po`` files for all; for a language's index, the titles in that language and
        the source's; for the site's index, every title. A page's body never remakes them."""
        site, pages = self.context.site, self.pages()
        source = self.context.source.name
        titles = [(p.version.locale, f"{p.version.path}={p.title}") for p in pages]

        def titled(*locales: str) -> list[str]:
            return [title for locale, title in titles if not locales or locale in locales]

        wanted: dict[str, tuple[list[str], Callable[[], str]]] = {
            "index.html": (titled(), lambda: site.render_index(pages)),
            **{
                path: (titled(loc.name, source), partial(site.render_locale_index, loc, pages))
                for path, loc in site.locale_indexes().items()
            },
            "sitemap.xml": ([], site.render_sitemap),
        }
        base = (self.context.salt, repr(self.plan.versions), *self.context.ui_digests)
        found: dict[str, str] = {}
        for path, (shown, render) in wanted.items():
            key = digest(*base, path, *shown)
            cached = self.cache.get("index", key)
            found[path] = cached if isinstance(cached, str) else render()
            if not isinstance(cached, str):
                self.cache.put("index", key, found[path])
        return found

    def pages(self) -> list[Page]:
        return [m.page for m in self.summaries if m.page is not None]

    def result(self) -> BuildResult:
        """The same order as ``check``: site-wide findings, then each version's, in article order."""
        documents = tuple(m.result.document for m in self.summaries if m.result.document)
        found = (
            CheckResult(documents, tuple(self.findings))
            if self.every_finding
            else CheckTotals(documents, self.tallies, tuple(self.findings))
        )
        notices = (f"no leaflets: {m.notice}" for m in self.summaries if m.notice)
        return BuildResult(
            pages=tuple(self.pages()),
            checks=found,
            stats=self.figures,
            leaflets=sum(m.leaflet for m in self.summaries),
            notices=tuple(dict.fromkeys(notices)),
            previews=self.plan.previews,
        )


def _context(project: Project, store: CatalogStore, plan: Plan, media: Media) -> versions.Context:
    config = project.config

    def files() -> dict[tuple[str, str], str]:
        return {
            (a.slug, loc.name): config.rel(a.path)
            if loc.name == config.source_locale.name
            else config.rel(project.po_path(loc.name, a.slug))
            for a in project.articles
            for loc in config.all_locales
        }

    return versions.Context(
        articles={a.slug: a for a in project.articles},
        locales={loc.name: loc for loc in config.all_locales},
        source=config.source_locale,
        store=store,
        plan=plan,
        images=media.urls,
        image_digests={out: file_digest(path) for out, path in media.files.items()},
        leaflet_settings=LeafletSettings.of(config) if config.leaflets else None,
        salt=_salt(project),
        make_check_site=lambda: check_site(project, store),
        make_site=lambda: _site_context(project, store, plan),
        make_files=files,
    )


def _salt(project: Project) -> str:
    """What every version depends on: the code, the configuration, the glossary, today's date
    (reviews fall due), Pango's presence (a version made without it has no leaflet, which
    a later build with it must not reuse) and Babel's CLDR data (scripts' directions, plurals)."""
    config = project.config
    return digest(
        code_version(),
        file_digest(config.root / "pyproject.toml"),
        file_digest(project.glossary.path),
        today().isoformat(),
        repr(config),
        str(find_library("pango-1.0")),
        babel.__version__,
    )


def _site_context(project: Project, catalogs: Catalogs, plan: Plan) -> SiteContext:
    config = project.config
    ui_catalogs = {loc.name: catalogs.get((loc.name, UI_DOMAIN)) for loc in config.all_locales}
    return SiteContext(
        config.site_url,
        config.site_name,
        config.source_locale,
        plan.versions,
        ui_catalogs,
        plan.shares,
    )
