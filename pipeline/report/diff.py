"""What changed in the source of an out-of-date (fuzzy) entry: the ``#|`` msgid against the new one.

A translator updating a fuzzy entry needs the change, not two paragraphs to compare by eye.
The diff is by word (``difflib``, as Babel's merge matches), white space kept as written, so a
changed number or a removed clause stands out; ``<del>``/``<ins>`` carry a hidden word each,
since most screen readers do not announce the elements themselves.
"""

from __future__ import annotations

import difflib
import re

from markupsafe import Markup, escape

_TOKENS = re.compile(r"\s+|[^\s]+")


def word_diff(old: str, new: str) -> Markup:
    """``old`` turned into ``new``: removed words in ``<del>``, added ones in ``<ins>``."""
    before, after = _TOKENS.findall(old), _TOKENS.findall(new)
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    parts: list[str] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape("".join(before[i1:i2])))
            continue
        if i2 > i1:
            parts.append(_marked("del", "removed:", "".join(before[i1:i2])))
        if j2 > j1:
            parts.append(_marked("ins", "added:", "".join(after[j1:j2])))
    return Markup("".join(parts))


def _marked(tag: str, said: str, text: str) -> str:
    return f'<{tag}><span class="visually-hidden">{said} </span>{escape(text)}</{tag}>'
