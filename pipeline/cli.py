"""Command line: the entry point. A build with nothing to do is answered here, from its stamp,
before the pipeline is imported; every other command runs in ``commands`` (one call into
``build`` per verb; bad input becomes one line and exit code 2).

The usual manners of a Unix tool: options before or after the verb, ``--version``, ``-q`` and
``-v``, the project root found from a subfolder as git finds its repository (``discovery``),
progress only on a terminal (never in CI or a pipe), and ``pipeline check | head`` ending
quietly (``console``).

Exit codes: 0 success, 1 quality checks found errors, 2 bad input or usage.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import NoReturn, TextIO

from pipeline import collector, console
from pipeline.discovery import find_root
from pipeline.store import stamp


def run() -> NoReturn:
    """The program (``pipeline``, ``python -m pipeline``): ``main``, then the process ends
    without freeing its objects one by one, which after a build at 200 articles took some 60 ms
    of every command. What is registered to run at exit still runs and the output is flushed;
    the system takes the memory back at once. A thread still running (none should be) gets the
    usual ending, which waits for it."""
    code = main()
    if any(not t.daemon for t in threading.enumerate() if t is not threading.main_thread()):
        raise SystemExit(code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a reader gone, a stream closed
            stream.flush()
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    """Run one verb; every failure the user can fix becomes one line on stderr and an exit code.

    A ``build`` is first compared with the stamp of the last build that found nothing to do
    (``store.stamp``): when nothing it reads has changed, that build's output is replayed before
    the pipeline is imported (most of such a build's cost). Else, the build's output is kept
    while it runs, for the stamp a build that finds nothing to do records."""
    argv = sys.argv[1:] if argv is None else list(argv)
    before = _signature_before(argv)
    if before is not None and (replayed := _replayed(argv, *before)) is not None:
        return replayed
    try:
        commands = _commands()
        if before is None:
            return commands.run(argv)[0]
        output: list[tuple[int, str]] = []
        with _kept(output):
            code, args = commands.run(argv)
        _remember(argv, before[1], args, code, output)
        return code
    finally:
        collector.release()  # what the command froze (``collector``), back to the collector


def _commands() -> ModuleType:
    """The pipeline itself (``commands`` imports every stage), once a build with nothing to do
    is ruled out."""
    first = "pipeline.commands" not in sys.modules  # not so for the test suite's second command
    # thousands of functions and classes, held until the end
    with collector.paused() if first else contextlib.nullcontext():
        from pipeline import commands  # noqa: PLC0415 (most of a build with nothing to do)

    return commands


def _signature_before(argv: list[str]) -> tuple[Path, stamp.Signature] | None:
    """The project's signature before a ``build`` that may record or replay a stamp; None for
    another verb, ``--no-cache``, or any doubt (then the command runs as it always did)."""
    if "build" not in argv or "--no-cache" in argv:
        return None
    try:
        root = _root_named(argv) or find_root(Path.cwd()) or Path.cwd().resolve()
        return root, stamp.signature(root, argv)
    except (OSError, ValueError):
        return None


def _root_named(argv: list[str]) -> Path | None:
    """``--root DIR`` as written (argparse decides in the end: the stamp names the arguments)."""
    for here, word in enumerate(argv):
        if word.startswith("--root="):
            return Path(word.removeprefix("--root=")).resolve()
        if word == "--root" and here + 1 < len(argv):
            return Path(argv[here + 1]).resolve()
    return None


def _replayed(argv: list[str], root: Path, before: stamp.Signature) -> int | None:
    """The exit code of the recorded build with nothing to do, after printing what it printed;
    None when the project changed since (or the stamp is missing or damaged)."""
    recorded = stamp.load(root)
    if recorded is None or recorded.digest != before.digest:
        return None
    try:
        if not stamp.same_contents(recorded):
            return None
    except OSError:
        return None
    for stream, text in recorded.output:
        _write(sys.stdout if stream == 1 else sys.stderr, text)
    return recorded.code


def _write(stream: TextIO, text: str) -> None:
    """Write as every command writes: quietly when the reader is gone."""
    if console.stdout_closed() and stream is sys.stdout:
        return
    try:
        stream.write(text)
        stream.flush()
    except BrokenPipeError:
        console.closed(stream)


class _Keeper:
    """A stream that keeps a copy of what is written to it, in order with the other stream's."""

    def __init__(self, stream: TextIO, number: int, kept: list[tuple[int, str]]) -> None:
        self._stream, self._number, self._kept = stream, number, kept

    def write(self, text: str) -> int:
        self._kept.append((self._number, text))
        return self._stream.write(text)

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


@contextlib.contextmanager
def _kept(output: list[tuple[int, str]]) -> Iterator[None]:
    """stdout and stderr kept in ``output`` meanwhile (a test's capture stays underneath)."""
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Keeper(out, 1, output), _Keeper(err, 2, output)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err


def _remember(
    argv: list[str],
    before: stamp.Signature,
    args: argparse.Namespace,
    code: int,
    output: list[tuple[int, str]],
) -> None:
    """The stamp of a whole-site build that found nothing to do (the next one would find the
    same, and print the same), taken after all its writes; any other build forgets it."""
    from pipeline.options import EXIT_CHECKS_FAILED, EXIT_OK  # noqa: PLC0415 (imported by now)

    if args.command != "build" or args.root is None:
        return
    recordable = code in (EXIT_OK, EXIT_CHECKS_FAILED) and not getattr(args, "only", None)
    try:
        if recordable and args.cache and getattr(args, "nothing_to_do", False):
            after = stamp.signature(args.root, argv)
            stamp.record(args.root, before, after, output, code)
        else:
            stamp.forget(args.root)
    except OSError:  # the stamp only saves time: without it, the next build checks everything
        stamp.forget(args.root)
