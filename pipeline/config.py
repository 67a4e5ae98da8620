"""The project folder and its ``[tool.pipeline]`` table in ``pyproject.toml``, checked once.

Every key is validated here, readability targets included, and all problems are reported at
once naming ``pyproject.toml`` and the key, so a user fixes them in one go and no later command
meets a bad value for the first time.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pipeline.errors import ConfigError, LocaleError
from pipeline.headers import header_problem
from pipeline.language.formulas import Target, parse_target
from pipeline.locales import LocaleInfo, parse_locale
from pipeline.store import files

DEFAULT_SITE_URL = "https://example.org/"
DEFAULT_SITE_NAME = "Health articles"
# A health page is published in a language only when every text of it is translated and
# reviewed (not fuzzy): a side effect or a warning left in English is a safety problem for a
# reader who does not read English. Below it, the page is a translators' preview.
DEFAULT_PUBLISH_THRESHOLD = 100.0
DEFAULT_LEAFLET_SECONDS = 60.0  # CPU seconds one leaflet may take; the shipped article's takes < 1
KNOWN_KEYS = {
    "source_locale": "the language the articles are written in (gettext name), default 'en'",
    "locales": "the target locales (gettext names); default: every folder under locales/",
    "site_url": "the address the site is published at, for canonical and hreflang links",
    "site_name": "the site's name, shown on every page (translatable in ui.po)",
    "readability": 'per-locale targets: [tool.pipeline.readability."es"] metric = "…", min/max = N',
    "publish_threshold": "translated share (percent) from which a version is published",
    "publish_threshold_by_locale": "the same, per locale: { pt_BR = 80 }",
    "report_bugs_to": "address for the Report-Msgid-Bugs-To header of the catalogues",
    "require_review": "publish a translation only while its review is current (pipeline review); default false",
    "leaflets": "make a printable PDF leaflet of every published version (default true)",
    "leaflet_paper": "paper size of the printable leaflets: 'A4' (default) or 'Letter'",
    "when_source_changes": "a published translation whose source changed: 'keep' its last published version with a dated notice (default) or 'withdraw' it",
    "when_source_changes_by_locale": "the same, per locale: { ar = 'withdraw' }",
    "keep_days": "days a kept translation stays online while it is brought up to date (default 60)",
    "fail_on_withdrawal": "make build exit 1 when a published version is withdrawn (default false; build --strict does the same)",
    "leaflet_seconds": "CPU seconds one leaflet may take before that version goes without one (default 60)",
    "scheduler": "build on this Dask scheduler, e.g. 'tcp://host:8786' (pip install '.[cluster]'); default: this machine",
}
KEEP, WITHDRAW = "keep", "withdraw"  # what to do with a published translation whose source changed
DEFAULT_KEEP_DAYS = 60
LEAFLET_PAPERS = ("A4", "Letter")


@dataclass(frozen=True)
class Config:
    root: Path
    source_locale: LocaleInfo
    locales: tuple[LocaleInfo, ...]  # target locales, without the source locale
    site_url: str = DEFAULT_SITE_URL
    site_name: str = DEFAULT_SITE_NAME
    targets: dict[str, Target] = field(default_factory=dict)  # configured readability targets
    publish_threshold: float = DEFAULT_PUBLISH_THRESHOLD
    publish_thresholds: dict[str, float] = field(default_factory=dict)
    report_bugs_to: str = ""
    leaflet_paper: str = "A4"  # printable leaflets: "A4" or "Letter"
    require_review: bool = False  # publish only translations whose review is current
    leaflets: bool = True  # a printable PDF beside each published page
    when_source_changes: str = KEEP  # KEEP or WITHDRAW (see ``build.keeping``)
    when_source_changes_by_locale: dict[str, str] = field(default_factory=dict)
    keep_days: int = DEFAULT_KEEP_DAYS
    fail_on_withdrawal: bool = False
    leaflet_seconds: float = DEFAULT_LEAFLET_SECONDS  # a leaflet's CPU budget
    warnings: tuple[str, ...] = ()  # said once by the CLI, never fatal
    only: frozenset[str] = frozenset()  # ``-l``: the locales a command works on (empty: all)
    every_locale: tuple[LocaleInfo, ...] = ()  # with ``only``: the target locales of the site
    # Where ``build`` makes its versions (a Dask scheduler's address), not what it makes: left out
    # of ``repr``, which every cache key hashes, so a site built either way shares its cache.
    scheduler: str | None = field(default=None, compare=False, repr=False)

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

    def restricted(self, names: Collection[str]) -> Config:
        """Only these target locales (``pipeline -l es``); the source version stays, as every check's reference."""
        if not names:
            return self
        return replace(
            self,
            locales=tuple(loc for loc in self.locales if loc.name in names),
            only=frozenset(names),
            every_locale=self.locales,
        )

    def unrestricted(self) -> Config:
        """The whole site again (a ``-l`` build renders its locales among every published version)."""
        if not self.only:
            return self
        return replace(self, locales=self.every_locale, only=frozenset(), every_locale=())

    def policy_for(self, locale: str) -> str:
        """KEEP or WITHDRAW: what a build does with this locale's published translation of a changed source."""
        return self.when_source_changes_by_locale.get(locale, self.when_source_changes)

    def threshold_for(self, locale: str) -> float:
        return self.publish_thresholds.get(locale, self.publish_threshold)

    def rel(self, path: Path) -> str:
        """A path as the user sees it in messages and ``#:`` references: relative to the root."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)


class _Problems(list[str]):
    """Problems found so far, each naming its key."""

    def add(self, key: str, message: str) -> None:
        self.append(f"{key}: {message}")


def load_config(root: Path) -> Config:
    """Read ``root/pyproject.toml`` if present; without it, defaults and the locales found on disk."""
    root = _project_folder(root)
    table, pyproject = _read_table(root)
    problems = _Problems()
    _unknown_keys(table, problems)
    source = _locale(table.get("source_locale", "en"), "source_locale", problems)
    locales, warnings = _target_locales(table, root / "locales", problems)
    config = Config(
        root=root,
        source_locale=source or parse_locale("en"),
        locales=tuple(loc for loc in locales if source is None or loc.name != source.name),
        site_url=_site_url(table.get("site_url", DEFAULT_SITE_URL), problems),
        site_name=_header(table, "site_name", DEFAULT_SITE_NAME, problems),
        targets=_targets(table.get("readability", {}), problems),
        publish_threshold=_percent(
            table.get("publish_threshold", DEFAULT_PUBLISH_THRESHOLD), "publish_threshold", problems
        ),
        publish_thresholds=_thresholds(table.get("publish_threshold_by_locale", {}), problems),
        report_bugs_to=_header(table, "report_bugs_to", "", problems),
        leaflet_paper=_choice(table, "leaflet_paper", LEAFLET_PAPERS, problems),
        require_review=_boolean(table, "require_review", problems),
        leaflets=_boolean(table, "leaflets", problems, default=True),
        when_source_changes=_choice(table, "when_source_changes", (KEEP, WITHDRAW), problems),
        when_source_changes_by_locale=_policies_by_locale(table, problems),
        keep_days=_days(table.get("keep_days", DEFAULT_KEEP_DAYS), problems),
        fail_on_withdrawal=_boolean(table, "fail_on_withdrawal", problems),
        leaflet_seconds=_seconds(table, "leaflet_seconds", DEFAULT_LEAFLET_SECONDS, problems),
        warnings=tuple(warnings),
        scheduler=_scheduler(table, problems),
    )
    if problems:
        raise ConfigError("[tool.pipeline] " + "; ".join(problems), pyproject)
    return config


def _project_folder(root: Path) -> Path:
    """The root as an absolute folder; a wrong ``--root`` is said before anything is read."""
    root = root.resolve()
    if not root.is_dir():
        raise ConfigError(
            "project folder does not exist" if not root.exists() else "not a folder", root
        )
    return root


def _unknown_keys(table: dict[str, Any], problems: _Problems) -> None:
    """A misspelt key would otherwise be a default silently used: each one is a problem."""
    for key in sorted(set(table) - set(KNOWN_KEYS)):
        problems.add(key, f"unknown key (known: {', '.join(sorted(KNOWN_KEYS))})")


def _policies_by_locale(table: dict[str, Any], problems: _Problems) -> dict[str, str]:
    """``when_source_changes_by_locale``: KEEP or WITHDRAW for the locales that differ from the site's."""
    key = "when_source_changes_by_locale"
    return _per_locale(
        table.get(key, {}),
        key,
        problems,
        lambda v, where: _choice({where: v}, where, (KEEP, WITHDRAW), problems),
    )


def _read_table(root: Path) -> tuple[dict[str, Any], Path]:
    pyproject = root / "pyproject.toml"
    if not pyproject.exists():
        return {}, pyproject
    try:
        data = tomllib.loads(files.read_text(pyproject, ConfigError))
    except tomllib.TOMLDecodeError as exc:
        raise toml_error(exc, pyproject) from exc
    except UnicodeDecodeError as exc:
        raise ConfigError("not UTF-8 text: save the file as UTF-8", pyproject) from exc
    table = data.get("tool", {}).get("pipeline", {})
    if not isinstance(table, dict):
        raise ConfigError("[tool.pipeline] must be a table", pyproject)
    return table, pyproject


def toml_error(exc: tomllib.TOMLDecodeError, path: Path) -> ConfigError:
    """tomllib puts the position in its message (Python < 3.14 has no ``lineno``): make it our line."""
    match = re.search(r"\s*\(at line (\d+), column \d+\)$", str(exc))
    reason = str(exc)[: match.start()] if match else str(exc)
    return ConfigError(f"not valid TOML: {reason}", path, int(match.group(1)) if match else None)


def _locale(name: Any, key: str, problems: _Problems) -> LocaleInfo | None:
    if not isinstance(name, str):
        problems.add(key, f"expected a locale name, got {name!r}")
        return None
    try:
        return parse_locale(name)
    except LocaleError as exc:
        problems.add(key, exc.message)
        return None


def _target_locales(
    table: dict[str, Any], locales_dir: Path, problems: _Problems
) -> tuple[list[LocaleInfo], list[str]]:
    """The configured list, or every locale folder; a folder outside the list is a warning."""
    on_disk = locales_on_disk(locales_dir)
    names = table.get("locales")
    if names is None:
        return _parsed(on_disk, "locales/", problems), []
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        problems.add("locales", f"expected a list of locale names, got {names!r}")
        return [], []
    parsed = [info for i, n in enumerate(names) if (info := _locale(n, f"locales[{i}]", problems))]
    unlisted = [
        name for name in on_disk if name not in names and name != table.get("source_locale", "en")
    ]
    warnings = [
        f"pyproject.toml: locales/{name} exists but is not in [tool.pipeline] locales: it is not built; add it to the list"
        for name in unlisted
    ]
    return parsed, warnings


def _parsed(names: list[str], where: str, problems: _Problems) -> list[LocaleInfo]:
    return [info for name in names if (info := _locale(name, f"{where}{name}", problems))]


def locales_on_disk(locales_dir: Path) -> list[str]:
    """Locale folders made by ``pipeline init``, ``msginit`` or Weblate: ``locales/<name>/LC_MESSAGES``."""
    if not locales_dir.is_dir():
        return []
    # A hidden folder (a stray .git, an editor's .cache) is never a locale.
    return sorted(
        p.name
        for p in locales_dir.iterdir()
        if not p.name.startswith(".") and (p / "LC_MESSAGES").is_dir()
    )


def _site_url(value: Any, problems: _Problems) -> str:
    if not isinstance(value, str) or not value.startswith(("https://", "http://")):
        problems.add("site_url", f"expected an absolute http(s) URL, got {value!r}")
        return DEFAULT_SITE_URL
    return value.rstrip("/") + "/"


def _string(table: dict[str, Any], key: str, default: str, problems: _Problems) -> str:
    value = table.get(key, default)
    if not isinstance(value, str):
        problems.add(key, f"expected a string, got {value!r}")
        return default
    return value


def _header(table: dict[str, Any], key: str, default: str, problems: _Problems) -> str:
    """A string the catalogues' headers carry (Project-Id-Version, Report-Msgid-Bugs-To)."""
    value = _string(table, key, default, problems)
    problem = header_problem(value)
    if problem:
        problems.add(key, problem)
        return default
    return value


def _scheduler(table: dict[str, Any], problems: _Problems) -> str | None:
    value = table.get("scheduler")
    if value is None:
        return None
    if not isinstance(value, str) or not value or value != value.strip():
        problems.add(
            "scheduler",
            f"expected a Dask scheduler's address such as 'tcp://host:8786', got {value!r}",
        )
        return None
    return value


def _boolean(table: dict[str, Any], key: str, problems: _Problems, default: bool = False) -> bool:
    value = table.get(key, default)
    if not isinstance(value, bool):
        problems.add(key, f"expected true or false, got {value!r}")
        return default
    return value


def _choice(table: dict[str, Any], key: str, choices: tuple[str, ...], problems: _Problems) -> str:
    value = table.get(key, choices[0])
    if value not in choices:
        problems.add(key, f"expected one of {', '.join(repr(c) for c in choices)}, got {value!r}")
        return choices[0]
    return str(value)


def _seconds(table: dict[str, Any], key: str, default: float, problems: _Problems) -> float:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        problems.add(key, f"expected a number of seconds above 0, got {value!r}")
        return default
    return float(value)


def _percent(value: Any, key: str, problems: _Problems) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 100:
        problems.add(key, f"expected a percentage from 0 to 100, got {value!r}")
        return DEFAULT_PUBLISH_THRESHOLD
    return float(value)


def _days(value: Any, problems: _Problems) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        problems.add("keep_days", f"expected a whole number of days (0 or more), got {value!r}")
        return DEFAULT_KEEP_DAYS
    return value


def _thresholds(value: Any, problems: _Problems) -> dict[str, float]:
    return _per_locale(
        value, "publish_threshold_by_locale", problems, lambda v, key: _percent(v, key, problems)
    )


def _targets(value: Any, problems: _Problems) -> dict[str, Target]:
    def target(table: Any, key: str) -> Target | None:
        locale = parse_locale(key.split('"')[1])
        parsed = parse_target(locale.language, table)
        if isinstance(parsed, str):
            problems.add(key, parsed)
            return None
        return parsed

    return _per_locale(value, "readability", problems, target)


def _per_locale(
    value: Any, key: str, problems: _Problems, parse: Callable[[Any, str], Any]
) -> dict[str, Any]:
    """A table keyed by locale name; every locale name and every value is checked."""
    if not isinstance(value, dict):
        problems.add(key, f"expected a table keyed by locale name, got {value!r}")
        return {}
    parsed = {}
    for name, item in value.items():
        where = f'{key}."{name}"'
        if _locale(name, where, problems) is None:
            continue
        result = parse(item, where)
        if result is not None:
            parsed[name] = result
    return parsed
