"""What the checks cost in a cold build, against translate-toolkit's bare round trip, in one run.

    .venv/bin/python benchmarks/ablation.py [--size 200] [--locales 6] [--repeat 3] [--seed 1]
        [--corpus generated|real] [--shipped-only]

The issue's last speed target asks a build to spend no more CPU per page than translate-toolkit's
``md2po`` + ``po2md``, "while doing every check and writing accessible HTML". This measures how
far each part of that work is from it: on one generated site (``corpus.make_site``, as
``site.py`` makes it), cold builds (cache and output moved aside) of

- **the build**: ``pipeline build`` as shipped;
- **without the check families**: no finding is looked for (completeness, plain language,
  glossary, parity, safety, placeholders, reviews); the readability scores are still computed,
  the readability views and the report still written;
- **without any check**: nor the readability scores (pages, indexes, sitemap, the report's frame);

and translate-toolkit on the same articles: its bare round trip, and the round trip followed by
its own quality checks (``pofilter``, its default checks, on every locale's catalogues), which is
how a translate-toolkit user checks translations. All are taken in turn (build, without
families, without checks, translate-toolkit, with ``pofilter``; again), so that a change in the
machine's speed falls on all five. The checks are removed here, in a wrapper process the benchmark starts (the pipeline has no
switch to skip them, and should not): its pool forks from that process and inherits the change.
Prints medians of CPU per page and their ratios to translate-toolkit measured in the same rounds,
bare and followed by ``pofilter``. ``--corpus real`` takes the enciphered copies of the shipped
article (``realsize.py``, as ``site.py --corpus real``); ``--shipped-only`` times the build as
shipped alone against the two translate-toolkit runs (a round of the real-size corpus at 200
articles takes some ten minutes so; its locales are the shipped article's six, whatever
``--locales`` says).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402
import peers  # noqa: E402
import realsize  # noqa: E402
from measure import Sample, run_process, run_sequence  # noqa: E402

_WITHOUT = {
    "the build": "",
    "without the check families": "import pipeline.checks as c; c.FAMILIES = ()",
    "without any check": (
        "import pipeline.checks as c; c.FAMILIES = (); c.readability.document = lambda s: None"
    ),
}


def build_cmd(root: Path, removed: str) -> list[str]:
    """``pipeline build`` in a process that first removes ``removed`` (Python statements)."""
    script = f"import sys; {removed}\nfrom pipeline.cli import main\nsys.exit(main())"
    return [sys.executable, "-c", script, "--root", str(root), "build"]


def cold(root: Path) -> None:
    for name in (".pipeline-cache", "output"):
        peers.set_aside(root / name)


WITH_POFILTER = "translate-toolkit + pofilter"


def pofilter_cmds(toolkit: peers.ToolkitSite) -> list[list[str]]:
    """translate-toolkit's own checks over each locale's catalogues, after its round trip."""
    return [
        [
            str(toolkit.bin / "pofilter"),
            "--progress=none",
            "-i",
            str(toolkit.root / "po" / locale),
            "-o",
            str(toolkit.root / "work" / locale / "checked"),
        ]
        for locale in toolkit.locales
    ]


def rounds(
    site: Path, toolkit: peers.ToolkitSite, repeat: int, log: Path, builds: dict[str, str]
) -> dict[str, list[Sample]]:
    names = [*builds, "translate-toolkit", WITH_POFILTER]
    samples: dict[str, list[Sample]] = {name: [] for name in names}
    for i in range(repeat):
        for name, removed in builds.items():
            cold(site)
            samples[name].append(run_process(build_cmd(site, removed), log, ok_codes=(0, 1)))
        toolkit.clean(i)
        samples["translate-toolkit"].append(run_sequence(toolkit.commands(), log))
        toolkit.clean(i)
        samples[WITH_POFILTER].append(
            run_sequence([*toolkit.commands(), *pofilter_cmds(toolkit)], log)
        )
        print(f"  round {i + 1} of {repeat} done", file=sys.stderr)
    return samples


def report(samples: dict[str, list[Sample]], pages: dict[str, int]) -> str:
    bare, checked = (
        statistics.median(s.cpu for s in samples[name]) / pages[name]
        for name in ("translate-toolkit", WITH_POFILTER)
    )
    lines = [
        "| build | pages | runs | CPU s (median) | CPU ms per page | against translate-toolkit "
        "| against translate-toolkit + pofilter |",
        "|---|--:|--:|--:|--:|--:|--:|",
    ]
    for name, runs in samples.items():
        cpu = statistics.median(s.cpu for s in runs)
        per_page = cpu / pages[name]
        lines.append(
            f"| {name} | {pages[name]} | {len(runs)} | {cpu:.2f} | {1000 * per_page:.1f} "
            f"| {per_page / bare:.2f}× | {per_page / checked:.2f}× |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=200)
    parser.add_argument("--locales", type=int, default=6)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--corpus", choices=("generated", "real"), default="generated")
    parser.add_argument("--shipped-only", action="store_true")
    args = parser.parse_args()
    builds = {"the build": ""} if args.shipped_only else _WITHOUT
    work = Path(tempfile.mkdtemp(prefix="pipeline-ablation-"))
    peers.TRASH = work / "set-aside"
    try:
        site = work / "site"
        if args.corpus == "real":
            locales = list(realsize.LOCALES)
            realsize.make_site(site, args.size, args.seed)
        else:
            locales = list(corpus.LOCALES[: args.locales])
            corpus.make_site(site, args.size, locales, args.seed)
        print(f"{args.size} articles x {len(locales)} locales ({args.corpus})", file=sys.stderr)
        toolkit = peers.toolkit_site(site, work / "translate-toolkit", locales)
        samples = rounds(site, toolkit, args.repeat, work / "log.txt", builds)
        ours = args.size * (len(locales) + 1)  # every version, the source's too
        theirs = args.size * len(locales)  # the round trip has nothing to do for the source
        pages = {name: ours for name in builds} | dict.fromkeys(
            ("translate-toolkit", WITH_POFILTER), theirs
        )
        print(report(samples, pages))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
