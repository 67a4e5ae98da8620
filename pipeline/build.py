"""The pipeline's verbs, each readable top to bottom: first gather all data, then write.

Source -> Article/Glossary -> POT/PO -> Catalog -> (checks, pages) -> output/.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from ctypes.util import find_library
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

from pipeline import catalog, checks, publication, report, versions
from pipeline.cache import Cache, code_version, digest, file_digest
from pipeline.dates import today
from pipeline.leaflet import LeafletSettings, paper_size
from pipeline.locales import LocaleInfo, parse_locale
from pipeline.media import Media, collect_media
from pipeline.model import (
    GLOSSARY_DOMAIN,
    UI_DOMAIN,
    CheckResult,
    Page,
    Preview,
    ReviewState,
    Stats,
)
from pipeline.page import LocaleCatalogs
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
from pipeline.publication import Plan
from pipeline.publish import publish
from pipeline.signoff import sign_off
from pipeline.site import SiteContext
from pipeline.ui import TEMPLATES_DIR

# The verbs' module is the one entry point of the CLI, the preview server and the tests: what they
# read about a project (project.py) is named here too.
__all__ = [
    "BuildResult", "Catalogs", "Domain", "Project", "build", "catalog_store", "check", "extract",
    "init", "load_catalogs", "previews", "reviews", "read_project", "sign_off", "stats", "update", "version_stats",
]  # fmt: skip
STYLESHEET = TEMPLATES_DIR / "style.css"
T = TypeVar("T")
Progress = Callable[
    [Iterable[T], str], Iterable[T]
]  # (items, label) -> the same items; the CLI shows a bar


def no_progress(items: Iterable[T], label: str) -> Iterable[T]:
    return items


@dataclass(frozen=True)
class BuildResult:
    pages: tuple[Page, ...]
    checks: CheckResult
    stats: dict[tuple[str, str], Stats]  # (article, locale) -> its own figures
    leaflets: int = 0
    notices: tuple[str, ...] = ()  # one line each, for the CLI: why no leaflets were made
    previews: tuple[Preview, ...] = ()  # versions built but not advertised, or not built at all

    @property
    def errors(self) -> int:
        return self.checks.errors


def extract(project: Project, cache: Cache | None = None) -> list[Path]:
    """Write every domain's POT; return the ones whose content changed.

    With a cache, a template whose units are unchanged and whose file is still the one written
    last time is not even formatted again.
    """
    site_name = project.config.site_name
    changed = []
    for domain in project.domains:
        path = project.pot_path(domain.name)
        key = digest(
            code_version(),
            domain.name,
            domain.source_name,
            site_name,
            project.config.report_bugs_to,
            repr(domain.units),
        )
        if cache is not None and cache.get("pot", key) == file_digest(path):
            continue
        if catalog.write_template(
            domain.name,
            domain.units,
            domain.source_name,
            site_name,
            path,
            project.config.report_bugs_to,
        ):
            changed.append(path)
        if cache is not None:
            cache.put("pot", key, file_digest(path))
    return changed


def init(project: Project, names: list[str]) -> list[tuple[Path, bool]]:
    """Create PO files for new locales; an existing PO is kept untouched (nothing is ever lost)."""
    locales = [parse_locale(name) for name in names]  # all validated before anything is written
    extract(project)
    return [
        (path, catalog.create_po(project.pot_path(domain.name), locale, path))
        for locale in locales
        for domain in project.domains
        for path in [project.po_path(locale.name, domain.name)]
    ]


def update(project: Project) -> list[Path]:
    """Merge the templates into every PO (fuzzy for changed texts, obsolete for removed ones)."""
    extract(project)
    locales = _locales_on_disk(project)
    changed = []
    for domain in project.domains:
        targets = [(project.po_path(loc.name, domain.name), loc) for loc in locales]
        changed += catalog.update_pos(project.pot_path(domain.name), targets)
    return sorted(changed)


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


def subjects(project: Project, catalogs: Catalogs, site: checks.Site) -> list[checks.Subject]:
    """Every article version: the source first, then each target locale."""
    config = project.config
    found = []
    for article in project.articles:
        found.append(
            checks.Subject(site, article, config.source_locale, None, config.rel(article.path))
        )
        for loc in config.locales:
            file = config.rel(project.po_path(loc.name, article.slug))
            found.append(
                checks.Subject(site, article, loc, catalogs.get((loc.name, article.slug)), file)
            )
    return found


def check(
    project: Project, catalogs: Catalogs | None = None, progress: Progress = no_progress
) -> CheckResult:
    """Every quality check; findings are values, the caller decides the exit code."""
    catalogs = load_catalogs(project) if catalogs is None else catalogs
    collect_media(
        project.config, project.articles
    )  # a missing image is an error of the source, before any check
    site = check_site(project, catalogs)
    return checks.run_all(site, progress(subjects(project, catalogs, site), "checking"))


def build(
    project: Project, cache: Cache | None = None, jobs: int = 1, progress: Progress = no_progress
) -> BuildResult:
    """Extract, check and render every version, then swap the new ``output/`` in whole.

    Check errors do not stop the pages: they are the translators' preview; the exit code tells
    a publisher's deploy step not to ship. A version below its publishing threshold is written
    as a preview that nothing public links to. ``cache`` (a ``Cache`` over ``.pipeline-cache/``)
    makes only what changed; ``jobs`` spreads the versions over processes. Neither changes a byte
    of the output.
    """
    cache = cache or Cache(None)
    extract(project, cache)
    config = project.config
    store = catalog_store(project)
    figures = version_stats(project, store, cache)
    plan = publication.plan(config, project.articles, store, figures, cache)
    media = collect_media(config, project.articles)
    context = _context(project, store, plan, media)
    made = progress(versions.make_all(context, cache, jobs), "building")
    summary: list[versions.Made] = []
    publish(config.output_dir, _files(project, context, plan, media, figures, made, summary, cache))
    result = _check_result(check_site(project, store), summary)
    pages = tuple(m.page for m in summary if m.page is not None)
    leaflets = sum(m.leaflet is not None for m in summary)
    notices = tuple(dict.fromkeys(f"no leaflets: {m.notice}" for m in summary if m.notice))
    return BuildResult(
        pages=pages,
        checks=result,
        stats=figures,
        leaflets=leaflets,
        notices=notices,
        previews=plan.previews,
    )


def _files(
    project: Project,
    context: versions.Context,
    plan: Plan,
    media: Media,
    figures: dict[tuple[str, str], Stats],
    made: Iterable[versions.Made],
    summary: list[versions.Made],
    cache: Cache,
) -> Iterator[tuple[str, str | bytes]]:
    """Every file of the new site, each page as soon as it is made (memory stays flat)."""
    for out, path in media.files.items():
        yield out, path.read_bytes()
    for item in made:
        yield from _version_files(item)
        summary.append(
            replace(
                item, html="", leaflet=(item.leaflet[0], b"") if item.leaflet else None, view=None
            )
        )
    # The site-wide files depend on every version (all in their keys) and the glossary catalogues.
    glossaries = [context.store.digest(name, GLOSSARY_DOMAIN) for name in sorted(context.locales)]
    key = digest(
        context.salt,
        *(context.key(s, loc) for s in context.articles for loc in context.locales),
        *glossaries,
    )
    files = cache.get("site", key)
    if files is None:
        files = _site_files(project, context, plan, figures, summary)
        cache.put("site", key, files)
    yield from files.items()


def _version_files(item: versions.Made) -> Iterator[tuple[str, str | bytes]]:
    if item.page is not None:
        yield item.page.version.path, item.html
    if item.leaflet is not None:
        yield item.leaflet
    if item.view is not None:
        yield item.view


def _site_files(
    project: Project,
    context: versions.Context,
    plan: Plan,
    figures: dict[tuple[str, str], Stats],
    summary: list[versions.Made],
) -> dict[str, str]:
    """The index of each language, the sitemap, the stylesheet and the editors' report."""
    config = project.config
    pages = [m.page for m in summary if m.page is not None]
    result = _check_result(check_site(project, context.store), summary)
    files = {
        "index.html": context.site.render_index(pages),
        **context.site.render_locale_indexes(pages),
    }
    files["sitemap.xml"] = context.site.render_sitemap()
    files["assets/style.css"] = STYLESHEET.read_text(encoding="utf-8")
    reviews = [m.review for m in summary if m.review is not None]
    files.update(
        report.files(
            result,
            context.site.env,
            figures,
            config.site_name,
            config.source_locale,
            project.articles,
            pages,
            plan.previews,
            reviews,
        )
    )
    return files


def _check_result(site_findings: checks.Site, summary: list[versions.Made]) -> CheckResult:
    """The same order as ``check``: site-wide findings, then each version's, in article order."""
    findings = list(checks.check_site(site_findings))
    documents = []
    for item in summary:
        if item.result.document is not None:
            documents.append(item.result.document)
        findings += item.result.findings
    return CheckResult(tuple(documents), tuple(findings))


def _context(
    project: Project, store: versions.CatalogStore, plan: Plan, media: Media
) -> versions.Context:
    config = project.config
    rel = config.rel
    files = {
        (a.slug, loc.name): rel(a.path)
        if loc.name == config.source_locale.name
        else rel(project.po_path(loc.name, a.slug))
        for a in project.articles
        for loc in config.all_locales
    }
    settings = LeafletSettings(
        config.site_url,
        config.site_name,
        config.source_locale,
        config.source_dir,
        paper_size(config.leaflet_paper) or "A4",
    )
    return versions.Context(
        articles={a.slug: a for a in project.articles},
        locales={loc.name: loc for loc in config.all_locales},
        source=config.source_locale,
        store=store,
        check_site=check_site(project, store),
        site=_site_context(project, store, plan),
        images=media.urls,
        image_digests={out: file_digest(path) for out, path in media.files.items()},
        glossary_file=rel(project.glossary.path),
        files=files,
        leaflet_settings=settings if config.leaflets else None,
        # Pango's presence too: a version made without it has no leaflet, which a later build with it must not reuse.
        salt=digest(
            code_version(),
            file_digest(config.root / "pyproject.toml"),
            file_digest(project.glossary.path),
            today().isoformat(),
            repr(config),
            str(find_library("pango-1.0")),
        ),
    )


def previews(project: Project, catalogs: Catalogs) -> tuple[Preview, ...]:
    """The versions a build would not advertise: for ``check``'s report."""
    return publication.plan(
        project.config, project.articles, catalogs, version_stats(project, catalogs)
    ).previews


def reviews(project: Project, catalogs: Catalogs) -> list[ReviewState]:
    """Every translated version's review record, in build order: for ``check``'s report."""
    return [
        versions.review_state(article, locale.name, catalogs.get((locale.name, article.slug)))
        for article in project.articles
        for locale in project.config.locales
    ]


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


def _catalogs_for(catalogs: Catalogs, locale: LocaleInfo, slug: str) -> LocaleCatalogs:
    return LocaleCatalogs(
        locale=locale,
        article=catalogs.get((locale.name, slug)),
        glossary=catalogs.get((locale.name, GLOSSARY_DOMAIN)),
        ui=catalogs.get((locale.name, UI_DOMAIN)),
    )
