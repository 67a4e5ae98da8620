"""Whole-process timing: wall time, CPU time and peak memory of finished child processes.

Why whole processes: a user runs ``pipeline build`` from a shell, so start-up (imports, loading
dictionaries) is part of what they wait for, and a future process pool's workers must be counted.
Why ``os.wait4``: it returns the kernel's own accounting (user + system CPU, ``ru_maxrss``) for
that one child and the children it reaped, unaffected by the benchmark's own work.
Why CPU as well as wall: the machines are shared; CPU seconds move less with other people's load,
and wall seconds show what parallelism buys.
"""

from __future__ import annotations

import compileall
import datetime
import importlib.util
import os
import platform
import statistics
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent  # the project, whose commit a report names


@dataclass(frozen=True)
class Sample:
    """One timed run of one or more processes in sequence (a Sphinx site is one process per locale)."""

    wall: float  # seconds
    cpu: float  # user + system seconds, summed over the processes
    rss_kib: int  # the largest single process's peak resident set


@dataclass(frozen=True)
class Figure:
    """The medians of several samples of one case."""

    wall: float
    cpu: float
    rss_kib: int  # the largest over all samples
    runs: int


class CommandFailed(RuntimeError):
    pass


def run_process(cmd: Sequence[str], log: Path, ok_codes: tuple[int, ...] = (0,)) -> Sample:
    """Run ``cmd`` to completion; output goes to ``log`` (appended), not to the terminal."""
    with log.open("ab") as out:
        out.write(f"$ {' '.join(cmd)}\n".encode())
        out.flush()
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in ok_codes:
        raise CommandFailed(f"exit {proc.returncode}: {' '.join(cmd)} (see {log})")
    return Sample(wall=wall, cpu=usage.ru_utime + usage.ru_stime, rss_kib=usage.ru_maxrss)


def run_sequence(
    cmds: Sequence[Sequence[str]], log: Path, ok_codes: tuple[int, ...] = (0,)
) -> Sample:
    samples = [run_process(cmd, log, ok_codes) for cmd in cmds]
    return Sample(
        wall=sum(s.wall for s in samples),
        cpu=sum(s.cpu for s in samples),
        rss_kib=max(s.rss_kib for s in samples),
    )


def measure(
    cmds: Sequence[Sequence[str]],
    repeat: int,
    log: Path,
    before: Callable[[int], object] | None = None,
    ok_codes: tuple[int, ...] = (0,),
) -> Figure:
    """Median of ``repeat`` runs; ``before(i)`` prepares run i (untimed): delete output, edit a file…"""
    samples = []
    for i in range(repeat):
        if before is not None:
            before(i)
        samples.append(run_sequence(cmds, log, ok_codes))
    return Figure(
        wall=statistics.median(s.wall for s in samples),
        cpu=statistics.median(s.cpu for s in samples),
        rss_kib=max(s.rss_kib for s in samples),
        runs=repeat,
    )


def compile_pipeline() -> str:
    """Byte-compile the pipeline as pip does when it installs a package, and say so.

    The peers' environments are compiled by pip. The pipeline runs from the project (an
    editable install), and where ``PYTHONDONTWRITEBYTECODE`` is set (this machine sets it) every
    timed run would compile its fifty modules again: some 60 ms that no installed copy pays.
    """
    spec = importlib.util.find_spec("pipeline")
    folders = list(spec.submodule_search_locations or []) if spec else []
    for folder in folders:
        compileall.compile_dir(folder, quiet=1)
    return f"- the pipeline's modules byte-compiled before timing (`compileall` on {', '.join(f'`{f}`' for f in folders)}), as pip compiles an installed package and the peers' environments"


def machine() -> list[str]:
    """Enough to tell one machine and moment from another. The commit is that of the pipeline
    the timed commands import (``PYTHONPATH`` may name another checkout than this one)."""
    spec = importlib.util.find_spec("pipeline")
    folders = list(spec.submodule_search_locations or []) if spec else []
    where = Path(folders[0]).parent if folders else REPO
    commit = subprocess.run(
        ["git", "-C", str(where), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    return [
        f"- date: {datetime.datetime.now().astimezone().isoformat(timespec='minutes')}",
        f"- machine: {os.cpu_count()} CPUs; `{' '.join(platform.uname())}`",
        f"- Python {platform.python_version()}; pipeline at commit {commit or 'unknown'}",
        f"- load average (1, 5, 15 min) at the start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
    ]
