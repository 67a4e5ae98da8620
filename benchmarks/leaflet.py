"""What a leaflet costs beside its page: CPU per version of the shipped article, medians.

For each of the shipped article's versions, ``--repeat`` times each: render its HTML page
(``render_page``, as the build does) and make its leaflet with the pipeline's engine (Typst);
``engines`` names any other writer to time beside it. Then one long
paragraph (1x, 2x, 4x, 8x the text) shows how a leaflet's cost grows with its text. CPU time
(``time.process_time``), so a loaded machine does not change the figures much.

Typst memoizes: compiling the same text twice in a process costs a tenth of the first time. A
build compiles each version once, so each Typst figure is a *first* compile of that text: every
run is a new process (``--child``) that warms the engine (fonts) on another text, then makes each
leaflet once. Pages (and other engines) are timed in this process, after one warm-up run.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/leaflet.py [--repeat 5] [--words 2000]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pipeline.build import verbs  # noqa: E402
from pipeline.config import load_config  # noqa: E402
from pipeline.model import UI_DOMAIN, Page, Version  # noqa: E402
from pipeline.render import leaflet  # noqa: E402
from pipeline.render.leaflet import LeafletSettings  # noqa: E402
from pipeline.render.media import collect_media  # noqa: E402
from pipeline.render.page import LocaleCatalogs  # noqa: E402
from pipeline.render.site import SiteContext, render_page  # noqa: E402
from pipeline.render.ui import UiText  # noqa: E402


def cpu(action: Callable[[], object], repeat: int) -> float:
    """The median CPU seconds of ``action`` over ``repeat`` runs (after one run to warm up)."""
    action()
    times = []
    for _ in range(repeat):
        start = time.process_time()
        action()
        times.append(time.process_time() - start)
    return statistics.median(times)


def engines() -> dict[str, Callable[..., object]]:
    """Other leaflet writers to time beside Typst, by name. None since WeasyPrint was removed
    (its figures, measured beside Typst's, are in RESULTS.md under commit ba4f81c)."""
    return {}


def shipped(root: Path) -> list[tuple[str, Callable[[], object], tuple[object, ...]]]:
    """Per version: its path, a call rendering its page, and what a leaflet writer takes."""
    project = verbs.read_project(load_config(root))
    config, catalogs = project.config, verbs.load_catalogs(project)
    versions = {a.slug: [(Version(a.slug, loc.name, f"{loc.output_dir}/{a.slug}.html"), loc) for loc in config.all_locales] for a in project.articles}  # fmt: skip
    uis = {loc.name: catalogs.get((loc.name, UI_DOMAIN)) for loc in config.all_locales}
    site = SiteContext(config.site_url, config.site_name, config.source_locale, versions, uis)
    media = collect_media(config, project.articles)
    settings = LeafletSettings.of(config, media)
    found = []
    for article in project.articles:
        for version, locale in versions[article.slug]:
            local = LocaleCatalogs.of(catalogs, locale, article.slug)
            images = media.urls.get((article.slug, locale.name), {})

            def page(a=article, v=version, c=local, i=images):  # noqa: ANN001, ANN202
                return render_page(a, v, c, config.source_locale, project.glossary, site, i)

            ui = UiText(uis[locale.name], config.source_locale.tag, locale.tag)
            found.append((version.path, page, (page()[0], locale, ui, settings)))
    return found


def long_paragraph(
    settings: LeafletSettings,
    words: int,
    locale: object,
    sentence: str = "Patients describe the pain and how it changes their days",
) -> tuple[object, ...]:
    """A leaflet of one paragraph of ``words`` words (the sentence, repeated)."""
    text = " ".join([sentence] * (words // len(sentence.split())))
    page = Page(Version("long", "en", "en/long.html"), "Long", "", f"<h1>Long</h1><p>{text}</p>", 0)
    return (page, locale, UiText(None, "en", "en"), settings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--words", type=int, default=2000, help="the long paragraph at 1x")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(first_compiles(args.child, args.words)))
        return
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        shutil.copy(REPO / "pyproject.toml", root)
        for name in ("source", "locales"):
            shutil.copytree(REPO / name, root / name)
        runs = [_child(root, args.words) for _ in range(args.repeat)]
        typst = {key: statistics.median(run[key] for run in runs) * 1000 for key in runs[0]}
        others = engines()
        print(
            f"medians of {args.repeat} (CPU ms); Typst: first compile of each text, one process per run"
        )
        _versions(root, typst, others, args.repeat)
        _scaling(root, typst, others, args)


def _child(root: Path, words: int) -> dict[str, float]:
    command = [sys.executable, __file__, "--child", str(root), "--words", str(words)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def first_compiles(root: Path, words: int) -> dict[str, float]:
    """In a new process: each version's Typst leaflet made once, and the long paragraphs; CPU s."""
    config = load_config(root)
    settings = LeafletSettings.of(config, collect_media(config, ()))
    warm = long_paragraph(settings, 300, config.source_locale, "Warming the fonts up once")
    leaflet.leaflet_for(*warm)  # type: ignore[arg-type]
    found = {}
    for path, _page, call in shipped(root):
        found[path] = _once(lambda c=call: leaflet.leaflet_for(*c))  # type: ignore[misc]
    for k in (1, 2, 4, 8):
        call = long_paragraph(settings, words * k, config.source_locale)
        found[f"x{k}"] = _once(lambda c=call: leaflet.leaflet_for(*c))  # type: ignore[misc]
    return found


def _once(action: Callable[[], object]) -> float:
    start = time.process_time()
    action()
    return time.process_time() - start


def _versions(
    root: Path, typst: dict[str, float], others: dict[str, Callable[..., object]], repeat: int
) -> None:
    names = ["Typst", *others]
    print("| version | page | " + " | ".join(f"{n} leaflet | {n}/page" for n in names) + " |")
    print("|---|--:|" + "--:|--:|" * len(names))
    rows = []
    for path, page, call in shipped(root):
        page_ms = cpu(page, repeat) * 1000
        costs = [typst[path]] + [
            cpu(lambda w=w, c=call: w(*c), repeat) * 1000 for w in others.values()
        ]
        rows.append((page_ms, costs))
        cells = " | ".join(f"{c:.0f} | {c / page_ms:.1f}x" for c in costs)
        print(f"| {path} | {page_ms:.0f} | {cells} |")
    medians = [statistics.median(r[1][i] for r in rows) for i in range(len(names))]
    page_median = statistics.median(r[0] for r in rows)
    print(f"| median | {page_median:.0f} | " + " | ".join(f"{m:.0f} | {m / page_median:.1f}x" for m in medians) + " |")  # fmt: skip


def _scaling(
    root: Path,
    typst: dict[str, float],
    others: dict[str, Callable[..., object]],
    args: argparse.Namespace,
) -> None:
    config = load_config(root)
    settings = LeafletSettings.of(config, collect_media(config, ()))
    print(f"\none paragraph of {args.words} words times k (CPU ms, median of {args.repeat})")
    print("| " + " | ".join(["k", "words", "Typst", *others]) + " |")
    print("|--:|--:|--:|" + "--:|" * len(others))
    for k in (1, 2, 4, 8):
        call = long_paragraph(settings, args.words * k, config.source_locale)
        costs = [typst[f"x{k}"]] + [
            cpu(lambda w=w, c=call: w(*c), args.repeat) * 1000 for w in others.values()
        ]
        print(f"| {k} | {args.words * k} | " + " | ".join(f"{c:.0f}" for c in costs) + " |")


if __name__ == "__main__":
    main()
