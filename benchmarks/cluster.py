"""The cluster path against the local pool: the same cold build, on this machine's cores and on a
Dask scheduler with workers on this same machine.

```sh
PYTHONPATH=$PWD .venv/bin/python benchmarks/cluster.py [--articles 50] [--locales 6] [--repeat 3] [--workers 2] [--output FILE]
```

One generated site (``corpus.make_site``: leaflets off, every version published), built cold
(output and cache moved aside) ``--repeat`` times each way, medians reported:

- **local**: ``pipeline build --scheduler local``, one process per core (the forked pool).
- **cluster**: ``dask scheduler`` and ``dask worker --nworkers W --nthreads 1`` started once
  (untimed, as a publisher's cluster runs before the build), then ``pipeline build --scheduler
  tcp://…``. Its CPU is the command's own plus what the scheduler and the workers spent during
  the run (``psutil``, their process trees before and after); wall is the command's.

Both builds are checked to write the same bytes. What the figures measure is the cluster's
overhead on one machine (each worker gathers the build's context itself, every version travels
as a task and comes back through the cache); what it buys is more machines, which one machine
cannot show.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402
import peers  # noqa: E402
from measure import run_process  # noqa: E402

SEED = 1


@dataclass(frozen=True)
class Row:
    case: str
    versions: int
    wall: float  # the command's, median
    command_cpu: float  # the command's own processes, median
    cluster_cpu: float  # the scheduler's and the workers' during the run, median

    def line(self) -> str:
        total = self.command_cpu + self.cluster_cpu
        return (
            f"| {self.case} | {self.versions} | {self.wall:.2f} | {self.command_cpu:.2f} | "
            f"{self.cluster_cpu:.2f} | {total:.2f} | {1000 * total / self.versions:.1f} |"
        )


def tree_cpu(pids: list[int]) -> float:
    """User + system seconds of these processes and every live process under them."""
    total = 0.0
    for pid in pids:
        try:
            root = psutil.Process(pid)
            for proc in (root, *root.children(recursive=True)):
                times = proc.cpu_times()
                total += times.user + times.system
        except psutil.NoSuchProcess:
            continue
    return total


def output_digest(root: Path) -> str:
    """One hash of every file of output/ and its path."""
    h = hashlib.sha256()
    output = root / "output"
    for path in sorted(p for p in output.rglob("*") if p.is_file()):
        h.update(path.relative_to(output).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def cold(root: Path) -> None:
    for name in ("output", ".pipeline-cache"):
        peers.set_aside(root / name)


def timed_builds(
    root: Path, schedulers: dict[str, str], repeat: int, log: Path, cluster_pids: list[int]
) -> tuple[dict[str, list[tuple[float, float, float]]], dict[str, str]]:
    """(wall, command CPU, cluster CPU) of each cold build, by case, and each case's output hash.
    The cases take turns, run by run: both meet the same moments of other people's load."""
    samples: dict[str, list[tuple[float, float, float]]] = {case: [] for case in schedulers}
    digests = {}
    for _ in range(repeat):
        for case, scheduler in schedulers.items():
            cold(root)
            counted = [] if scheduler == "local" else cluster_pids
            before = tree_cpu(counted)
            sample = run_process(
                corpus.pipeline_cmd(root, "build", "--scheduler", scheduler), log, (0, 1)
            )
            samples[case].append((sample.wall, sample.cpu, tree_cpu(counted) - before))
            digests[case] = output_digest(root)
    return samples, digests


def row(case: str, versions: int, samples: list[tuple[float, float, float]]) -> Row:
    return Row(case, versions, *(statistics.median(s[i] for s in samples) for i in range(3)))


@contextmanager
def dask_cluster(folder: Path, workers: int, log: Path) -> Iterator[tuple[str, list[int]]]:
    """``dask scheduler`` and ``dask worker`` as a publisher starts them (here, on this machine
    and in the project's folder); their address and process ids; stopped after."""
    scheduler_file = folder / "scheduler.json"
    dask = [sys.executable, "-m", "dask"]
    with log.open("ab") as out:
        scheduler = subprocess.Popen(
            [*dask, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
             "--scheduler-file", str(scheduler_file)],
            stdout=out, stderr=subprocess.STDOUT, cwd=folder,
        )  # fmt: skip
        while not scheduler_file.exists():
            time.sleep(0.2)
        worker = subprocess.Popen(
            [*dask, "worker", "--scheduler-file", str(scheduler_file), "--nworkers", str(workers),
             "--nthreads", "1", "--no-dashboard"],
            stdout=out, stderr=subprocess.STDOUT, cwd=folder,
        )  # fmt: skip
    try:
        address = json.loads(scheduler_file.read_text())["address"]
        _wait_for_workers(address, workers)
        yield address, [scheduler.pid, worker.pid]
    finally:
        for proc in (worker, scheduler):
            proc.terminate()
            proc.wait(timeout=60)


def _wait_for_workers(address: str, workers: int) -> None:
    import distributed

    with distributed.Client(address, timeout="60s") as client:
        client.wait_for_workers(workers, timeout=300)


def report(rows: list[Row], args: argparse.Namespace, same: bool, load: str) -> list[str]:
    local, remote = rows
    return [
        f"## Cluster path against the local pool: {args.articles} articles × {args.locales} locales, cold build, HTML only",
        "",
        f"- date: {time.strftime('%Y-%m-%d %H:%M %z')}; {os.cpu_count()} CPUs (shared with other users); load average (1, 5, 15 min) at the start: {load}",
        f"- median of {args.repeat} cold builds each, the two ways taking turns; cluster: `dask scheduler` + `dask worker --nworkers {args.workers} --nthreads 1` on this machine, started before (idle during the local builds, whose rows count no cluster CPU)",
        f"- both ways wrote the same bytes: {'yes' if same else 'NO'}",
        "",
        "| case | versions | wall s | CPU s (command) | CPU s (scheduler + workers) | CPU s (all) | CPU ms/version |",
        "|---|--:|--:|--:|--:|--:|--:|",
        local.line(),
        remote.line(),
        "",
        f"cluster / local: wall {remote.wall / local.wall:.2f}×, CPU "
        f"{(remote.command_cpu + remote.cluster_cpu) / (local.command_cpu + local.cluster_cpu):.2f}×",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=50)
    parser.add_argument("--locales", type=int, default=6)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--output", type=Path, help="also write the report here")
    args = parser.parse_args()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    with tempfile.TemporaryDirectory(prefix="pipeline-cluster-") as tmp:
        folder = Path(tmp)
        root, log = folder / "site", folder / "log.txt"
        peers.TRASH = folder / "trash"
        corpus.make_site(root, args.articles, list(corpus.LOCALES[: args.locales]), SEED)
        versions = args.articles * (args.locales + 1)
        with dask_cluster(folder, args.workers, log) as (address, pids):
            cases = {"local pool": "local", "Dask cluster": address}
            samples, digests = timed_builds(root, cases, args.repeat, log, pids)
        rows = [row(case, versions, samples[case]) for case in cases]
        lines = report(rows, args, len(set(digests.values())) == 1, load)
    print("\n".join(lines))
    if args.output:
        args.output.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
