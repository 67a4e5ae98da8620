"""``pipeline serve``: a translator's save shows up in the served page, with its findings in a
preview-only panel; bad input keeps the last good site. Everything over real HTTP on 127.0.0.1."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import polib
import pytest

from pipeline.build import site as sitebuild
from pipeline.model import ERROR, Finding
from pipeline.serve import panel
from pipeline.serve import server as serve
from tests.a11y_tools import format_violations, format_vnu, require_tools, run_axe, run_vnu
from tests.conftest import po_path

PANEL = 'class="pipeline-preview"'
# A bound against a hang, not a speed test: a save shows in about a second (printed below), but a
# machine with every core busy can take far longer, and a test must not fail for that.
SAVE_SHOWS_WITHIN = 120.0


@pytest.fixture
def serving(site: Path) -> Iterator[serve.Running]:
    messages: list[str] = []
    running = serve.start(site, port=0, notify=messages.append)
    running.messages = messages  # type: ignore[attr-defined]
    yield running
    running.stop()


def fetch(url: str, timeout: float = 30) -> str:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read().decode("utf-8")


def save_like_poedit(path: Path, text: str) -> None:
    """Poedit (wxWidgets' wxTempFile) writes a temporary file beside the PO, then renames it over."""
    temp = path.with_name(path.name + ".tmp4f2a")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


def translate(path: Path, translations: dict[str, str]) -> polib.POFile:
    po = polib.pofile(str(path))
    for entry in po:
        if entry.msgid in translations:
            entry.msgstr = translations[entry.msgid]
    save_like_poedit(path, str(po))
    return polib.pofile(str(path))


def wait_for(
    url: str, condition: Callable[[str], bool], within: float = SAVE_SHOWS_WITHIN
) -> tuple[str, float]:
    """The page once ``condition`` holds, and how long that took; fails with the last page otherwise."""
    began = time.monotonic()
    while True:
        page = fetch(url)
        elapsed = time.monotonic() - began
        if condition(page):
            return page, elapsed
        if elapsed > within:
            pytest.fail(f"page did not change within {within} s:\n{page[-3000:]}")
        time.sleep(0.05)


def panel_of(page: str) -> str:
    match = re.search(r'<aside class="pipeline-preview".*?</aside>', page, re.S)
    assert match, "no preview panel in the served page"
    return match.group(0)


def published_html(site: Path) -> list[Path]:
    pages = sorted((site / "output").rglob("*.html"))
    assert pages, "the preview built nothing into output/"
    return pages


def test_a_poedit_save_shows_on_the_page_with_its_finding_in_the_panel(
    serving: serve.Running, site: Path
) -> None:
    url = serving.url + "es/feature.html"
    before = fetch(url)
    assert "Cada función" not in before
    assert "No findings for this page." not in panel_of(
        before
    )  # the untranslated page has its to-do list
    po = translate(
        po_path(site, "es"), {"Every feature": "Cada función", "30 minutes": "media hora"}
    )
    line = next(e.linenum for e in po if e.msgid == "30 minutes")
    # the page is served as soon as it is swapped in; its panel follows when the rebuild ends
    page, elapsed = wait_for(url, lambda html: "Cada función" in html and "[number]" in html)
    panel = panel_of(page)
    assert f"locales/es/LC_MESSAGES/feature.po:{line}</code> [number]" in panel, panel
    assert "error" in panel and "30" in panel
    print(f"save -> served page changed in {elapsed:.2f} s")
    # the finding is on the Spanish page only, not on the Arabic one
    assert f"feature.po:{line}" not in panel_of(fetch(serving.url + "ar/feature.html"))
    published = (site / "output" / "es" / "feature.html").read_text(encoding="utf-8")
    assert "Cada función" in published
    for path in published_html(site):
        text = path.read_text(encoding="utf-8")
        assert "pipeline-preview" not in text and "__pipeline__" not in text, path


def test_a_broken_po_keeps_the_last_good_site_and_names_the_error(
    serving: serve.Running, site: Path
) -> None:
    url = serving.url + "es/feature.html"
    path = po_path(site, "es")
    translate(path, {"Every feature": "Cada función"})
    wait_for(url, lambda html: "Cada función" in html)
    good = path.read_text(encoding="utf-8")
    broken = good.replace('msgstr "Cada función"', 'msgstr "Cada función sin comillas')
    assert broken != good
    save_like_poedit(path, broken)
    page, _ = wait_for(url, lambda html: "The last rebuild failed" in html)
    bad_line = broken.splitlines().index('msgstr "Cada función sin comillas') + 1
    assert f"locales/es/LC_MESSAGES/feature.po:{bad_line}:" in panel_of(page)
    assert "Cada función" in page  # the last good page is still served
    assert any("rebuild failed" in m and f"feature.po:{bad_line}" in m for m in serving.messages)  # type: ignore[attr-defined]
    assert (site / "output" / "es" / "feature.html").is_file()
    save_like_poedit(path, good.replace("Cada función", "Cada detalle"))
    wait_for(url, lambda html: "Cada detalle" in html and "The last rebuild failed" not in html)


def test_a_source_save_shows_on_the_source_page(serving: serve.Running, site: Path) -> None:
    article = site / "source" / "feature.md"
    article.write_text(
        article.read_text(encoding="utf-8").replace("# Every feature", "# Every single feature"),
        encoding="utf-8",
    )
    wait_for(serving.url + "en/feature.html", lambda html: "Every single feature" in html)


def test_the_browser_is_told_to_reload_after_each_build(serving: serve.Running, site: Path) -> None:
    page = fetch(serving.url + "es/feature.html")
    script = re.search(
        r'<script src="\.\./__pipeline__/reload\.js" data-generation="([^"]+)" data-events="\.\./__pipeline__/events"',
        page,
    )
    assert script, page[:2000]
    assert "EventSource" in fetch(serving.url + "__pipeline__/reload.js")
    assert not re.search(r'<(script|link rel="stylesheet")[^>]* (src|href)="(https?:)?//', page), (
        "the preview fetches nothing from outside"
    )
    with urllib.request.urlopen(
        serving.url + "__pipeline__/events", timeout=SAVE_SHOWS_WITHIN
    ) as events:
        assert events.headers["Content-Type"] == "text/event-stream"
        assert events.readline().decode().strip() == f"data: {script.group(1)}"
        events.readline()
        translate(po_path(site, "es"), {"Every feature": "Cada función"})
        line = ""
        while not line.startswith("data: "):  # keep-alive comments come every 15 s meanwhile
            line = events.readline().decode().strip()
        assert line != f"data: {script.group(1)}"
    assert f'data-generation="{line.removeprefix("data: ")}"' in fetch(
        serving.url + "es/feature.html"
    )


def test_only_loopback_and_the_site_files_are_served(serving: serve.Running) -> None:
    assert serving.server.server_address[0] == "127.0.0.1"
    index = fetch(serving.url)
    assert PANEL in index and "<h1" in index
    css = fetch(serving.url + "assets/style.css")
    assert "pipeline-preview" not in css  # non-HTML files are served as built
    with pytest.raises(urllib.error.HTTPError) as missing:
        fetch(serving.url + "nothing-here.html")
    assert missing.value.code == 404
    with pytest.raises(urllib.error.HTTPError) as outside:
        fetch(serving.url + "../pyproject.toml")
    assert outside.value.code == 400


MALFORMED = [
    b"/%00", b"/es/feature.html%00", b"/es/%00/../feature.html", b"/%ff", b"/es/%c0%af",
    b"/es/\xff.html", b"/..%2f..%2fpyproject.toml", b"/%2e%2e/pyproject.toml",
    b"/es/..%5c..%5cpyproject.toml", b"/a%0d%0aSet-Cookie:%20x=1", b"/a%7f", b"*",
]  # fmt: skip


def raw_get(url: str, target: bytes) -> bytes:
    """The whole response to a request sent byte for byte, as no browser would send it."""
    address = urllib.parse.urlsplit(url)
    with socket.create_connection((address.hostname, address.port), timeout=30) as sock:
        sock.sendall(b"GET " + target + b" HTTP/1.0\r\n\r\n")
        return b"".join(iter(lambda: sock.recv(65536), b""))


def test_a_malformed_path_answers_400_and_no_traceback(
    serving: serve.Running, capsys: pytest.CaptureFixture[str]
) -> None:
    for target in MALFORMED:
        response = raw_get(serving.url, target)
        assert response.startswith(b"HTTP/1.0 400 "), (target, response[:200])
    assert raw_get(serving.url, b"/es/feature.html?x=%ff").startswith(b"HTTP/1.0 200 ")
    assert raw_get(serving.url, b"/es").startswith(b"HTTP/1.0 301 ")  # to /es/, as before
    assert PANEL.encode() in raw_get(serving.url, b"/es/")
    err = capsys.readouterr().err
    assert "Traceback" not in err, err
    assert not [m for m in serving.messages if "request failed" in m]  # type: ignore[attr-defined]


def test_a_stalled_client_holds_up_no_other_request_and_no_rebuild(
    serving: serve.Running, site: Path
) -> None:
    """One client asks for a large file and stops reading; another sends half a request."""
    with (site / "output" / "big.bin").open("wb") as big:
        big.truncate(64 << 20)  # more than any socket buffers hold
    address = (serve.HOST, serving.server.server_address[1])
    stalled = socket.socket()
    stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    stalled.settimeout(30)
    stalled.connect(address)
    half = socket.create_connection(address, timeout=30)
    try:
        stalled.sendall(b"GET /big.bin HTTP/1.0\r\n\r\n")
        assert stalled.recv(12).startswith(b"HTTP/1.0 200")  # sending has begun; nobody reads
        half.sendall(b"GET /es/feature.html HTTP/1.0\r\nHost: ")
        assert PANEL in fetch(serving.url + "es/feature.html")
        translate(po_path(site, "es"), {"Every feature": "Cada función"})
        rebuild = threading.Thread(target=serving.preview.rebuild, daemon=True)
        rebuild.start()
        rebuild.join(120)
        assert not rebuild.is_alive(), "a rebuild waited for a client that does not read"
        assert "Cada función" in fetch(serving.url + "es/feature.html")
    finally:
        stalled.close()
        half.close()


def test_a_page_waits_for_the_swap_not_for_the_whole_rebuild(
    serving: serve.Running, site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rebuild held in its middle (before it writes the new site) still lets pages through."""
    building, release = threading.Event(), threading.Event()
    real_publish = sitebuild.publish

    def held(*args: object, **kwargs: object) -> None:
        building.set()
        release.wait(120)
        real_publish(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sitebuild, "publish", held)
    url = serving.url + "es/feature.html"
    translate(po_path(site, "es"), {"Every feature": "Cada función"})
    try:
        assert building.wait(120), "the save started no rebuild"
        page = fetch(url)  # the last good site, while the rebuild is under way
        assert PANEL in page and "Cada función" not in page
    finally:
        release.set()
    wait_for(url, lambda html: "Cada función" in html, within=120)


def test_the_panel_escapes_what_translators_wrote() -> None:
    finding = Finding(
        "unsafe-html",
        ERROR,
        "feature",
        "es",
        "locales/es/LC_MESSAGES/feature.po",
        12,
        "x",
        "raw HTML <script>alert(1)</script> in the translation",
    )
    snapshot = panel.Snapshot("1", {"es/feature.html": (finding,)}, {}, "bad <b> input")
    shown = panel.panel_html("es/feature.html", snapshot)
    assert "<script>" not in shown and "&lt;script&gt;" in shown and "bad &lt;b&gt; input" in shown
    assert "1 error, 0 warnings" in shown and "feature.po:12" in shown


def test_the_watch_filter_takes_the_renamed_po_not_the_temporary_file(tmp_path: Path) -> None:
    accept = serve.relevant(tmp_path)
    change = serve.watchfiles.Change.added
    locales = tmp_path / "locales" / "es" / "LC_MESSAGES"
    assert accept(change, str(locales / "feature.po"))
    assert not accept(change, str(locales / "feature.po.tmp4f2a"))
    assert not accept(
        change, str(tmp_path / "locales" / "feature.pot")
    )  # the build writes templates itself
    assert accept(change, str(tmp_path / "source" / "feature.md"))
    assert accept(change, str(tmp_path / "source" / "images" / "scale.png"))
    (tmp_path / "source").mkdir()
    (tmp_path / "locales").mkdir()
    assert serve.watched_paths(tmp_path) == [
        tmp_path / "source",
        tmp_path / "locales",
        serve.TEMPLATES_DIR,
    ]


def test_the_cli_serves_until_interrupted(site: Path) -> None:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pipeline",
            "--root",
            str(site),
            "serve",
            "--port",
            "0",
            "--no-open",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = []
        while not any("serving http://127.0.0.1:" in line for line in lines):
            line = proc.stdout.readline()
            assert line, f"serve ended early: {lines} {proc.stderr.read()}"
            lines.append(line)
        url = re.search(r"http://127\.0\.0\.1:\d+/", lines[-1]).group(0)
        assert PANEL in fetch(url + "en/feature.html")
        assert any(line.startswith("pipeline serve: built in ") for line in lines)
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert "Traceback" not in err


def test_the_panel_is_accessible(serving: serve.Running, site: Path, tmp_path: Path) -> None:
    """axe-core and the Nu checker on a served page with findings, saved beside a copy of the site."""
    require_tools()
    translate(po_path(site, "es"), {"Every feature": "Cada función", "30 minutes": "media hora"})
    served = {}
    for page in ("es/feature.html", "ar/feature.html"):
        served[page], _ = wait_for(
            serving.url + page, lambda html, page=page: "[number]" in html or page.startswith("ar")
        )
    copy = tmp_path / "preview"
    shutil.copytree(site / "output", copy)
    for name in ("preview.css", "reload.js"):
        (copy / "__pipeline__").mkdir(exist_ok=True)
        (copy / "__pipeline__" / name).write_text(
            fetch(serving.url + "__pipeline__/" + name), encoding="utf-8"
        )
    pages = []
    for page, html in served.items():
        (copy / page).write_text(html, encoding="utf-8")
        pages.append(copy / page)
    assert PANEL in pages[0].read_text(encoding="utf-8")
    failing = [r for r in run_axe(pages) if r["violations"]]
    assert not failing, format_violations(failing)
    errors = run_vnu([*pages, copy / "__pipeline__" / "preview.css"])
    assert not errors, format_vnu(errors)
