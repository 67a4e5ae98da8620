"""The pages that list the versions: ``index.html`` in the source language, one
``<tag>/index.html`` per language, and ``sitemap.xml``.

Only published versions are listed, as on the pages themselves (``pipeline.render.site``). A
title shown in another language than its index (an untranslated title, an Arabic title on the
English index) carries its own ``lang``/``dir``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.locales import LocaleInfo
from pipeline.model import Page
from pipeline.render.ui import N_, UiText

if TYPE_CHECKING:  # the site's pages call these functions: typed only, not imported back
    from pipeline.render.site import SiteContext

INDEX_TITLE = N_("All articles")
IN_PLAIN = N_("plain language")


def render_index(site: SiteContext, pages: list[Page]) -> str:
    """``index.html``: every article with each of its published versions, in the source language."""
    source = site.source
    ui = UiText(site.ui_catalogs.get(source.name), source.tag, source.tag)
    titles = {p.version.path: p.title for p in pages}
    articles = []
    for slug in site.versions:
        published = site.published(slug)
        source_title = titles.get(published[0][0].path, slug)
        items = []
        for version, locale in published:
            item = site.switch_item(version, locale, "", False)
            title = titles.get(version.path, "")
            item.update(
                title=title, title_attrs=title_attrs(source, title, locale, source_title, source)
            )
            items.append(item)
        articles.append({"title": source_title, "versions": items})
    return _render_index_page(
        site,
        source,
        ui,
        "",
        "index.html",
        articles=articles,
        language_indexes=_language_indexes(site, "", None),
    )


def locale_indexes(site: SiteContext) -> dict[str, LocaleInfo]:
    """``<tag>/index.html`` -> its language: every language with a version, plain ones aside."""
    return {f"{loc.tag}/index.html": loc for loc in _languages_with_an_index(site)}


def render_locale_index(site: SiteContext, locale: LocaleInfo, pages: list[Page]) -> str:
    """A language's index: every article, in that language where it is published (the
    titles it shows are that language's and the source's)."""
    ui = UiText(site.ui_catalogs.get(locale.name), site.source.tag, locale.tag)
    titles = {p.version.path: p.title for p in pages}
    entries = [_index_entry(site, slug, locale, titles) for slug in site.versions]
    return _render_index_page(
        site,
        locale,
        ui,
        "../",
        f"{locale.tag}/index.html",
        entries=entries,
        language_indexes=_language_indexes(site, "../", locale),
    )


def render_sitemap(site: SiteContext) -> str:
    """``sitemap.xml`` with ``xhtml:link`` alternates, as search engines read hreflang: published versions only."""
    urls = [
        {
            "loc": site.site_url + version.path,
            "alternates": site.alternates(site.published(slug), locale.is_plain),
        }
        for slug in site.versions
        for version, locale in site.published(slug)
    ]
    return site.env.get_template("sitemap.xml").render(urls=urls)


def title_attrs(
    source: LocaleInfo, title: str, locale: LocaleInfo, source_title: str, shown_in: LocaleInfo
) -> dict[str, str]:
    """``lang`` (and ``dir`` when it differs from the index it is ``shown_in``) of a title as written: a title
    that fell back to the source language is marked as the source language, never as its version's."""
    written = source if locale.language != source.language and title == source_title else locale
    attrs = {"lang": written.tag}
    if written.direction != shown_in.direction:
        attrs["dir"] = written.direction
    return attrs


def _languages_with_an_index(site: SiteContext) -> list[LocaleInfo]:
    """The source language first, then every other language with a version, by name."""
    found = {
        loc.name: loc
        for siblings in site.versions.values()
        for _, loc in siblings
        if not loc.is_plain
    }
    return [site.source, *(loc for name, loc in sorted(found.items()) if name != site.source.name)]


def _index_entry(
    site: SiteContext, slug: str, locale: LocaleInfo, titles: dict[str, str]
) -> dict[str, object]:
    """One article on a language's index: its version in that language, else the source's."""
    published = site.published(slug)
    source_version = published[0][0]
    own = next(
        ((v, loc) for v, loc in published if loc.name == locale.name),
        (source_version, site.source),
    )
    plain = next((v for v, loc in published if loc.name == f"{locale.name}@plain"), None)
    title = titles.get(own[0].path, slug)
    source_title = titles.get(source_version.path, slug)
    return {
        "href": "../" + own[0].path,
        "hreflang": own[1].tag,
        "title": title,
        "title_attrs": title_attrs(site.source, title, own[1], source_title, locale),
        "plain_href": "../" + plain.path if plain else None,
    }


def _language_indexes(
    site: SiteContext, root: str, current: LocaleInfo | None
) -> list[dict[str, object]]:
    """The switcher of an index: each language with at least one published version."""
    languages = {loc.name for slug in site.versions for _, loc in site.published(slug)}
    return [
        {
            "href": f"{root}{loc.tag}/index.html",
            "hreflang": loc.tag,
            "label": site.language_name(loc),
            "current": current is not None and loc.name == current.name,
        }
        for loc in _languages_with_an_index(site)
        if loc.name in languages
    ]


def _render_index_page(
    site: SiteContext, locale: LocaleInfo, ui: UiText, root: str, path: str, **content: object
) -> str:
    """An index around the frame every page has; a language with no published version gets its
    index all the same, marked noindex."""
    lists_a_published_version = any(
        loc.name == locale.name for slug in site.versions for _, loc in site.published(slug)
    )
    return site.env.get_template("index.html").render(
        **site.base_context(locale, ui, root),
        canonical=site.site_url + path,
        noindex=not lists_a_published_version,
        alternates=[],
        switcher=content.pop("language_indexes"),
        title=ui.attribute(INDEX_TITLE),
        heading=ui.content(INDEX_TITLE),
        plain_label=ui.content(IN_PLAIN),
        description="",
        **content,
    )
