"""The pipeline's verbs, each readable top to bottom: first gather all data, then write.

Source -> Article/Glossary -> POT/PO -> Catalog -> (checks, pages) -> output/.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pipeline import catalog, checks, report
from pipeline.config import Config, locales_on_disk
from pipeline.errors import SourceError
from pipeline.leaflet import LeafletSettings, Leaflets, paper_size
from pipeline.locales import LocaleInfo, parse_locale
from pipeline.model import GLOSSARY_DOMAIN, UI_DOMAIN, Article, Asset, Catalog, CheckResult, Glossary, Page, Preview, Stats, Unit, Version, stats_of
from pipeline.page import LocaleCatalogs
from pipeline.publish import publish
from pipeline.site import SiteContext, floor_percent, render_page
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
        found.append(Domain(UI_DOMAIN, (*extract_ui_units(), _site_name_unit(self.config)), "pipeline/templates"))
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
    collect_media(project)  # a missing image is an error of the source, before any check
    site = check_site(project, catalogs)
    return checks.run_all(site, subjects(project, catalogs, site))


def build(project: Project) -> BuildResult:
    """Extract, check, render every version, then swap the new ``output/`` in whole.

    Check errors do not stop the pages: they are the translators' preview; the exit code tells
    a publisher's deploy step not to ship. A version below its publishing threshold is written
    as a preview that nothing public links to.
    """
    extract(project)
    catalogs = load_catalogs(project)
    result = check(project, catalogs)
    config = project.config
    figures = version_stats(project, catalogs)
    plan = plan_versions(project, catalogs, figures)
    media = collect_media(project)
    site = _site_context(project, catalogs, plan)
    files: dict[str, str | bytes] = {out: path.read_bytes() for out, path in media.files.items()}
    pages = []
    # Leaflets: made per published version between its body and its page, whose link shows its size.
    leaflets = Leaflets(LeafletSettings(config.site_url, config.site_name, config.source_locale, config.source_dir, paper_size(config.leaflet_paper) or "A4"), published=lambda page: not page.version.preview)
    for article in project.articles:
        for version, locale in site.versions[article.slug]:
            images = media.urls.get((article.slug, locale.name), {})
            page, html = render_page(article, version, _catalogs_for(catalogs, locale, article.slug), config.source_locale, project.glossary, site, images, leaflet=leaflets)
            pages.append(page)
            files[version.path] = html
    files.update(leaflets.files)
    files["index.html"] = site.render_index(pages)
    files.update(site.render_locale_indexes(pages))
    files["sitemap.xml"] = site.render_sitemap()
    files["assets/style.css"] = STYLESHEET.read_text(encoding="utf-8")
    files["reports/report.json"] = report.to_json(result, plan.previews)
    files["reports/index.html"] = report.to_html(result, site.env, figures, config.site_name, config.source_locale, plan.previews)
    publish(config.output_dir, files)
    notices = (f"no leaflets: {leaflets.skipped}",) if leaflets.skipped else ()
    return BuildResult(pages=tuple(pages), checks=result, stats=figures, leaflets=len(leaflets.files), notices=notices, previews=plan.previews)


@dataclass(frozen=True)
class Plan:
    """Which versions are written, and which of those are only previews (and why)."""

    versions: dict[str, list[tuple[Version, LocaleInfo]]]  # article slug -> written versions
    previews: tuple[Preview, ...]
    shares: dict[tuple[str, str], tuple[float, float]]  # (article, locale) -> (translated %, threshold %)


def plan_versions(project: Project, catalogs: Catalogs, figures: dict[tuple[str, str], Stats]) -> Plan:
    """The publishing threshold applied to every article version (the source is always published)."""
    versions: dict[str, list[tuple[Version, LocaleInfo]]] = {}
    previews, shares = [], {}
    for article in project.articles:
        versions[article.slug] = []
        for locale in project.config.all_locales:
            shares[(article.slug, locale.name)] = (figures[(article.slug, locale.name)].percent, project.config.threshold_for(locale.name))
            version, preview = _plan_version(project, catalogs, article, locale, shares[(article.slug, locale.name)])
            if version is not None:
                versions[article.slug].append((version, locale))
            if preview is not None:
                previews.append(preview)
    return Plan(versions, tuple(previews), shares)


def previews(project: Project, catalogs: Catalogs) -> tuple[Preview, ...]:
    """The versions a build would not advertise: for ``check``'s report."""
    return plan_versions(project, catalogs, version_stats(project, catalogs)).previews


def _plan_version(project: Project, catalogs: Catalogs, article: Article, locale: LocaleInfo, share: tuple[float, float]) -> tuple[Version | None, Preview | None]:
    version = Version(article.slug, locale.name, f"{locale.output_dir}/{article.slug}.html")
    if locale.name == project.config.source_locale.name:
        return version, None
    percent, threshold = share
    if locale.is_plain and not _plain_written(project, catalogs, article, locale):
        reason = "no plain-language text written yet (every entry is empty or the standard text): no page"
        return None, Preview(article.slug, locale.name, None, percent, threshold, reason)
    if percent >= threshold:
        return version, None
    reason = f"{floor_percent(percent):g} % translated, below the publishing threshold of {threshold:g} %: a preview for translators, not listed and not indexed"
    return replace(version, preview=reason), Preview(article.slug, locale.name, version.path, percent, threshold, reason)


def _plain_written(project: Project, catalogs: Catalogs, article: Article, locale: LocaleInfo) -> bool:
    """A plain version exists once one of its texts differs from the standard text of its language.

    ``msginit`` fills an English catalogue with the source texts: 100 % "translated", and still
    the standard page, which the standard page must not offer as its plain version.
    """
    plain = catalogs.get((locale.name, article.slug))
    if plain is None:
        return False
    standard = catalogs.get((locale.base, article.slug)) if locale.base != project.config.source_locale.name else None

    def standard_text(msgid: str) -> str:
        return (standard.translation(msgid) if standard else None) or msgid

    return any((text := plain.translation(m)) is not None and text != standard_text(m) for m in article.msgids)


@dataclass(frozen=True)
class Media:
    """Local images to copy into output/, and for each version where its pages find them."""

    files: dict[str, Path]  # path under output/ -> file to copy
    urls: dict[tuple[str, str], dict[str, str]]  # (article, locale) -> image path as written -> path under output/


_IMAGE = re.compile(r"!\[(?:[^\]\\]|\\.)*\]\(\s*<?([^\s)>]+)")


def article_assets(article: Article) -> tuple[Asset, ...]:
    """The article's images as written, with their lines.

    TODO(merge with the `sources` branch): source.py fills ``Article.assets`` from the Markdown
    tree there; this regular expression over the text is the stand-in until then.
    """
    if article.assets:
        return article.assets
    return tuple(Asset(m.group(1), article.text.count("\n", 0, m.start()) + 1) for m in _IMAGE.finditer(article.text))


def collect_media(project: Project) -> Media:
    """Every local image, once under ``output/media/``; a locale's own file (a translated
    diagram in ``locales/<locale>/<same path>``) replaces it on that locale's pages."""
    files: dict[str, Path] = {}
    urls: dict[tuple[str, str], dict[str, str]] = {}
    for article in project.articles:
        for asset in article_assets(article):
            if urlsplit(asset.src).scheme or asset.src.startswith(("/", "#")):
                continue  # a web address: the reader's browser fetches it
            rel = _image_in_source(project.config, article, asset)
            for locale in project.config.all_locales:
                out, path = _localized_image(project.config, rel, locale)
                files[out] = path
                urls.setdefault((article.slug, locale.name), {})[asset.src] = out
    return Media(files, urls)


def _image_in_source(config: Config, article: Article, asset: Asset) -> str:
    """The image's path under ``source/``; a missing file is the author's error, with its line."""
    path = (article.path.parent / unquote(urlsplit(asset.src).path)).resolve()
    source = config.source_dir.resolve()
    if not path.is_relative_to(source):
        raise SourceError(f"image {asset.src!r} is outside source/: keep an article's images under source/", article.path, asset.line)
    if not path.is_file():
        raise SourceError(f"image {asset.src!r} not found: there is no file {config.rel(path)}", article.path, asset.line)
    return path.relative_to(source).as_posix()


def _localized_image(config: Config, rel: str, locale: LocaleInfo) -> tuple[str, Path]:
    """``locales/es@plain/<rel>``, then ``locales/es/<rel>``, then ``source/<rel>``."""
    for name in dict.fromkeys((locale.name, locale.base)):
        override = config.locales_dir / name / rel
        if name != config.source_locale.name and override.is_file():
            return f"media/{parse_locale(name).output_dir}/{rel}", override
    return f"media/{rel}", config.source_dir / rel


def _site_context(project: Project, catalogs: Catalogs, plan: Plan) -> SiteContext:
    config = project.config
    ui_catalogs = {loc.name: catalogs.get((loc.name, UI_DOMAIN)) for loc in config.all_locales}
    return SiteContext(config.site_url, config.site_name, config.source_locale, plan.versions, ui_catalogs, plan.shares)


def _site_name_unit(config: Config) -> Unit:
    """The site's name is a UI text: translators give it in ``ui.po``; its reference is its line in pyproject.toml."""
    pyproject = config.root / "pyproject.toml"
    lines = pyproject.read_text(encoding="utf-8").splitlines() if pyproject.is_file() else []
    line = next((i for i, text in enumerate(lines, 1) if text.strip().startswith("site_name")), 1)
    return Unit(config.site_name, "the site's name, on every page (site_name in pyproject.toml)", line, file="pyproject.toml")


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
    return [parse_locale(n) for n in sorted(names)]
