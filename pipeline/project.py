"""The project as read from disk: its articles, glossary, gettext domains and catalogues.

Every verb starts here; the figures of each version (how much is translated) are counted in
one place, with one meaning: over the texts the source has now, a fuzzy entry not translated.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

from pipeline import collector
from pipeline.catalog import catalogs as catalog
from pipeline.catalog.store import CatalogStore
from pipeline.checks.shown import Interface, PageCatalogs, version_figures
from pipeline.config import Config, locales_on_disk
from pipeline.errors import LocaleError, SourceError
from pipeline.locales import LocaleInfo, parse_locale
from pipeline.model import (
    GLOSSARY_DOMAIN,
    UI_DOMAIN,
    Article,
    Catalog,
    Glossary,
    Stats,
    Unit,
    stats_of,
)
from pipeline.render.ui import extract_ui_units
from pipeline.source.reader import article_paths, read_article, read_glossary
from pipeline.store import kinds
from pipeline.store.cache import Cache, code_version, digest

Catalogs = Mapping[tuple[str, str], Catalog]  # (locale, domain) -> catalogue


@dataclass(frozen=True)
class Domain:
    """One gettext domain: an article, the glossary, or the page's own words."""

    name: str
    units: tuple[Unit, ...]
    source_name: str  # for #: references
    text_digest: str = ""  # an article's: its units are a function of its text (and the code)

    @cached_property
    def msgids(self) -> frozenset[str]:
        return frozenset(unit.key for unit in self.units)

    @cached_property
    def fingerprint(self) -> str:
        """What its template is written from: an article's text's hash (``Article.digest``,
        hashed once), else its units' (the glossary's and the interface's: a few hundred)."""
        return self.text_digest or digest(repr(self.units))


@dataclass(frozen=True)
class Project:
    """Everything read from ``source/``: the input of every later stage."""

    config: Config
    articles: tuple[Article, ...]
    glossary: Glossary
    ui_units: tuple[Unit, ...]  # the templates' texts (``read_project`` takes them from the cache)
    # articles that could not be read, each its error (``read_project(withhold=True)``: a build
    # publishes the others and names these)
    withheld: tuple[SourceError, ...] = ()

    def whole(self) -> Project:
        """The project with every locale of the site, whatever ``-l`` restricted."""
        return replace(self, config=self.config.unrestricted())

    @cached_property
    def domains(self) -> list[Domain]:
        rel = self.config.rel
        found = [Domain(a.slug, a.units, rel(a.path), a.digest) for a in self.articles]
        found.append(Domain(GLOSSARY_DOMAIN, self.glossary.units(), rel(self.glossary.path)))
        found.append(
            Domain(
                UI_DOMAIN,
                (*self.ui_units, _site_name_unit(self.config)),
                "pipeline/templates",
            )
        )
        return found

    @cached_property
    def interface(self) -> Interface:
        """The ``ui.po`` texts every article page shows (``shown``)."""
        ui = next(d for d in self.domains if d.name == UI_DOMAIN)
        return Interface.of(ui.units, self.config.site_name)

    def pot_path(self, domain: str) -> Path:
        return self.config.locales_dir / f"{domain}.pot"

    def po_path(self, locale: str, domain: str) -> Path:
        # one Path of four parts, not three joins: asked for every PO of a site at each build
        return Path(self.config.locales_dir, locale, "LC_MESSAGES", f"{domain}.po")

    def file_of(self, article: Article, locale: str) -> str:
        """The file a version's findings point to, as the user names it: the article for the
        source, its PO for a translation. Asked per version: a worker making one version of a
        site of 1,400 works out one path, not every path."""
        config = self.config
        if locale == config.source_locale.name:
            return config.rel(article.path)
        return config.rel(self.po_path(locale, article.slug))

    def po_paths(self) -> dict[tuple[str, str], Path]:
        """(locale, domain) -> where its PO is, for every configured locale and domain."""
        return {
            (loc.name, d.name): self.po_path(loc.name, d.name)
            for loc in self.config.locales
            for d in self.domains
        }


def read_project(config: Config, cache: Cache | None = None, withhold: bool = False) -> Project:
    """Every article and the glossary; with a cache, an article whose file is unchanged is not
    parsed again. An article that cannot be read is an error (exit 2), or with ``withhold`` (a
    build) left out of the project and named in ``Project.withheld``: the others still publish."""
    paths = article_paths(config.source_dir)
    refuse_site_names(paths, config)
    try:
        articles, failed = _articles(paths, cache), tuple[SourceError, ...]()
    except SourceError:
        if not withhold:
            raise
        articles, failed = _each_article(paths, cache)
    glossary = read_glossary(config.source_dir)
    return Project(config, articles, glossary, _ui_units(cache), failed)


def _each_article(
    paths: list[Path], cache: Cache | None
) -> tuple[tuple[Article, ...], tuple[SourceError, ...]]:
    """Every article that can be read, and the error of each that cannot."""
    articles, failed = [], []
    for path in paths:
        try:
            articles.append(
                _article(path, cache.file_digest(path), cache) if cache else read_article(path)
            )
        except SourceError as error:
            failed.append(error)
    return tuple(articles), tuple(failed)


# Names the site gives its own files: an article of that name would overwrite one, or sit where
# a reader (or a link) expects the site's. Where each is written: build/site.py (index, sitemap,
# assets), render/media.py (media), report/ (reports), a locale's modifier (en/plain/).
SITE_NAMES = {
    GLOSSARY_DOMAIN: "locales/<locale>/LC_MESSAGES/glossary.po, the glossary's catalogue",
    UI_DOMAIN: "locales/<locale>/LC_MESSAGES/ui.po, the interface's catalogue",
    "index": "output/index.html and output/<language>/index.html, the lists of articles",
    "sitemap": "output/sitemap.xml",
    "reports": "output/reports/, the editors' report",
    "media": "output/media/, the images",
    "assets": "output/assets/, the stylesheets",
    "plain": "output/<language>/plain/, the plain-language versions",
}


def refuse_site_names(paths: list[Path], config: Config) -> None:
    """An article named like a file or folder of the site itself is refused before it is read."""
    taken = dict(SITE_NAMES)
    for info in config.locales:
        if info.modifier:
            taken.setdefault(info.modifier, f"output/{info.output_dir}/, the {info.name} versions")
    for path in paths:
        used = taken.get(path.stem.lower())
        if used is not None:
            raise SourceError(
                f"the article name {path.stem!r} is used by the site itself ({used}): rename the file",
                path,
            )


def _ui_units(cache: Cache | None) -> tuple[Unit, ...]:
    """The templates' texts depend on the pipeline's code alone: read once per release."""
    if cache is None:
        return extract_ui_units()
    found = cache.get(kinds.UI_UNITS, code_version())
    if found is None:
        found = extract_ui_units()
        cache.put(kinds.UI_UNITS, code_version(), found)
    return found


def _articles(paths: list[Path], cache: Cache | None) -> tuple[Article, ...]:
    """With a cache, a site whose sources are unchanged is read in at most 16 entries (shards),
    not one per article; an author's edit writes its article's shard again, not every parsed
    article (at 200 real-size articles, pickling them all took 70 ms of each edit)."""
    if cache is None:
        return tuple(read_article(path) for path in paths)
    shards: dict[str, list[tuple[Path, str]]] = {}
    for path in paths:
        shards.setdefault(_shard(path), []).append((path, cache.file_digest(path)))
    parsed = {
        path: article
        for members in shards.values()
        for (path, _), article in zip(members, _shard_articles(members, cache), strict=True)
    }
    return tuple(parsed[path] for path in paths)


def _shard(path: Path) -> str:
    """The shard of an article's file: by its name, so adding an article changes one shard."""
    return digest(path.name)[0]  # 16 shards: a hex digit


def _shard_articles(members: list[tuple[Path, str]], cache: Cache) -> tuple[Article, ...]:
    key = kinds.versioned(*(part for path, sha in members for part in (str(path), sha)))
    with collector.paused():  # every article parsed, held until the command ends
        found = cache.get(kinds.ARTICLES, key)
    if not (isinstance(found, tuple) and len(found) == len(members)):
        # not paused: parsing makes cycles (Python-Markdown's), which a frozen heap would keep
        # to the end; a cold cache's 200 articles held some 25 MB more
        found = tuple(_article(path, sha, cache) for path, sha in members)
        cache.put(kinds.ARTICLES, key, found)
    return found


def _article(path: Path, sha: str, cache: Cache) -> Article:
    key = kinds.versioned(path.name, sha)
    found = cache.get_slot(kinds.ARTICLE, str(path), key)
    if found is None:
        found = read_article(path)
        cache.put_slot(kinds.ARTICLE, str(path), key, found)
    return found


def load_catalogs(project: Project) -> Catalogs:
    """(locale, domain) -> Catalog for every PO that exists; all parse errors surface here."""
    return {
        (locale, domain): catalog.load(path, domain, locale)
        for (locale, domain), path in project.po_paths().items()
        if path.exists()
    }


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


def version_stats(project: Project, catalogs: Catalogs) -> dict[tuple[str, str], Stats]:
    """(article, locale) -> that version's translated share, by kind (``shown``); the source is complete.

    A version's figures depend on its PO, its locale's ``ui.po`` and ``glossary.po``, the
    article's texts, the glossary and the templates' texts alone. A build keeps them by article
    between builds (``build.figures``) and orders them as here (``in_order``).
    """
    counted = (_counted(project, catalogs, a) for a in project.articles)
    return in_order(counted, project.config.source_locale.name)


def in_order(table: Iterable[Counted], source: str) -> dict[tuple[str, str], Stats]:
    """Each article's figures, the sources' first, then article by article."""
    figures: dict[tuple[str, str], Stats] = {}
    others: dict[tuple[str, str], Stats] = {}
    for counted in table:
        for item, stats in counted.items():
            (figures if item[1] == source else others)[item] = stats
    return figures | others


def source_figures(project: Project, article: Article) -> tuple[tuple[str, str], Stats]:
    """The source version's figures: complete, by definition."""
    return (article.slug, project.config.source_locale.name), Stats(len(article.msgids), 0, 0)


Counted = dict[tuple[str, str], Stats]  # (article, locale) -> figures counted ahead (``counting``)


def _counted(project: Project, catalogs: Catalogs, article: Article) -> Counted:
    """An article's versions' figures, counted (without a cache)."""
    found = dict([source_figures(project, article)])
    for loc in project.config.locales:
        found[(article.slug, loc.name)] = figures_of(project, catalogs, article, loc)
    return found


def figures_of(project: Project, catalogs: Catalogs, article: Article, locale: LocaleInfo) -> Stats:
    """One version's figures: its article, its page's interface texts and glossary entries."""
    found = PageCatalogs(
        catalogs.get((locale.name, article.slug)),
        catalogs.get((locale.name, UI_DOMAIN)),
        catalogs.get((locale.name, GLOSSARY_DOMAIN)),
    )
    config = project.config
    return version_figures(
        article, found, locale, config.source_locale, project.interface, project.glossary
    )


def catalog_store(project: Project, cache: Cache) -> CatalogStore:
    """Every PO of the project, each hashed through ``cache`` (by its stamps where it keeps them)."""
    return CatalogStore(project.po_paths(), catalog.load, cache.file_digest)


def _site_name_unit(config: Config) -> Unit:
    """The site's name is a UI text: translators give it in ``ui.po``; its reference is its line in pyproject.toml."""
    pyproject = config.root / "pyproject.toml"
    lines = pyproject.read_text(encoding="utf-8-sig").splitlines() if pyproject.is_file() else []
    line = next((i for i, text in enumerate(lines, 1) if text.strip().startswith("site_name")), 1)
    return Unit(
        config.site_name,
        "the site's name, on every page (site_name in pyproject.toml)",
        line,
        file="pyproject.toml",
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
