"""Images an article shows: copied once into ``output/media/``, a locale's own version where it has one.

A translated diagram lives beside the translation, in ``locales/<locale>/<same path>``: it is
that language's translation work and travels with its catalogues; ``source/`` stays the authors'.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pipeline.config import Config
from pipeline.errors import SourceError
from pipeline.locales import LocaleInfo, parse_locale
from pipeline.model import Article, Asset
from pipeline.store import files


@dataclass(frozen=True)
class Media:
    """Local images to copy into output/, and for each version where its pages find them."""

    files: dict[str, Path]  # path under output/ -> file to copy
    urls: dict[
        tuple[str, str], dict[str, str]
    ]  # (article, locale) -> image path as written -> path under output/


def collect_media(config: Config, articles: tuple[Article, ...]) -> Media:
    """Every local image, once under ``output/media/``; a locale's own file (a translated
    diagram in ``locales/<locale>/<same path>``) replaces it on that locale's pages."""
    files: dict[str, Path] = {}
    urls: dict[tuple[str, str], dict[str, str]] = {}
    for article in articles:
        for asset in article.assets:
            if urlsplit(asset.src).scheme or asset.src.startswith(("/", "#")):
                continue  # a web address: the reader's browser fetches it
            rel = _image_in_source(config, article, asset)
            for locale in config.all_locales:
                out, path = _localized_image(config, rel, locale)
                files[out] = path
                urls.setdefault((article.slug, locale.name), {})[asset.src] = out
    return Media(files, urls)


def _image_in_source(config: Config, article: Article, asset: Asset) -> str:
    """The image's path under ``source/``; a missing file is the author's error, with its line."""
    path = (article.path.parent / unquote(urlsplit(asset.src).path)).resolve()
    source = config.source_dir.resolve()
    if not path.is_relative_to(source):
        raise SourceError(
            f"image {asset.src!r} is outside source/: keep an article's images under source/",
            article.path,
            asset.line,
        )
    if not path.exists():
        raise SourceError(
            f"image {asset.src!r} not found: there is no file {config.rel(path)}",
            article.path,
            asset.line,
        )
    reason = files.refusal(path, config.root)
    if reason:
        raise SourceError(
            f"image {asset.src!r}: {config.rel(path)} {reason}", article.path, asset.line
        )
    return path.relative_to(source).as_posix()


def _localized_image(config: Config, rel: str, locale: LocaleInfo) -> tuple[str, Path]:
    """``locales/es@plain/<rel>``, then ``locales/es/<rel>``, then ``source/<rel>``.

    An override is a translator's file and is published as it is: one that leads out of the
    project through a symbolic link, or is no regular file, is refused, never skipped.
    """
    for name in dict.fromkeys((locale.name, locale.base)):
        override = config.locales_dir / name / rel
        if name != config.source_locale.name and override.exists():
            files.check_file(override, config.root, SourceError)
            return f"media/{parse_locale(name).output_dir}/{rel}", override
    return f"media/{rel}", config.source_dir / rel
