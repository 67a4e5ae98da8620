"""The pipeline's verbs, each readable top to bottom: first gather all data, then write.

Source -> Article/Glossary -> POT/PO -> Catalog -> (checks, render) -> output/.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import polib

from pipeline import catalog as po_files
from pipeline import checks, report
from pipeline.checks import CheckResult
from pipeline.config import Config
from pipeline.errors import CatalogError
from pipeline.leaflet import LeafletSettings, Leaflets, paper_size
from pipeline.locales import LocaleInfo, parse_locale
from pipeline.model import GLOSSARY_DOMAIN, UI_DOMAIN, Article, Catalog, Glossary, Page, Stats, Unit, Version
from pipeline.render import LocaleCatalogs, SiteContext, render_page
from pipeline.source import article_paths, read_article, read_glossary
from pipeline.ui import extract_ui_units

STYLESHEET = Path(__file__).parent / "templates" / "style.css"
OUTPUT_README = "README.md"


@dataclass(frozen=True)
class Domain:
    """One gettext domain: an article, the glossary, or the page's own words."""

    name: str
    units: tuple[Unit, ...]
    source_name: str  # for #: references


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
    stats: dict[str, Stats]  # per locale, over all articles
    leaflets: int = 0
    notices: tuple[str, ...] = ()  # one line each, for the CLI: why no leaflets were made

    @property
    def errors(self) -> int:
        return self.checks.errors


def read_project(config: Config) -> Project:
    articles = tuple(read_article(path) for path in article_paths(config.source_dir))
    reserved = {GLOSSARY_DOMAIN, UI_DOMAIN} & {a.slug for a in articles}
    if reserved:
        raise CatalogError(f"article name {sorted(reserved)[0]!r} is reserved for a catalogue of the site", config.source_dir)
    return Project(config=config, articles=articles, glossary=read_glossary(config.source_dir))


def extract(project: Project) -> list[Path]:
    """Write every domain's POT; return the ones whose content changed."""
    changed = []
    for domain in project.domains:
        pot = po_files.build_pot(domain.name, domain.units, domain.source_name, project.config.site_name)
        path = project.pot_path(domain.name)
        if po_files.write_if_changed(pot, path):
            changed.append(path)
    return changed


def init(project: Project, names: list[str]) -> list[tuple[Path, bool]]:
    """Create PO files for new locales; an existing PO is kept untouched (nothing is ever lost)."""
    locales = [parse_locale(name) for name in names]  # all validated before anything is written
    pots = _templates(project)
    results = []
    for locale in locales:
        for domain, pot in pots.items():
            path = project.po_path(locale.name, domain)
            if path.exists():
                results.append((path, False))
                continue
            po_files.write_if_changed(po_files.new_po(pot, locale), path)
            results.append((path, True))
    return results


def update(project: Project) -> list[Path]:
    """Merge the templates into every PO (fuzzy for changed texts, obsolete for removed ones)."""
    pots = _templates(project)
    changed = []
    for locale in _locales_on_disk(project):
        for domain, pot in pots.items():
            path = project.po_path(locale.name, domain)
            po = _load(path) if path.exists() else po_files.new_po(pot, locale)
            if po_files.write_if_changed(po_files.merge(po, pot), path):
                changed.append(path)
    return changed


def _templates(project: Project) -> dict[str, polib.POFile]:
    """Extract, then read each template once, as written (with its creation date)."""
    extract(project)
    return {domain.name: _load(project.pot_path(domain.name)) for domain in project.domains}


def stats(project: Project) -> list[tuple[str, str, Stats]]:
    """(locale, domain, stats) for every configured locale and domain; a missing PO counts as untranslated."""
    rows = []
    for locale in project.config.locales:
        for domain in project.domains:
            path = project.po_path(locale.name, domain.name)
            if path.exists():
                rows.append((locale.name, domain.name, po_files.stats(_load(path))))
            else:
                rows.append((locale.name, domain.name, Stats(0, 0, len({u.msgid for u in domain.units}), 0)))
    return rows


def load_catalogs(project: Project) -> dict[tuple[str, str], Catalog]:
    """(locale, domain) -> Catalog for every PO that exists; all parse errors surface here."""
    catalogs = {}
    for locale in project.config.locales:
        for domain in project.domains:
            path = project.po_path(locale.name, domain.name)
            if path.exists():
                catalogs[(locale.name, domain.name)] = po_files.to_catalog(_load(path), domain.name, locale.name, path)
    return catalogs


def check(project: Project, catalogs: dict[tuple[str, str], Catalog] | None = None) -> CheckResult:
    """Every quality check; findings are values, the caller decides the exit code."""
    config = project.config
    catalogs = load_catalogs(project) if catalogs is None else catalogs
    return checks.run_all(config.rel, config.source_locale, config.locales, project.articles, project.glossary, catalogs, project.po_path, config.readability)


def article_stats(project: Project, catalogs: dict[tuple[str, str], Catalog]) -> dict[str, Stats]:
    """Translated share of the articles per locale, for the summary table, from catalogues already read."""
    totals: dict[str, Stats] = {}
    for locale in project.config.locales:
        rows = [_article_stats(catalogs.get((locale.name, a.slug)), a) for a in project.articles]
        totals[locale.name] = Stats(*(sum(getattr(r, f) for r in rows) for f in ("translated", "fuzzy", "untranslated", "obsolete")))
    return totals


def _article_stats(catalog: Catalog | None, article: Article) -> Stats:
    if catalog is None:  # no PO yet: every text of the article is untranslated
        return Stats(0, 0, len(article.msgids), 0)
    messages = catalog.messages.values()
    fuzzy = sum(m.fuzzy for m in messages)
    translated = sum(m.translated for m in messages)
    return Stats(translated, fuzzy, len(messages) - fuzzy - translated, 0)


def build(project: Project) -> BuildResult:
    """Extract, check, render every version, then swap the new ``output/`` in whole.

    Check errors do not stop the pages: they are the translators' preview; the exit code tells
    a publisher's deploy step not to ship.
    """
    extract(project)
    catalogs = load_catalogs(project)
    result = check(project, catalogs)
    config = project.config
    versions = {a.slug: [(Version(a.slug, loc.name, f"{loc.output_dir}/{a.slug}.html"), loc) for loc in config.all_locales] for a in project.articles}
    site = SiteContext(config.site_url, config.site_name, config.source_locale, versions, {loc.name: catalogs.get((loc.name, UI_DOMAIN)) for loc in config.all_locales})
    files: dict[str, str | bytes] = {}
    pages = []
    # Leaflets (issue 13): the one call site. Made per published version between its body and its page,
    # whose link shows the leaflet's size. published: issue 9's threshold goes here (today: every version).
    leaflets = Leaflets(LeafletSettings(config.site_url, config.site_name, config.source_locale, config.source_dir, paper_size(config.leaflet_paper) or "A4"), published=lambda page: True)
    for article in project.articles:
        for version, locale in versions[article.slug]:
            page, html = render_page(article, version, _catalogs_for(catalogs, locale, article.slug), config.source_locale, project.glossary, site, leaflet=leaflets)
            pages.append(page)
            files[version.path] = html
    files.update(leaflets.files)
    files["index.html"] = site.render_index(pages)
    files["sitemap.xml"] = site.render_sitemap()
    files["assets/style.css"] = STYLESHEET.read_text(encoding="utf-8")
    files["reports/report.json"] = report.to_json(result)
    totals = article_stats(project, catalogs)
    files["reports/index.html"] = report.to_html(result, site.env, totals, config.site_name)
    publish(config.output_dir, files)
    notices = (f"no leaflets: {leaflets.skipped}",) if leaflets.skipped else ()
    return BuildResult(pages=tuple(pages), checks=result, stats=totals, leaflets=len(leaflets.files), notices=notices)


def _catalogs_for(catalogs: dict[tuple[str, str], Catalog], locale: LocaleInfo, slug: str) -> LocaleCatalogs:
    return LocaleCatalogs(
        locale=locale,
        article=catalogs.get((locale.name, slug)),
        glossary=catalogs.get((locale.name, GLOSSARY_DOMAIN)),
        ui=catalogs.get((locale.name, UI_DOMAIN)),
    )


def publish(output_dir: Path, files: dict[str, str] | dict[str, str | bytes]) -> None:
    """Write into a staging folder beside ``output/`` and swap it in: a failure leaves the old site whole."""
    staging = Path(tempfile.mkdtemp(prefix=".output-staging-", dir=output_dir.parent))
    try:
        for rel_path, content in files.items():
            target = staging / rel_path
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):  # a leaflet (PDF)
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8")
        readme = output_dir / OUTPUT_README
        if readme.exists():
            shutil.copy2(readme, staging / OUTPUT_README)
        _swap(staging, output_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap(staging: Path, output_dir: Path) -> None:
    old = output_dir.with_name(f".output-old-{os.getpid()}")
    if output_dir.exists():
        os.replace(output_dir, old)
    os.replace(staging, output_dir)
    shutil.rmtree(old, ignore_errors=True)


def _locales_on_disk(project: Project) -> list[LocaleInfo]:
    """Configured locales plus any folder a translator added under ``locales/``."""
    names = {loc.name for loc in project.config.locales}
    folder = project.config.locales_dir
    if folder.is_dir():
        names |= {p.name for p in folder.iterdir() if (p / "LC_MESSAGES").is_dir()}
    names.discard(project.config.source_locale.name)
    return [parse_locale(n) for n in sorted(names)]


def _load(path: Path) -> polib.POFile:
    return po_files.load_po(path)
