"""Self-test of tests/a11y_tools.py: the checkers must pass a clean page and
catch known problems in a bad one, otherwise page tests built on them prove nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import a11y_tools
from tests.a11y_tools import (
    format_violations,
    format_vnu,
    require_tools,
    run_axe,
    run_vnu,
    run_vnu_warnings,
    screenshot,
)

GOOD_CSS = """\
:root { color-scheme: light dark; }
body { font-family: sans-serif; margin: 2rem; color: #111; background: #fff; }
a { color: #0b3d91; }
@media (prefers-color-scheme: dark) {
  body { color: #eee; background: #111; }
  a { color: #9cc3ff; }
}
"""

GOOD_HTML = """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Hand washing</title>
<link rel="stylesheet" href="style.css">
</head>
<body>
<main>
<h1>Hand washing</h1>
<p>Wash your hands with soap and water for at least 20 seconds.
See the <a href="bad.html">other page</a>.</p>
<section lang="ar" dir="rtl" aria-labelledby="ar-title">
<h2 id="ar-title">غسل اليدين</h2>
<p>اغسل يديك بالماء والصابون لمدة عشرين ثانية على الأقل.</p>
</section>
</main>
</body>
</html>
"""

# Problems on purpose: <img> without alt, low-contrast text (#aaa on #fff is
# 2.3:1), a duplicate id and a <div> inside a <span>.
BAD_HTML = """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Bad page</title>
</head>
<body>
<main>
<h1 id="dup">Bad page</h1>
<img src="photo.png">
<p id="dup" style="color: #aaa; background: #fff">Hard to read text.</p>
<span><div>Block inside inline</div></span>
</main>
</body>
</html>
"""


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    require_tools()
    d = tmp_path_factory.mktemp("pages")
    (d / "style.css").write_text(GOOD_CSS, encoding="utf-8")
    (d / "good.html").write_text(GOOD_HTML, encoding="utf-8")
    (d / "bad.html").write_text(BAD_HTML, encoding="utf-8")
    return {name: (d / f"{name}.html").resolve() for name in ("good", "bad")} | {
        "css": (d / "style.css").resolve()
    }


@pytest.fixture(scope="module")
def axe_results(pages: dict[str, Path]) -> list[dict]:
    return run_axe([pages["good"], pages["bad"]])


def test_vnu_reports_errors_only_for_bad_page(pages: dict[str, Path]) -> None:
    errors = run_vnu([pages["good"], pages["bad"], pages["css"]])
    assert {m["file"] for m in errors} == {str(pages["bad"])}, format_vnu(errors)
    text = format_vnu(errors)
    assert "Duplicate ID" in text
    assert "“div” not allowed as child of element “span”" in text
    assert "“alt” attribute" in text


def test_vnu_warnings(pages: dict[str, Path]) -> None:
    warnings = run_vnu_warnings([pages["bad"]])
    assert all(m["type"] == "info" and m["subType"] == "warning" for m in warnings)
    assert "first occurrence of ID" in format_vnu(warnings)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_good_page_is_clean(
    axe_results: list[dict], pages: dict[str, Path], scheme: str
) -> None:
    [result] = [r for r in axe_results if r["file"] == str(pages["good"]) and r["scheme"] == scheme]
    assert result["violations"] == [], format_violations([result])


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_bad_page_has_known_violations(
    axe_results: list[dict], pages: dict[str, Path], scheme: str
) -> None:
    [result] = [r for r in axe_results if r["file"] == str(pages["bad"]) and r["scheme"] == scheme]
    ids = {v["id"] for v in result["violations"]}
    assert "image-alt" in ids, format_violations([result])
    assert ids & {"color-contrast", "color-contrast-enhanced"}, format_violations([result])
    text = format_violations([result])
    assert "image-alt" in text and 'src="photo.png"' in text


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshot(pages: dict[str, Path], tmp_path: Path, scheme: str) -> None:
    out = screenshot(pages["good"], tmp_path / f"good-{scheme}.png", 480, scheme)
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert width == 480 and height >= 800


@pytest.mark.parametrize(
    ("ci", "fails"), [("", False), ("false", False), ("0", False), ("true", True)]
)
def test_require_tools_skips_locally_but_fails_in_ci(
    monkeypatch: pytest.MonkeyPatch, ci: str, fails: bool
) -> None:
    monkeypatch.setattr(a11y_tools, "tools_available", lambda: "no chromium")
    monkeypatch.setenv("CI", ci)
    expected = pytest.fail.Exception if fails else pytest.skip.Exception
    with pytest.raises(expected, match="no chromium"):
        require_tools()
