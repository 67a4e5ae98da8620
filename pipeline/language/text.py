"""The one way a unit's Markdown becomes HTML or plain text, shared by extraction, checks and pages.

A unit is rendered with a bare Python-Markdown instance (no extensions): what a reader's browser
would show of its inline markup. Plain text is that HTML without tags and with every entity
decoded once, so ``<`` in a title is ``<`` in ``<title>`` (Jinja escapes it again) and on the index.
"""

from __future__ import annotations

import html
import re
from functools import cache, lru_cache

import markdown

_TAGS = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"\s+")


# The memories keyed by a text (here and in formulas, terms, checks) hold about one article's
# units in all its versions: a build goes article by article, so a text comes again within its
# article or never. At 8,192 they held some 100 MB of other articles' texts in every process.
@cache
def _simple() -> markdown.Markdown:
    """Made at the first unit converted: a build whose versions all come from the cache needs none."""
    return markdown.Markdown()


@lru_cache(maxsize=2048)
def to_html(markdown_text: str) -> str:
    """One unit's inline Markdown as HTML; one shared instance, reset per call (it is not thread-safe)."""
    return _simple().reset().convert(markdown_text)


# A text with none of these characters, and no block marker (list, heading, rule) at its start,
# is its own plain text: Python-Markdown would only wrap it in <p>. Most units of an article are
# such sentences, and a build asks the plain text of every unit in every version.
_INERT = re.compile(r"[^\\`*_\[\]<>&#\x00-\x08\x0a-\x1f\x7f]*")
_BLOCK_START = re.compile(r"\s|[-+=>]|\d+\.")  # white space first: an indented code block


def inert(markdown_text: str) -> bool:
    """Whether Python-Markdown would do nothing to the text but wrap it in one paragraph."""
    return bool(_INERT.fullmatch(markdown_text)) and not _BLOCK_START.match(markdown_text)


@lru_cache(maxsize=2048)
def plain_text(markdown_text: str) -> str:
    """What a reader reads of a unit: no tags, entities decoded, white space collapsed."""
    if inert(markdown_text):
        return _SPACES.sub(" ", markdown_text).strip()
    return _SPACES.sub(" ", html.unescape(_TAGS.sub("", to_html(markdown_text)))).strip()


_SOFT_BREAK = re.compile(r"[ \t]*\n[ \t]*")
_HARD_BREAK = re.compile(r"( {2,}|\\)\n")


def normalize(text: str) -> str:
    """One line per unit for translators: soft line breaks become spaces, hard breaks stay."""
    text = _HARD_BREAK.sub("\x00", text.strip())
    return _SOFT_BREAK.sub(" ", text).replace("\x00", "  \n")


_TAG = re.compile(r"<[^>]*>")


def strip_tags(html_text: str, between: str = "") -> str:
    """The text of a fragment with its tags taken out (``between`` put where each was): the one
    tag stripper of the pipeline, for Markdown with inline HTML and for rendered HTML alike."""
    return _TAG.sub(between, html_text)


def fragment_text(fragment: str, between: str = " ") -> str:
    """What a reader reads of an HTML fragment: no tags, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(strip_tags(fragment, between)).split())
