"""The pipeline's verbs, each readable top to bottom: first gather all data, then write.

Source -> Article/Glossary -> POT/PO -> Catalog -> (checks, pages) -> output/.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from pipeline import catalog, checks, report
from pipeline.config import Config, locales_on_disk
from pipeline.errors import LocaleError, SourceError
from pipeline.locales import LocaleInfo, parse_locale
from pipeline.model import GLOSSARY_DOMAIN, UI_DOMAIN, Article, Catalog, CheckResult, Glossary, Page, Stats, Unit, Version, stats_of
from pipeline.page import LocaleCatalogs
from pipeline.publish import publish
from pipeline.site import SiteContext, render_page
from pipeline.source import article_paths, read_article, read_glossary
from pipeline.ui import TEMPLATES_DIR, extract_ui_units

STYLESHEET = TEMPLATES_DIR / "style.css"
Catalogs = dict[tuple[str, str], Catalog]  # (locale, domain) -> catalogue


@dataclass(frozen=True)
class Domain:
    """One gettext domain: an article, the glossary, or the page's own words."""

    name: str
    units: tuple[Unit, ...]
    source_name: str  # for #: references

    @cached_property
    def msgids(self) -> frozenset[str]:
        return frozenset(unit.msgid for unit in self.units)


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
        found.append(Domain(UI_DOMAIN, extract_ui_units(), "pipeline/templates"))
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

    @property
    def errors(self) -> int:
        return self.checks.errors


def read_project(config: Config) -> Project:
    articles = tuple(read_article(path) for path in article_paths(config.source_dir))
    reserved = {GLOSSARY_DOMAIN, UI_DOMAIN} & {a.slug for a in articles}
    if reserved:
        name = sorted(reserved)[0]
        raise SourceError(f"article name {name!r} is reserved for a catalogue of the site: rename the file", config.source_dir / f"{name}.md")
    return Project(config=config, articles=articles, glossary=read_glossary(config.source_dir))


def extract(project: Project) -> list[Path]:
    """Write every domain's POT; return the ones whose content changed."""
    site_name = project.config.site_name
    return [
        project.pot_path(d.name)
        for d in project.domains
        if catalog.write_template(d.name, d.units, d.source_name, site_name, project.pot_path(d.name))
    ]


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
        (locale.name, domain.name, stats_of(catalogs.get((locale.name, domain.name)), domain.msgids))
        for locale in project.config.locales
        for domain in project.domains
    ]


def version_stats(project: Project, catalogs: Catalogs) -> dict[tuple[str, str], Stats]:
    """(article, locale) -> that version's own translated share; the source is complete."""
    figures = {}
    for article in project.articles:
        figures[(article.slug, project.config.source_locale.name)] = Stats(len(article.msgids), 0, 0)
        for locale in project.config.locales:
            figures[(article.slug, locale.name)] = stats_of(catalogs.get((locale.name, article.slug)), article.msgids)
    return figures


def check_site(project: Project, catalogs: Catalogs) -> checks.Site:
    config = project.config
    glossaries = {loc.name: (catalogs.get((loc.name, GLOSSARY_DOMAIN)), config.rel(project.po_path(loc.name, GLOSSARY_DOMAIN))) for loc in config.locales}
    return checks.Site(config.source_locale, project.glossary, config.targets, glossaries)


def subjects(project: Project, catalogs: Catalogs, site: checks.Site) -> list[checks.Subject]:
    """Every article version: the source first, then each target locale."""
    config = project.config
    found = []
    for article in project.articles:
        found.append(checks.Subject(site, article, config.source_locale, None, config.rel(article.path)))
        for loc in config.locales:
            file = config.rel(project.po_path(loc.name, article.slug))
            found.append(checks.Subject(site, article, loc, catalogs.get((loc.name, article.slug)), file))
    return found


def check(project: Project, catalogs: Catalogs | None = None) -> CheckResult:
    """Every quality check; findings are values, the caller decides the exit code."""
    catalogs = load_catalogs(project) if catalogs is None else catalogs
    site = check_site(project, catalogs)
    return checks.run_all(site, subjects(project, catalogs, site))


def build(project: Project) -> BuildResult:
    """Extract, check, render every version, then swap the new ``output/`` in whole.

    Check errors do not stop the pages: they are the translators' preview; the exit code tells
    a publisher's deploy step not to ship.
    """
    extract(project)
    catalogs = load_catalogs(project)
    result = check(project, catalogs)
    config = project.config
    site = _site_context(project, catalogs)
    files: dict[str, str | bytes] = {}
    pages = []
    for article in project.articles:
        for version, locale in site.versions[article.slug]:
            page, html = render_page(article, version, _catalogs_for(catalogs, locale, article.slug), config.source_locale, project.glossary, site)
            pages.append(page)
            files[version.path] = html
    figures = version_stats(project, catalogs)
    files["index.html"] = site.render_index(pages)
    files["sitemap.xml"] = site.render_sitemap()
    files["assets/style.css"] = STYLESHEET.read_text(encoding="utf-8")
    files["reports/report.json"] = report.to_json(result)
    files["reports/index.html"] = report.to_html(result, site.env, figures, config.site_name, config.source_locale)
    publish(config.output_dir, files)
    return BuildResult(pages=tuple(pages), checks=result, stats=figures)


def _site_context(project: Project, catalogs: Catalogs) -> SiteContext:
    config = project.config
    versions = {
        a.slug: [(Version(a.slug, loc.name, f"{loc.output_dir}/{a.slug}.html"), loc) for loc in config.all_locales]
        for a in project.articles
    }
    ui_catalogs = {loc.name: catalogs.get((loc.name, UI_DOMAIN)) for loc in config.all_locales}
    return SiteContext(config.site_url, config.site_name, config.source_locale, versions, ui_catalogs)


def _catalogs_for(catalogs: Catalogs, locale: LocaleInfo, slug: str) -> LocaleCatalogs:
    return LocaleCatalogs(
        locale=locale,
        article=catalogs.get((locale.name, slug)),
        glossary=catalogs.get((locale.name, GLOSSARY_DOMAIN)),
        ui=catalogs.get((locale.name, UI_DOMAIN)),
    )


def _locales_on_disk(project: Project) -> list[LocaleInfo]:
    """Configured locales plus any folder a translator added under ``locales/``."""
    names = {loc.name for loc in project.config.locales} | set(locales_on_disk(project.config.locales_dir))
    names.discard(project.config.source_locale.name)
    return [_locale_folder(project, n) for n in sorted(names)]


def _locale_folder(project: Project, name: str) -> LocaleInfo:
    try:
        return parse_locale(name)
    except LocaleError as exc:  # a folder a translator added: name it, so they know what to rename
        raise LocaleError(exc.message, project.config.locales_dir / name) from exc
