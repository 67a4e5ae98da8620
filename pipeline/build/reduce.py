"""The reduce of a build: every file of the new site streamed to ``publish``, the indexes, the
sitemap and the site-wide report assembled from the versions' small summaries, and the result.

No page is rendered or checked again here: a version's page, leaflet and view come made (or from
the cache, or linked from ``output/``); an index is remade only when what it shows changed.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from pipeline import checks
from pipeline.build import versions
from pipeline.build.gather import Gathered
from pipeline.build.keeping import Change
from pipeline.model import (
    GLOSSARY_DOMAIN,
    CheckResult,
    CheckTotals,
    DocumentReadability,
    Finding,
    Page,
    Preview,
    Stats,
    Tally,
    first_errors,
)
from pipeline.render.ui import TEMPLATES_DIR
from pipeline.report import formats as report
from pipeline.report import site as sitereport
from pipeline.store import files, kinds, outputs
from pipeline.store.cache import Cache, digest
from pipeline.store.publish import Content, Linked, site_folder

STYLESHEET = TEMPLATES_DIR / "style.css"


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
    nothing_to_do: bool = False  # the last build's result, all as it left it: the CLI's stamp

    @property
    def withdrawals(self) -> tuple[Change, ...]:
        """Versions a reader had and no longer has: a deploy step may refuse them (``--strict``)."""
        return tuple(change for change in self.changes if change.withdrawal)

    @property
    def errors(self) -> int:
        return self.checks.errors


class Reduce:
    """Streams every file of the new site to ``publish`` and keeps the versions' summaries."""

    def __init__(
        self, gathered: Gathered, record: outputs.Record | None, cache: Cache, every_finding: bool
    ) -> None:
        self.gathered, self.project, self.context = gathered, gathered.project, gathered.context
        self.plan, self.figures = gathered.plan, gathered.figures
        self.record, self.cache = record, cache
        self.current = site_folder(self.project.config.output_dir)
        self._current = os.fspath(self.current)
        self._device = _device(self._current)
        self.site_findings = _site_findings(self.context, cache)
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
        reduce = cls(gathered, None, Cache.disabled(), every_finding)
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

    def files(
        self, made: Iterable[tuple[int, str, versions.Made]]
    ) -> Iterator[tuple[str, Content]]:
        """Every file of the new site, each version's as soon as it is ready (memory stays flat),
        whatever its position (``versions.make_all``); what depends on the build's order (the
        report, the counts, the summaries) in that order."""
        for out, path in self.gathered.media.files.items():
            yield out, self._reused(out, self.context.image_digests[out]) or files.read_bytes(path)
        with sitereport.SiteReport(
            self.current.parent, self.project.config.all_locales, self.cache
        ) as site_report:
            site_report.add_site(self.site_findings, self.context.site.env, self.context.source)
            order: versions.Reordered[tuple[str, versions.Made]] = versions.Reordered()
            for position, key, item in made:
                yield from self._version_files(key, item)
                self._report(site_report, position, key, item)
                # held without its files while one before it is being made
                for ready in order.add(
                    position, (key, replace(item, files=()) if item.files else item)
                ):
                    self._reduce(*ready)
            yield from self._site_files(site_report)

    def _report(
        self, site_report: sitereport.SiteReport, position: int, key: str, item: versions.Made
    ) -> None:
        """The version's share of the report, taken in as it arrives (``SiteReport`` puts it in
        its place): a save's 1,399 cached versions while its own is still being made."""
        assert item.part is not None
        # a cached version's part was found whole by ``versions.cached_version``; a new one is in hand
        stored = None if item.part.blob else self.cache.where(kinds.PART, key)
        site_report.add(
            item.part, key, stored, item.locale, item.result.document, item.article, position
        )

    def _reduce(self, key: str, item: versions.Made) -> None:
        """The version's counts and its summary, in the build's order (the first errors, the
        order of the indexes)."""
        self._count(key, item)
        self.pack[key] = item.summary()

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
            yield from ((path, self._untouched(path)) for path in item.paths)
        self.made_by.update(dict.fromkeys(item.paths, key))

    def _untouched(self, path: str) -> Linked:
        """A file of ``output/`` that ``make_all`` found as the record has it (``in_place``)."""
        assert self.record is not None and self._device is not None, "checked by in_place"
        return Linked(os.path.join(self._current, path), self._device, self.record.files[path][4])

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
        for path, content in files.items():
            self.made_by[path] = (
                "site"  # made from every input: trusted only by an unchanged site key
            )
            yield path, content
        reports = site_report.finish(
            site.env, config.site_name, self.plan.previews, reviews, self.gathered.lines,
            reuse=self._reused_report, earlier=self._earlier_report,
        )  # fmt: skip
        for path, (key, made) in reports.items():
            self.made_by[path] = key
            yield path, made

    def _reused_report(self, path: str, key: str) -> Path | None:
        return self.record.reusable(self.current, path, key) if self.record else None

    def _earlier_report(self, path: str) -> tuple[str, Path] | None:
        return self.record.earlier(self.current, path) if self.record else None

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
        return _pages(self.summaries)

    def result(self) -> BuildResult:
        """The same order as ``check``: site-wide findings, then each version's, in article order."""
        if not self.every_finding:
            return self.totals()
        return self._result(CheckResult(self._documents(), tuple(self.findings)))

    def totals(self) -> BuildResult:
        """The result as a build without every finding gives it (``result``), whichever kind
        this build is (``every_finding``)."""
        first = first_errors(self.findings, report.SHOWN)  # already so without ``every_finding``
        return self._result(CheckTotals(self._documents(), self.tallies, first))

    def kept(self) -> BuildResult:
        """``totals`` without what the summaries hold (the pages, the readability documents):
        what the cache keeps for the next build beside them, which ``filled`` completes. Kept
        whole, the same objects were pickled twice: 25-40 ms of every save at 200 articles."""
        totals = self.totals()
        return replace(totals, pages=(), checks=replace(totals.checks, documents=()))

    def _documents(self) -> tuple[DocumentReadability, ...]:
        return _documents(self.summaries)

    def _result(self, found: CheckTotals | CheckResult) -> BuildResult:
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


def _device(folder: str) -> int | None:
    try:
        return os.stat(folder).st_dev
    except OSError:
        return None


def filled(kept: BuildResult, summaries: Iterable[versions.Made]) -> BuildResult | None:
    """A result kept by ``Reduce.kept``, whole again with the summaries of the same build."""
    if not isinstance(kept.checks, CheckTotals):
        return None
    listed = list(summaries)
    documents = replace(kept.checks, documents=_documents(listed))
    return replace(kept, pages=tuple(_pages(listed)), checks=documents)


def _pages(summaries: Iterable[versions.Made]) -> list[Page]:
    return [m.page for m in summaries if m.page is not None]


def _documents(summaries: Iterable[versions.Made]) -> tuple[DocumentReadability, ...]:
    return tuple(m.result.document for m in summaries if m.result.document)


def with_every_finding(gathered: Gathered, cache: Cache, totals: BuildResult) -> BuildResult | None:
    """A build's ``totals`` with every finding, in ``check``'s order, read back from each
    version's entry: the preview server's first build over a site with nothing changed. None
    where an entry is gone (the build is then made as usual)."""
    found = list(_site_findings(gathered.context, cache))  # the cache's list stays as it is
    for key in gathered.keys.values():
        findings = cache.get(kinds.FINDINGS, key)
        if not isinstance(findings, tuple):
            return None
        found += findings
    return replace(totals, checks=CheckResult(totals.checks.documents, tuple(found)))


def _site_findings(context: versions.Context, cache: Cache) -> list[Finding]:
    """The findings of the site-wide catalogues, kept by what they are made from: the salt (the
    code and its templates, the configuration, the glossary, the day) and every ``glossary.po``
    and ``ui.po``. A translator's save of an article's PO neither parses nor checks them again
    (some 0.04 s at 200 articles)."""
    key = digest(
        context.salt,
        *context.ui_digests,
        *(context.store.digest(name, GLOSSARY_DOMAIN) for name in sorted(context.locales)),
    )
    found = cache.get(kinds.SITE_FINDINGS, key)
    if isinstance(found, list):
        return found
    found = checks.check_site(context.check_site)
    cache.put(kinds.SITE_FINDINGS, key, found)
    return found
