"""A translator's save as the preview server rebuilds it, against ``pipeline build`` for a save
of the same kind, in the same rounds.

    .venv/bin/python benchmarks/preview.py [--corpus real|generated] [--size 200] [--locales 6] [--repeat 7] [--output FILE]

A translator who previews runs ``pipeline serve``: one process that rebuilds the site each time a
PO or a source is saved. A translator who does not runs ``pipeline build`` after the save. Both
are timed here on two copies of one site, each built once first (untimed), each side on its own
copy (a translator uses one or the other: neither side sees the other's writes):

- **preview**: a process of its own holding ``pipeline.serve.server.Preview`` (the server's builder,
  without HTTP or the file watcher, whose delay is the editor's and inotify's), which has made
  its first build at start, as the server does; each rebuild is timed inside it (wall, and the
  process's CPU: the preview builds in one process);
- **build**: ``pipeline build`` as a whole process (``measure.run_process``: its wall, and the CPU
  of it and its workers).

Each round edits the file once in each copy before its side runs (a different word each time, so
each has one change to make), the two taken in turn, the first one alternating from round to
round: a pair shares the machine's moment. The
report gives the medians and the median of the paired ratios, for one PO changed
(``peers.change_one_msgstr``) and one source changed (``peers.edit_source``).
"""

from __future__ import annotations

import argparse
import datetime
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402
import peers  # noqa: E402
import realsize  # noqa: E402
from measure import compile_pipeline, machine, run_process  # noqa: E402

SEED = 1
CHECKS_MAY_FAIL = (
    0,
    1,
)  # exit 1: the checks found errors (the enciphered copies break glossary rules)


def serve(root: Path) -> None:
    """The preview's side: build at start, then one timed rebuild per line read, answered with a
    line of JSON. A rebuild that fails is answered with its error, and the benchmark stops."""
    from pipeline.serve.server import Preview  # noqa: PLC0415 (only in the server's process)

    preview = Preview(root, lambda message: None)  # a failed rebuild is in its snapshot
    preview.rebuild()
    print(json.dumps({"ready": True}), flush=True)
    for _ in sys.stdin:
        wall, cpu = time.perf_counter(), time.process_time()
        snapshot = preview.rebuild()
        answer = {"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu}
        if snapshot.error:
            answer["error"] = snapshot.error
        print(json.dumps(answer), flush=True)


class Server:
    """The preview process, driven through its standard input and output."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--serve", str(root)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self._answer()

    def rebuild(self) -> tuple[float, float]:
        assert self.process.stdin is not None
        self.process.stdin.write("rebuild\n")
        self.process.stdin.flush()
        answer = self._answer()
        if "error" in answer:
            raise SystemExit(f"the preview's rebuild failed: {answer['error']}")
        return answer["wall"], answer["cpu"]

    def _answer(self) -> dict[str, Any]:  # "wall" and "cpu", or "error"
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise SystemExit("the preview process ended")
        return json.loads(line)

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=60)


def make_site(root: Path, kind: str, size: int, locales: int) -> str:
    """The site, built once; the slug of the article every save edits."""
    if kind == "real":
        slugs = realsize.make_site(root, size, SEED)
    else:
        slugs = corpus.make_site(root, size, corpus.LOCALES[:locales], SEED)
    subprocess.run(
        corpus.pipeline_cmd(root, "-q", "build"),
        check=False,
        stdout=subprocess.DEVNULL,
    )
    return slugs[0]


def copy_site(root: Path, copy: Path) -> None:
    """A second copy of the built site, built once there (its record of ``output/`` names the
    first copy's files, so this build writes them again: untimed)."""
    shutil.copytree(root, copy, symlinks=True)
    subprocess.run(
        corpus.pipeline_cmd(copy, "-q", "build"),
        check=False,
        stdout=subprocess.DEVNULL,
    )


def rounds(
    server: Server, root: Path, edit: Callable[[Path], None], repeat: int, log: Path
) -> dict[str, list[tuple[float, float]]]:
    """(wall, CPU) of each side, round by round: the preview's on its own copy, ``pipeline
    build`` on ``root``; ``edit`` changes the file in the copy it is given."""
    found: dict[str, list[tuple[float, float]]] = {"preview": [], "build": []}
    build = corpus.pipeline_cmd(root, "-q", "build")

    def preview() -> tuple[float, float]:
        edit(server.root)
        return server.rebuild()

    def command() -> tuple[float, float]:
        edit(root)
        sample = run_process(build, log, CHECKS_MAY_FAIL)
        return sample.wall, sample.cpu

    sides = {"preview": preview, "build": command}
    for i in range(repeat):
        for name in list(sides)[:: 1 if i % 2 == 0 else -1]:
            found[name].append(sides[name]())
    return found


def _changed(path: Path, edit: Callable[[Path], None]) -> None:
    """``edit(path)``, checked to have changed the file: an edit that misses times nothing."""
    before = path.read_bytes()
    edit(path)
    if path.read_bytes() == before:
        raise SystemExit(f"the benchmark's edit did not change {path}")


def table(results: dict[str, dict[str, list[tuple[float, float]]]]) -> list[str]:
    lines = [
        "| save | preview wall | preview CPU | `pipeline build` wall | `pipeline build` CPU | wall ratio (paired) |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    for case, sides in results.items():
        preview, build = sides["preview"], sides["build"]
        ratio = statistics.median(p[0] / b[0] for p, b in zip(preview, build, strict=True))
        lines.append(
            f"| {case} | {statistics.median(p[0] for p in preview):.2f} s "
            f"| {statistics.median(p[1] for p in preview):.2f} s "
            f"| {statistics.median(b[0] for b in build):.2f} s "
            f"| {statistics.median(b[1] for b in build):.2f} s | {ratio:.2f}× |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", choices=("real", "generated"), default="real")
    parser.add_argument("--size", type=int, default=200)
    parser.add_argument("--locales", type=int, default=6)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--output", type=Path)
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return
    compiled = compile_pipeline()
    with tempfile.TemporaryDirectory(prefix="bench-preview-") as folder:
        root, previewed = Path(folder) / "site", Path(folder) / "previewed"
        slug = make_site(root, args.corpus, args.size, args.locales)
        copy_site(root, previewed)
        po = Path("locales") / "es" / "LC_MESSAGES" / f"{slug}.po"
        md = Path("source") / f"{slug}.md"
        log = Path(folder) / "commands.log"
        server = Server(previewed)
        try:
            results = {
                "one PO changed": rounds(
                    server,
                    root,
                    lambda site: _changed(site / po, peers.change_one_msgstr),
                    args.repeat,
                    log,
                ),  # fmt: skip
                "one source changed": rounds(
                    server,
                    root,
                    lambda site: _changed(site / md, peers.edit_source),
                    args.repeat,
                    log,
                ),  # fmt: skip
            }
        finally:
            server.close()
    text = "\n".join(
        [
            f"# The preview's rebuild against `pipeline build`: {args.corpus} corpus, "
            f"N = {args.size}, {datetime.date.today().isoformat()}",
            "",
            *machine(),
            compiled,
            f"- {args.repeat} rounds per save, the two sides in turn",
            "",
            *table(results),
            "",
        ]
    )
    print(text)
    if args.output:
        args.output.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
