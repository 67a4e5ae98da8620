"""Reads ``source/``: each ``<slug>.md`` into an ``Article``, ``glossary.toml`` into a ``Glossary``.

Python-Markdown keeps no line numbers, so each unit's ``#:`` line is found in the source text:
the unit's first words (up to eight, any line breaks, ``>`` markers and escapes between them)
are searched forward from where the previous unit's words ended, so short texts, table cells
on one line and texts repeated from a heading get their own line. Fenced code and front
matter are blanked out of the search first (their words are never units). Footnotes and
abbreviation expansions, which the tree moves to the end, are searched after their
``[^label]:`` / ``*[ABBR]:`` definition. Images, alt texts and raw HTML blocks, found after
inline processing, have a forward search of their own. A unit of a raw HTML block is at its
block's line (the block's first line, searched forward) plus its line within the block.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from pipeline.config import toml_error
from pipeline.errors import SourceError
from pipeline.model import Article, Asset, Glossary, Term, Unit
from pipeline.source.frontmatter import FrontMatterError
from pipeline.source.rawhtml import local_image
from pipeline.source.segment import Collected, Found, collect, normalize
from pipeline.source.sourcetext import SourceText
from pipeline.store import files

REMOVED_KIND = "removed from the page (script, frame or script URL)"
META_KINDS = {"title": "page title (metadata)", "description": "page description (metadata)"}
RAW_HTML_KIND = "raw HTML (SVG or MathML) that stays in the source language"
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
NEEDLE_WORDS = 8
GLOSSARY_FILE = "glossary.toml"


def article_paths(source_dir: Path) -> list[Path]:
    """Every article; one that is a link out of the project, or no file at all, is refused."""
    if not source_dir.is_dir():
        raise SourceError("no source/ folder: articles live in source/<slug>.md", source_dir)
    paths = sorted(source_dir.glob("*.md"))
    return files.check_files(source_dir, paths, source_dir.parent, SourceError)


def read_article(path: Path) -> Article:
    """Collect the units of one article, with the line each starts on."""
    slug = path.stem
    if not _SLUG.match(slug):
        raise SourceError(
            f"article file name {path.name!r} must be lower-case letters, digits and '-' (it is the gettext domain and the page URL)",
            path,
        )
    return parse_article(path, _read_text(path))


def parse_article(path: Path, text: str) -> Article:
    """An article from its text, as if read from ``path`` (a kept version's text as published)."""
    slug = path.stem
    try:
        found = collect(text)
    except FrontMatterError as exc:
        raise SourceError(str(exc), path, exc.line) from exc
    except (
        RecursionError
    ) as exc:  # Python-Markdown parses nested blocks recursively: a few hundred levels is its limit
        raise SourceError(
            "lists or quotes nested too deeply for the Markdown parser: flatten them",
            path,
            _deepest_line(text),
        ) from exc
    source = SourceText(text, found.body_start)
    units = _meta_units(found) + _locate(found.units, source)
    metadata = {key: " ".join(lines).strip() for key, lines in found.meta.items()}
    if not metadata.get("title"):
        metadata["title"] = _first_heading(units, path)
    return Article(
        slug=slug,
        path=path,
        text=text,
        units=tuple(sorted(units, key=lambda u: u.line)),
        metadata=metadata,
        assets=_assets(found, source),
        untranslatable=_raw_blocks(found, source),
        removed=_removed(found, source),
    )


def _first_heading(units: list[Unit], path: Path) -> str:
    """An article without ``Title:`` metadata is titled by its first level-1 heading (as MkDocs does)."""
    heading = next((u for u in units if u.kind == "heading (h1)"), None)
    if heading is None:
        raise SourceError(
            "the article has no title: add a 'Title:' line at the top, 'title:' in its '---' front matter, or a level-1 heading ('# Title')",
            path,
            1,
        )
    return heading.msgid


def _deepest_line(text: str) -> int:
    """The most indented or most quoted line: where a reader of the error should look."""
    lines = text.split("\n")
    depth = [len(line) - len(line.lstrip(" \t>")) for line in lines]
    return depth.index(max(depth)) + 1 if lines else 1


def _read_text(path: Path) -> str:
    try:
        return files.read_text(path, SourceError)
    except UnicodeDecodeError as exc:
        line = files.read_bytes(path, SourceError)[: exc.start].count(b"\n") + 1
        raise SourceError(f"not UTF-8 text ({exc.reason})", path, line) from exc


def _meta_units(found: Collected) -> list[Unit]:
    return [
        Unit(normalize(" ".join(found.meta[key])), kind, found.meta_lines.get(key, 1))
        for key, kind in META_KINDS.items()
        if found.meta.get(key) and " ".join(found.meta[key]).strip()
    ]


def _locate(found: list[Found], source: SourceText) -> list[Unit]:
    units = []
    cursor = attribute_cursor = source.body
    blocks = _RawBlocks(source)
    for unit in found:
        if unit.raw_at is not None:
            line = blocks.line(*unit.raw_at)
        elif unit.hint:
            line, _ = _find(
                unit.text,
                source,
                _after_hint(unit.hint, source),
                hint=unit.kind.startswith("expansion"),
            )
        elif unit.kind in ATTRIBUTE_KINDS:
            line, attribute_cursor = _find(unit.text, source, attribute_cursor)
        else:
            line, cursor = _find(unit.text, source, cursor)
        units.append(Unit(unit.text, unit.kind, line, context=unit.context))
    return units


ATTRIBUTE_KINDS = {"image alt text", "image title", "link title"}


class _RawBlocks:
    """Where each raw HTML block starts: its first line, searched forward once per block."""

    def __init__(self, source: SourceText) -> None:
        self.source = source
        self.cursor = source.body
        self.starts: dict[int, int] = {}  # stash index -> 1-based line

    def line(self, first: str, index: int, offset: int) -> int:
        if index not in self.starts:
            place = self.source.find(first[:60], self.cursor)
            self.starts[index] = self.source.line_of(place[0] if place else self.cursor)
            self.cursor = place[1] if place else self.cursor
        return self.starts[index] + offset - 1


def _after_hint(hint: str, source: SourceText) -> int:
    match = source.search(re.compile(r"^[ ]{0,3}" + re.escape(hint), re.MULTILINE), 0)
    return match.start() if match else source.body


def _find(text: str, source: SourceText, start: int, hint: bool = False) -> tuple[int, int]:
    """(line, next cursor): the first place at or after ``start`` where the text's first words are."""
    if hint:
        return source.line_of(start), start
    place = source.find_words(text, start, NEEDLE_WORDS) or source.find_words(text, start, 1)
    if place is None:
        return source.line_of(start), start
    return source.line_of(place[0]), place[1]


def _assets(found: Collected, source: SourceText) -> tuple[Asset, ...]:
    """Every local image, with the line it is written on (a file a page must be able to show)."""
    assets, cursor = [], source.body
    for src in found.images:
        if not local_image(src):
            continue
        place = source.find(src, cursor) or source.find(src, 0)
        line = source.line_of(place[0] if place else cursor)
        cursor = place[1] if place else cursor
        assets.append(Asset(src, line))
    return tuple(assets)


def _raw_blocks(found: Collected, source: SourceText) -> tuple[Unit, ...]:
    """Raw HTML words no unit offers (SVG, MathML): they stay in the source language, and the report says where."""
    units, cursor = [], source.body
    for html, visible in found.raw_blocks:
        first = next((line.strip() for line in html.splitlines() if line.strip()), html.strip())
        place = source.find(first[:60], cursor)
        line = source.line_of(place[0] if place else cursor)
        cursor = place[1] if place else cursor
        units.append(Unit(visible, RAW_HTML_KIND, line))
    return tuple(units)


def _removed(found: Collected, source: SourceText) -> tuple[Unit, ...]:
    """Each script, frame or script URL the sanitizer removes, at the line where it is written."""
    units, cursor = [], source.body
    for part in found.removed:
        place = source.find(part, cursor)
        line = source.line_of(place[0] if place else cursor)
        cursor = place[1] if place else cursor
        units.append(Unit(part, REMOVED_KIND, line))
    return tuple(units)


def read_glossary(source_dir: Path) -> Glossary:
    """``source/glossary.toml``: ``[[terms]]`` tables; an absent file is an empty glossary.

    Every value is checked here, with the term's line: a wrong one would otherwise surface as a
    traceback while rendering, or as a ``glossary.pot`` the next ``update`` cannot read.
    """
    path = source_dir / GLOSSARY_FILE
    if not path.exists():
        return Glossary(path=path, terms=())
    raw = _read_text(files.check_file(path, source_dir.parent, SourceError))
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        error = toml_error(exc, path)
        raise SourceError(error.message, path, error.line) from exc
    entries = data.get("terms", [])
    if not isinstance(entries, list):
        raise SourceError(
            "'terms' must be [[terms]] tables, one per term", path, _key_line(raw, "terms")
        )
    lines = _term_lines(raw)
    terms = tuple(_term(entry, i, path, lines) for i, entry in enumerate(entries))
    _no_duplicates(terms, path)
    return Glossary(path=path, terms=terms)


def _key_line(raw: str, key: str) -> int | None:
    return next(
        (i for i, line in enumerate(raw.splitlines(), 1) if line.strip().startswith(key)), None
    )


def _no_duplicates(terms: tuple[Term, ...], path: Path) -> None:
    """A term defined twice: name both places, so the editor can pick one."""
    first: dict[str, Term] = {}
    for term in terms:
        earlier = first.setdefault(term.term.lower(), term)
        if earlier is not term:
            raise SourceError(
                f"term {term.term!r} is defined twice: line {earlier.line} and line {term.line}",
                path,
                term.line,
            )


def _term_lines(raw: str) -> list[int]:
    """Line of each ``[[terms]]`` header, so a glossary finding points at its term."""
    return [i for i, line in enumerate(raw.splitlines(), 1) if line.strip() == "[[terms]]"]


_OPTIONAL = {"expansion": str, "pronunciation": str, "keep": bool}


def _term(entry: Any, index: int, path: Path, lines: list[int]) -> Term:
    line = lines[index] if index < len(lines) else None
    where = f"terms[{index}]"
    if (
        not isinstance(entry, dict)
        or not isinstance(entry.get("term"), str)
        or not isinstance(entry.get("definition"), str)
    ):
        raise SourceError(f"{where}: every term needs 'term' and 'definition' strings", path, line)
    if not entry["term"].strip():
        raise SourceError(f"{where}: 'term' is empty", path, line)
    where = f"{where} ({entry['term'].strip()})"
    unknown = set(entry) - {"term", "definition", "variants", *_OPTIONAL}
    if unknown:
        raise SourceError(f"{where}: unknown keys {sorted(unknown)}", path, line)
    for key, kind in _OPTIONAL.items():
        if key in entry and (
            not isinstance(entry[key], kind) or (kind is str and not entry[key].strip())
        ):
            raise SourceError(
                f"{where}: '{key}' must be {'true or false' if kind is bool else 'a non-empty string'}, got {entry[key]!r}",
                path,
                line,
            )
    if not normalize(entry["definition"]):
        raise SourceError(f"{where}: 'definition' is empty", path, line)
    variants = entry.get("variants", [])
    if not isinstance(variants, list) or not all(
        isinstance(v, str) and v.strip() for v in variants
    ):
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
