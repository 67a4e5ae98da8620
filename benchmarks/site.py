"""Times the pipeline's CLI on a generated site of N articles x M locales, against its peers.

    .venv/bin/python benchmarks/site.py [--corpus generated|real] [--sizes 50,200] [--locales 6] [--repeat 5] [--peers [all|toolkit]] [--no-variants] [--leaflets] [--output FILE]

For each size N: generate a varied corpus (``corpus.py``), pseudo-translate it, then time whole
processes (``measure.py``) — ``extract``, ``update``, ``check``, ``build`` cold, with nothing
changed, after one PO changed and after one source changed — and with ``--peers`` the same site
through translate-toolkit (its bare round trip, and the round trip followed by ``pofilter``, its own
checks: the yardstick for a build that checks) and Sphinx (``peers.py``). With ``--leaflets``, a
last cold build makes every version's printable leaflet too, against the same build without
them. Prints a Markdown report: medians, per-page
figures, ratios to the peers and growth from the smallest to the largest N.

Build options the pipeline may gain (``--no-cache``, ``--jobs N``) are detected from
``pipeline build --help`` and timed too when present.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import ablation  # noqa: E402
import corpus  # noqa: E402
import peers  # noqa: E402
import realsize  # noqa: E402
from measure import Figure, compile_pipeline, machine, measure  # noqa: E402

CHECKS_MAY_FAIL = (
    0,
    1,
)  # exit 1 = the checks found errors (pseudo-translations break glossary rules)


@dataclass(frozen=True)
class Row:
    tool: str
    case: str
    n: int
    pages: int  # (article, version) pairs the case produces: the unit of the per-page figures
    figure: Figure

    def per_page_ms(self, what: str) -> float:
        return getattr(self.figure, what) / self.pages * 1000


@dataclass(frozen=True)
class BuildFlags:
    """What ``pipeline build`` accepts today: detected, so the benchmark outlives the CLI's growth."""

    no_cache: bool
    jobs: bool

    @classmethod
    def detect(cls) -> BuildFlags:
        text = subprocess.run(
            [sys.executable, "-m", "pipeline", "build", "--help"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return cls(no_cache="--no-cache" in text, jobs="--jobs" in text)


# ---- our cases ---------------------------------------------------------------------------------


CACHE = (
    ".pipeline-cache"  # the pipeline's cache folder: every command may fill it (parsed articles)
)


def cleaner(root: Path) -> Callable[[int], None]:
    """Delete everything a build adds to the project (output/, and any cache wherever it lives)."""
    baseline = set(root.iterdir()) - {root / CACHE}

    def clean(_: int = 0) -> None:
        for path in set(root.iterdir()) - baseline:
            peers.set_aside(path)  # moved, not deleted: see ``peers.set_aside``

    return clean


def checked(edit: Callable[[], None], path: Path) -> None:
    """Run an edit and fail loudly if the file did not change: an edit that misses times nothing."""
    before = path.read_bytes()
    edit()
    if path.read_bytes() == before:
        raise AssertionError(f"the benchmark's edit did not change {path}")


def our_cases(
    root: Path, slug: str, flags: BuildFlags
) -> list[tuple[str, list[str], Callable[[int], object] | None]]:
    """(name, build arguments, preparation before each run), in an order where each leaves what the next needs."""
    clean = cleaner(root)
    po = root / "locales" / "es" / "LC_MESSAGES" / f"{slug}.po"
    md = root / "source" / f"{slug}.md"

    def change_po(_: int) -> None:
        checked(lambda: peers.change_one_msgstr(po), po)

    def change_source(_: int) -> None:
        checked(lambda: peers.edit_source(md), md)

    cases: list[tuple[str, list[str], Callable[[int], object] | None]] = [
        ("extract (templates current)", ["extract"], None),
        ("update (nothing to merge)", ["update"], None),
        ("check", ["check"], None),
    ]
    if flags.jobs:
        cases.append(("build cold, --jobs 1", ["build", "--jobs", "1"], clean))
        cases.append(
            (
                f"build cold, --jobs {os.cpu_count()}",
                ["build", "--jobs", str(os.cpu_count())],
                clean,
            )
        )
    # --no-cache before the cached cold build: its output would leave the cache's record stale
    if flags.no_cache:
        cases.append(("build --no-cache", ["build", "--no-cache"], None))
    cases.append(("build cold", ["build"], clean))
    cases += [
        ("build, nothing changed", ["build"], None),
        ("build, one PO changed", ["build"], change_po),
        ("build, one source changed", ["build"], change_source),
    ]
    return cases


def run_ours(
    root: Path,
    slugs: list[str],
    locales: list[str],
    repeat: int,
    log: Path,
    rows: list[Row],
    variants: bool = True,
) -> None:
    """Append each of our cases to ``rows`` as it finishes; without ``variants``, the cold build
    is timed as users run it only (not also with --jobs 1, --jobs N and --no-cache)."""
    flags = BuildFlags.detect() if variants else BuildFlags(no_cache=False, jobs=False)
    for name, args, before in our_cases(root, slugs[0], flags):
        figure = measure([corpus.pipeline_cmd(root, *args)], repeat, log, before, CHECKS_MAY_FAIL)
        rows.append(Row("pipeline", name, len(slugs), len(slugs) * (len(locales) + 1), figure))
        _progress(rows[-1])


WITH_LEAFLETS = "build cold, with leaflets"


def run_leaflets(
    root: Path, slugs: list[str], locales: list[str], repeat: int, log: Path, rows: list[Row]
) -> None:
    """The cold build again, every version's leaflet printed too: the corpus is made without them
    (the peers print none), so they are switched on for this last case only, and off again."""
    config = root / "pyproject.toml"
    before = config.read_text(encoding="utf-8")
    config.write_text(before.replace("leaflets = false", "leaflets = true"), encoding="utf-8")
    try:
        figure = measure(
            [corpus.pipeline_cmd(root, "build")], repeat, log, cleaner(root), CHECKS_MAY_FAIL
        )
    finally:
        config.write_text(before, encoding="utf-8")
    rows.append(Row("pipeline", WITH_LEAFLETS, len(slugs), len(slugs) * (len(locales) + 1), figure))
    _progress(rows[-1])


# ---- peers -------------------------------------------------------------------------------------


def prepare_peers(
    site: Path, work: Path, locales: list[str], which: str
) -> tuple[peers.ToolkitSite, peers.SphinxSite | None]:
    """Copy the site for the peers before our cases edit it, so all three start from the same text.
    ``which``: "all", or "toolkit" alone (Sphinx takes longest of all on large real-size sites)."""
    toolkit = peers.toolkit_site(site, work / "translate-toolkit", locales)
    return toolkit, peers.sphinx_site(site, work / "sphinx", locales) if which == "all" else None


def run_peers(
    toolkit: peers.ToolkitSite,
    sphinx: peers.SphinxSite | None,
    slugs: list[str],
    locales: list[str],
    repeat: int,
    log: Path,
    rows: list[Row],
) -> None:
    """Append each peer case to ``rows`` as it finishes, so a run stopped early keeps what it measured."""
    n = len(slugs)
    figure = measure(toolkit.commands(), repeat, log, toolkit.clean)
    rows.append(Row("translate-toolkit", "md2po + po2md", n, n * len(locales), figure))
    _progress(rows[-1])
    checked_cmds = [*toolkit.commands(), *ablation.pofilter_cmds(toolkit)]
    figure = measure(checked_cmds, repeat, log, toolkit.clean)
    rows.append(Row("translate-toolkit", TOOLKIT_CHECKED, n, n * len(locales), figure))
    _progress(rows[-1])
    if sphinx is None:
        return
    cmds = sphinx.commands()
    sphinx_po, sphinx_md = sphinx.po_path(locales[0], slugs[0]), sphinx.md_path(slugs[0])
    cases: list[tuple[str, Callable[[int], object] | None]] = [
        ("build cold", sphinx.clean),
        ("build, nothing changed", None),
        (
            "build, one PO changed",
            lambda _: checked(lambda: peers.change_one_msgstr(sphinx_po), sphinx_po),
        ),
        (
            "build, one source changed",
            lambda _: checked(lambda: peers.edit_source(sphinx_md), sphinx_md),
        ),
    ]
    for name, before in cases:
        rows.append(
            Row("sphinx", name, n, n * (len(locales) + 1), measure(cmds, repeat, log, before))
        )
        _progress(rows[-1])


def _progress(row: Row) -> None:
    print(
        f"  {row.tool} {row.case}: {row.figure.wall:.2f} s wall, {row.figure.cpu:.2f} s CPU",
        file=sys.stderr,
    )


# ---- report ------------------------------------------------------------------------------------


def results_table(rows: list[Row]) -> list[str]:
    out = [
        "| tool | case | N | pages | runs | wall s | CPU s | wall ms/page | CPU ms/page | peak RSS MiB |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in rows:
        f = r.figure
        out.append(
            f"| {r.tool} | {r.case} | {r.n} | {r.pages} | {f.runs} | {f.wall:.2f} | {f.cpu:.2f} | "
            f"{r.per_page_ms('wall'):.1f} | {r.per_page_ms('cpu'):.1f} | {f.rss_kib / 1024:.0f} |"
        )
    return out


TOOLKIT_CHECKED = "md2po + po2md + pofilter"
RATIOS = [  # (our case, peer, peer's case)
    ("build cold", "sphinx", "build cold"),
    ("build, nothing changed", "sphinx", "build, nothing changed"),
    ("build, one PO changed", "sphinx", "build, one PO changed"),
    ("build, one source changed", "sphinx", "build, one source changed"),
    ("build cold", "translate-toolkit", "md2po + po2md"),
    ("build cold", "translate-toolkit", TOOLKIT_CHECKED),
]


def ratio_table(rows: list[Row]) -> list[str]:
    """Ours per page / theirs per page: above 1 we cost more, below 1 less."""
    index = {(r.tool, r.case, r.n): r for r in rows}
    out = [
        "| N | ours | peer | CPU ms/page ours : theirs | CPU ratio | wall ratio |",
        "|--:|---|---|--:|--:|--:|",
    ]
    for n in sorted({r.n for r in rows}):
        for ours_case, tool, their_case in RATIOS:
            ours, theirs = index.get(("pipeline", ours_case, n)), index.get((tool, their_case, n))
            if ours and theirs:
                out.append(
                    f"| {n} | {ours_case} | {tool}: {their_case} | {ours.per_page_ms('cpu'):.1f} : {theirs.per_page_ms('cpu'):.1f} | "
                    f"{ours.per_page_ms('cpu') / theirs.per_page_ms('cpu'):.2f}x | {ours.per_page_ms('wall') / theirs.per_page_ms('wall'):.2f}x |"
                )
    return out


def growth_table(rows: list[Row]) -> list[str]:
    """CPU per page at each N and the ratio largest/smallest: 1.0 is linear growth."""
    sizes = sorted({r.n for r in rows})
    if len(sizes) < 2:
        return ["(one size only: no growth figures)"]
    out = [
        "| tool | case | "
        + " | ".join(f"CPU ms/page N={n}" for n in sizes)
        + f" | N={sizes[-1]} / N={sizes[0]} |",
        "|---|---|" + "--:|" * (len(sizes) + 1),
    ]
    for tool, case in dict.fromkeys((r.tool, r.case) for r in rows):
        by_n = {r.n: r.per_page_ms("cpu") for r in rows if (r.tool, r.case) == (tool, case)}
        if len(by_n) == len(sizes):
            cells = " | ".join(f"{by_n[n]:.1f}" for n in sizes)
            out.append(f"| {tool} | {case} | {cells} | {by_n[sizes[-1]] / by_n[sizes[0]]:.2f}x |")
    return out


def leaflet_table(rows: list[Row]) -> list[str]:
    """What printing costs: the cold build with leaflets against the same build without, and the
    difference per leaflet (one per page) against a page's whole share of the build."""
    index = {(r.case, r.n): r for r in rows if r.tool == "pipeline"}
    out = [
        "| N | pages | CPU s without : with | CPU ratio | CPU ms per page | CPU ms per leaflet |",
        "|--:|--:|--:|--:|--:|--:|",
    ]
    for n in sorted({r.n for r in rows}):
        without, with_ = index.get(("build cold", n)), index.get((WITH_LEAFLETS, n))
        if without and with_:
            leaflet_ms = 1000 * (with_.figure.cpu - without.figure.cpu) / with_.pages
            out.append(
                f"| {n} | {with_.pages} | {without.figure.cpu:.2f} : {with_.figure.cpu:.2f} | "
                f"{with_.figure.cpu / without.figure.cpu:.2f}x | {without.per_page_ms('cpu'):.1f} | {leaflet_ms:.1f} |"
            )
    return out if len(out) > 2 else ["(no leaflet run: pass --leaflets)"]


def report(rows: list[Row], header: list[str], locales: list[str]) -> str:
    parts = [
        "## Machine",
        *header,
        f"- load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
        f"- locales: {', '.join(locales)} (+ the source, en); a page is one (article, version) pair",
        "",
        "## Medians",
        *results_table(rows),
        "",
        "## Ours against the peers (per page)",
        *ratio_table(rows),
        "",
        "## Leaflets (cold build with them against the same build without)",
        *leaflet_table(rows),
        "",
        "## Growth",
        *growth_table(rows),
        "",
    ]
    return "\n".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", default="50,200", help="article counts, comma-separated (default 50,200)"
    )
    parser.add_argument(
        "--locales",
        type=int,
        default=6,
        help=f"number of target locales, at most {len(corpus.LOCALES)} (default 6)",
    )
    parser.add_argument(
        "--repeat", type=int, default=5, help="runs per case; the median is reported (default 5)"
    )
    parser.add_argument(
        "--peers",
        nargs="?",
        const="all",
        choices=("all", "toolkit"),
        help="also time translate-toolkit and Sphinx + MyST + sphinx-intl (all), or translate-toolkit alone",
    )
    parser.add_argument(
        "--no-variants",
        action="store_true",
        help="time the cold build as users run it only, not also with --jobs 1, --jobs N, --no-cache",
    )
    parser.add_argument(
        "--peer-repeat",
        type=int,
        help="runs per peer case (default: --repeat); Sphinx is slow at large N",
    )
    parser.add_argument(
        "--corpus",
        choices=("generated", "real"),
        default="generated",
        help="generated: varied short articles, pseudo-translated (corpus.py); real: copies of the "
        "shipped article with its six real translations, each enciphered (realsize.py)",
    )
    parser.add_argument(
        "--leaflets",
        action="store_true",
        help="also time a cold build that prints every version's leaflet (PDF)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--output", type=Path, help="also write the report to this file")
    parser.add_argument(
        "--keep", type=Path, help="build the sites in this folder and keep them (with log.txt)"
    )
    args = parser.parse_args()
    locales = list(realsize.LOCALES if args.corpus == "real" else corpus.LOCALES[: args.locales])
    header = [
        f"- corpus: {args.corpus}",
        *machine(),
        compile_pipeline(),
        "- before a cold build, every tool's earlier output is moved aside, not deleted, and deleted after the last run (see `peers.set_aside`: this machine's journal-less ext4 makes files created just after a mass delete cost more)",
    ]
    work = args.keep or Path(tempfile.mkdtemp(prefix="pipeline-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    peers.TRASH = work / "set-aside"
    log = work / "log.txt"
    rows: list[Row] = []
    try:
        for n in (int(s) for s in args.sizes.split(",")):
            print(
                f"N={n}: generating {n} articles x {len(locales)} locales in {work / str(n)}",
                file=sys.stderr,
            )
            site = work / str(n) / "site"
            slugs = (
                realsize.make_site(site, n, args.seed)
                if args.corpus == "real"
                else corpus.make_site(site, n, locales, args.seed)
            )
            peer_sites = (
                prepare_peers(site, work / str(n), locales, args.peers) if args.peers else None
            )
            run_ours(site, slugs, locales, args.repeat, log, rows, not args.no_variants)
            if args.leaflets:
                run_leaflets(site, slugs, locales, args.repeat, log, rows)
            if peer_sites:
                run_peers(*peer_sites, slugs, locales, args.peer_repeat or args.repeat, log, rows)
            if args.output:  # after each size, so a long run stopped early still leaves its figures
                args.output.write_text(report(rows, header, locales), encoding="utf-8")
    finally:
        if rows:
            text = report(rows, header, locales)
            print(text)
            if args.output:
                args.output.write_text(text, encoding="utf-8")
        shutil.rmtree(peers.TRASH, ignore_errors=True)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
