"""The shipped site, built from the repository's own articles and catalogues, is valid and accessible.

WCAG 2.2 AA everywhere, AAA for contrast and Guideline 3.1 (language). Three kinds of proof:

- tools: the Nu HTML Checker (valid HTML, no language or direction warnings) and axe-core in
  Chromium, light and dark colour schemes, on every page;
- structure a tool does not check: one h1, no skipped heading level, landmarks, skip link,
  language switcher marked up with ``lang``/``hreflang``, BCP 47 ``<html lang>`` and ``dir``;
- the stylesheet: readable text size, line height and line length, dark and print styles, and
  logical properties only (so right-to-left pages mirror); plus screenshots at 320 and 1280 px
  that must not scroll sideways, with the computed text size, line height and line length.
Copies of the screenshots go to /tmp/a11y-shots/ for a person.

The tools are installed by ``bash tests/a11y/install.sh``; without them the tests that run a
tool skip locally and fail in CI (``CI=true``, ``require_tools``). The structure and stylesheet
tests need no tool and always run.
"""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from pipeline.cli import main
from tests.a11y_tools import (
    A11Y_DIR,
    format_violations,
    format_vnu,
    require_tools,
    run_axe,
    vnu_messages,
)
from tests.pages import Element, read

REPO = Path(__file__).resolve().parent.parent
SLUG = "ketamine-infusions-chronic-pain"
# output folder -> (<html lang>, dir) for each article version the repository ships.
ARTICLES = {
    "en": ("en", "ltr"),
    "es": ("es", "ltr"),
    "de": ("de", "ltr"),
    "fr": ("fr", "ltr"),
    "ar": ("ar", "rtl"),
    "en/plain": ("en", "ltr"),
    "es/plain": ("es", "ltr"),
}
SHOTS_FOR_PEOPLE = Path("/tmp/a11y-shots")
FOCUSABLE = {"a", "button", "input", "select", "textarea", "summary", "iframe"}
LANDMARKS = {"header": "banner", "nav": "navigation", "main": "main", "footer": "contentinfo"}


@pytest.fixture(scope="module")
def tools() -> None:
    """The Nu checker, axe-core and Chromium: skip locally, fail in CI when missing."""
    require_tools()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``output/`` of a build of a copy of the repository's source, locales and config."""
    root = tmp_path_factory.mktemp("a11y-site")
    shutil.copytree(REPO / "source", root / "source")
    shutil.copytree(REPO / "locales", root / "locales")
    shutil.copy2(REPO / "pyproject.toml", root / "pyproject.toml")
    # 1 means the quality checks found errors: the pages are written all the same.
    assert main(["--root", str(root), "build"]) in (0, 1)
    out = root / "output"
    assert (out / "index.html").is_file() and (out / "reports" / "index.html").is_file()
    return out


@pytest.fixture(scope="module")
def pages(site: Path) -> list[Path]:
    found = sorted(site.rglob("*.html"))
    expected = {f"{rel}/{SLUG}.html" for rel in ARTICLES} | {"index.html", "reports/index.html"}
    assert expected <= {p.relative_to(site).as_posix() for p in found}
    return found


def article(site: Path, rel: str) -> Path:
    return site / rel / f"{SLUG}.html"


# --- Nu HTML Checker -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def vnu(tools: None, pages: list[Path], site: Path) -> list[dict]:
    """Every Nu checker message for every page and the stylesheet, from one JVM run."""
    return vnu_messages([*pages, site / "assets" / "style.css"])


def test_every_page_and_the_stylesheet_are_valid(vnu: list[dict]) -> None:
    errors = [m for m in vnu if m["type"] == "error"]
    assert not errors, format_vnu(errors)


def test_no_checker_warning_about_language_or_direction(vnu: list[dict]) -> None:
    warnings = [m for m in vnu if m["type"] == "info" and m.get("subType") == "warning"]
    about_language = [
        m
        for m in warnings
        if re.search(
            r"\blang\b|This document appears to be written in|\bdir\b|direction", m["message"]
        )
    ]
    assert not about_language, format_vnu(about_language)


# --- axe-core --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def axe(tools: None, pages: list[Path]) -> list[dict]:
    return run_axe(pages)


def test_axe_ran_on_every_page_in_both_colour_schemes(axe: list[dict], pages: list[Path]) -> None:
    assert {(r["file"], r["scheme"]) for r in axe} == {
        (str(p.resolve()), s) for p in pages for s in ("light", "dark")
    }


def test_no_axe_violations_in_light_or_dark(axe: list[dict]) -> None:
    failing = [r for r in axe if r["violations"]]
    assert not failing, format_violations(failing)


# --- Structure of article pages --------------------------------------------------------------


def _elements(doc: Element) -> list[Element]:
    return [e for e in doc.iter() if e.tag != "#root"]


def _is_focusable(e: Element) -> bool:
    tabindex = e.attrs.get("tabindex")
    if tabindex is not None:
        return tabindex.strip().lstrip("+").isdigit()  # tabindex="-1" is not in the tab order
    if e.tag == "a":
        return "href" in e.attrs
    return e.tag in FOCUSABLE and "disabled" not in e.attrs


@pytest.mark.parametrize("rel", ARTICLES)
def test_one_h1_and_no_skipped_heading_level(site: Path, rel: str) -> None:
    doc = read(article(site, rel))
    levels = [int(e.tag[1]) for e in _elements(doc) if re.fullmatch(r"h[1-6]", e.tag)]
    assert levels.count(1) == 1, f"{rel}: {levels.count(1)} h1 elements"
    assert levels[0] == 1, f"{rel}: the first heading is h{levels[0]}, not the page's h1"
    skips = [(a, b) for a, b in zip(levels, levels[1:], strict=False) if b > a + 1]
    assert not skips, f"{rel}: heading level jumps {skips} in {levels}"


@pytest.mark.parametrize("rel", ARTICLES)
def test_landmarks_and_skip_link(site: Path, rel: str) -> None:
    doc = read(article(site, rel))
    body = doc.find_all("body")[0]
    for tag, role in LANDMARKS.items():
        found = [e for e in body.iter() if e.tag == tag or e.attrs.get("role") == role]
        assert found, f"{rel}: no <{tag}> ({role} landmark)"
    mains = doc.find_all("main")
    assert len(mains) == 1 and mains[0].attrs.get("id"), (
        f"{rel}: needs exactly one <main> with an id"
    )
    first = next(e for e in body.iter() if e is not body and _is_focusable(e))
    assert first.tag == "a" and first.attrs.get("href") == "#" + mains[0].attrs["id"], (
        f"{rel}: the first focusable element is <{first.tag} {first.attrs}>, "
        f"not a skip link to #{mains[0].attrs['id']}"
    )
    assert first.text.strip(), f"{rel}: the skip link has no text"


@pytest.mark.parametrize("rel", ARTICLES)
def test_language_switcher_names_each_language_in_itself(site: Path, rel: str) -> None:
    doc = read(article(site, rel))
    navs = [n for n in doc.find_all("nav") if "languages" in n.attrs.get("class", "").split()]
    assert len(navs) == 1, f"{rel}: expected one language switcher"
    items = navs[0].find_all("li")
    assert len(items) == len(ARTICLES), f"{rel}: {len(items)} languages listed"
    for li in items:
        texts = [e for e in li.iter() if e.text.strip()]
        links = li.find_all("a")
        assert len(links) == 1, f"{rel}: list item {li.text.strip()!r} has {len(links)} links"
        # Every element with text in the item carries both attributes (or sits inside one that does).
        for e in texts:
            if e is li:
                continue
            assert e.attrs.get("lang") and e.attrs.get("hreflang"), (
                f"{rel}: {e.tag} {e.text.strip()!r} in the language switcher lacks lang/hreflang"
            )
        assert li.text.strip() == links[0].text.strip(), (
            f"{rel}: text outside the link in {li.text!r}"
        )
        assert links[0].attrs["lang"] == links[0].attrs["hreflang"]
    current = [a for a in navs[0].find_all("a") if a.attrs.get("aria-current") == "page"]
    assert len(current) == 1, f"{rel}: the current version is not marked aria-current=page"


@pytest.mark.parametrize("rel", ARTICLES)
def test_html_lang_is_bcp47_and_dir_matches_the_script(site: Path, rel: str) -> None:
    html = read(article(site, rel)).find_all("html")[0]
    lang, direction = ARTICLES[rel]
    assert re.fullmatch(
        r"[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?", html.attrs.get("lang", "")
    )
    assert (html.attrs.get("lang"), html.attrs.get("dir")) == (lang, direction), rel


def test_index_and_report_declare_english(site: Path) -> None:
    reports = sorted(p.relative_to(site).as_posix() for p in (site / "reports").glob("*.html"))
    assert len(reports) == 1 + len(ARTICLES)  # the overview, and a page per language
    for rel in ("index.html", *reports):
        html = read(site / rel).find_all("html")[0]
        assert (html.attrs.get("lang"), html.attrs.get("dir", "ltr")) == ("en", "ltr"), rel


# --- The stylesheet --------------------------------------------------------------------------


def _rules(css: str) -> list[tuple[str, str, str]]:
    """(at-rule prelude or "", selector, declarations) for every rule, one level of @media deep."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    rules: list[tuple[str, str, str]] = []
    i = 0
    while i < len(css):
        open_ = css.find("{", i)
        if open_ < 0:
            break
        prelude = css[i:open_].strip()
        depth, j = 1, open_ + 1
        while depth:
            depth += {"{": 1, "}": -1}.get(css[j], 0)
            j += 1
        block = css[open_ + 1 : j - 1]
        if prelude.startswith("@"):
            rules += [(prelude, sel, decl) for _, sel, decl in _rules(block)]
        else:
            rules.append(("", prelude, block))
        i = j
    return rules


def _declaration(decls: str, prop: str) -> str | None:
    found = re.findall(rf"(?:^|;)\s*{re.escape(prop)}\s*:\s*([^;]+)", decls)
    return found[-1].strip() if found else None


def _selectors(selector: str) -> set[str]:
    return {s.strip() for s in selector.split(",")}


@pytest.fixture(scope="module")
def css(site: Path) -> str:
    return (site / "assets" / "style.css").read_text(encoding="utf-8")


def test_text_is_large_enough_with_generous_line_height(css: str) -> None:
    body = [d for at, sel, d in _rules(css) if not at and "body" in _selectors(sel)]
    size = next(v for d in body if (v := _declaration(d, "font-size")))
    height = next(v for d in body if (v := _declaration(d, "line-height")))
    assert size.endswith("rem") and float(size[:-3]) >= 1, f"body font-size {size}"
    assert float(height) >= 1.5, f"body line-height {height} (unitless, at least 1.5)"


def test_text_column_is_at_most_about_70_characters_wide(css: str) -> None:
    widths = [
        _declaration(d, "max-inline-size") or _declaration(d, "max-width")
        for at, sel, d in _rules(css)
        if not at and "main" in _selectors(sel)
    ]
    widths = [w for w in widths if w]
    assert widths, "no max-inline-size on main"
    assert widths[-1].endswith("ch") and float(widths[-1][:-2]) <= 72, (
        f"main max-inline-size {widths[-1]}"
    )


def test_dark_scheme_and_print_styles_exist(css: str) -> None:
    assert re.search(r"@media[^{]*prefers-color-scheme\s*:\s*dark", css)
    assert re.search(r"@media\s+print\b", css)


def test_only_logical_properties_so_right_to_left_mirrors(css: str) -> None:
    physical = re.compile(
        r"(?:^|[;{\s])((?:margin|padding|border)-(?:left|right)(?:-\w+)?\s*:"
        r"|(?<![\w-])(?:left|right)\s*:"
        r"|text-align\s*:\s*(?:left|right)\b"
        r"|float\s*:\s*(?:left|right)\b|clear\s*:\s*(?:left|right)\b)"
    )
    bad = [f"{sel} {{{m.group(1)}...}}" for at, sel, d in _rules(css) for m in physical.finditer(d)]
    assert not bad, "physical properties do not mirror on right-to-left pages: " + "; ".join(bad)


# --- Screenshots and horizontal overflow ------------------------------------------------------


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", head[16:24])


# Playwright in Node, with the a11y tools' browser and server. The server's root is the common
# folder of the files it is given, so the stylesheet is passed too: pages under output/en/ must
# reach ../assets/style.css (a11y_tools.screenshot serves only the page's own folder, so its
# screenshots of pages in subfolders come out unstyled; this test does not use it).
_BROWSE = """
import { launch, openPage, serve } from './serve.mjs';
const [width, shots, css, ...files] = process.argv.slice(1);
const server = await serve([css, ...files]);
const browser = await launch();
const out = {};
try {
  for (const [i, file] of files.entries()) {
    const page = await openPage(browser, server.urlFor(file), { width: Number(width) });
    await page.evaluate(() => document.fonts.ready);
    out[file] = await page.evaluate(() => {
      const root = document.documentElement;
      const px = (v) => parseFloat(v);
      const body = getComputedStyle(document.body);
      const para = document.querySelector('main p:not([class])');
      const probe = document.createElement('span');
      probe.textContent = '0'.repeat(70);
      probe.style.whiteSpace = 'nowrap';
      (para || document.body).append(probe);
      const seventyCh = probe.getBoundingClientRect().width;
      probe.remove();
      const wide = [...document.querySelectorAll('body *')]
        .filter((e) => { const r = e.getBoundingClientRect(); return r.right > root.clientWidth + 0.5 || r.left < -0.5; })
        .filter((e) => !e.closest('.table-scroll'))
        .slice(0, 3).map((e) => e.outerHTML.slice(0, 120));
      return {
        styled: [...document.styleSheets].some((s) => s.cssRules.length > 0),
        scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, wide,
        fontSize: px(body.fontSize), lineHeight: px(body.lineHeight),
        paragraphWidth: para ? para.getBoundingClientRect().width : 0, seventyCh,
      };
    });
    if (shots !== '-') await page.screenshot({ path: `${shots}/${i}.png`, fullPage: true });
    await page.close();
  }
} finally {
  await browser.close();
  await server.close();
}
console.log(JSON.stringify(out));
"""


def _browse(
    site: Path, files: list[Path], width: int, shots: Path | None = None
) -> dict[str, dict]:
    """Per file: computed text metrics and overflow at viewport ``width``; full-page PNGs
    ``shots/<index>.png`` in the order of ``files`` when ``shots`` is given."""
    proc = subprocess.run(
        [
            "node",
            "--input-type=module",
            "-e",
            _BROWSE,
            str(width),
            str(shots.resolve()) if shots else "-",
            str((site / "assets" / "style.css").resolve()),
            *(str(f.resolve()) for f in files),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=A11Y_DIR,
    )
    assert proc.returncode == 0, proc.stderr
    measured = json.loads(proc.stdout)
    unstyled = [f for f, m in measured.items() if not m["styled"]]
    assert not unstyled, f"the stylesheet did not load in {unstyled}"
    return measured


@pytest.fixture(scope="module")
def narrow(tools: None, site: Path, pages: list[Path]) -> dict[str, dict]:
    return _browse(site, pages, 320)


@pytest.mark.parametrize("width", [320, 1280])
def test_pages_do_not_scroll_sideways(
    tools: None, site: Path, pages: list[Path], narrow: dict[str, dict], width: int
) -> None:
    """WCAG 1.4.10 Reflow: at 320 CSS px only a table may scroll sideways, inside its own region."""
    measured = narrow if width == 320 else _browse(site, pages, width)
    wide = {f: m for f, m in measured.items() if m["scrollWidth"] > width or m["wide"]}
    assert not wide, "\n".join(
        f"{f} at {width}px: scrollWidth {m['scrollWidth']}; too wide: {m['wide']}"
        for f, m in wide.items()
    )


def test_computed_text_size_line_height_and_line_length(tools: None, site: Path) -> None:
    """The same rules as the stylesheet checks, as the browser applies them at desktop width."""
    files = [article(site, rel) for rel in ARTICLES]
    for file, m in _browse(site, files, 1280).items():
        assert m["fontSize"] >= 16, f"{file}: body text {m['fontSize']}px"
        assert m["lineHeight"] >= 1.5 * m["fontSize"], f"{file}: line height {m['lineHeight']}px"
        assert 0 < m["paragraphWidth"] <= m["seventyCh"] * 1.03, (
            f"{file}: paragraphs are {m['paragraphWidth']:.0f}px wide, 70ch is {m['seventyCh']:.0f}px"
        )


@pytest.mark.parametrize("width", [320, 1280])
def test_screenshots_are_as_wide_as_the_viewport(
    tools: None, site: Path, tmp_path: Path, width: int
) -> None:
    """Full-page PNGs of the English and Arabic pages; copies in /tmp/a11y-shots/ for a person."""
    rels = ["en", "ar"]
    _browse(site, [article(site, rel) for rel in rels], width, shots=tmp_path)
    SHOTS_FOR_PEOPLE.mkdir(parents=True, exist_ok=True)
    for i, rel in enumerate(rels):
        shot = tmp_path / f"{i}.png"
        shutil.copy2(shot, SHOTS_FOR_PEOPLE / f"{rel}-{width}.png")
        png_width, png_height = _png_size(shot)
        assert png_width == width, (
            f"{rel} at {width}px: the full-page screenshot is {png_width}px wide"
        )
        assert png_height >= 800, f"{rel} at {width}px: the screenshot is only {png_height}px high"


# --- The feature article: tables, images, footnotes, definition lists, fallbacks --------------


@pytest.fixture(scope="module")
def feature_pages(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The test article with every Markdown feature: Spanish pseudo-translated, Arabic untranslated (all fallbacks)."""
    from tests.conftest import DATA, po_path, translate_po
    from tests.test_build import pseudo

    root = tmp_path_factory.mktemp("a11y-feature") / "site"
    shutil.copytree(DATA / "site", root)
    assert main(["--root", str(root), "init", "es", "ar", "en@plain"]) == 0
    for domain in ("feature", "glossary", "ui"):
        translate_po(po_path(root, "es", domain), pseudo)
    assert main(["--root", str(root), "build"]) in (0, 1)
    return sorted((root / "output").rglob("*.html"))


def test_feature_pages_are_valid(tools: None, feature_pages: list[Path]) -> None:
    errors = [m for m in vnu_messages(feature_pages) if m.get("type") == "error"]
    assert not errors, format_vnu(errors)


def test_feature_pages_have_no_axe_violations(tools: None, feature_pages: list[Path]) -> None:
    failing = [r for r in run_axe(feature_pages) if r["violations"]]
    assert not failing, format_violations(failing)


# --- The multi-article site: previews, indexes per language, images, review dates -------------


@pytest.fixture(scope="module")
def multisite_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every page of the multi-article fixture (tests/multisite.py): published pages, previews,
    indexes per language, the report, and pt_BR added with ``init``."""
    from tests.multisite import make_multisite

    root = make_multisite(tmp_path_factory.mktemp("a11y-multisite"))
    assert main(["--root", str(root), "init", "pt_BR"]) == 0
    assert main(["--root", str(root), "build"]) in (0, 1)
    return root / "output"


@pytest.fixture(scope="module")
def multisite_pages(multisite_output: Path) -> list[Path]:
    found = sorted(multisite_output.rglob("*.html"))
    rels = {p.relative_to(multisite_output).as_posix() for p in found}
    assert {
        "ar/index.html",
        "pt-BR/index.html",
        "en/plain/sleep.html",
        "ar/sleep.html",
        "reports/index.html",
    } <= rels
    return found


def test_multisite_pages_are_valid(
    tools: None, multisite_output: Path, multisite_pages: list[Path]
) -> None:
    errors = [
        m
        for m in vnu_messages([*multisite_pages, multisite_output / "assets" / "style.css"])
        if m.get("type") == "error"
    ]
    assert not errors, format_vnu(errors)


def test_multisite_pages_have_no_axe_violations(tools: None, multisite_pages: list[Path]) -> None:
    results = run_axe(multisite_pages)
    assert len(results) == 2 * len(multisite_pages)
    failing = [r for r in results if r["violations"]]
    assert not failing, format_violations(failing)


# --- Print ------------------------------------------------------------------------------------

PRINT_OFFSETS, PRINT_STEP = (
    24,
    40,
)  # px pushed before the article: the text ends anywhere on a sheet


def _printed(page: Path, css: Path, tmp: Path) -> list[list[str]]:
    """For each offset, the text of each printed A4 sheet (Chromium's PDF, read by pdftotext)."""
    if shutil.which("pdftotext") is None:
        require_tools()
        pytest.skip("pdftotext (poppler-utils) is missing; run `bash tests/a11y/install.sh`")
    subprocess.run(
        [
            "node",
            str(A11Y_DIR / "print.mjs"),
            str(tmp),
            str(page.resolve()),
            str(css.resolve()),
            str(PRINT_STEP),
            str(PRINT_OFFSETS),
        ],
        check=True,
        capture_output=True,
        timeout=300,
        cwd=A11Y_DIR,
    )
    sheets = []
    for i in range(PRINT_OFFSETS):
        text = subprocess.run(
            ["pdftotext", "-layout", str(tmp / f"{i}.pdf"), "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        sheets.append([" ".join(sheet.split()) for sheet in text.split("\f") if sheet.strip()])
    return sheets


@pytest.mark.parametrize("rel", ["en", "ar"])
def test_the_last_printed_sheet_is_never_only_the_footer(
    tools: None, site: Path, tmp_path: Path, rel: str
) -> None:
    footer = " ".join(read(article(site, rel)).find_all("footer")[0].text.split())
    for offset, sheets in enumerate(
        _printed(article(site, rel), site / "assets" / "style.css", tmp_path)
    ):
        assert sheets[-1] != footer, (
            f"{rel}, article pushed down {offset * PRINT_STEP}px: the last sheet holds only the footer"
        )


def test_print_does_not_repeat_an_expansion_the_text_gives(
    tools: None, site: Path, tmp_path: Path
) -> None:
    text = re.sub(
        r"-\s+",
        "-",
        " ".join(_printed(article(site, "en"), site / "assets" / "style.css", tmp_path)[0]),
    )  # lines broken after a hyphen
    assert "N-methyl-D-aspartate (NMDA) receptors" in text
    assert "(NMDA (N-methyl-D-aspartate))" not in text
