"""Printable leaflets (pipeline/render/leaflet.py): each opened with pikepdf and read like assistive technology would.

The shipped content's leaflets and a small fixture article of our own (tests/data/leaflet: a table,
an image, a partial Arabic translation, Letter paper) are made once per module.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import polib
import pytest

from pipeline.build import gather as gather_module
from pipeline.build import verbs
from pipeline.cli import main
from pipeline.config import load_config
from pipeline.errors import ConfigError, LeafletError, LeafletTooSlow, SourceError
from pipeline.locales import parse_locale
from pipeline.model import UI_DOMAIN, Article, Asset, Page, Version
from pipeline.render import engine, leaflet, typenodes
from pipeline.render.leaflet import Leaflet, Leaflets, LeafletSettings, leaflet_for
from pipeline.render.media import collect_media
from pipeline.render.page import LocaleCatalogs
from pipeline.render.site import SiteContext, render_page
from pipeline.render.ui import UiText
from tests.conftest import DATA, REPO

pytestmark = pytest.mark.skipif(
    leaflet.unavailable() is not None, reason=f"no leaflets here: {leaflet.unavailable()}"
)
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
PDFTOTEXT = shutil.which("pdftotext")


def make_leaflets(root: Path) -> dict[str, tuple[Leaflet, str]]:
    """Every version's leaflet as the build makes it: path -> (leaflet, page title)."""
    project = verbs.read_project(load_config(root))
    config = project.config
    catalogs = verbs.load_catalogs(project)
    versions = {
        a.slug: [
            (Version(a.slug, loc.name, f"{loc.output_dir}/{a.slug}.html"), loc)
            for loc in config.all_locales
        ]
        for a in project.articles
    }
    site = SiteContext(
        config.site_url,
        config.site_name,
        config.source_locale,
        versions,
        {loc.name: catalogs.get((loc.name, UI_DOMAIN)) for loc in config.all_locales},
    )
    media = collect_media(config, project.articles)
    settings = LeafletSettings.of(config, media)
    made = {}
    for article in project.articles:
        for version, locale in versions[article.slug]:
            page, _html = render_page(
                article,
                version,
                LocaleCatalogs.of(catalogs, locale, article.slug),
                config.source_locale,
                project.glossary,
                site,
                media.urls.get((article.slug, locale.name), {}),
            )
            ui = UiText(
                catalogs.get((locale.name, UI_DOMAIN)), config.source_locale.tag, locale.tag
            )
            made[version.path] = (leaflet_for(page, locale, ui, settings), page.title)
    return made


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Leaflet, str]]:
    root = tmp_path_factory.mktemp("shipped")
    shutil.copy(REPO / "pyproject.toml", root)
    for folder in ("source", "locales"):
        shutil.copytree(REPO / folder, root / folder)
    return make_leaflets(root)


FIXTURE_AR = {
    "Managing a drip at home": "العناية بالمحلول الوريدي في المنزل",
    "Before you start": "قبل أن تبدأ",
    "Wash your hands.": "اغسل يديك.",
    "Setting": "الإعداد",
    "Drops per minute": "قطرات في الدقيقة",
    "A drip bag hanging from a stand": "كيس محلول معلق على حامل",
}  # the rest stays English: fallback text


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("leaflet") / "site"
    shutil.copytree(DATA / "leaflet", root)
    assert main(["--root", str(root), "init", "ar", "es"]) == 0
    path = root / "locales" / "ar" / "LC_MESSAGES" / "leaflet-demo.po"
    po = polib.pofile(str(path))
    for entry in po:
        entry.msgstr = FIXTURE_AR.get(entry.msgid, "")
    po.save(str(path))
    return root


@pytest.fixture(scope="module")
def fixture_leaflets(fixture_site: Path) -> dict[str, tuple[Leaflet, str]]:
    return make_leaflets(fixture_site)


def struct_elements(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Dictionary]:
    """Every structure element of the tag tree, depth first (the reading order)."""
    stack = [pdf.Root.StructTreeRoot]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Dictionary) and "/S" in node:
            yield node
        kids = node.get("/K") if isinstance(node, pikepdf.Dictionary) else None
        if isinstance(kids, pikepdf.Array):
            stack.extend(reversed([k for k in kids if isinstance(k, pikepdf.Dictionary)]))
        elif isinstance(kids, pikepdf.Dictionary):
            stack.append(kids)


def _bytes(made: Leaflet) -> io.BytesIO:
    return io.BytesIO(made.data)


def roles(pdf: pikepdf.Pdf) -> list[str]:
    return [str(e.S) for e in struct_elements(pdf)]


def pdf_text(data: bytes, tmp_path: Path, name: str = "leaflet.pdf", *pages: str) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    out = subprocess.run(
        [PDFTOTEXT, *pages, "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return re.sub(r"\s+", " ", BIDI_CONTROLS.sub("", out))


def arabic_words(text: str) -> list[str]:
    """Arabic words without harakat (pdftotext may split a vowel mark off its letter)."""
    return [w for w in re.findall(r"[\u0600-\u06ff]+", text) if not re.search("[\u064b-\u0652]", w)]


def in_order(words: list[str], text: str, start: int) -> int:
    """Assert each word follows the previous one in ``text``; return where the last one ends."""
    assert words
    for word in words:
        found = text.find(word, start)
        assert found >= 0, (word, text[start : start + 200])
        start = found + len(word)
    return start


def owned(element: pikepdf.Dictionary, owner: str) -> pikepdf.Dictionary:
    """The element's attributes of one owner (``/Table``, ``/List``): ``/A`` is one dictionary
    or an array of them, one per owner."""
    attributes = element.A
    found = [attributes] if isinstance(attributes, pikepdf.Dictionary) else list(attributes)
    [mine] = [a for a in found if isinstance(a, pikepdf.Dictionary) and a.get("/O") == owner]
    return mine


def fonts(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Dictionary]:
    for page in pdf.pages:
        for font in page.Resources.get("/Font", {}).values():
            yield from font.get("/DescendantFonts", [font])


# ---- every shipped leaflet ----


def test_a_leaflet_for_every_shipped_version(shipped: dict[str, tuple[Leaflet, str]]) -> None:
    assert sorted(shipped) == sorted(
        f"{d}/ketamine-infusions-chronic-pain.html"
        for d in ("en", "es", "de", "fr", "ar", "en/plain", "es/plain")
    )
    for path, (made, _title) in shipped.items():
        assert made.path == path.removesuffix(".html") + ".pdf"
        assert made.warnings == (), (path, made.warnings)


def test_shipped_leaflets_are_pdf_ua_with_lang_title_and_display_doc_title(
    shipped: dict[str, tuple[Leaflet, str]],
) -> None:
    for path, (made, title) in shipped.items():
        tag = parse_locale(path.split("/")[0]).tag
        with pikepdf.open(_bytes(made)) as pdf:
            assert str(pdf.Root.Lang) == tag, path
            assert bool(pdf.Root.MarkInfo.Marked) is True
            assert pdf.Root.ViewerPreferences.DisplayDocTitle == True  # noqa: E712 (a PDF boolean)
            assert str(pdf.docinfo.Title) == title
            meta = pdf.open_metadata()
            assert meta.get("pdfuaid:part") == "1", path
            assert meta.get("dc:title") == title
            assert pdf.pdf_version >= "1.7"
            assert abs(float(pdf.pages[0].MediaBox[2]) - 595.28) < 1  # A4 by default


def test_shipped_leaflets_have_headings_lists_links_and_bookmarks(
    shipped: dict[str, tuple[Leaflet, str]],
) -> None:
    for path, (made, title) in shipped.items():
        with pikepdf.open(_bytes(made)) as pdf:
            found = roles(pdf)
            assert found.count("/H1") == 1, path
            assert found.count("/H2") >= 5 and "/H3" in found, path
            assert {"/L", "/LI", "/LBody", "/Link", "/P"} <= set(found), path
            with pdf.open_outline() as outline:
                assert (
                    outline.root[0].title.split() == title.split()
                )  # the heading may hold a no-break space
                assert len(outline.root[0].children) >= 5  # the H2s under the title
            for element in struct_elements(pdf):
                if element.S == "/Figure":
                    assert str(element.get("/Alt", "")).strip(), path


def test_shipped_leaflets_embed_every_font(shipped: dict[str, tuple[Leaflet, str]]) -> None:
    for path, (made, _title) in shipped.items():
        with pikepdf.open(_bytes(made)) as pdf:
            found = list(fonts(pdf))
            assert found, path
            for font in found:
                descriptor = font.FontDescriptor
                assert any(
                    key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
                ), (path, font.BaseFont)


def test_arabic_leaflet_is_right_to_left_with_an_arabic_font(
    shipped: dict[str, tuple[Leaflet, str]],
) -> None:
    made, _title = shipped["ar/ketamine-infusions-chronic-pain.html"]
    with pikepdf.open(_bytes(made)) as pdf:
        names = {str(font.BaseFont) for font in fonts(pdf)}
    assert any("Arabic" in name for name in names), names


@pytest.mark.skipif(
    PDFTOTEXT is None, reason="pdftotext (poppler-utils) is installed by tests/setup.sh"
)
def test_arabic_leaflet_text_reads_in_order(
    shipped: dict[str, tuple[Leaflet, str]], tmp_path: Path
) -> None:
    made, title = shipped["ar/ketamine-infusions-chronic-pain.html"]
    text = pdf_text(made.data, tmp_path)
    po = polib.pofile(str(REPO / "locales/ar/LC_MESSAGES/ketamine-infusions-chronic-pain.po"))
    first_paragraph = po.find(
        "Ketamine infusions are showing great promise as a treatment for chronic pain. Let’s take a closer look at everything you need to know."
    ).msgstr
    # pdftotext may move a neutral character (":" between two Arabic words) across a space: compare words.
    start = in_order(arabic_words(title), text, 0)
    in_order(
        arabic_words(first_paragraph), text, start
    )  # logical (reading) order, not the visual order glyphs are drawn in
    assert text.find("مصطلحات مهمة") > start  # the words-to-know box at the end
    assert re.search(r"الصفحة\s*1\s*من\s*\d+", text)  # the page numbers, translated


@pytest.mark.skipif(
    PDFTOTEXT is None, reason="pdftotext (poppler-utils) is installed by tests/setup.sh"
)
def test_leaflet_prints_its_address_and_translated_page_numbers(
    shipped: dict[str, tuple[Leaflet, str]], tmp_path: Path
) -> None:
    made, _title = shipped["es/ketamine-infusions-chronic-pain.html"]
    with pikepdf.open(_bytes(made)) as pdf:
        pages = len(pdf.pages)
    first = pdf_text(made.data, tmp_path, "es.pdf", "-f", "1", "-l", "1")
    assert (
        "Lea esta página en internet: https://example.org/es/ketamine-infusions-chronic-pain.html"
        in first
    )
    assert f"Página 1 de {pages}" in first
    assert "Otros idiomas" not in first  # no navigation chrome


# ---- the fixture article: table, figure, fallback text, Letter paper ----


def test_fixture_table_has_header_cells_linked_to_data_cells(
    fixture_leaflets: dict[str, tuple[Leaflet, str]],
) -> None:
    made, _title = fixture_leaflets["ar/leaflet-demo.html"]
    with pikepdf.open(_bytes(made)) as pdf:
        elements = list(struct_elements(pdf))
        headers = [e for e in elements if e.S == "/TH"]
        cells = [e for e in elements if e.S == "/TD"]
        assert len(headers) == 2 and len(cells) == 4
        ids = {str(h.ID) for h in headers}
        for cell in cells:
            headers_of = owned(cell, "/Table").Headers
            assert {str(h) for h in headers_of} <= ids and len(headers_of) == 1
        assert {"/Table", "/TR"} <= {str(e.S) for e in elements}


def test_fixture_figure_carries_its_translated_alt_text(
    fixture_leaflets: dict[str, tuple[Leaflet, str]],
) -> None:
    for path, alt in (
        ("en/leaflet-demo.html", "A drip bag hanging from a stand"),
        ("ar/leaflet-demo.html", "كيس محلول معلق على حامل"),
    ):
        made, _title = fixture_leaflets[path]
        with pikepdf.open(_bytes(made)) as pdf:
            figures = [e for e in struct_elements(pdf) if e.S == "/Figure"]
            assert [str(f.Alt) for f in figures] == [alt]


def test_fixture_fallback_text_carries_its_own_language(
    fixture_leaflets: dict[str, tuple[Leaflet, str]],
) -> None:
    made, _title = fixture_leaflets["ar/leaflet-demo.html"]
    with pikepdf.open(_bytes(made)) as pdf:
        assert str(pdf.Root.Lang) == "ar"
        english = [e for e in struct_elements(pdf) if str(e.get("/Lang", "")) == "en"]
        assert english, "untranslated units must be tagged /Lang en"
        assert any(e.S == "/P" for e in english)  # "A drip gives you medicine…" is untranslated


def test_fixture_letter_paper_from_config(fixture_leaflets: dict[str, tuple[Leaflet, str]]) -> None:
    made, _title = fixture_leaflets["es/leaflet-demo.html"]
    with pikepdf.open(_bytes(made)) as pdf:
        box = [float(v) for v in pdf.pages[0].MediaBox]
    assert box[2:] == pytest.approx([612, 792], abs=1)


def test_fixture_links_are_annotations_in_the_tag_tree(
    fixture_leaflets: dict[str, tuple[Leaflet, str]],
) -> None:
    made, _title = fixture_leaflets["en/leaflet-demo.html"]
    with pikepdf.open(_bytes(made)) as pdf:
        links = [e for e in struct_elements(pdf) if e.S == "/Link"]
        uris = {
            str(a.A.URI)
            for page in pdf.pages
            for a in page.get("/Annots", [])
            if "/A" in a and "/URI" in a.A
        }
    assert len(links) >= 2
    assert {"https://www.nhs.uk/", "https://clinic.example/leaflets/en/leaflet-demo.html"} <= uris


# ---- pieces ----


def test_relative_links_become_site_addresses() -> None:
    html = '<a href="../es/x.html">es</a> <a href="#fn1">1</a> <a href="https://nhs.uk/">nhs</a>'
    out = leaflet.absolute_links(html, "https://site.example/en/x.html")
    assert (
        out
        == '<a href="https://site.example/es/x.html">es</a> <a href="#fn1">1</a> <a href="https://nhs.uk/">nhs</a>'
    )


def test_page_numbers_are_text_around_two_counters_whatever_the_translation_says() -> None:
    """A translated footer is data for Typst: quotes, brackets, ``#`` and line breaks stay text."""
    parts = typenodes.page_numbers('"] #panic("x") [\n{page}/{pages}\r')
    assert parts == ['"] #panic("x") [ ', {"counter": "page"}, "/", {"counter": "pages"}, " "]


def test_size_label_in_the_locale() -> None:
    assert leaflet.size_label(118_400, parse_locale("en")) == "118 kB"
    assert leaflet.size_label(1_250_000, parse_locale("de")) == "1,2 MB"
    assert (
        leaflet.size_label(60_000, parse_locale("fr")) == "60\u202fko"
    )  # CLDR: a narrow no-break space before the unit


def test_no_network_and_no_files_but_the_sites_images(fixture_site: Path, tmp_path: Path) -> None:
    """Raw HTML in a body could name any address: the leaflet reads only what output/media/ publishes."""
    (tmp_path / "secret.png").write_bytes((DATA / "leaflet/source/images/drip.svg").read_bytes())
    settings = LeafletSettings.of(
        load_config(fixture_site), collect_media(load_config(fixture_site), ())
    )
    body = (
        '<h1>T</h1><p><img alt="remote" src="https://example.com/x.png">'
        f'<img alt="outside" src="{(tmp_path / "secret.png").as_uri()}">'
        '<img alt="not published" src="../source/images/drip.svg"></p>'
    )
    page = Page(Version("leaflet-demo", "en", "en/leaflet-demo.html"), "T", "", body, 0)
    made = leaflet_for(page, parse_locale("en"), UiText(None, "en", "en"), settings)
    assert len(made.warnings) == 3, made.warnings
    assert any("no network" in w for w in made.warnings), made.warnings
    assert sum("only the site's images" in w for w in made.warnings) == 2, made.warnings


def test_an_image_that_leaves_the_project_is_not_read(fixture_site: Path, tmp_path: Path) -> None:
    """A per-locale image that is a symbolic link to a file outside the project is refused."""
    root = tmp_path / "site"
    shutil.copytree(fixture_site, root)
    outside = tmp_path / "elsewhere.svg"
    outside.write_bytes((root / "source/images/drip.svg").read_bytes())
    (root / "locales/es/images").mkdir()
    (root / "locales/es/images/drip.svg").symlink_to(outside)
    # refused where the site's images are gathered, before a leaflet could read it
    with pytest.raises(SourceError, match="leads out of the project through a symbolic link"):
        make_leaflets(root)


def test_without_typst_no_leaflet_and_one_reason(
    monkeypatch: pytest.MonkeyPatch, fixture_site: Path
) -> None:
    monkeypatch.setattr(leaflet, "_engine", lambda: "Typst cannot load (test)")
    config = load_config(fixture_site)
    maker = Leaflets(
        LeafletSettings(config.site_url, config.site_name, config.source_locale, config.source_dir)
    )
    page = Page(Version("leaflet-demo", "en", "en/leaflet-demo.html"), "T", "", "<p>x</p>", 0)
    assert maker(page, config.source_locale, UiText(None, "en", "en")) is None
    assert maker.skipped == "Typst cannot load (test)" and maker.files == {}


def test_unpublished_versions_get_no_leaflet(fixture_site: Path) -> None:
    config = load_config(fixture_site)
    maker = Leaflets(
        LeafletSettings(config.site_url, config.site_name, config.source_locale, config.source_dir),
        published=lambda page: page.fallbacks == 0,
    )
    draft = Page(
        Version("leaflet-demo", "ar", "ar/leaflet-demo.html"), "T", "", "<p>x</p>", fallbacks=3
    )
    done = Page(
        Version("leaflet-demo", "en", "en/leaflet-demo.html"),
        "T",
        "",
        "<h1>T</h1><p>x</p>",
        fallbacks=0,
    )
    assert maker(draft, parse_locale("ar"), UiText(None, "en", "ar")) is None
    link = maker(done, config.source_locale, UiText(None, "en", "en"))
    assert link is not None and link["href"] == "leaflet-demo.pdf" and link["size"].endswith("kB")
    assert list(maker.files) == ["en/leaflet-demo.pdf"]


def test_leaflet_paper_must_be_a4_or_letter(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.pipeline]\nleaflet_paper = "A5"\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError, match="leaflet_paper: expected one of"):
        load_config(tmp_path)


# ---- the build (the one call site in build.build) ----


def test_build_writes_a_leaflet_beside_each_page_and_links_it_with_its_size(
    fixture_site: Path, tmp_path: Path, run
) -> None:  # noqa: ANN001
    root = tmp_path / "site"
    shutil.copytree(fixture_site, root)
    code, out, err = run(root, "build")
    assert code in (0, 1) and err == "", err
    assert "3 pages, 3 leaflets" in out
    for tag in ("en", "ar", "es"):
        pdf = root / "output" / tag / "leaflet-demo.pdf"
        html = (root / "output" / tag / "leaflet-demo.html").read_text(encoding="utf-8")
        size = leaflet.size_label(pdf.stat().st_size, parse_locale(tag))
        assert 'href="leaflet-demo.pdf" type="application/pdf"' in html
        assert f"(PDF, {size})" in html or f"(PDF، {size})" in html, (tag, size)


def test_build_without_typst_writes_the_pages_and_says_why_in_one_line(
    fixture_site: Path, tmp_path: Path, run, monkeypatch: pytest.MonkeyPatch
) -> None:  # noqa: ANN001
    monkeypatch.setattr(leaflet, "_engine", lambda: "Typst cannot load (test)")
    root = tmp_path / "site"
    shutil.copytree(fixture_site, root)
    code, out, err = run(root, "build")
    assert code in (0, 1)
    assert err == "pipeline: no leaflets: Typst cannot load (test)\n"
    assert "3 pages, 0 leaflets" in out
    assert (root / "output" / "en" / "leaflet-demo.html").exists()
    assert not list((root / "output").rglob("*.pdf"))
    assert "application/pdf" not in (root / "output" / "en" / "leaflet-demo.html").read_text(
        encoding="utf-8"
    )


def test_a_version_whose_characters_no_font_has_gets_no_leaflet_and_one_reason(
    fixture_site: Path, tmp_path: Path, run
) -> None:  # noqa: ANN001
    """A Japanese page printed on a machine without a Japanese font is empty boxes where the text
    is. U+0378 stands for such a character: no code point is assigned there, so no font anywhere
    has it, and Typst refuses to print its .notdef box in a PDF/UA-1 file. That version's leaflet is not made, the build
    says why in one line, and the other versions keep theirs."""
    root = tmp_path / "site"
    shutil.copytree(fixture_site, root)
    path = root / "locales" / "es" / "LC_MESSAGES" / "leaflet-demo.po"
    po = polib.pofile(str(path))
    po.find("Wash your hands.").msgstr = "L\u0378vese las manos."
    po.save(str(path))
    code, out, err = run(root, "build")
    assert code in (0, 1)
    assert err.startswith(
        "pipeline: no leaflets: no installed font shows some characters of the es text"
    )
    assert len(err.splitlines()) == 1 and "fc-list :lang=es" in err
    assert "3 pages, 2 leaflets" in out
    assert not (root / "output" / "es" / "leaflet-demo.pdf").exists()
    assert "application/pdf" not in (root / "output" / "es" / "leaflet-demo.html").read_text(
        encoding="utf-8"
    )
    assert (root / "output" / "ar" / "leaflet-demo.pdf").exists()


def test_a_typst_failure_is_one_error_naming_the_article(
    monkeypatch: pytest.MonkeyPatch, fixture_site: Path
) -> None:
    monkeypatch.setattr(
        engine, "template", lambda: b'#set document(title: "T")\n#panic("layout failed")'
    )
    config = load_config(fixture_site)
    settings = LeafletSettings(
        config.site_url, config.site_name, config.source_locale, config.source_dir
    )
    page = Page(Version("leaflet-demo", "es", "es/leaflet-demo.html"), "T", "", "<h1>T</h1>", 0)
    with pytest.raises(LeafletError) as caught:
        leaflet_for(page, parse_locale("es"), UiText(None, "en", "es"), settings)
    assert re.search(
        r"source/leaflet-demo\.md: cannot make the es leaflet: .*layout failed", str(caught.value)
    )
    assert len(str(caught.value).splitlines()) == 1


# ---- issue 25: the page's images, the site's name, what the engine says ----


def _built(fixture_site: Path, tmp_path: Path, run, edit=None) -> Path:  # noqa: ANN001
    root = tmp_path / "site"
    shutil.copytree(fixture_site, root)
    if edit:
        edit(root)
    code, _out, err = run(root, "build")
    assert code in (0, 1) and err == "", err
    return root


@pytest.mark.skipif(
    PDFTOTEXT is None, reason="pdftotext (poppler-utils) is installed by tests/setup.sh"
)
def test_a_built_leaflet_shows_the_pages_image_with_its_alt_text_once(
    fixture_site: Path, tmp_path: Path, run
) -> None:  # noqa: ANN001
    """The build's pages point at output/media/: the leaflet draws that image, tagged with its alt
    text, and does not print the alt text as body text instead."""
    root = _built(fixture_site, tmp_path, run)
    for tag, alt in (("en", "A drip bag hanging from a stand"), ("ar", "كيس محلول معلق على حامل")):
        data = (root / "output" / tag / "leaflet-demo.pdf").read_bytes()
        with pikepdf.open(io.BytesIO(data)) as pdf:
            assert [str(f.Alt) for f in struct_elements(pdf) if f.S == "/Figure"] == [alt]
            drawn = b"".join(_contents(page) for page in pdf.pages)
            assert re.search(rb"0\.8 0\.866666\d* 0\.933333\d* (rg|scn)", drawn), (
                f"{tag}: the image (fill #cde) is not drawn"
            )
        assert alt not in pdf_text(data, tmp_path, f"{tag}.pdf"), tag
    report = (root / "output" / "reports" / "report.json").read_text(encoding="utf-8")
    assert "leaflet-engine" not in report


@pytest.mark.skipif(
    PDFTOTEXT is None, reason="pdftotext (poppler-utils) is installed by tests/setup.sh"
)
def test_a_leaflet_shows_the_site_name_in_its_language(
    fixture_site: Path, tmp_path: Path, run
) -> None:  # noqa: ANN001
    def translate(root: Path) -> None:
        path = root / "locales" / "es" / "LC_MESSAGES" / "ui.po"
        po = polib.pofile(str(path))
        po.find("Leaflet test site").msgstr = "Folletos de prueba"
        po.save(str(path))

    root = _built(fixture_site, tmp_path, run, translate)
    spanish = pdf_text((root / "output/es/leaflet-demo.pdf").read_bytes(), tmp_path, "es.pdf")
    english = pdf_text((root / "output/en/leaflet-demo.pdf").read_bytes(), tmp_path, "en.pdf")
    assert spanish.lstrip().startswith("Folletos de prueba") and "Leaflet test site" not in spanish
    assert english.lstrip().startswith("Leaflet test site")


def _contents(page: pikepdf.Page) -> bytes:
    """What a page draws: its content streams and the forms (an SVG image) they paint."""
    streams = page.Contents if isinstance(page.Contents, pikepdf.Array) else [page.Contents]
    drawn = [stream.read_bytes() for stream in streams]
    todo = [page.Resources]
    while todo:
        resources = todo.pop()
        for xobject in resources.get("/XObject", {}).values():
            if xobject.get("/Subtype") == "/Form":
                drawn.append(xobject.read_bytes())
                todo.append(xobject.get("/Resources", pikepdf.Dictionary()))
    return b"".join(drawn)


def _findings(root: Path, check: str) -> list[dict[str, object]]:
    report = json.loads((root / "output/reports/report.json").read_text(encoding="utf-8"))
    found: list[dict[str, object]] = []
    stack: list[object] = [report]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if item.get("check") == check:
                found.append(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return sorted(found, key=lambda f: str(f["locale"]))


def test_what_the_pdf_engine_says_is_a_finding_at_the_images_line(
    fixture_site: Path, tmp_path: Path, run
) -> None:  # noqa: ANN001
    """An image a leaflet cannot show (a web address: leaflets never fetch) is a warning at the
    line of the article that shows it, for every version, not a silent gap in the leaflet."""

    def add_remote_image(root: Path) -> None:
        article = root / "source" / "leaflet-demo.md"
        text = article.read_text(encoding="utf-8")
        article.write_text(text + "\n![A chart](https://example.com/chart.png)\n", encoding="utf-8")

    root = _built(fixture_site, tmp_path, run, add_remote_image)
    line = (root / "source/leaflet-demo.md").read_text(encoding="utf-8").splitlines().index(
        "![A chart](https://example.com/chart.png)"
    ) + 1
    found = _findings(root, "leaflet-engine")
    assert [(f["locale"], f["file"], f["line"], f["severity"]) for f in found] == [
        (tag, "source/leaflet-demo.md", line, "warning") for tag in ("ar", "en", "es")
    ]
    assert all("https://example.com/chart.png" in str(f["message"]) for f in found)


def test_an_engine_warning_without_an_image_points_at_the_versions_po() -> None:
    article = Article(
        "demo", Path("/x/source/demo.md"), "# T\n\n![A](a.png)\n", (), assets=(Asset("a.png", 3),)
    )
    found = leaflet.findings(
        [("leaflet-engine", "Ignored `foo: bar` at 1:1, unknown property."),
         ("leaflet-engine", "Failed to load image at 'file:///x/output/media/a.png'")],
        article, "es", ("source/demo.md", "locales/es/LC_MESSAGES/demo.po"), {"a.png": "media/a.png"},
    )  # fmt: skip
    assert [(f.check, f.file, f.line) for f in found] == [
        ("leaflet-engine", "locales/es/LC_MESSAGES/demo.po", None),
        ("leaflet-engine", "source/demo.md", 3),
    ]


# ---- issue 26: a leaflet's time is bounded ----


def test_a_leaflet_past_its_budget_is_not_made_and_the_site_goes_on(
    fixture_site: Path, tmp_path: Path, run
) -> None:  # noqa: ANN001
    """A budget of a microsecond of CPU: no machine typesets a leaflet that fast, so every
    version goes without one, each with a finding at its own file, and the pages are written."""

    def tiny_budget(root: Path) -> None:
        config = root / "pyproject.toml"
        config.write_text(
            config.read_text(encoding="utf-8") + "leaflet_seconds = 0.000001\n", encoding="utf-8"
        )

    root = tmp_path / "site"
    shutil.copytree(fixture_site, root)
    tiny_budget(root)
    code, out, err = run(root, "build")
    assert code in (0, 1) and err == "", err
    assert "3 pages, 0 leaflets" in out
    assert not list((root / "output").rglob("*.pdf"))
    for tag in ("ar", "en", "es"):
        page = (root / "output" / tag / "leaflet-demo.html").read_text(encoding="utf-8")
        assert "application/pdf" not in page
    found = _findings(root, "leaflet-too-slow")
    assert [(f["locale"], f["file"]) for f in found] == [
        ("ar", "locales/ar/LC_MESSAGES/leaflet-demo.po"),
        ("en", "source/leaflet-demo.md"),
        ("es", "locales/es/LC_MESSAGES/leaflet-demo.po"),
    ]
    assert all(
        "1e-06 s" in str(f["message"]) and "leaflet_seconds" in str(f["message"]) for f in found
    )


def test_the_budget_counts_cpu_seconds_on_its_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """``engine.budget`` reads its clock before and after: past the budget, LeafletTooSlow."""
    ticks = iter([10.0, 10.4, 20.0, 21.0])
    monkeypatch.setattr(engine, "clock", lambda: next(ticks))
    with engine.budget(0.5):
        pass
    with pytest.raises(LeafletTooSlow, match="took more than 0.5 s of CPU"), engine.budget(0.5):
        pass


def test_leaflet_seconds_must_be_a_positive_number(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.pipeline]\nleaflet_seconds = 0\n", encoding="utf-8"
    )
    with pytest.raises(ConfigError, match="leaflet_seconds: expected a number of seconds above 0"):
        load_config(tmp_path)


# ---- issue 28: a leaflet's cache key is what it prints ----


def test_the_pages_template_does_not_remake_leaflets_nor_the_leaflets_the_pages(
    fixture_site: Path, tmp_path: Path, run, monkeypatch: pytest.MonkeyPatch
) -> None:  # noqa: ANN001
    """A new page.html or style.css changes the code's digest, so every version is made again;
    its leaflet, whose printed data is the same, comes from the cache. A new leaflet.typ (the
    engine's key) prints every leaflet again."""
    root = _built(fixture_site, tmp_path, run)
    before = {p: p.read_bytes() for p in (root / "output").rglob("*.pdf")}
    printed: list[str] = []
    original = leaflet.print_leaflet

    def counting(page: Page, *args: object) -> Leaflet:
        printed.append(page.version.path)
        return original(page, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(leaflet, "print_leaflet", counting)
    monkeypatch.setattr(gather_module, "code_version", lambda: "a new page.html")
    assert run(root, "build")[0] in (0, 1)
    assert printed == []
    assert {p: p.read_bytes() for p in (root / "output").rglob("*.pdf")} == before
    monkeypatch.setattr(leaflet, "engine_key", lambda: "a new leaflet.typ")
    monkeypatch.setattr(gather_module, "code_version", lambda: "and a new page.html")
    # one process: a leaflet printed by a forked worker is not counted in this one
    assert run(root, "build", "--jobs", "1")[0] in (0, 1)
    assert sorted(printed) == [
        "ar/leaflet-demo.html",
        "en/leaflet-demo.html",
        "es/leaflet-demo.html",
    ]


# ---- issue 28: Typst, the leaflets' engine ----


def test_arabic_leaflet_reads_right_to_left_in_arabic(
    shipped: dict[str, tuple[Leaflet, str]],
) -> None:
    """A viewer opens it right to left (Direction R2L), a screen reader reads it in Arabic, and the
    English names in its sentences ("special K") are marked English where they are drawn."""
    made, _title = shipped["ar/ketamine-infusions-chronic-pain.html"]
    with pikepdf.open(_bytes(made)) as pdf:
        assert str(pdf.Root.Lang) == "ar"
        assert pdf.Root.ViewerPreferences.Direction == pikepdf.Name.R2L
        drawn = b"".join(_contents(page) for page in pdf.pages)
    assert b"/Lang(en)" in drawn and b"/Lang(ar)" in drawn
    for path, (other, _title) in shipped.items():
        if not path.startswith("ar/"):
            with pikepdf.open(_bytes(other)) as pdf:
                assert pdf.Root.get("/ViewerPreferences", {}).get("/Direction") != "/R2L", path


def test_english_text_in_an_arabic_leaflet_is_tagged_english(
    fixture_leaflets: dict[str, tuple[Leaflet, str]],
) -> None:
    """Each untranslated paragraph or heading is a structure element of its own language; the
    translated headings around them are Arabic (no /Lang of their own: the document's)."""
    made, _title = fixture_leaflets["ar/leaflet-demo.html"]
    with pikepdf.open(_bytes(made)) as pdf:
        elements = list(struct_elements(pdf))
        english = {str(e.S) for e in elements if str(e.get("/Lang", "")) == "en"}
        langs = {str(e.T): str(e.get("/Lang", "")) for e in elements if e.S in ("/H1", "/H2")}
        assert str(pdf.Root.Lang) == "ar"
    assert "/P" in english
    assert langs == {
        FIXTURE_AR["Managing a drip at home"]: "",
        FIXTURE_AR["Before you start"]: "",
        "When to call": "en",
    }


@pytest.mark.skipif(
    PDFTOTEXT is None, reason="pdftotext (poppler-utils) is installed by tests/setup.sh"
)
def test_one_very_long_paragraph_makes_a_leaflet(fixture_site: Path, tmp_path: Path) -> None:
    """16,000 words in one paragraph (WeasyPrint's line breaking grew faster than the text): the
    leaflet is made, all of it, within the default budget."""
    config = load_config(fixture_site)
    settings = LeafletSettings.of(config, collect_media(config, ()))
    words = [f"word{n}" for n in range(16_000)]
    body = f"<h1>Long</h1><p>{' '.join(words)}</p>"
    page = Page(Version("leaflet-demo", "en", "en/leaflet-demo.html"), "Long", "", body, 0)
    made = leaflet_for(page, parse_locale("en"), UiText(None, "en", "en"), settings)
    text = pdf_text(made.data, tmp_path).split()
    assert [w for w in text if w.startswith("word")] == words


@pytest.mark.skipif(
    PDFTOTEXT is None, reason="pdftotext (poppler-utils) is installed by tests/setup.sh"
)
def test_page_numbers_follow_the_translation_in_every_shipped_leaflet(
    shipped: dict[str, tuple[Leaflet, str]], tmp_path: Path
) -> None:
    for path, (made, _title) in shipped.items():
        tag = path.split("/")[0] + ("@plain" if "/plain/" in path else "")
        ui_po = REPO / "locales" / tag / "LC_MESSAGES" / "ui.po"
        entry = polib.pofile(str(ui_po)).find("Page {page} of {pages}") if ui_po.exists() else None
        template = entry.msgstr if entry and entry.msgstr else "Page {page} of {pages}"
        with pikepdf.open(_bytes(made)) as pdf:
            pages = len(pdf.pages)
        last = pdf_text(made.data, tmp_path, "x.pdf", "-f", str(pages), "-l", str(pages))
        expected = template.format(page=pages, pages=pages)
        # pdftotext may lose the space between an Arabic word and a digit: compare without
        assert "".join(expected.split()) in "".join(last.split()), (path, expected)


def test_a_process_forked_after_a_leaflet_still_makes_leaflets(fixture_site: Path) -> None:
    """Typst's threads start with its first compile and a forked child has none: a build forked
    from a process that made leaflets before (serve, a test run) must not wait for ever."""
    import multiprocessing

    config = load_config(fixture_site)
    settings = LeafletSettings.of(config, collect_media(config, ()))
    page = Page(Version("leaflet-demo", "en", "en/leaflet-demo.html"), "T", "", "<h1>T</h1>", 0)
    args = (page, parse_locale("en"), UiText(None, "en", "en"), settings)
    here = leaflet_for(*args)  # this process has compiled
    with multiprocessing.get_context("fork").Pool(1) as pool:
        there = pool.apply_async(leaflet_for, args).get(timeout=120)
    assert there.data == here.data  # the same bytes, made by a process of its own


def test_an_image_typst_cannot_decode_leaves_its_alt_text_and_a_warning(
    fixture_site: Path, tmp_path: Path, run
) -> None:  # noqa: ANN001
    """A ``.png`` that is no PNG: the leaflet is still made, the alt text printed in its place,
    and the version has a leaflet-engine warning saying why (the page keeps its image)."""

    def break_the_image(root: Path) -> None:
        (root / "source/images/broken.png").write_text("not a picture", encoding="utf-8")
        article = root / "source/leaflet-demo.md"
        text = article.read_text(encoding="utf-8")
        article.write_text(text + "\n![A broken chart](images/broken.png)\n", encoding="utf-8")

    root = _built(fixture_site, tmp_path, run, break_the_image)
    data = (root / "output/en/leaflet-demo.pdf").read_bytes()
    if PDFTOTEXT:
        assert "A broken chart" in pdf_text(data, tmp_path)
    found = [f for f in _findings(root, "leaflet-engine") if f["locale"] == "en"]
    assert len(found) == 1 and "failed to decode image" in str(found[0]["message"])


@pytest.mark.skipif(
    PDFTOTEXT is None, reason="pdftotext (poppler-utils) is installed by tests/setup.sh"
)
def test_a_leaflet_prints_the_review_dates_its_page_shows(tmp_path: Path, run) -> None:  # noqa: ANN001
    """A printed health leaflet outlives the page: it carries the same "Page last reviewed" and
    "Next review due" dates the page shows (the NHS-style fixture's front matter), in the
    reader's language where the interface is translated."""
    root = tmp_path / "nhs"
    shutil.copytree(DATA / "nhs", root)
    config = root / "pyproject.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("leaflets = false", "leaflets = true"),
        encoding="utf-8",
    )
    code, _, err = run(root, "build", "-q", "--jobs", "1")
    assert code in (0, 1), err
    page = (root / "output/en/chest-pain.html").read_text(encoding="utf-8")
    assert "Page last reviewed: September 1, 2025" in page  # what the page says …
    text = pdf_text((root / "output/en/chest-pain.pdf").read_bytes(), tmp_path)
    assert "Page last reviewed: September 1, 2025" in text  # … the leaflet says too
    assert "Next review due: September 1, 2028" in text
    assert text.index("Next review due") < text.index("It does not replace advice")


def test_a_skipped_heading_level_is_printed_one_level_down(fixture_site: Path) -> None:
    """Markdown written by hand often goes from ``#`` to ``###``. PDF/UA-1 refuses a skipped
    level, and Typst with it: the build stopped with exit 2. The leaflet prints each heading at
    most one level below the one before it (the page keeps its levels)."""
    config = load_config(fixture_site)
    settings = LeafletSettings.of(config, collect_media(config, ()))
    body = "<h1>Title</h1><p>One.</p><h3>Deep</h3><p>Two.</p><h4>Deeper</h4><h2>Back</h2><p>3.</p>"
    page = Page(Version("leaflet-demo", "en", "en/leaflet-demo.html"), "Title", "", body, 0)
    made = leaflet_for(page, parse_locale("en"), UiText(None, "en", "en"), settings)
    with pikepdf.open(io.BytesIO(made.data)) as pdf:
        headings = [r for r in roles(pdf) if re.fullmatch(r"/H\d", r)]
    assert headings == ["/H1", "/H2", "/H3", "/H2"]  # h1, h3, h4, h2 as written
