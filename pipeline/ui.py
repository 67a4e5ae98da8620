"""The page's own words ("Skip to content", "Words to know"), from the ``ui`` gettext domain.

They are extracted from the Jinja2 templates with Babel, so translators handle them in the same
PO workflow as the articles. An untranslated UI text falls back to English and, in element
content, carries ``lang`` so screen readers switch voice (WCAG 3.1.2).
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from markupsafe import Markup, escape

from pipeline.model import Catalog, Unit

PACKAGE_DIR = Path(__file__).parent
TEMPLATES_DIR = PACKAGE_DIR / "templates"
UI_KEYWORDS = {"_": None, "_a": None, "N_": None}
UI_METHODS = [("templates/**.html", "jinja2"), ("**.py", "python")]  # every module may mark UI texts with N_()


def N_(msgid: str) -> str:  # noqa: N802 (gettext convention)
    """Marks a UI text in Python code for extraction; translated later by ``UiText``."""
    return msgid


class UiText:
    """Gettext for templates: ``_`` for element content (Markup), ``_a`` for attribute values."""

    def __init__(self, catalog: Catalog | None, source_lang: str, page_lang: str) -> None:
        self.catalog = catalog
        self.source_lang = source_lang
        self.page_lang = page_lang

    def attribute(self, msgid: str, **params: object) -> str:
        translated = self._translation(msgid, params)
        return (translated or msgid).format(**params) if params else (translated or msgid)

    def content(self, msgid: str, **params: object) -> Markup:
        translated = self._translation(msgid, params)
        text = escape((translated or msgid).format(**params) if params else (translated or msgid))
        if translated is None and self.page_lang != self.source_lang:
            return Markup('<span lang="{}">{}</span>').format(self.source_lang, text)
        return text

    def _translation(self, msgid: str, params: dict[str, object]) -> str | None:
        """A translation whose placeholders do not fit (``{fecha}`` for ``{date}``) falls back, never crashes a build."""
        translated = self.catalog.translation(msgid) if self.catalog else None
        if translated and params:
            try:
                translated.format(**params)
            except (KeyError, IndexError, ValueError):
                return None
        return translated


def extract_ui_units() -> tuple[Unit, ...]:
    """Every ``_()``/``_a()`` text in the templates, with its template line."""
    units = []
    for filename, lineno, message, comments, _context in extract_from_dir(
        str(PACKAGE_DIR),
        method_map=UI_METHODS,
        keywords=UI_KEYWORDS,
        comment_tags=("Translators:",),
    ):
        note = " ".join(comments) or "text of the page around the article"
        units.append(Unit(message, note, lineno, file=f"pipeline/{filename}"))
    return tuple(units)
