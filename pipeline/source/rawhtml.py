"""Raw HTML an author wrote in an article: the images it shows, and the tags that are no text.

Its units are ``htmlunits.py``'s; what is read here is what every block needs besides them.
"""

from __future__ import annotations

import html as html_lib
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


_SCRIPT_URL = re.compile(r"(?:java|vb|live)script:|data:text/html", re.I)
_REMOVED_TAG = re.compile(r"<\s*(?:script|iframe|object|embed)\b[^>]*>?", re.I)
_URL_ATTRIBUTE = re.compile(
    r"\b(?:href|src|action|formaction|data|poster|xlink:href)\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+)",
    re.I,
)


def script_url(text: str) -> str | None:
    """A script URL however it is disguised: entities (``&#106;avascript&colon;``), case, tabs or newlines inside."""
    decoded = text
    for _ in range(3):  # double-encoded entities too
        decoded = html_lib.unescape(decoded)
    match = _SCRIPT_URL.search(re.sub(r"[\s\x00-\x1f]+", "", decoded))
    return match.group(0) if match else None


def removed_parts(html: str) -> list[str]:
    """What the page's sanitizer removes from raw HTML as an author wrote it, as written: a
    ``<script>``, ``<iframe>``, ``<object>`` or ``<embed>`` tag, or a script URL."""
    found = [(m.start(), m.group(0)) for m in _REMOVED_TAG.finditer(html)]
    found += [
        (m.start(1), m.group(1).strip("\"'"))
        for m in _URL_ATTRIBUTE.finditer(html)
        if script_url(m.group(1).strip("\"'"))
    ]
    return [part for _, part in sorted(found)]


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
