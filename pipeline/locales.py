"""Locale names: gettext style in ``locales/`` (``pt_BR``, ``en@plain``), BCP 47 on the web (``pt-BR``).

Babel's CLDR data decides what is a real locale, its script direction, its native name
and its plural rule; we only refuse what Babel would silently rewrite (``sr_RS@latin``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.messages.plurals import get_plural

from pipeline.errors import LocaleError

PLAIN_MODIFIER = "plain"
_GETTEXT_NAME = re.compile(
    r"^[a-z]{2,3}(?:_[A-Z][a-z]{3})?(?:_(?:[A-Z]{2}|[0-9]{3}))?(?:@[a-z]+)?$"
)


@dataclass(frozen=True)
class LocaleInfo:
    """Everything the pipeline needs to know about one locale, computed once."""

    name: str  # gettext name: folder under locales/, PO "Language" header
    tag: str  # BCP 47: html lang, hreflang, output folder
    direction: str  # "ltr" or "rtl"
    native_name: str  # the language's name in itself, for the language switcher
    english_name: str
    plural_forms: str
    modifier: str | None

    @property
    def is_plain(self) -> bool:
        return self.modifier == PLAIN_MODIFIER

    @property
    def base(self) -> str:
        """The locale without its modifier: ``en@plain`` -> ``en``."""
        return self.name.split("@", 1)[0]

    @property
    def language(self) -> str:
        return self.name.split("_", 1)[0].split("@", 1)[0]

    @property
    def script(self) -> str:
        """The usual script of the language (CLDR likely subtags): 'Latn', 'Arab', 'Cyrl'…"""
        likely = get_global("likely_subtags").get(self.language, "")
        parts = likely.split("_")
        return parts[1] if len(parts) > 2 else "Latn"

    @property
    def output_dir(self) -> str:
        """Path of this version under ``output/``: ``pt-BR`` or ``en/plain``."""
        return f"{self.tag}/{self.modifier}" if self.modifier else self.tag


@lru_cache(maxsize=1024)
def parse_locale(name: str) -> LocaleInfo:
    """Validate a gettext locale name against CLDR; raise ``LocaleError`` with a hint."""
    if not _GETTEXT_NAME.match(name):
        raise LocaleError(
            f"{name!r} is not a gettext locale name (expected e.g. 'es', 'pt_BR', 'en@plain')"
        )
    try:
        locale = Locale.parse(name)
    except (UnknownLocaleError, ValueError) as exc:
        raise LocaleError(
            f"unknown locale {name!r}: Babel's CLDR data has no such locale ({exc})"
        ) from exc
    if str(locale) != name:
        raise LocaleError(f"locale {name!r} would be read as {str(locale)!r}; write it that way")
    tag = "-".join(part for part in (locale.language, locale.script, locale.territory) if part)
    return LocaleInfo(
        name=name,
        tag=tag,
        direction=locale.text_direction,
        native_name=locale.get_display_name(locale) or name,
        english_name=locale.get_display_name("en") or name,
        plural_forms=str(get_plural(locale)),
        modifier=locale.modifier,
    )
