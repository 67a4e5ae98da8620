"""Pages in their site: the full HTML of each version (switcher, alternates), the index, the sitemap.

Every page lists itself and all its alternates of the same reading level, reciprocally, plus
``x-default``; a plain page and its standard page share a BCP 47 tag, so they link to each other
visibly instead (WCAG 3.1.5).
"""

from __future__ import annotations

from collections.abc import Callable

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from pipeline.locales import LocaleInfo
from pipeline.model import Article, Catalog, Glossary, Page, Version
from pipeline.page import LocaleCatalogs, render_body
from pipeline.ui import N_, TEMPLATES_DIR, UiText

PLAIN_LABEL = N_("{language} – plain language")
TO_PLAIN = N_("Read this page in plain language")
TO_STANDARD = N_("Read the standard version of this page")
INDEX_TITLE = N_("All articles")


def template_environment() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=select_autoescape(["html", "xml"]), trim_blocks=True, lstrip_blocks=True)


LeafletHook = Callable[[Page, LocaleInfo, UiText], "dict[str, str] | None"]


def render_page(article: Article, version: Version, catalogs: LocaleCatalogs, source: LocaleInfo, glossary: Glossary, site: SiteContext, leaflet: LeafletHook | None = None) -> tuple[Page, str]:
    """The page's data and its full HTML.

    ``leaflet`` (``pipeline.leaflet.Leaflets``) makes the version's printable leaflet from the
    rendered body and returns the page's link to it ({href, size}), or None for no link.
    """
    ui = UiText(catalogs.ui, source.tag, catalogs.locale.tag)
    body = render_body(article, catalogs, source, glossary, ui)
    title = body.meta.get("title", [article.slug])[0]
    description = body.meta.get("description", [""])[0]
    page = Page(version=version, title=title, description=description, body_html=body.html, fallbacks=body.fallbacks, words=body.words)
    html = site.env.get_template("page.html").render(
        **site.page_context(version, catalogs.locale, ui),
        page=page,
        title=title,
        description=description,
        body=Markup(body.html),
        words=page.words,
        leaflet=leaflet(page, catalogs.locale, ui) if leaflet else None,
    )
    return page, html


class SiteContext:
    """What every page of a build shares: versions, URLs, the template environment."""

    def __init__(self, site_url: str, site_name: str, source: LocaleInfo, versions: dict[str, list[tuple[Version, LocaleInfo]]], ui_catalogs: dict[str, Catalog | None]) -> None:
        self.site_url = site_url
        self.site_name = site_name
        self.source = source
        self.versions = versions  # article slug -> [(version, locale)]
        self.ui_catalogs = ui_catalogs
        self.env = template_environment()

    def page_context(self, version: Version, locale: LocaleInfo, ui: UiText) -> dict[str, object]:
        siblings = self.versions[version.article]
        depth = version.path.count("/")
        root = "../" * depth
        return {
            "locale": locale,
            "root": root,
            "site_name": self.site_name,
            "source_tag": self.source.tag,
            "canonical": self.site_url + version.path,
            "alternates": self.alternates(siblings, locale.is_plain),
            "switcher": [self._switch_item(v, loc, root, v == version) for v, loc in siblings],
            "other_reading_level": self._other_reading_level(siblings, locale, root, ui),
            "_": ui.content,
            "_a": ui.attribute,
        }

    def alternates(self, siblings: list[tuple[Version, LocaleInfo]], plain: bool) -> list[dict[str, str]]:
        """hreflang links among versions of the same reading level (plain and standard share a tag)."""
        same_level = [(v, loc) for v, loc in siblings if loc.is_plain == plain]
        links = [{"hreflang": loc.tag, "href": self.site_url + v.path} for v, loc in same_level]
        default = next((v for v, loc in same_level if loc.base == self.source.name), same_level[0][0])
        return [*links, {"hreflang": "x-default", "href": self.site_url + default.path}]

    def _switch_item(self, version: Version, locale: LocaleInfo, root: str, current: bool) -> dict[str, object]:
        name = locale.native_name[:1].upper() + locale.native_name[1:]
        if locale.is_plain:
            name = UiText(self.ui_catalogs.get(locale.name), self.source.tag, locale.tag).attribute(PLAIN_LABEL, language=name)
        return {"href": root + version.path, "hreflang": locale.tag, "label": name, "current": current}

    def _other_reading_level(self, siblings: list[tuple[Version, LocaleInfo]], locale: LocaleInfo, root: str, ui: UiText) -> dict[str, str] | None:
        """WCAG 3.1.5: the standard page links to its plain version, and the plain one back."""
        target = f"{locale.base}@plain" if not locale.is_plain else locale.base
        match = next((v for v, loc in siblings if loc.name == target), None)
        if match is None:
            return None
        label = ui.content(TO_STANDARD if locale.is_plain else TO_PLAIN)
        return {"href": root + match.path, "hreflang": locale.tag, "label": label}

    def render_index(self, pages: list[Page]) -> str:
        ui = UiText(self.ui_catalogs.get(self.source.name), self.source.tag, self.source.tag)
        articles = []
        by_path = {p.version.path: p for p in pages}
        for slug, siblings in self.versions.items():
            items = []
            for version, locale in siblings:
                page = by_path.get(version.path)
                item = self._switch_item(version, locale, "", False)
                item.update(title=page.title if page else "", dir=locale.direction)
                items.append(item)
            source_page = by_path.get(siblings[0][0].path)
            articles.append({"title": source_page.title if source_page else slug, "versions": items})
        return self.env.get_template("index.html").render(
            locale=self.source,
            root="",
            site_name=self.site_name,
            source_tag=self.source.tag,
            canonical=self.site_url,
            alternates=[],
            switcher=[],
            title=ui.attribute(INDEX_TITLE),
            description="",
            articles=articles,
            _=ui.content,
            _a=ui.attribute,
        )

    def render_sitemap(self) -> str:
        """``sitemap.xml`` with ``xhtml:link`` alternates, as search engines read hreflang."""
        urls = [
            {"loc": self.site_url + version.path, "alternates": self.alternates(siblings, locale.is_plain)}
            for siblings in self.versions.values()
            for version, locale in siblings
        ]
        return self.env.get_template("sitemap.xml").render(urls=urls)
