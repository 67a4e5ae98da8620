"""``pipeline review``: a reviewer signs off complete versions; the record goes into each PO header."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pipeline.catalog import catalogs as catalog
from pipeline.catalog import review
from pipeline.errors import CatalogError, ConfigError, SourceError
from pipeline.headers import header_problem
from pipeline.locales import parse_locale
from pipeline.model import stats_of
from pipeline.project import Project


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
    problem = header_problem(reviewer)
    if problem:
        raise ConfigError(f"--by: {problem}")
    locales = [parse_locale(name) for name in names]
    articles = [a for a in project.articles if slugs is None or a.slug in slugs]
    unknown = sorted(set(slugs or ()) - {a.slug for a in project.articles})
    if unknown:
        raise SourceError(f"no article named {unknown[0]!r} in source/", project.config.source_dir)
    signed = []  # (path, headers, what the PO was when read): written together, or none
    for locale in locales:
        for article in articles:
            path = project.po_path(locale.name, article.slug)
            if not path.exists():
                raise CatalogError(
                    f"no catalogue to review: run `pipeline init {locale.name}` and translate it first",
                    path,
                )
            found, was = catalog.load_seen(path, article.slug, locale.name)
            figures = stats_of(found, article.msgids)
            if figures.translated != figures.total:
                raise CatalogError(
                    f"{figures.untranslated} untranslated and {figures.fuzzy} fuzzy text(s): a review signs off a complete translation",
                    path,
                )
            signed.append((path, review.sign_off(article, found, reviewer.strip(), when), was))
    catalog.set_headers(signed)
    return [path for path, _headers, _was in signed]
