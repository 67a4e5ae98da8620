"""Reads ``source/``: each ``<slug>.md`` into an ``Article``, ``glossary.toml`` into a ``Glossary``.

Python-Markdown keeps no line numbers, so each unit's ``#:`` line is found by searching the
source text forward from the previous unit's line (footnotes and abbreviations, which the
tree moves, are found by a search from the top).
"""

from __future__ import annotations

import re
import tomllib
from itertools import chain
from pathlib import Path
from typing import Any

from pipeline.config import toml_error
from pipeline.errors import SourceError
from pipeline.model import Article, Glossary, Term, Unit
from pipeline.segment import make_markdown, normalize

META_KINDS = {"title": "page title (metadata)", "description": "page description (metadata)"}
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
GLOSSARY_FILE = "glossary.toml"


def article_paths(source_dir: Path) -> list[Path]:
    if not source_dir.is_dir():
        raise SourceError("no source/ folder: articles live in source/<slug>.md", source_dir)
    return sorted(source_dir.glob("*.md"))


def read_article(path: Path) -> Article:
    """Collect the units of one article, with the line each starts on."""
    slug = path.stem
    if not _SLUG.match(slug):
        raise SourceError(f"article file name {path.name!r} must be lower-case letters, digits and '-' (it is the gettext domain and the page URL)", path)
    text = _read_text(path)
    found: list[tuple[str, str]] = []

    def collect(unit_text: str, kind: str) -> str:
        found.append((unit_text, kind))
        return unit_text

    md = make_markdown(collect)
    try:
        md.convert(text)
    except RecursionError as exc:  # Python-Markdown parses nested blocks recursively: a few hundred levels is its limit
        raise SourceError("lists or quotes nested too deeply for the Markdown parser: flatten them", path, _deepest_line(text)) from exc
    meta = getattr(md, "Meta", {})
    lines = text.replace("\r\n", "\n").split("\n")  # as Python-Markdown counts lines (not U+2028)
    body_start = lines.index("") if meta and "" in lines else 0
    units = _meta_units(meta, text) + _locate(found, lines, body_start)
    if not any(u.kind == META_KINDS["title"] for u in units):
        raise SourceError("the article has no 'Title:' metadata line at the top", path, 1)
    metadata = {key: " ".join(lines).strip() for key, lines in meta.items()}
    return Article(slug=slug, path=path, text=text, units=tuple(sorted(units, key=lambda u: u.line)), metadata=metadata)


def _deepest_line(text: str) -> int:
    """The most indented or most quoted line: where a reader of the error should look."""
    lines = text.split("\n")
    depth = [len(line) - len(line.lstrip(" \t>")) for line in lines]
    return depth.index(max(depth)) + 1 if lines else 1


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise SourceError(f"not UTF-8 text ({exc.reason})", path, line) from exc


def _meta_units(meta: dict[str, list[str]], text: str) -> list[Unit]:
    lines = text.replace("\r\n", "\n").split("\n")  # as Python-Markdown counts lines (not U+2028)
    units = []
    for key, kind in META_KINDS.items():
        if meta.get(key):
            line = next((i for i, l in enumerate(lines, 1) if l.lower().startswith(f"{key}:")), 1)
            units.append(Unit(normalize(" ".join(meta[key])), kind, line))
    return units


def _locate(found: list[tuple[str, str]], lines: list[str], cursor: int) -> list[Unit]:
    units = []
    for unit_text, kind in found:
        line = _find_line(unit_text, kind, lines, cursor)
        if not kind.startswith(("footnote", "expansion")):
            cursor = line - 1
        units.append(Unit(unit_text, kind, line))
    return units


def _find_line(unit_text: str, kind: str, lines: list[str], start: int) -> int:
    """The first source line at or after ``start`` holding the unit's first words."""
    needle = unit_text.split("\n", 1)[0].strip()[:40]
    if kind.startswith("expansion of the abbreviation "):
        needle = f"*[{kind.rsplit(' ', 1)[1]}]:"
    # chain(), not a tuple of both ranges: building that tuple cost O(lines) per unit, which made
    # reading an article quadratic (a 110,000-paragraph article never finished).
    for lineno in chain(range(start, len(lines)), range(0, start)):
        if needle in lines[lineno] or needle in _unescape(lines[lineno]):
            return lineno + 1
    return start + 1


def _unescape(line: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"\\(.)", r"\1", line))


def read_glossary(source_dir: Path) -> Glossary:
    """``source/glossary.toml``: ``[[terms]]`` tables; an absent file is an empty glossary.

    Every value is checked here, with the term's line: a wrong one would otherwise surface as a
    traceback while rendering, or as a ``glossary.pot`` the next ``update`` cannot read.
    """
    path = source_dir / GLOSSARY_FILE
    if not path.exists():
        return Glossary(path=path, terms=())
    raw = _read_text(path)
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        error = toml_error(exc, path)
        raise SourceError(error.message, path, error.line) from exc
    entries = data.get("terms", [])
    if not isinstance(entries, list):
        raise SourceError("'terms' must be [[terms]] tables, one per term", path, _key_line(raw, "terms"))
    lines = _term_lines(raw)
    terms = tuple(_term(entry, i, path, lines) for i, entry in enumerate(entries))
    _no_duplicates(terms, path)
    return Glossary(path=path, terms=terms)


def _key_line(raw: str, key: str) -> int | None:
    return next((i for i, line in enumerate(raw.splitlines(), 1) if line.strip().startswith(key)), None)


def _no_duplicates(terms: tuple[Term, ...], path: Path) -> None:
    """A term defined twice: name both places, so the editor can pick one."""
    first: dict[str, Term] = {}
    for term in terms:
        earlier = first.setdefault(term.term.lower(), term)
        if earlier is not term:
            raise SourceError(f"term {term.term!r} is defined twice: line {earlier.line} and line {term.line}", path, term.line)


def _term_lines(raw: str) -> list[int]:
    """Line of each ``[[terms]]`` header, so a glossary finding points at its term."""
    return [i for i, line in enumerate(raw.splitlines(), 1) if line.strip() == "[[terms]]"]


_OPTIONAL = {"expansion": str, "pronunciation": str, "keep": bool}


def _term(entry: Any, index: int, path: Path, lines: list[int]) -> Term:
    line = lines[index] if index < len(lines) else None
    where = f"terms[{index}]"
    if not isinstance(entry, dict) or not isinstance(entry.get("term"), str) or not isinstance(entry.get("definition"), str):
        raise SourceError(f"{where}: every term needs 'term' and 'definition' strings", path, line)
    if not entry["term"].strip():
        raise SourceError(f"{where}: 'term' is empty", path, line)
    where = f"{where} ({entry['term'].strip()})"
    unknown = set(entry) - {"term", "definition", "variants", *_OPTIONAL}
    if unknown:
        raise SourceError(f"{where}: unknown keys {sorted(unknown)}", path, line)
    for key, kind in _OPTIONAL.items():
        if key in entry and (not isinstance(entry[key], kind) or (kind is str and not entry[key].strip())):
            raise SourceError(f"{where}: '{key}' must be {'true or false' if kind is bool else 'a non-empty string'}, got {entry[key]!r}", path, line)
    if not normalize(entry["definition"]):
        raise SourceError(f"{where}: 'definition' is empty", path, line)
    variants = entry.get("variants", [])
    if not isinstance(variants, list) or not all(isinstance(v, str) and v.strip() for v in variants):
        raise SourceError(f"{where}: 'variants' must be a list of non-empty strings", path, line)
    return Term(
        term=entry["term"].strip(),
        definition=normalize(entry["definition"]),
        line=line or 1,
        expansion=entry.get("expansion"),
        keep=entry.get("keep", False),
        variants=tuple(variants),
        pronunciation=entry.get("pronunciation"),
    )
