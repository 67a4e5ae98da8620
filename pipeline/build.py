"""The pipeline's verbs, each readable top to bottom: first gather all data, then write.

Source -> Article/Glossary -> POT/PO -> Catalog -> (checks, pages) -> output/.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from ctypes.util import find_library
from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TypeVar

from pipeline import catalog, checks, report, review, versions
from pipeline.cache import Cache, code_version, digest, file_digest
from pipeline.config import Config, locales_on_disk
from pipeline.dates import today
from pipeline.errors import CatalogError, ConfigError, LocaleError, SourceError
from pipeline.leaflet import LeafletSettings, paper_size
from pipeline.locales import LocaleInfo, parse_locale
from pipeline.media import Media, collect_media
from pipeline.model import (
    GLOSSARY_DOMAIN,
    UI_DOMAIN,
    Article,
    Catalog,
    CheckResult,
    Glossary,
    Page,
    Preview,
    Stats,
    Unit,
    stats_of,
)
from pipeline.page import LocaleCatalogs
from pipeline.publication import Plan, plain_written, plan_versions
from pipeline.publish import publish
from pipeline.site import SiteContext
from pipeline.source import article_paths, read_article, read_glossary
from pipeline.ui import TEMPLATES_DIR, extract_ui_units

STYLESHEET = TEMPLATES_DIR / "style.css"
Catalogs = Mapping[tuple[str, str], Catalog]  # (locale, domain) -> catalogue
T = TypeVar("T")
Progress = Callable[
    [Iterable[T], str], Iterable[T]
]  # (items, label) -> the same items; the CLI shows a bar


def no_progress(items: Iterable[T], label: str) -> Iterable[T]:
    return items


@dataclass(frozen=True)
class Domain:
    """One gettext domain: an article, the glossary, or the page's own words."""

    name: str
    units: tuple[Unit, ...]
    source_name: str  # for #: references

    @cached_property
    def msgids(self) -> frozenset[str]:
        return frozenset(unit.key for unit in self.units)


@dataclass(frozen=True)
class Project:
    """Everything read from ``source/``: the input of every later stage."""

    config: Config
    articles: tuple[Article, ...]
    glossary: Glossary

    @cached_property
    def domains(self) -> list[Domain]:
        rel = self.config.rel
        found = [Domain(a.slug, a.units, rel(a.path)) for a in self.articles]
        found.append(Domain(GLOSSARY_DOMAIN, self.glossary.units(), rel(self.glossary.path)))
        found.append(
            Domain(
                UI_DOMAIN, (*extract_ui_units(), _site_name_unit(self.config)), "pipeline/templates"
            )
        )
        return found

    def pot_path(self, domain: str) -> Path:
        return self.config.locales_dir / f"{domain}.pot"

    def po_path(self, locale: str, domain: str) -> Path:
        return self.config.locales_dir / locale / "LC_MESSAGES" / f"{domain}.po"


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


def read_project(config: Config) -> Project:
    articles = tuple(read_article(path) for path in article_paths(config.source_dir))
    reserved = {GLOSSARY_DOMAIN, UI_DOMAIN} & {a.slug for a in articles}
    if reserved:
        name = sorted(reserved)[0]
        raise SourceError(
            f"article name {name!r} is reserved for a catalogue of the site: rename the file",
            config.source_dir / f"{name}.md",
        )
    return Project(config=config, articles=articles, glossary=read_glossary(config.source_dir))


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


def sign_off(
    project: Project, names: list[str], reviewer: str, when: date, slugs: list[str] | None = None
) -> list[Path]:
    """Record a review of each article version of these locales in its PO header (``review.py``).

    A reviewer signs off what they read: a version with untranslated or fuzzy texts is refused.
    """
    if not reviewer.strip():
        raise ConfigError(
            "--by: say who reviewed the translation (a name, and an address if you like)"
        )
    locales = [parse_locale(name) for name in names]
    articles = [a for a in project.articles if slugs is None or a.slug in slugs]
    unknown = sorted(set(slugs or ()) - {a.slug for a in project.articles})
    if unknown:
        raise SourceError(f"no article named {unknown[0]!r} in source/", project.config.source_dir)
    signed = []
    for locale in locales:
        for article in articles:
            path = project.po_path(locale.name, article.slug)
            if not path.exists():
                raise CatalogError(
                    f"no catalogue to review: run `pipeline init {locale.name}` and translate it first",
                    path,
                )
            found = catalog.load(path, article.slug, locale.name)
            figures = stats_of(found, article.msgids)
            if figures.translated != figures.total:
                raise CatalogError(
                    f"{figures.untranslated} untranslated and {figures.fuzzy} fuzzy text(s): a review signs off a complete translation",
                    path,
                )
            catalog.set_headers(path, review.sign_off(article, found, reviewer.strip(), when))
            signed.append(path)
    return signed


def load_catalogs(project: Project) -> Catalogs:
    """(locale, domain) -> Catalog for every PO that exists; all parse errors surface here."""
    found = {}
    for locale in project.config.locales:
        for domain in project.domains:
            path = project.po_path(locale.name, domain.name)
            if path.exists():
                found[(locale.name, domain.name)] = catalog.load(path, domain.name, locale.name)
    return found


def stats(project: Project, catalogs: Catalogs) -> list[tuple[str, str, Stats]]:
    """(locale, domain, stats) for every configured locale and domain, over the current templates."""
    return [
        (
            locale.name,
            domain.name,
            stats_of(catalogs.get((locale.name, domain.name)), domain.msgids),
        )
        for locale in project.config.locales
        for domain in project.domains
    ]


def version_stats(
    project: Project, catalogs: Catalogs, cache: Cache | None = None
) -> dict[tuple[str, str], Stats]:
    """(article, locale) -> that version's own translated share; the source is complete."""
    figures = {}
    for article in project.articles:
        figures[(article.slug, project.config.source_locale.name)] = Stats(
            len(article.msgids), 0, 0
        )
        for locale in project.config.locales:
            figures[(article.slug, locale.name)] = _stats(catalogs, cache, article, locale.name)
    return figures


def _stats(catalogs: Catalogs, cache: Cache | None, article: Article, locale: str) -> Stats:
    """A version's figures depend on its PO and the article's texts alone: cached by their hashes."""
    if cache is None or not isinstance(catalogs, versions.CatalogStore):
        return stats_of(catalogs.get((locale, article.slug)), article.msgids)
    key = digest(code_version(), catalogs.digest(locale, article.slug), *sorted(article.msgids))
    found = cache.get("stats", key)
    if found is None:
        found = stats_of(catalogs.get((locale, article.slug)), article.msgids)
        cache.put("stats", key, found)
    return found


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
    plan = plan_versions(
        config,
        project.articles,
        figures,
        lambda article, locale: _plain_written(project, store, cache, article, locale),
        lambda article, locale: _review_gap(store, article, locale),
    )
    media = collect_media(config, project.articles)
    context = _context(project, store, plan, media)
    made = progress(versions.make_all(context, cache, jobs), "building")
    summary: list[versions.Made] = []
    publish(config.output_dir, _files(project, context, plan, media, figures, made, summary))
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
) -> Iterator[tuple[str, str | bytes]]:
    """Every file of the new site, each page as soon as it is made (memory stays flat)."""
    config = project.config
    for out, path in media.files.items():
        yield out, path.read_bytes()
    for item in made:
        if item.page is not None:
            yield item.page.version.path, item.html
        if item.leaflet is not None:
            yield item.leaflet
        if item.view is not None:
            yield item.view
        summary.append(
            replace(
                item, html="", leaflet=(item.leaflet[0], b"") if item.leaflet else None, view=None
            )
        )
    pages = [m.page for m in summary if m.page is not None]
    result = _check_result(check_site(project, context.store), summary)
    yield "index.html", context.site.render_index(pages)
    yield from context.site.render_locale_indexes(pages).items()
    yield "sitemap.xml", context.site.render_sitemap()
    yield "assets/style.css", STYLESHEET.read_text(encoding="utf-8")
    yield from report.files(
        result,
        context.site.env,
        figures,
        config.site_name,
        config.source_locale,
        project.articles,
        pages,
        plan.previews,
    ).items()


def _check_result(site_findings: checks.Site, summary: list[versions.Made]) -> CheckResult:
    """The same order as ``check``: site-wide findings, then each version's, in article order."""
    findings = list(checks.check_site(site_findings))
    documents = []
    for item in summary:
        if item.result.document is not None:
            documents.append(item.result.document)
        findings += item.result.findings
    return CheckResult(tuple(documents), tuple(findings))


def catalog_store(project: Project) -> versions.CatalogStore:
    paths = {
        (loc.name, d.name): project.po_path(loc.name, d.name)
        for loc in project.config.locales
        for d in project.domains
    }
    return versions.CatalogStore(paths, catalog.load)


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
    figures = version_stats(project, catalogs)
    return plan_versions(
        project.config,
        project.articles,
        figures,
        lambda a, loc: _plain_written(project, catalogs, None, a, loc),
        lambda a, loc: _review_gap(catalogs, a, loc),
    ).previews


def _review_gap(store: Catalogs, article: Article, locale: LocaleInfo) -> str:
    state = review.status(article, store.get((locale.name, article.slug)))
    return "" if state.current else state.reason


def _plain_written(
    project: Project, store: Catalogs, cache: Cache | None, article: Article, locale: LocaleInfo
) -> bool:
    standard_name = locale.base if locale.base != project.config.source_locale.name else None
    if cache is None or not isinstance(store, versions.CatalogStore):
        standard = store.get((standard_name, article.slug)) if standard_name else None
        return plain_written(article, store.get((locale.name, article.slug)), standard)
    key = digest(
        code_version(),
        article.text,
        store.digest(locale.name, article.slug),
        store.digest(standard_name, article.slug) if standard_name else "-",
    )
    found = cache.get("plain-written", key)
    if found is None:
        standard = store.get((standard_name, article.slug)) if standard_name else None
        found = plain_written(article, store.get((locale.name, article.slug)), standard)
        cache.put("plain-written", key, found)
    return bool(found)


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


def _site_name_unit(config: Config) -> Unit:
    """The site's name is a UI text: translators give it in ``ui.po``; its reference is its line in pyproject.toml."""
    pyproject = config.root / "pyproject.toml"
    lines = pyproject.read_text(encoding="utf-8").splitlines() if pyproject.is_file() else []
    line = next((i for i, text in enumerate(lines, 1) if text.strip().startswith("site_name")), 1)
    return Unit(
        config.site_name,
        "the site's name, on every page (site_name in pyproject.toml)",
        line,
        file="pyproject.toml",
    )


def _catalogs_for(catalogs: Catalogs, locale: LocaleInfo, slug: str) -> LocaleCatalogs:
    return LocaleCatalogs(
        locale=locale,
        article=catalogs.get((locale.name, slug)),
        glossary=catalogs.get((locale.name, GLOSSARY_DOMAIN)),
        ui=catalogs.get((locale.name, UI_DOMAIN)),
    )


def _locales_on_disk(project: Project) -> list[LocaleInfo]:
    """Configured locales plus any folder a translator added under ``locales/``."""
    names = {loc.name for loc in project.config.locales} | set(
        locales_on_disk(project.config.locales_dir)
    )
    names.discard(project.config.source_locale.name)
    if project.config.only:
        names &= project.config.only
    return [_locale_folder(project, n) for n in sorted(names)]


def _locale_folder(project: Project, name: str) -> LocaleInfo:
    try:
        return parse_locale(name)
    except LocaleError as exc:  # a folder a translator added: name it, so they know what to rename
        raise LocaleError(exc.message, project.config.locales_dir / name) from exc
