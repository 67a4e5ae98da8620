"""Helpers that prove generated HTML pages are valid and accessible.

Validation uses the Nu HTML Checker (vnu.jar, the W3C validator's engine) and
accessibility uses axe-core in Debian's headless Chromium via playwright-core.
Both are pinned in tests/a11y/package.json and installed by
``bash tests/a11y/install.sh``. Tests should call :func:`require_tools` first:
it skips locally when the tools are missing but fails under CI, where a
silently skipped accessibility suite would hide regressions.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import unquote

import pytest

A11Y_DIR = Path(__file__).resolve().parent / "a11y"
VNU_JAR = A11Y_DIR / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# Debian's Chromium: Playwright cannot download its own browser on this network.
CHROMIUM = Path("/usr/bin/chromium")
INSTALL_HINT = "run `bash tests/a11y/install.sh`"


def tools_available() -> str | None:
    """Return None if java, node, Chromium and the npm packages are present, else why not."""
    missing = [name for name in ("java", "node") if shutil.which(name) is None]
    if not CHROMIUM.exists():
        missing.append(str(CHROMIUM))
    if not (A11Y_DIR / "node_modules").is_dir() or not VNU_JAR.exists():
        missing.append(str(A11Y_DIR / "node_modules"))
    return f"a11y tools missing: {', '.join(missing)}; {INSTALL_HINT}" if missing else None


def require_tools() -> None:
    """Skip the calling test if the tools are missing, but fail when ``CI`` is ``"true"``.

    CI must have the tools: a skipped accessibility check there would let
    invalid or inaccessible pages through unnoticed.
    """
    reason = tools_available()
    if reason is None:
        return
    if (
        os.environ.get("CI") == "true"
    ):  # what GitHub Actions and most CI services set; CI=false is local
        pytest.fail(reason)
    pytest.skip(reason)


def _run(cmd: list[str], timeout: int) -> subprocess.CompletedProcess[str]:
    """Run a tool; raise with its output if it failed (not if it found problems)."""
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=A11Y_DIR)
    if proc.returncode != 0:
        raise RuntimeError(
            f"{' '.join(cmd[:3])} ... exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
        )
    return proc


def vnu_messages(paths: list[Path]) -> list[dict]:
    """All Nu checker messages for ``paths`` (HTML and CSS files), from one JVM run.

    The JVM takes seconds to start, so check every file in a single call. Each
    message gets a ``file`` key with the local path (vnu only gives a file: URL).
    """
    files = [str(Path(p).resolve()) for p in paths]
    cmd = [
        "java",
        "-jar",
        str(VNU_JAR),
        "--format",
        "json",
        "--stdout",
        "--exit-zero-always",
        "--also-check-css",
        *files,
    ]
    # --exit-zero-always: a non-zero exit then means the checker itself failed.
    messages = json.loads(_run(cmd, timeout=600).stdout)["messages"]
    for m in messages:
        if m["type"] == "non-document-error":  # e.g. unreadable file
            raise RuntimeError(f"vnu could not check a file: {m}")
        m["file"] = unquote(m.get("url", "").removeprefix("file:"))
    return messages


def run_vnu(paths: list[Path]) -> list[dict]:
    """Nu checker messages of type ``error`` for ``paths`` (invalid HTML/CSS)."""
    return [m for m in vnu_messages(paths) if m["type"] == "error"]


def run_vnu_warnings(paths: list[Path]) -> list[dict]:
    """Nu checker warnings (type ``info``, subType ``warning``) for ``paths``.

    Use :func:`vnu_messages` instead when you need errors and warnings, to avoid
    starting the JVM twice.
    """
    return [m for m in vnu_messages(paths) if m["type"] == "info" and m.get("subType") == "warning"]


def run_axe(paths: list[Path]) -> list[dict]:
    """axe-core results for each file in the ``light`` and ``dark`` colour schemes.

    Returns ``[{file, scheme, violations: [{id, impact, help, nodes: [{target,
    html, failureSummary}]}]}]`` where ``file`` is the resolved path as a string.
    One browser is launched for all files; pages are served over local HTTP
    from their common parent folder so relative links and CSS resolve.
    """
    files = [str(Path(p).resolve()) for p in paths]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "axe.json"
        _run(["node", str(A11Y_DIR / "axe.mjs"), str(out), *files], timeout=600)
        return json.loads(out.read_text(encoding="utf-8"))


def screenshot(
    path: Path, out: Path, width: int, scheme: str = "light", site_root: Path | None = None
) -> Path:
    """Full-page PNG of ``path`` at viewport ``width`` x 800 in ``scheme``; returns ``out``.

    Pass ``site_root`` (the built ``output/``) so the page's ``../assets`` stylesheet is served too.
    """
    out = Path(out).resolve()
    extra = [str(Path(site_root).resolve())] if site_root else []
    _run(
        [
            "node",
            str(A11Y_DIR / "screenshot.mjs"),
            str(Path(path).resolve()),
            str(out),
            str(width),
            scheme,
            *extra,
        ],
        timeout=300,
    )
    return out


def format_violations(results: list[dict]) -> str:
    """Readable summary of :func:`run_axe` results for assertion messages.

    One line per file/scheme/rule with the first offending node, so a failing
    test says what to fix without digging through JSON.
    """
    lines = []
    for r in results:
        for v in r["violations"]:
            node = v["nodes"][0] if v["nodes"] else {}
            lines.append(
                f"{r['file']} [{r['scheme']}] {v['id']} ({v['impact']}): {v['help']}"
                f" ({len(v['nodes'])} node(s))\n"
                f"    target: {node.get('target')}\n    html:   {node.get('html', '')[:200]}"
            )
    return "\n".join(lines) or "no axe violations"


def format_vnu(messages: list[dict]) -> str:
    """Readable summary of Nu checker messages (file:line, type, text)."""
    return (
        "\n".join(
            f"{m.get('file')}:{m.get('lastLine', '?')}: {m['type']}"
            f"{'/' + m['subType'] if 'subType' in m else ''}: {m['message']}"
            for m in messages
        )
        or "no vnu messages"
    )
