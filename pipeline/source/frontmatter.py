"""An article's metadata: MultiMarkdown ``Title:`` lines or the ``---`` YAML front matter of
Jekyll, Hugo and MkDocs, read into ``md.Meta`` the way Python-Markdown's ``meta`` extension does.

The ``meta`` extension reads YAML front matter line by line as ``Key: value`` pairs: a blank
line, a comment or a list inside it ends the metadata and the rest of it, closing ``---``
included, becomes body text and an ``<hr>``. Here a document that opens with ``---`` and has a
closing ``---`` (or ``...``) line is parsed by PyYAML's ``safe_load`` instead; anything else
goes to the ``meta`` extension's own preprocessor, unchanged.

| class                      | registry      | priority | why there                                   |
|----------------------------|---------------|----------|---------------------------------------------|
| ``FrontMatterPreprocessor`` | preprocessors | 27       | the ``meta`` extension's place: after white |
|                            |               |          | space is normalised (30), before fenced code |
|                            |               |          | (25) and raw HTML (20) see the lines         |
"""

from __future__ import annotations

import datetime
import json
import re
from functools import cache
from typing import Any

import markdown
from markdown.extensions import Extension
from markdown.extensions.meta import META_MORE_RE, META_RE, MetaPreprocessor

_OPEN = "---"
_CLOSE = ("---", "...")
_BLOCK_SCALAR = re.compile(r"(?:[>|][-+]?[1-9]?)?")


class FrontMatterError(ValueError):
    """Front matter that is not a YAML mapping; ``line`` is 1-based in the article."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


class FrontMatterExtension(Extension):
    """Replaces the ``meta`` extension; ``body_start`` is the 0-based line where the body begins."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.body_start = 0
        self.key_lines: dict[str, int] = {}  # lower-case key -> 1-based line of the key

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Python-Markdown API)
        md.registerExtension(self)
        self.md = md
        md.preprocessors.register(FrontMatterPreprocessor(md, self), "meta", 27)

    def reset(self) -> None:
        self.md.Meta = {}  # type: ignore[attr-defined]
        self.body_start = 0
        self.key_lines = {}


class FrontMatterPreprocessor(MetaPreprocessor):
    def __init__(self, md: markdown.Markdown, ext: FrontMatterExtension) -> None:
        super().__init__(md)
        self.ext = ext

    def run(self, lines: list[str]) -> list[str]:
        end = _closing_line(lines)
        if end is None and not _metadata_block(lines):
            self.md.Meta = {}  # type: ignore[attr-defined]
            return lines
        if end is None:
            body = super().run(list(lines))
            self.ext.body_start = len(lines) - len(body)
            self.ext.key_lines = _key_lines(lines[: self.ext.body_start])
            return body
        self.md.Meta = {key: [value] for key, value in parse_yaml("\n".join(lines[1:end])).items()}  # type: ignore[attr-defined]
        self.ext.body_start = end + 1
        self.ext.key_lines = _key_lines(lines[1:end], first=2)
        return lines[end + 1 :]


def _metadata_block(lines: list[str]) -> bool:
    """MultiMarkdown's rule: metadata is a first block of ``Key: value`` lines, all of them.

    The ``meta`` extension takes any first line with a colon, so a README titled
    ``Requests: HTTP for Humans`` above a ``====`` underline would lose its title to a key.
    """
    block = lines[: next((i for i, line in enumerate(lines) if not line.strip()), len(lines))]
    return (
        bool(block)
        and META_RE.match(block[0]) is not None
        and all(META_RE.match(line) or META_MORE_RE.match(line) for line in block)
    )


def _closing_line(lines: list[str]) -> int | None:
    if not lines or lines[0].rstrip() != _OPEN:
        return None
    return next((i for i, line in enumerate(lines[1:], 1) if line.rstrip() in _CLOSE), None)


def _key_lines(lines: list[str], first: int = 1) -> dict[str, int]:
    """Where each top-level key is written: ``#:`` references of the title and description."""
    found: dict[str, int] = {}
    for number, line in enumerate(lines, first):
        if line[:1].isalnum() and ":" in line:
            key, value = line.split(":", 1)
            below = (
                _BLOCK_SCALAR.fullmatch(value.split(" #", 1)[0].strip()) is not None
            )  # "key: >" folds the lines below
            found.setdefault(key.strip().lower(), number + below)
    return found


@cache
def _loader() -> Any:
    """The loader class, made at the first front matter: PyYAML is imported only when a source
    with front matter is parsed (a build whose articles come from the cache needs none)."""
    import yaml  # noqa: PLC0415 (only when a front matter is parsed)

    class _Loader(yaml.SafeLoader):
        """``safe_load`` with two refusals, each at its line: an alias (``*name``: a few lines of
        nested aliases expand into billions of values, the "billion laughs"), and a date that is
        no date (``2024-02-30``: PyYAML raises a bare ``ValueError``, with no line)."""

        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()
                raise yaml.composer.ComposerError(
                    None,
                    None,
                    f"an alias (*{event.anchor}) is not allowed in front matter: write the value out",
                    event.start_mark,
                )
            return super().compose_node(parent, index)

        def construct_yaml_timestamp(self, node: Any) -> Any:
            try:
                return super().construct_yaml_timestamp(node)
            except ValueError as exc:
                raise yaml.constructor.ConstructorError(
                    None, None, f"{node.value!r} is not a date ({exc})", node.start_mark
                ) from exc

    _Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)
    return _Loader


def parse_yaml(text: str) -> dict[str, str]:
    """The front matter as lower-case keys and string values (dates in ISO form, lists joined)."""
    import yaml  # noqa: PLC0415 (only when a front matter is parsed)

    try:
        data = yaml.load(text, Loader=_loader())  # noqa: S506 (a SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1  # the YAML starts on the article's line 2
        raise FrontMatterError(
            f"the front matter is not valid YAML: {getattr(exc, 'problem', None) or exc}", line
        ) from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FrontMatterError(
            "the front matter between the '---' lines must be 'key: value' lines", 2
        )
    return {str(key).lower(): as_text(value) for key, value in data.items() if value is not None}


def as_text(value: Any) -> str:
    """One string per key, as the ``meta`` extension gives (its values are lines of text)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, list) and all(not isinstance(v, (list, dict)) for v in value):
        return ", ".join(as_text(v) for v in value)
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value).strip()
