"""The project folder and its ``[tool.pipeline]`` table in ``pyproject.toml``.

All problems in the table are collected and reported at once, so a user fixes them in one go.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import ConfigError, LocaleError
from pipeline.locales import LocaleInfo, parse_locale

DEFAULT_SITE_URL = "https://example.org/"
KNOWN_KEYS = {"source_locale", "locales", "site_url", "site_name", "readability", "leaflet_paper"}
LEAFLET_PAPERS = ("A4", "Letter")


@dataclass(frozen=True)
class Config:
    root: Path
    source_locale: LocaleInfo
    locales: tuple[LocaleInfo, ...]  # target locales, without the source locale
    site_url: str = DEFAULT_SITE_URL
    site_name: str = "Health articles"
    readability: dict[str, Any] = field(default_factory=dict)
    leaflet_paper: str = "A4"  # printable leaflets: "A4" or "Letter"

    @property
    def source_dir(self) -> Path:
        return self.root / "source"

    @property
    def locales_dir(self) -> Path:
        return self.root / "locales"

    @property
    def output_dir(self) -> Path:
        return self.root / "output"

    @property
    def all_locales(self) -> tuple[LocaleInfo, ...]:
        return (self.source_locale, *self.locales)

    def rel(self, path: Path) -> str:
        """A path as the user sees it in messages and ``#:`` references: relative to the root."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)


def load_config(root: Path) -> Config:
    """Read ``root/pyproject.toml`` if present; without it, defaults and the locales found on disk."""
    root = root.resolve()
    if not root.is_dir():
        raise ConfigError("project folder does not exist", root)
    table, pyproject = _read_table(root)
    problems: list[str] = []
    unknown = sorted(set(table) - KNOWN_KEYS)
    if unknown:
        problems.append(f"unknown keys {unknown} (known: {sorted(KNOWN_KEYS)})")
    source = _locale(table.get("source_locale", "en"), "source_locale", problems)
    names = table.get("locales")
    if names is None:
        names = _discover_locales(root / "locales")
    elif not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        problems.append(f"locales: expected a list of locale names, got {names!r}")
        names = []
    locales = [info for i, n in enumerate(names) if (info := _locale(n, f"locales[{i}]", problems))]
    site_url = table.get("site_url", DEFAULT_SITE_URL)
    if not isinstance(site_url, str) or not site_url.startswith(("https://", "http://")):
        problems.append(f"site_url: expected an absolute http(s) URL, got {site_url!r}")
    paper = table.get("leaflet_paper", "A4")
    if not isinstance(paper, str) or paper.lower() not in {p.lower() for p in LEAFLET_PAPERS}:
        problems.append(f"leaflet_paper: expected one of {list(LEAFLET_PAPERS)}, got {paper!r}")
    if problems or source is None:
        raise ConfigError("[tool.pipeline]: " + "; ".join(problems), pyproject)
    return Config(
        root=root,
        source_locale=source,
        locales=tuple(loc for loc in locales if loc.name != source.name),
        site_url=site_url.rstrip("/") + "/",
        site_name=str(table.get("site_name", "Health articles")),
        readability=dict(table.get("readability", {})),
        leaflet_paper=paper,
    )


def _read_table(root: Path) -> tuple[dict[str, Any], Path]:
    pyproject = root / "pyproject.toml"
    if not pyproject.exists():
        return {}, pyproject
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"not valid TOML: {exc}", pyproject) from exc
    table = data.get("tool", {}).get("pipeline", {})
    if not isinstance(table, dict):
        raise ConfigError("[tool.pipeline] must be a table", pyproject)
    return table, pyproject


def _locale(name: Any, key: str, problems: list[str]) -> LocaleInfo | None:
    if not isinstance(name, str):
        problems.append(f"{key}: expected a locale name, got {name!r}")
        return None
    try:
        return parse_locale(name)
    except LocaleError as exc:
        problems.append(f"{key}: {exc.message}")
        return None


def _discover_locales(locales_dir: Path) -> list[str]:
    if not locales_dir.is_dir():
        return []
    return sorted(p.name for p in locales_dir.iterdir() if (p / "LC_MESSAGES").is_dir())
