"""Times the pipeline's stages on the shipped content, against peers measured in the same run.

    .venv/bin/python benchmarks/run.py [--repeat N]

Prints the median of N runs (default 7) for each case and the ratio to its peer:
- PO merge: ``catalog.merge`` (polib + Babel's fuzzy rule) vs GNU ``msgmerge`` vs Babel's ``Catalog.update``,
  on the Spanish article catalogue against its template with one changed and one removed text;
- extraction: ``source.read_article`` vs a bare ``markdown.markdown`` conversion of the same file;
- stemming: the glossary check's stemmer with PyStemmer (C) vs pure-Python snowballstemmer;
- checks and build on the whole shipped project (first run includes loading dictionaries);
- leaflets: one version's tagged PDF (``leaflet.leaflet_for``, English and Arabic) vs rendering its HTML page.
"""

from __future__ import annotations

import argparse
import io
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import markdown
import polib
from babel.messages import pofile as babel_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.build import verbs as build  # noqa: E402
from pipeline.catalog import catalogs as catalog  # noqa: E402
from pipeline.config import load_config  # noqa: E402
from pipeline.model import UI_DOMAIN, Version  # noqa: E402
from pipeline.render import leaflet  # noqa: E402
from pipeline.render.page import LocaleCatalogs  # noqa: E402
from pipeline.render.site import SiteContext, render_page  # noqa: E402
from pipeline.render.ui import UiText  # noqa: E402
from pipeline.source import reader as source  # noqa: E402
from pipeline.store.cache import Cache  # noqa: E402

SLUG = "ketamine-infusions-chronic-pain"


def median_seconds(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def changed_template(tmp: Path) -> Path:
    """The article template with one text changed and one removed, as after an author's edit.

    The changed text is the first one that contains the phrase, found by content rather than by
    position: a fixed index once pointed at a heading without the phrase, so nothing changed and
    fuzzy matching was never timed. If the replacement changes nothing, stop rather than time it.
    """
    pot = polib.pofile(str(ROOT / "locales" / f"{SLUG}.pot"))
    changed = next((e for e in pot if "chronic pain" in e.msgid), None)
    if changed is None:
        raise SystemExit(
            "benchmarks/run.py: no template entry contains 'chronic pain'; the merge case would time nothing"
        )
    before = changed.msgid
    changed.msgid = before.replace("chronic pain", "long-term pain")
    if changed.msgid == before:
        raise SystemExit("benchmarks/run.py: the replacement did not change the template")
    pot.remove(next(e for e in pot[10:] if e is not changed))
    path = tmp / "changed.pot"
    pot.save(str(path))
    return path


def check_fuzzy_merge(po_path: Path, pot_path: Path) -> None:
    """Fail loudly unless the merge really marks the changed text fuzzy: the case must time fuzzy matching."""
    merged = catalog.merge(polib.pofile(str(po_path)), polib.pofile(str(pot_path)))
    if not any("fuzzy" in e.flags for e in merged):
        raise SystemExit("benchmarks/run.py: merging the changed template produced no fuzzy entry")


def merge_cases(tmp: Path) -> dict[str, Callable[[], object]]:
    po_path = ROOT / "locales" / "es" / "LC_MESSAGES" / f"{SLUG}.po"
    pot_path = changed_template(tmp)
    check_fuzzy_merge(po_path, pot_path)

    def ours() -> object:
        return catalog.merge(polib.pofile(str(po_path)), polib.pofile(str(pot_path))).__unicode__()

    def gnu() -> object:
        return subprocess.run(
            [
                "msgmerge",
                "--quiet",
                "--previous",
                "-o",
                str(tmp / "out.po"),
                str(po_path),
                str(pot_path),
            ],
            check=True,
        )

    def babel() -> object:
        with po_path.open("rb") as po_file, pot_path.open("rb") as pot_file:
            cat = babel_po.read_po(po_file)
            cat.update(babel_po.read_po(pot_file))
        out = io.BytesIO()
        babel_po.write_po(out, cat, include_previous=True)
        return out

    return {
        "merge: pipeline (polib)": ours,
        "merge: GNU msgmerge": gnu,
        "merge: Babel Catalog.update": babel,
    }


def extraction_cases() -> dict[str, Callable[[], object]]:
    path = ROOT / "source" / f"{SLUG}.md"
    text = path.read_text(encoding="utf-8")
    exts = ["meta", "tables", "footnotes", "abbr", "def_list", "attr_list", "toc"]
    return {
        "extract: pipeline read_article": lambda: source.read_article(path),
        "extract: bare markdown.markdown": lambda: markdown.markdown(text, extensions=exts),
    }


def stemming_cases() -> dict[str, Callable[[], object]]:
    import Stemmer
    from snowballstemmer import spanish_stemmer

    words = (
        (ROOT / "locales" / "es" / "LC_MESSAGES" / f"{SLUG}.po")
        .read_text(encoding="utf-8")
        .lower()
        .split()
    )
    c_stemmer, py_stemmer = Stemmer.Stemmer("spanish"), spanish_stemmer.SpanishStemmer()
    return {
        "stem es catalogue: PyStemmer (C)": lambda: c_stemmer.stemWords(words),
        "stem es catalogue: snowballstemmer (Python)": lambda: py_stemmer.stemWords(words),
    }


def project_cases(tmp: Path) -> dict[str, Callable[[], object]]:
    site = tmp / "site"
    site.mkdir()
    for name in ("source", "locales"):
        shutil.copytree(ROOT / name, site / name)
    shutil.copy(ROOT / "pyproject.toml", site)
    project = build.read_project(load_config(site))
    return {
        "check: whole project": lambda: build.check(project),
        "build: whole project": lambda: build.build(project),
    }


def leaflet_cases(tmp: Path) -> dict[str, Callable[[], object]]:
    """The cost of one leaflet, against rendering the same version's page (the build's other work
    per version); and of a leaflet a build takes from the cache (its HTML and key made, the PDF
    read back), as after a change of the page's template."""
    if leaflet.unavailable():
        print(f"leaflets skipped: {leaflet.unavailable()}")
        return {}
    project = build.read_project(load_config(ROOT))
    config = project.config
    catalogs = build.load_catalogs(project)
    article = project.articles[0]
    versions = {
        article.slug: [
            (Version(article.slug, loc.name, f"{loc.output_dir}/{article.slug}.html"), loc)
            for loc in config.all_locales
        ]
    }
    site = SiteContext(
        config.site_url,
        config.site_name,
        config.source_locale,
        versions,
        {loc.name: catalogs.get((loc.name, UI_DOMAIN)) for loc in config.all_locales},
    )
    settings = leaflet.LeafletSettings.of(config)
    cases: dict[str, Callable[[], object]] = {}
    for version, locale in versions[article.slug]:
        if locale.name not in ("en", "ar"):
            continue
        locale_catalogs = LocaleCatalogs.of(catalogs, locale, article.slug)
        page, _html = render_page(
            article, version, locale_catalogs, config.source_locale, project.glossary, site
        )
        ui = UiText(catalogs.get((locale.name, UI_DOMAIN)), config.source_locale.tag, locale.tag)
        cases.setdefault(
            f"page: {locale.name} (HTML)",
            lambda v=version, c=locale_catalogs: render_page(
                article, v, c, config.source_locale, project.glossary, site
            ),
        )
        cases[f"leaflet: {locale.name} (tagged PDF)"] = lambda p=page, loc=locale, u=ui: (
            leaflet.leaflet_for(p, loc, u, settings)
        )
        kept = leaflet.Leaflets(settings, cache=Cache(tmp / "leaflet-cache"))
        kept(page, locale, ui)  # printed once: every later call finds it
        cases[f"leaflet: {locale.name} (from the cache)"] = (
            lambda p=page, loc=locale, u=ui, k=kept: k(p, loc, u)
        )
    return cases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        groups = [
            merge_cases(tmp),
            extraction_cases(),
            stemming_cases(),
            project_cases(tmp),
            leaflet_cases(tmp),
        ]
        cold = time.perf_counter()
        build.check(build.read_project(load_config(ROOT)))
        print(
            f"first check in this process (loads CMU dictionary, hyphenation and word lists): {time.perf_counter() - cold:.2f} s\n"
        )
        print(f"{'case':<48} {'median':>10} {'ratio':>8}   (median of {args.repeat} runs)")
        for group in filter(None, groups):
            medians = {name: median_seconds(fn, args.repeat) for name, fn in group.items()}
            first = next(iter(medians.values()))
            for name, seconds in medians.items():
                print(f"{name:<48} {seconds * 1000:>8.1f} ms {seconds / first:>7.2f}x")
            print()


if __name__ == "__main__":
    main()
