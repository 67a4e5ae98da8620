"""Locale names: gettext style in ``locales/`` (``pt_BR``, ``en@plain``), BCP 47 on the web (``pt-BR``).

Babel's CLDR data decides what is a real locale, its script direction, its native name
and its plural rule; we only refuse what Babel would silently rewrite (``sr_RS@latin``), not the
script CLDR infers from a country (``zh_CN``, Simplified: its tag stays ``zh-CN``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

import babel
from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.messages.plurals import get_plural

from pipeline.errors import LocaleError
from pipeline.store import kinds
from pipeline.store.cache import table

PLAIN_MODIFIER = "plain"
_GETTEXT_NAME = re.compile(
    r"^[a-z]{2,3}(?:_[A-Z][a-z]{3})?(?:_(?:[A-Z]{2}|[0-9]{3}))?(?:@[a-z]+)?$"
)


@dataclass(frozen=True)
class LocaleInfo:
    """Everything the pipeline needs to know about one locale, each worked out once.

    The name, tag and modifier are known when the name is validated; the rest comes from the
    locale's CLDR data, which Babel reads from disk (a few milliseconds a locale): only when a
    page or a catalogue needs it, so a build with nothing to remake reads none. The direction
    and the two names are then kept in the build's cache (``_names``), so a later build reads
    CLDR data only for what it formats (dates, a leaflet's digits).
    """

    name: str  # gettext name: folder under locales/, PO "Language" header
    tag: str  # BCP 47: html lang, hreflang, output folder
    modifier: str | None
    cldr: str | None = None  # the CLDR locale, where the name spells its script as a modifier

    @property
    def direction(self) -> str:
        """Which way the script runs: "ltr" or "rtl"."""
        return self._names[0]

    @property
    def native_name(self) -> str:
        """The language's name in itself, for the language switcher."""
        return self._names[1]

    @property
    def english_name(self) -> str:
        return self._names[2]

    @cached_property
    def _names(self) -> tuple[str, str, str]:
        """(direction, native name, English name), kept in the build's cache: for these three
        words Babel reads and merges the locale's CLDR data (some 8 ms a locale), and a
        translator's save re-renders a page whose language switcher names every locale."""
        key = kinds.versioned(babel.__version__, self.name)
        return table(kinds.LOCALE_NAMES, key, self._read_names)

    def _read_names(self) -> tuple[str, str, str]:
        locale = self._babel
        return (
            str(locale.text_direction),
            locale.get_display_name(locale) or self.name,
            locale.get_display_name("en") or self.name,
        )

    @cached_property
    def plural_forms(self) -> str:
        return str(get_plural(self._babel))

    @property
    def _babel(self) -> Locale:
        return Locale.parse(self.cldr or self.name)

    @property
    def is_plain(self) -> bool:
        return self.modifier == PLAIN_MODIFIER

    @property
    def base(self) -> str:
        """The locale without its modifier: ``en@plain`` -> ``en``, ``sr@latin`` -> ``sr_Latn``
        (whose dates and names CLDR writes in Latin letters)."""
        return self.cldr or self.name.split("@", 1)[0]

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

    @property
    def file_stem(self) -> str:
        """The version's name in one path segment (``en-plain``): its report and readability views."""
        return self.output_dir.replace("/", "-")


@lru_cache(maxsize=1024)
def parse_locale(name: str) -> LocaleInfo:
    """Validate a gettext locale name against CLDR; raise ``LocaleError`` with a hint."""
    if not _GETTEXT_NAME.match(name):
        raise LocaleError(
            f"{name!r} is not a gettext locale name (expected e.g. 'es', 'pt_BR', 'en@plain')"
        )
    written = _script_modifier(name)
    if written is not None:
        return written
    try:
        locale = Locale.parse(name)
    except (UnknownLocaleError, ValueError) as exc:
        raise LocaleError(
            f"unknown locale {name!r}: Babel's CLDR data has no such locale ({exc})"
        ) from exc
    script = locale.script if f"_{locale.script}" in name else None
    if _gettext_name(locale, script) != name:
        raise LocaleError(f"locale {name!r} would be read as {str(locale)!r}; write it that way")
    tag = "-".join(part for part in (locale.language, script, locale.territory) if part)
    return LocaleInfo(name=name, tag=tag, modifier=locale.modifier)


def _script_modifier(name: str) -> LocaleInfo | None:
    """A script spelled as a gettext modifier, as GNOME names Serbian in Latin letters
    (``sr@latin``, ``sr_RS@latin``): the locale CLDR knows as ``sr_Latn_RS``, on the web
    ``sr-Latn-RS``. Babel reads the modifier as a variant, or drops it and reads Cyrillic."""
    base, _, modifier = name.partition("@")
    if not modifier or modifier == PLAIN_MODIFIER:
        return None  # most names: no CLDR data read to validate them
    code = _script_codes().get(modifier)
    if code is None or re.search(r"_[A-Z][a-z]{3}", base):  # no script, or one written already
        return None
    language, _, territory = base.partition("_")
    cldr = "_".join(part for part in (language, code, territory) if part)
    try:
        locale = Locale.parse(cldr)
    except (UnknownLocaleError, ValueError) as exc:
        raise LocaleError(f"unknown locale {name!r}: CLDR has no {cldr!r} ({exc})") from exc
    if str(locale) != cldr:
        raise LocaleError(
            f"locale {name!r}: CLDR has no {locale.english_name} in {modifier} letters ({cldr!r})"
        )
    return LocaleInfo(name=name, tag=cldr.replace("_", "-"), modifier=None, cldr=cldr)


@lru_cache(maxsize=1)
def _script_codes() -> dict[str, str]:
    """Script names as gettext modifiers spell them ("latin", "cyrillic") -> CLDR codes."""
    return {title.lower(): code for code, title in Locale("en").scripts.items()}


def _gettext_name(locale: Locale, script: str | None) -> str:
    """The name Babel read, with the script only if the name wrote it: CLDR adds the script a
    country implies (``zh_CN`` is ``zh_Hans_CN``, ``sr_RS`` is ``sr_Cyrl_RS``), which changes
    nothing, and ``zh_CN`` is how gettext, GNOME and Poedit name Simplified Chinese. What Babel
    would drop or change (``sr_RS@latin`` read as Cyrillic) still differs, and is refused."""
    parts = "_".join(part for part in (locale.language, script, locale.territory) if part)
    return f"{parts}@{locale.modifier}" if locale.modifier else parts
