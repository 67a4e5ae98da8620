"""``pipeline serve``: a translator's save shows up in the served page, with its findings in a
preview-only panel; bad input keeps the last good site. Everything over real HTTP on 127.0.0.1."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import polib
import pytest

from pipeline.model import ERROR, Finding
from pipeline.serve import panel
from pipeline.serve import server as serve
from tests.a11y_tools import format_violations, format_vnu, require_tools, run_axe, run_vnu
from tests.conftest import po_path

PANEL = 'class="pipeline-preview"'
SAVE_SHOWS_WITHIN = 5.0  # seconds; the target is one second, the margin is for a loaded CI machine


@pytest.fixture
def serving(site: Path) -> Iterator[serve.Running]:
    messages: list[str] = []
    running = serve.start(site, port=0, notify=messages.append)
    running.messages = messages  # type: ignore[attr-defined]
    yield running
    running.stop()


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
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
    page, elapsed = wait_for(url, lambda html: "Cada función" in html)
    line = next(e.linenum for e in po if e.msgid == "30 minutes")
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
    page, _ = wait_for(url, lambda html: "Cada detalle" in html)
    assert "The last rebuild failed" not in page


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
    with urllib.request.urlopen(serving.url + "__pipeline__/events", timeout=10) as events:
        assert events.headers["Content-Type"] == "text/event-stream"
        assert events.readline().decode().strip() == f"data: {script.group(1)}"
        events.readline()
        translate(po_path(site, "es"), {"Every feature": "Cada función"})
        began = time.monotonic()
        line = events.readline().decode().strip()
        assert line.startswith("data: ") and line != f"data: {script.group(1)}"
        assert time.monotonic() - began < SAVE_SHOWS_WITHIN
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
        fetch(serving.url + "../pyproject.toml")
    assert missing.value.code == 404


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
