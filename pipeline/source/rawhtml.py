"""Raw HTML an author wrote in an article: the images it shows, and the tags that are no text.

Its units are ``htmlunits.py``'s; what is read here is what every block needs besides them.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

SKIPPED_TAGS = {
    "pre",
    "code",
    "script",
    "style",
}  # never units: code, and what a browser does not show
VOID_TAGS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


_URL_SCHEME = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//|/|#)")


class RawHtml(HTMLParser):
    """The visible text of a raw HTML fragment (alt texts included) and the images it shows."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.sources: list[str] = []
        self.roots = 0  # elements and text runs at the top level
        self.root_has_lang = False
        self._skip = 0
        self._depth = 0

    @classmethod
    def parse(cls, html: str) -> RawHtml:
        parser = cls()
        parser.feed(html)
        parser.close()
        return parser

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self.roots += self._depth == 0
        self.root_has_lang |= self._depth == 0 and "lang" in values
        self._depth += tag not in VOID_TAGS
        self._skip += tag in SKIPPED_TAGS
        if tag in {"img", "source"}:
            self.sources += [values["src"]] if values.get("src") else []
            self.sources += [c.split()[0] for c in values.get("srcset", "").split(",") if c.strip()]
        self.text += [values[a] for a in ("alt", "title") if values.get(a, "").strip()]

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in SKIPPED_TAGS and self._skip > 0
        self._depth -= tag not in VOID_TAGS and self._depth > 0

    def handle_data(self, data: str) -> None:
        self.roots += self._depth == 0 and bool(data.strip())
        if not self._skip and data.strip():
            self.text.append(data)

    @property
    def visible(self) -> str:
        return " ".join(" ".join(self.text).split())


def local_image(src: str) -> bool:
    """A file of the site (``images/chart.png``), not a URL (``https:``, ``data:``) or a site-absolute path."""
    return bool(src) and not _URL_SCHEME.match(src)
