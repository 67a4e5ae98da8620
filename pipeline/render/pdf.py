"""WeasyPrint, held at arm's length: loaded once, reading only the site's images, its complaints kept, its time bounded.

``leaflet.py`` decides what a leaflet prints; this module owns how the PDF engine runs:

| piece              | why                                                                          |
|--------------------|------------------------------------------------------------------------------|
| ``engine``         | WeasyPrint needs Debian's Pango at import time: without it, one line says why |
| ``_tag_languages`` | WeasyPrint 70 tags ``lang`` on the root only; fallback text needs its own ``/Lang`` |
| ``site_fetcher``   | a leaflet reads the images the site publishes (``output/media/``), nothing else: no network, no file outside the project |
| ``collect_warnings`` | what WeasyPrint logs (an image it could not load) becomes findings, never printed |
| ``budget``         | CPU seconds a leaflet may take: a pathological version cannot hold up the build |
| ``engine_key``     | what prints a leaflet, for its cache key (the page's template is not part of it) |

The patches rely on private names of the exact pinned WeasyPrint (70.0); ``tests/test_leaflet.py``
fails if an upgrade breaks them.
"""

from __future__ import annotations

import logging
import mimetypes
import posixpath
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache, wraps
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import unquote, urlsplit

from pipeline.errors import LeafletTooSlow
from pipeline.store.cache import digest

# The checkpoint of the leaflet being made on this thread, or None outside ``budget``.
_CHECKPOINT: ContextVar[Callable[[], None] | None] = ContextVar("leaflet_checkpoint", default=None)
clock: Callable[[], float] = (
    time.process_time
)  # CPU time: a loaded machine does not shorten the budget


@cache
def engine() -> ModuleType | str:
    """The weasyprint module, or one line saying why it cannot load (no Pango): imported once."""
    try:
        import weasyprint
    except OSError as exc:  # cffi cannot dlopen libpango / libpangoft2
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return f"WeasyPrint cannot load Pango ({first}); install Debian's libpango-1.0-0 and libpangoft2-1.0-0 (bash tests/setup.sh does)"
    _tag_languages()
    _add_checkpoints()
    return weasyprint


def _tag_languages() -> None:
    """Copy each HTML element's ``lang`` to ``/Lang`` on its structure element."""
    import pydyf
    from weasyprint.pdf import tags

    original = tags._build_box_tree
    if getattr(original, "copies_lang", False):
        return

    def build_box_tree(box: Any, parent: Any, *args: Any) -> Iterator[Any]:
        element = getattr(box, "element", None)
        own = element is not None and getattr(box, "element_tag", None) not in ("html", "body")
        lang = element.get("lang") if own and element is not None else None
        for struct in original(box, parent, *args):
            if lang and "Lang" not in struct:
                struct["Lang"] = pydyf.String(lang)
            yield struct

    build_box_tree.copies_lang = True  # type: ignore[attr-defined]
    tags._build_box_tree = build_box_tree


# Where WeasyPrint's work repeats: each line laid out, each page made, each line drawn. A
# checkpoint at each bounds how far a leaflet can run past its budget to one line's work.
_CHECKPOINTS = (
    ("weasyprint.layout.inline", "split_first_line"),
    ("weasyprint.layout.page", "make_page"),
    ("weasyprint.draw", "draw_text"),
)


def _add_checkpoints() -> None:
    import importlib

    for module_name, name in _CHECKPOINTS:
        module = importlib.import_module(module_name)
        original = getattr(module, name)
        if not getattr(original, "checkpoint", False):
            setattr(module, name, _checked(original))


def _checked(function: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(function)
    def checked(*args: Any, **kwargs: Any) -> Any:
        checkpoint = _CHECKPOINT.get()
        if checkpoint is not None:
            checkpoint()
        return function(*args, **kwargs)

    checked.checkpoint = True  # type: ignore[attr-defined]
    return checked


@contextmanager
def budget(seconds: float) -> Iterator[None]:
    """Raise ``LeafletTooSlow`` at WeasyPrint's next checkpoint once ``seconds`` of CPU are spent.

    CPU time, not wall time, so a busy machine does not cut a leaflet short; WeasyPrint's
    line breaking is quadratic in a paragraph's length (it re-encodes the rest of the
    paragraph for every line), which is what the bound is for."""
    limit = clock() + seconds

    def checkpoint() -> None:
        if clock() > limit:
            raise LeafletTooSlow(f"took more than {seconds:g} s of CPU (leaflet_seconds)")

    token = _CHECKPOINT.set(checkpoint)
    try:
        yield
    finally:
        _CHECKPOINT.reset(token)


def site_fetcher(weasyprint: ModuleType, media: Mapping[str, Path], root: Path) -> Any:
    """A fetcher that serves the site's images and nothing else.

    A leaflet's base URL is its page's place in a virtual ``SITE`` (``file:///output/es/x.html``),
    the same wherever the project lies: WeasyPrint names an image by a hash of its URL, so a real
    path would make two copies of a project print different bytes. Each image the body points to
    (``../media/x.svg``) is looked up in ``media`` (path under ``output/`` -> the file the build
    copies there) and read from that file, which must resolve inside ``root`` (a symbolic link
    that leaves the project is refused). ``data:`` URLs are allowed; nothing else is read."""
    project = root.resolve()

    class SiteFetcher(weasyprint.URLFetcher):  # type: ignore[name-defined]
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if not url.startswith("file:"):
                raise ValueError(f"leaflets read no network resource: {url}")
            path, kind = _site_file(url, media, project)
            body = path.read_bytes()
            return weasyprint.urls.URLFetcherResponse(url, body, {"Content-Type": kind})

    return SiteFetcher(allowed_protocols={"file", "data"})


SITE = "file:///output/"  # a leaflet's base URL is its page's path under this


def _site_file(url: str, media: Mapping[str, Path], project: Path) -> tuple[Path, str]:
    """The project file behind a URL under ``SITE``, and its type; ValueError for anything else."""
    inside = url.startswith(SITE)
    rel = posixpath.normpath(unquote(urlsplit(url).path.removeprefix("/output/"))) if inside else ""
    source = media.get(rel)
    if source is None:
        raise ValueError(f"leaflets read only the site's images (output/media/): {url}")
    real = source.resolve()
    if not real.is_relative_to(project) or not real.is_file():
        raise ValueError(f"leaflets read only files inside the project: {rel}")
    return real, mimetypes.guess_type(rel)[0] or "application/octet-stream"


@cache
def engine_key() -> str:
    """What prints a leaflet: this code, the leaflet's template, WeasyPrint, pydyf, Pango, the fonts."""
    import pydyf
    import weasyprint
    from weasyprint.text.ffi import pango

    here = Path(__file__).parent
    templates = here.parent / "templates"
    code = (
        here / "leaflet.py",
        here / "pdf.py",
        templates / "leaflet.html",
        templates / "words.html",
        templates / "leaflet.css",
    )
    return digest(
        *(path.read_bytes() for path in code),
        weasyprint.__version__,
        pydyf.__version__,
        str(pango.pango_version()),
        _fonts(),
    )


def _fonts() -> str:
    """The installed fonts (file, size, time), as fontconfig lists them: a font installed or
    updated can change how a leaflet prints."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return ""
    listed = subprocess.run([fc_list, "--format", "%{file}\\n"], capture_output=True, text=True)
    stamps = []
    for name in sorted(set(listed.stdout.splitlines())):
        try:
            status = Path(name).stat()
        except OSError:
            continue
        stamps.append(f"{name}:{status.st_size}:{status.st_mtime_ns}")
    return digest(*stamps)


@contextmanager
def collect_warnings() -> Iterator[list[str]]:
    """WeasyPrint logs problems (an image it could not load): keep them, print nothing."""
    messages: list[str] = []
    logger = logging.getLogger("weasyprint")
    handler = _ListHandler(messages)
    propagate, logger.propagate = logger.propagate, False
    logger.addHandler(handler)
    try:
        yield messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


class _ListHandler(logging.Handler):
    def __init__(self, messages: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.messages = messages

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())
