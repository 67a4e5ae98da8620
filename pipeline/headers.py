"""What a PO header field's value may hold: one rule, read by the configuration (the site's
name, the bug address) when it is loaded and by the catalogue writer and sign-off before they
write. It lives below both, so the configuration never imports from the catalogue layer."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

__all__ = ["header_problem"]


@lru_cache(maxsize=4096)
def header_problem(value: str) -> str | None:
    """Why ``value`` cannot be a PO header field's value, or None. A header is one ``Name: value``
    line per field: a line break would end the field and start a forged one (another reviewer,
    another Plural-Forms), and other control characters are invisible in every editor."""
    for ch in value:
        if unicodedata.category(ch) in ("Cc", "Zl", "Zp"):
            return f"a control character or line break (U+{ord(ch):04X}) cannot be in a PO header"
    return None
