"""``pipeline serve``: a live preview for translators, with each page's findings shown on it.

It builds ``output/`` as ``pipeline build`` does, serves it on 127.0.0.1, and rebuilds when a file
under ``source/``, ``locales/`` or the package templates changes. Watching is watchfiles' job
(inotify through Rust's notify crate, so an editor that writes a temporary file and renames it
over the PO, as Poedit does, is seen at once); reloading is the browser's own ``EventSource``,
fed by a Server-Sent Events stream from this server. Nothing is fetched from outside.

The preview panel and the reload script are added to each HTML page *as it is served*: the
files in ``output/`` stay exactly what ``pipeline build`` writes, so a published page never
carries the panel. A rebuild that fails on bad input raises before ``publish`` swaps anything,
so the last good site stays in ``output/``; the one-line error goes into the panel and to the
console through ``notify``. A request waits for nothing of a rebuild but the swap of ``output/``,
and for no other client (``files``); a malformed path is answered with 400.

| path under the server      | what                                                   |
|----------------------------|--------------------------------------------------------|
| ``/<page>.html``           | the built page + panel + reload script                 |
| ``/__pipeline__/events``   | Server-Sent Events: the build generation, on each build |
| ``/__pipeline__/reload.js``| reloads the page when the generation changes           |
| ``/__pipeline__/preview.css`` | the panel's style (the site's colour variables)     |
"""

from __future__ import annotations

import shutil
import sys
import threading
import time
import webbrowser
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote

import watchfiles

from pipeline.build import verbs as build
from pipeline.config import load_config
from pipeline.errors import PipelineError
from pipeline.model import ERROR, GLOSSARY_DOMAIN, Finding
from pipeline.render.ui import TEMPLATES_DIR
from pipeline.serve import files
from pipeline.serve.panel import PREFIX, PREVIEW_CSS, RELOAD_JS, Snapshot, inject
from pipeline.store import kinds
from pipeline.store.cache import Cache

HOST = "127.0.0.1"  # the preview shows unpublished work: never on another interface
KEEPALIVE_SECONDS = 15.0
REQUEST_SECONDS = 60.0  # a client silent for this long (mid-request, or not reading) is let go
IGNORED_SUFFIXES = {".pot", ".mo"}  # written by the build itself, or not read by it
# Read whole by every rebuild, changed by a save in one entry at most: every version's findings
# (for the panel), the parsed articles, the versions' summaries, the tables of every article's
# figures and plan. 0.3 s of a rebuild at 200 real-size articles, and memory the rebuild holds
# anyway. Each is read, never changed, by the build (a table is made anew and handed over).
HELD = frozenset({kinds.FINDINGS, kinds.ARTICLES, kinds.SUMMARIES, kinds.STATS, kinds.PLAN})

Notify = Callable[[str], None]


class Preview:
    """Builds the site and keeps the current Snapshot; readers wait on ``changed`` for the next one."""

    def __init__(self, root: Path, notify: Notify, cache: bool = True) -> None:
        self.root = root.resolve()
        # The build cache makes a rebuild after one save redo only the versions that save touched;
        # what every rebuild reads of it whole is kept in memory between rebuilds (``HELD``).
        self.cache = Cache.of_project(self.root, cache, HELD)
        self.notify = notify
        self.output_dir = self.root / "output"
        # One build at a time (the watcher's, the first one). Requests never wait for it: they
        # wait only for the swap of output/ itself (``files``, ``publish.SWAPPING``).
        self.build_lock = threading.Lock()
        self.changed = threading.Condition()
        self.stopping = False
        self._started = f"{time.time():.0f}"
        self._count = 0
        self.snapshot = Snapshot(self._next_generation())

    def _next_generation(self) -> str:
        self._count += 1
        return f"{self._started}-{self._count}"

    def rebuild(self) -> Snapshot:
        """One build; bad input keeps the previous pages and findings and records the error."""
        began = time.monotonic()
        try:
            with self.build_lock, build.Runtime(self.cache) as runtime:  # one per rebuild
                self.cache.used.clear()  # each rebuild keeps what it uses itself (``Cache.sweep``)
                config = load_config(self.root)
                runtime.warm(locale.language for locale in config.all_locales)
                result = build.build(
                    build.read_project(config, self.cache), runtime, every_finding=True
                )
        except Exception as exc:  # noqa: BLE001 (the preview outlives any one bad save; the error is shown)
            error = self._one_line(exc)
            snapshot = Snapshot(
                self._next_generation(),
                self.snapshot.findings,
                self.snapshot.language_findings,
                error,
            )
            self.notify(f"rebuild failed, still serving the last good site: {error}")
        else:
            snapshot = Snapshot(self._next_generation(), *findings_by_page(result))
            self.notify(
                f"built in {time.monotonic() - began:.2f} s: {result.checks.errors} error(s), {result.checks.warnings} warning(s)"
            )
        with self.changed:
            self.snapshot = snapshot
            self.changed.notify_all()
        return snapshot

    def _one_line(self, exc: Exception) -> str:
        """As the CLI says it: bad input names its file and line; anything else names its type."""
        if isinstance(exc, PipelineError):
            return str(exc.relative_to(self.root))
        if isinstance(exc, OSError):
            return (
                f"{exc.filename}: {exc.strerror or exc}"
                if exc.filename
                else str(exc.strerror or exc)
            )
        return f"internal error: {type(exc).__name__}: {exc}"

    def wait_for_change(self, generation: str, timeout: float) -> Snapshot:
        with self.changed:
            self.changed.wait_for(
                lambda: self.stopping or self.snapshot.generation != generation, timeout
            )
            return self.snapshot

    def stop(self) -> None:
        with self.changed:
            self.stopping = True
            self.changed.notify_all()


def findings_by_page(
    result: build.BuildResult,
) -> tuple[dict[str, tuple[Finding, ...]], dict[str, tuple[Finding, ...]]]:
    """Page path -> the findings of its version; and page path -> its locale's glossary findings."""
    paths = {(p.version.article, p.version.locale): p.version.path for p in result.pages}
    own: dict[str, list[Finding]] = {path: [] for path in paths.values()}
    language: dict[str, list[Finding]] = {path: [] for path in paths.values()}
    for finding in result.checks.findings:
        if finding.article == GLOSSARY_DOMAIN:
            for (_article, locale), path in paths.items():
                if locale == finding.locale:
                    language[path].append(finding)
        elif (finding.article, finding.locale) in paths:
            own[paths[(finding.article, finding.locale)]].append(finding)
    errors_first = lambda found: tuple(sorted(found, key=lambda f: f.severity != ERROR))  # noqa: E731 (stable: file order kept)
    return (
        {k: errors_first(v) for k, v in own.items()},
        {k: errors_first(v) for k, v in language.items()},
    )


class Handler(SimpleHTTPRequestHandler):
    """Serves ``output/`` with the panel added to HTML pages, plus the reload script and its events.

    Each request has its own thread, and a file is only *opened* under the swap lock (``files``):
    a client that stalls mid-request, or stops reading a large file, holds up nothing but itself,
    and is let go after ``REQUEST_SECONDS`` of silence.
    """

    preview: Preview  # set on the subclass made by ``make_server``
    timeout = REQUEST_SECONDS

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self._respond(body=True)

    def do_HEAD(self) -> None:  # noqa: N802 (http.server's name)
        self._respond(body=False)

    def _respond(self, body: bool) -> None:
        try:
            name = files.site_path(self.path)
        except files.BadPath as exc:
            self.send_error(HTTPStatus.BAD_REQUEST, "Bad request path", str(exc))
            return
        own = ("/" + name).rsplit(PREFIX, 1)[1] if PREFIX in "/" + name else None
        if own == "events":
            self._events(body)
        elif own in ("reload.js", "preview.css"):
            text, kind = (
                (RELOAD_JS, "text/javascript") if own == "reload.js" else (PREVIEW_CSS, "text/css")
            )
            self._send(text.encode("utf-8"), f"{kind}; charset=utf-8", body)
        else:
            self._page_or_file(name, body)

    def _page_or_file(self, name: str, body: bool) -> None:
        opened = files.open_in_site(self.preview.output_dir, name)
        if opened is None:
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
        elif isinstance(opened, str):  # a folder: its index is at the name with a slash
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", quote(f"/{opened}/"))
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            with opened.file:
                self._send_file(opened, body)

    def _send_file(self, opened: files.Opened, body: bool) -> None:
        if opened.name.endswith(".html"):
            html = opened.file.read().decode("utf-8", errors="replace")
            page = inject(html, opened.name, self.preview.snapshot)
            self._send(page.encode("utf-8"), "text/html; charset=utf-8", body)
            return
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", self.guess_type(opened.name))
        self.send_header("Content-Length", str(opened.size))
        self.send_header("Last-Modified", self.date_time_string(int(opened.modified)))
        self.end_headers()
        if body:
            shutil.copyfileobj(opened.file, self.wfile)

    def _send(self, data: bytes, content_type: str, body: bool = True) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")  # a reload must show the new build
        super().end_headers()

    def _events(self, body: bool) -> None:
        """Server-Sent Events: the current generation now, then each new one (or a keep-alive)."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        if not body:
            return
        snapshot = self.preview.snapshot
        try:
            self.wfile.write(f"data: {snapshot.generation}\n\n".encode())
            self.wfile.flush()
            while not self.preview.stopping:
                latest = self.preview.wait_for_change(snapshot.generation, KEEPALIVE_SECONDS)
                message = (
                    f"data: {latest.generation}\n\n"
                    if latest is not snapshot
                    else ": keep-alive\n\n"
                )
                self.wfile.write(message.encode())
                self.wfile.flush()
                snapshot = latest
        except (ConnectionError, TimeoutError):
            pass  # the page was closed or reloaded, or its tab stopped reading

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (http.server's name)
        pass  # each request would drown the build messages


class PreviewServer(ThreadingHTTPServer):
    """One thread per request; a request that fails says so in one line, never a traceback."""

    daemon_threads = True  # an open events stream does not keep the process alive

    def __init__(self, address: tuple[str, int], handler: Any, notify: Notify) -> None:
        super().__init__(address, handler)
        self.notify = notify

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError | TimeoutError):
            return  # the client went away, or stalled past REQUEST_SECONDS: nothing to report
        self.notify(f"a request failed: {type(error).__name__}: {error}")


def make_server(preview: Preview, port: int) -> PreviewServer:
    """A threaded HTTP server on 127.0.0.1 (port 0: any free port); one thread per request."""
    handler = type("PreviewHandler", (Handler,), {"preview": preview})
    try:
        return PreviewServer(
            (HOST, port), partial(handler, directory=str(preview.output_dir)), preview.notify
        )
    except OSError as exc:
        raise PipelineError(
            f"cannot serve on {HOST}:{port}: {exc.strerror or exc}; choose another --port (0: any free port)"
        ) from exc


def watched_paths(root: Path) -> list[Path]:
    return [path for path in (root / "source", root / "locales", TEMPLATES_DIR) if path.is_dir()]


def relevant(root: Path) -> Callable[[watchfiles.Change, str], bool]:
    """watchfiles' default filter (editor swap files, .git…), minus what the build writes itself
    (templates, .mo) and, under ``locales/``, anything but a PO: an editor's temporary file is not
    a catalogue, the rename that replaces the PO is."""
    default = watchfiles.DefaultFilter()
    locales = root / "locales"

    def accept(change: watchfiles.Change, path: str) -> bool:
        file = Path(path)
        if not default(change, path) or file.suffix in IGNORED_SUFFIXES:
            return False
        return file.suffix == ".po" if file.is_relative_to(locales) else True

    return accept


def watch(
    preview: Preview, stop: threading.Event, ready: threading.Event
) -> Iterator[set[tuple[watchfiles.Change, str]]]:
    """Each batch of relevant changes; watchfiles groups the events of one save (50 ms of quiet).

    The empty batch watchfiles yields when idle says the watch is in place: ``ready`` is set then,
    so a save right after ``start`` returns is not missed.
    """
    for batch in watchfiles.watch(
        *watched_paths(preview.root),
        watch_filter=relevant(preview.root),
        stop_event=stop,
        step=50,
        debounce=800,
        rust_timeout=200,
        yield_on_timeout=True,
        raise_interrupt=False,
    ):
        ready.set()
        if batch:
            yield batch


@dataclass
class Running:
    """A started preview: its URL, and ``stop()`` to end the server and the watcher."""

    url: str
    preview: Preview
    server: PreviewServer
    stop_event: threading.Event
    threads: list[threading.Thread]

    def stop(self) -> None:
        self.stop_event.set()
        self.preview.stop()
        self.server.shutdown()
        self.server.server_close()
        for thread in self.threads:
            thread.join(timeout=10)


def start(
    root: Path, port: int = 8000, notify: Notify = lambda message: None, cache: bool = True
) -> Running:
    """Watch, build once, then serve, in background threads; returns when all three are ready."""
    preview = Preview(root, notify, cache)
    server = make_server(preview, port)  # first: a port in use fails before any work
    stop_event, ready = threading.Event(), threading.Event()

    def watcher() -> None:
        for batch in watch(preview, stop_event, ready):
            notify(
                f"changed: {', '.join(sorted(_shown(preview.root, path) for _change, path in batch))}"
            )
            preview.rebuild()

    threads = [
        threading.Thread(target=watcher, name="serve-watch", daemon=True),
        threading.Thread(target=server.serve_forever, name="serve-http", daemon=True),
    ]
    threads[0].start()
    ready.wait(timeout=30)
    preview.rebuild()
    threads[1].start()
    return Running(
        f"http://{HOST}:{server.server_address[1]}/", preview, server, stop_event, threads
    )


def _shown(root: Path, path: str) -> str:
    file = Path(path)
    return file.relative_to(root).as_posix() if file.is_relative_to(root) else str(file)


def run(root: Path, port: int, open_browser: bool, notify: Notify, cache: bool = True) -> None:
    """``pipeline serve``: until Ctrl-C."""
    running = start(root, port, notify, cache)
    notify(
        f"serving {running.url} (Ctrl-C to stop); watching {', '.join(str(p) for p in watched_paths(running.preview.root))}"
    )
    if open_browser:
        webbrowser.open(running.url)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        notify("stopped")
    finally:
        running.stop()
