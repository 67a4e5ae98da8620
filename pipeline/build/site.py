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
from dataclasses import dataclass, replace
from functools import partial
from typing import TypeVar

from pipeline import checks
from pipeline.build import versions
from pipeline.build.gather import Gathered, gather
from pipeline.build.keeping import Change
from pipeline.locales import LocaleInfo
from pipeline.model import (
    GLOSSARY_DOMAIN,
    CheckResult,
    CheckTotals,
    Finding,
    Page,
    Preview,
    Stats,
    Tally,
    first_errors,
)
from pipeline.project import Project
from pipeline.render.ui import TEMPLATES_DIR
from pipeline.report import formats as report
from pipeline.report import site as sitereport
from pipeline.store import files, kinds, outputs
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


@dataclass(frozen=True)
class BuildResult:
    pages: tuple[Page, ...]
    checks: CheckTotals | CheckResult  # every finding only where asked (the preview's panel)
    stats: dict[tuple[str, str], Stats]  # (article, locale) -> its own figures
    leaflets: int = 0
    notices: tuple[str, ...] = ()  # one line each, for the CLI: why no leaflets were made
    previews: tuple[Preview, ...] = ()  # versions built but not advertised, or not built at all
    changes: tuple[
        Change, ...
    ] = ()  # versions whose publication state changed since the last build
    withheld: tuple[str, ...] = ()  # one line per article not published because of its error

    @property
    def withdrawals(self) -> tuple[Change, ...]:
        """Versions a reader had and no longer has: a deploy step may refuse them (``--strict``)."""
        return tuple(change for change in self.changes if change.withdrawal)

    @property
    def errors(self) -> int:
        return self.checks.errors


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
    their summaries (``_Reduce``), and swap the new ``output/`` in whole. The result holds each
    version's tally and the first errors, or ``every_finding``. A build with ``-l`` over a site
    already built makes only those locales' versions (``_build_locales``)."""
    config = project.config
    check_site_folder(config.output_dir)  # before the work, not after it
    if config.only and site_folder(config.output_dir).is_dir():
        whole = gather(project.whole(), cache, jobs)
        return _build_locales(whole, config.only, cache, jobs, progress, every_finding)
    gathered = gather(project, cache, jobs)  # plan
    site_key = digest(_site_key(gathered.context, gathered.keys), *gathered.lines)
    record = outputs.load(cache, config.output_dir)
    done = _unchanged(gathered, record, cache, site_key, every_finding)
    if done is not None:
        return done
    last = _last_summaries(cache, record)
    mapper = mapper or versions.LocalPool(jobs)
    made = progress(_map(gathered, record, cache, mapper, every_finding, last), "building")
    reduce = _Reduce(gathered, record, cache, every_finding)
    publish(config.output_dir, reduce.files(made))
    return _remember(gathered, record, cache, site_key, every_finding, reduce, last)


def _result_kind(every_finding: bool) -> str:
    return kinds.BUILD_ALL if every_finding else kinds.BUILD


def _unchanged(
    gathered: Gathered,
    record: outputs.Record | None,
    cache: Cache,
    site_key: str,
    every_finding: bool,
) -> BuildResult | None:
    """The last build's result, when nothing changed and ``output/`` is as it left it."""
    output_dir = gathered.project.config.output_dir
    if not (record and record.site_key == site_key and record.intact(output_dir)):
        return None
    done = cache.get(_result_kind(every_finding), site_key)
    if not isinstance(done, BuildResult):
        return None
    gathered.remember(gathered.context.locales)
    return done


def _last_summaries(cache: Cache, record: outputs.Record | None) -> dict[str, versions.Made]:
    found = cache.get(PACK, record.site_key) if record else None
    return found if isinstance(found, dict) else {}


def _map(
    gathered: Gathered,
    record: outputs.Record | None,
    cache: Cache,
    mapper: versions.Mapper,
    every_finding: bool,
    last: dict[str, versions.Made],
) -> Iterator[tuple[str, versions.Made]]:
    """Every version made, or taken from the cache; a file still in ``output/`` as the last
    build left it is linked, not written again."""
    current = site_folder(gathered.project.config.output_dir)

    def in_place(key: str, paths: tuple[str, ...]) -> bool:
        return record is not None and all(record.reusable(current, p, key) for p in paths)

    return versions.make_all(
        gathered.context, cache, mapper, gathered.keys, in_place, every_finding, last
    )


def _remember(
    gathered: Gathered,
    record: outputs.Record | None,
    cache: Cache,
    site_key: str,
    every_finding: bool,
    reduce: _Reduce,
    last: dict[str, versions.Made],
) -> BuildResult:
    """What the next build reads: the record of ``output/``, the result, every summary; and
    what no later build can read, deleted."""
    result = reduce.result()
    outputs.save(cache, gathered.project.config.output_dir, site_key, reduce.made_by)
    gathered.remember(gathered.context.locales)
    cache.put(_result_kind(every_finding), site_key, result)
    cache.put(PACK, site_key, reduce.pack)
    if record and record.site_key != site_key:
        cache.delete(PACK, record.site_key)  # read by this build: the sweep would keep it
    _forget(cache, set(last) - set(gathered.keys.values()))
    return result


def _build_locales(
    gathered: Gathered,
    names: frozenset[str],
    cache: Cache,
    jobs: int,
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
    current = site_folder(config.output_dir)
    theirs = _version_paths(context, only)
    made_by: dict[str, str] = {}

    def files(made: Iterable[tuple[str, versions.Made]]) -> Iterator[tuple[str, Content]]:
        for key, item in made:
            yield from item.files or ((path, current / path) for path in item.paths)
            made_by.update(dict.fromkeys(item.paths, key))
        for path in outputs.scan(current):
            if path not in theirs and path not in made_by and path != OUTPUT_README:
                made_by[path] = record.files[path][0] if record and path in record.files else ""
                yield path, current / path

    made = list(
        progress(
            versions.make_all(
                context, cache, versions.LocalPool(jobs), keys, every_finding=every_finding
            ),
            "building",
        )
    )
    publish(config.output_dir, files(made))
    outputs.save(cache, config.output_dir, digest("only", *only, *keys.values()), made_by)
    gathered.remember(only)
    summaries = [item for _, item in made]
    return _Reduce.partial(gathered, summaries, every_finding)


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


class _Reduce:
    """Streams every file of the new site to ``publish`` and keeps the versions' summaries."""

    def __init__(
        self, gathered: Gathered, record: outputs.Record | None, cache: Cache, every_finding: bool
    ) -> None:
        self.gathered, self.project, self.context = gathered, gathered.project, gathered.context
        self.plan, self.figures = gathered.plan, gathered.figures
        self.record, self.cache = record, cache
        self.current = site_folder(self.project.config.output_dir)
        self.site_findings = checks.check_site(self.context.check_site)
        self.every_finding = every_finding
        self.tallies = Tally.by_version(self.site_findings)
        self.findings: list[Finding] = list(  # every finding, or the site's first errors
            self.site_findings if every_finding else first_errors(self.site_findings, report.SHOWN)
        )
        self.made_by: dict[str, str] = {}  # path under output/ -> the key of what made it
        self.pack: dict[str, versions.Made] = {}  # version key -> its summary, findings counted

    @classmethod
    def partial(
        cls, gathered: Gathered, made: list[versions.Made], every_finding: bool
    ) -> BuildResult:
        """The result of a build that made only some versions (``-l``): theirs alone."""
        reduce = cls(gathered, None, Cache(None), every_finding)
        reduce.site_findings, reduce.findings, reduce.tallies = [], [], {}
        for item in made:
            reduce._count("", item)
            reduce.pack[f"{item.article}/{item.locale}"] = item.summary()
        only = {item.locale for item in made}
        return replace(
            reduce.result(),
            stats={k: v for k, v in gathered.figures.items() if k[1] in only},
            previews=tuple(p for p in gathered.plan.previews if p.locale in only),
            changes=tuple(c for c in gathered.changes if c.locale in only),
        )

    def files(self, made: Iterable[tuple[str, versions.Made]]) -> Iterator[tuple[str, Content]]:
        """Every file of the new site, each page as soon as it is made (memory stays flat)."""
        for out, path in self.gathered.media.files.items():
            yield out, self._reused(out, self.context.image_digests[out]) or files.read_bytes(path)
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
        found = self.cache.get(kinds.FINDINGS, key)
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
        files.update(
            site_report.finish(
                site.env, config.site_name, self.plan.previews, reviews, self.gathered.lines
            )
        )
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
            cached = self.cache.get(kinds.INDEX, key)
            found[path] = cached if isinstance(cached, str) else render()
            if not isinstance(cached, str):
                self.cache.put(kinds.INDEX, key, found[path])
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
            changes=self.gathered.changes,
            withheld=self.gathered.withheld,
        )
