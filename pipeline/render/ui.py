"""The page's own words ("Skip to content", "Words to know"), from the ``ui`` gettext domain.

They are extracted from the Jinja2 templates with Babel, so translators handle them in the same
PO workflow as the articles. An untranslated UI text falls back to English and, in element
content, carries ``lang`` so screen readers switch voice (WCAG 3.1.2).
"""

from __future__ import annotations

import string
from collections import Counter
from pathlib import Path

from babel.messages.extract import extract_from_dir
from markupsafe import Markup, escape

from pipeline.model import Catalog, Unit

PACKAGE_DIR = Path(__file__).parent.parent  # the package root: its code and templates/
TEMPLATES_DIR = PACKAGE_DIR / "templates"
UI_KEYWORDS = {"_": None, "_a": None, "N_": None}
UI_METHODS = [
    ("templates/**.html", "jinja2"),
    ("**.py", "python"),
]  # every module may mark UI texts with N_()
BRACE_FORMAT = "python-brace-format"  # the gettext flag: msgfmt --check, Poedit and Weblate check the placeholders
PLACEHOLDER_MEANINGS = {
    "language": 'the name of a language, written in that language ("Español")',
    "": "a number (the footnote's number)",
    "date": "a date, written as your language writes dates",
    "page": "the number of this page of the leaflet",
    "pages": "the leaflet's number of pages",
    "percent": "a number (a percentage, without its % sign)",
    "threshold": "a number (a percentage, without its % sign)",
    "size": 'the file\'s size, written in your language ("54 kB")',
}


def N_(msgid: str) -> str:  # noqa: N802 (gettext convention)
    """Marks a UI text in Python code for extraction; translated later by ``UiText``."""
    return msgid


def placeholders(text: str) -> Counter[str] | None:
    """The ``{…}`` fields of a format string exactly as written (name, conversion, spec); None if malformed."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        return None
    return Counter(
        "{" + name + (f"!{conv}" if conv else "") + (f":{spec}" if spec else "") + "}"
        for _text, name, spec, conv in parsed
        if name is not None
    )


def safe_translation(msgid: str, translated: str | None) -> str | None:
    """The translation if it has exactly the msgid's placeholders, else None (the page shows the source).

    A translated ``{idioma}``, ``{0}``, ``{language:>99999999999}`` or ``{language.__class__}`` would
    raise or print Python internals; ``pipeline check`` reports it (placeholders family).
    """
    if translated is None or ("{" not in msgid and "{" not in translated and "}" not in translated):
        return translated
    return translated if placeholders(translated) == placeholders(msgid) else None


class UiText:
    """Gettext for templates: ``_`` for element content (Markup), ``_a`` for attribute values."""

    def __init__(self, catalog: Catalog | None, source_lang: str, page_lang: str) -> None:
        self.catalog = catalog
        self.source_lang = source_lang
        self.page_lang = page_lang

    def _lookup(self, msgid: str) -> str | None:
        translated = self.catalog.translation(msgid) if self.catalog else None
        return safe_translation(msgid, translated)

    def attribute(self, msgid: str, **params: object) -> str:
        text = self._lookup(msgid) or msgid
        return text.format(**params) if params else text

    def numbered(self, msgid: str) -> str:
        """A text another library fills with ``.format(number)`` (Python-Markdown's footnote
        back-link title): only a translation with the msgid's one ``{}`` is used (``attribute``
        falls back otherwise), so nothing can raise or print Python internals into the page."""
        return self.attribute(msgid)

    def in_page_language(self, msgid: str) -> bool:
        """Whether the text is shown in the page's language. An accessible name (``aria-label``)
        cannot carry ``lang``: one that falls back is given by ``aria-labelledby`` instead,
        pointing at an element that is marked."""
        return self.page_lang == self.source_lang or self._lookup(msgid) is not None

    def content(self, msgid: str, **params: object) -> Markup:
        translated = self._lookup(msgid)
        text = escape((translated or msgid).format(**params) if params else (translated or msgid))
        if translated is None and self.page_lang != self.source_lang:
            return Markup('<span lang="{}">{}</span>').format(self.source_lang, text)
        return text


def placeholder_note(msgid: str) -> str:
    """A ``#.`` line per placeholder: what it stands for, and that it must stay as written."""
    found = placeholders(msgid) or Counter()
    notes = []
    for field in found:
        name = field[1:-1].split("!")[0].split(":")[0]
        meaning = PLACEHOLDER_MEANINGS.get(name, "a value the page fills in")
        notes.append(
            f"{field} is replaced by {meaning}: keep it exactly as written, in the place your language needs"
        )
    return "\n".join(notes)


def extract_ui_units() -> tuple[Unit, ...]:
    """Every ``_()``/``_a()`` text in the templates, with its template line."""
    units = []
    for filename, lineno, message, comments, _context in extract_from_dir(
        str(PACKAGE_DIR),
        method_map=UI_METHODS,
        keywords=UI_KEYWORDS,
        comment_tags=("Translators:",),
    ):
        if not isinstance(
            message, str
        ):  # ngettext-style (singular, plural): the templates use none
            continue
        note = " ".join(comments) or "text of the page around the article"
        has_fields = bool(placeholders(message))
        units.append(
            Unit(
                message,
                note,
                lineno,
                file=f"pipeline/{filename}",
                context=placeholder_note(message),
                flags=(BRACE_FORMAT,) if has_fields else (),
            )
        )
    return tuple(units)
