"""Command line: one call into ``build`` per verb; bad input becomes one line and exit code 2.

The usual manners of a Unix tool: options before or after the verb, ``--version``, ``-q`` and
``-v``, the project root found from a subfolder as git finds its repository, progress only on
a terminal (never in CI or a pipe), and ``pipeline check | head`` ending quietly.

Exit codes: 0 success, 1 quality checks found errors, 2 bad input or usage.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tomllib
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TextIO, TypeVar

from pipeline.errors import ConfigError, PipelineError
from pipeline.store import files, stamp

if TYPE_CHECKING:
    from pipeline.build import recovery
    from pipeline.build import verbs as build
    from pipeline.config import Config, load_config, locales_on_disk
    from pipeline.model import CheckResult, CheckTotals, Stats
    from pipeline.options import (
        EXIT_BAD_INPUT,
        EXIT_CHECKS_FAILED,
        EXIT_INTERRUPTED,
        EXIT_OK,
        make_parser,
    )
    from pipeline.report import formats as report
    from pipeline.source import dates
    from pipeline.store.cache import Cache

T = TypeVar("T")


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
    _import_pipeline()
    if before is None:
        return _main(argv)[0]
    output: list[tuple[int, str]] = []
    with _kept(output):
        code, args = _main(argv)
    _remember(argv, before[1], args, code, output)
    return code


def _import_pipeline() -> None:
    """The pipeline itself, imported once a build with nothing to do is ruled out."""
    global recovery, build, Config, load_config, locales_on_disk, CheckResult, CheckTotals
    global Stats, EXIT_BAD_INPUT, EXIT_CHECKS_FAILED, EXIT_INTERRUPTED, EXIT_OK, make_parser
    global report, dates, Cache
    from pipeline.build import recovery
    from pipeline.build import verbs as build
    from pipeline.config import Config, load_config, locales_on_disk
    from pipeline.model import CheckResult, CheckTotals, Stats
    from pipeline.options import (
        EXIT_BAD_INPUT,
        EXIT_CHECKS_FAILED,
        EXIT_INTERRUPTED,
        EXIT_OK,
        make_parser,
    )
    from pipeline.report import formats as report
    from pipeline.source import dates
    from pipeline.store.cache import Cache


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


def _write(stream: object, text: str) -> None:
    """Write as ``_say`` does: quietly when the reader is gone."""
    global _stdout_closed
    if _stdout_closed and stream is sys.stdout:
        return
    try:
        stream.write(text)  # type: ignore[attr-defined]
        stream.flush()  # type: ignore[attr-defined]
    except BrokenPipeError:
        _stdout_closed = stream is sys.stdout or _stdout_closed
        _silence(stream)


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


def _main(argv: list[str]) -> tuple[int, argparse.Namespace]:
    """The command as it always ran, and its arguments."""
    args = make_parser().parse_args(argv)
    args.quiet, args.verbose = (
        getattr(args, "quiet", False) or False,
        getattr(args, "verbose", False) or False,
    )
    root = args.root
    try:
        args.root = root if root is not None else _discover(Path.cwd())
        return _run(args, discovered=root is None), args
    except PipelineError as exc:
        _say(f"pipeline: {exc.relative_to(args.root or Path('.'))}", sys.stderr)
        return EXIT_BAD_INPUT, args
    except KeyboardInterrupt:  # every write is a temporary file or folder, removed on the way out
        _say(
            "pipeline: interrupted: no file was left half-written; run the command again to finish",
            sys.stderr,
        )
        return EXIT_INTERRUPTED, args
    except RecursionError:
        # input nested deeper than any reader's recursion (source/reader.py names the article)
        print("pipeline: input nested too deeply to read", file=sys.stderr)
        return EXIT_BAD_INPUT, args
    except OSError as exc:  # a folder that cannot be written, a full disk: the user's to fix
        _say(f"pipeline: {_os_error_line(exc, args.root)}", sys.stderr)
        return EXIT_BAD_INPUT, args
    finally:
        _flush()


def _run(args: argparse.Namespace, discovered: bool) -> int:
    """The verb inside its project: configured, under the run lock, the project read once."""
    config = _configure(load_config(args.root), args, discovered)
    # a shared lock; the leftovers of a killed run are repaired first
    with recovery.project_run(config) as cleaned:
        if cleaned:
            _say(f"pipeline: {recovery.describe(config, cleaned)}", sys.stderr)
        cache = Cache.of_project(config.root, getattr(args, "cache", True))
        with build.Runtime(cache) as runtime:  # ends its warmer, however the command ends
            if args.command == "build":  # the tables are built while the site is read, not after
                runtime.warm(locale.language for locale in config.all_locales)
            project = build.read_project(config, cache, withhold=args.command == "build")
            return COMMANDS[args.command](project, args, runtime)


def _os_error_line(exc: OSError, root: Path | None) -> str:
    """The file the system refused, relative to the project as every message names files, and why."""
    where = (
        f"{PipelineError('', exc.filename).relative_to(root or Path('.')).path}: "
        if exc.filename
        else ""
    )
    return f"{where}{exc.strerror or exc}"


def find_root(start: Path) -> Path | None:
    """The nearest folder up from ``start`` whose pyproject.toml has a [tool.pipeline] table, as
    git finds ``.git``; None when there is none."""
    start = start.resolve()
    return next(
        (folder for folder in (start, *start.parents) if _is_project(folder / "pyproject.toml")),
        None,
    )


def _discover(cwd: Path) -> Path:
    """The project above ``cwd``, or ``cwd`` itself if it has ``source/`` (a project may have no pyproject.toml)."""
    found = find_root(cwd)
    if found is not None:
        return found
    if (cwd / "source").is_dir():
        return cwd.resolve()
    raise ConfigError(
        "not a pipeline project: no pyproject.toml with [tool.pipeline] here or in any folder above, and no source/ folder here (or give --root DIR)"
    )


def _is_project(pyproject: Path) -> bool:
    try:
        text = files.read_text(pyproject)
    except (OSError, UnicodeDecodeError, PipelineError):
        return False
    try:
        return "pipeline" in tomllib.loads(text).get("tool", {})
    except tomllib.TOMLDecodeError:  # ours if it says so: load_config then names the broken line
        return "[tool.pipeline" in text


def _configure(config: Config, args: argparse.Namespace, discovered: bool) -> Config:
    """Warnings, the project's name when it was found higher up, and the ``-l`` restriction."""
    for warning in config.warnings:
        _say(f"pipeline: warning: {warning}", sys.stderr)
    if args.verbose or (discovered and config.root != Path.cwd().resolve() and not args.quiet):
        _say(f"pipeline: project {config.root}", sys.stderr)
    only = getattr(args, "only", None) or []
    known = {loc.name for loc in config.all_locales} | set(locales_on_disk(config.locales_dir))
    unknown = [name for name in only if name not in known]
    if unknown:
        raise ConfigError(
            f"-l {unknown[0]}: not a locale of this project (known: {', '.join(sorted(known))})",
            config.root / "pyproject.toml",
        )
    config = config.restricted(only)
    dates.today()  # a PIPELINE_TODAY that is no date: said before any work, not in a worker
    if args.verbose:
        _say(f"pipeline: locales {', '.join(loc.name for loc in config.all_locales)}", sys.stderr)
    return config


def _progress(args: argparse.Namespace) -> build.Progress:
    """A progress bar on a terminal only: CI logs and pipes get no escape codes."""
    if args.quiet or not sys.stderr.isatty() or os.environ.get("CI"):
        return build.no_progress
    from tqdm import tqdm  # imported only when a person is watching

    def show(items: Iterable[T], label: str) -> Iterable[T]:
        return tqdm(list(items), desc=label, unit="version", leave=False, file=sys.stderr)

    return show


_stdout_closed = False


def _say(text: str, stream: object = None) -> None:
    """Print, but end quietly when the reader is gone (``pipeline check | head``)."""
    global _stdout_closed
    stream = stream or sys.stdout
    if _stdout_closed and stream is sys.stdout:
        return
    try:
        print(text, file=stream, flush=True)  # type: ignore[arg-type]
    except BrokenPipeError:
        _stdout_closed = True
        _silence(stream)


def _flush() -> None:
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _silence(sys.stdout)
    except ValueError:  # a closed stream (a test's capture): nothing left to flush
        pass


def _silence(stream: object) -> None:
    """Point the closed stream at /dev/null, so Python's own flush at exit does not complain."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())  # type: ignore[attr-defined]
    except (AttributeError, OSError, ValueError):
        pass


def _changed(project: build.Project, args: argparse.Namespace, what: str, paths: list[Path]) -> int:
    if not args.quiet:
        _say(f"{len(paths)} {what}" + "".join(f"\n  {project.config.rel(p)}" for p in paths))
    return EXIT_OK


def _extract(project: build.Project, args: argparse.Namespace, runtime: build.Runtime) -> int:
    return _changed(project, args, "template(s) changed", build.extract(project))


def _init(project: build.Project, args: argparse.Namespace, runtime: build.Runtime) -> int:
    for path, created in build.init(project, args.locales):
        if created or not args.quiet:
            _say(f"{'created' if created else 'kept (exists)'}  {project.config.rel(path)}")
    return EXIT_OK


def _update(project: build.Project, args: argparse.Namespace, runtime: build.Runtime) -> int:
    return _changed(project, args, "catalogue(s) updated", build.update(project, runtime.cache))


def _build(project: build.Project, args: argparse.Namespace, runtime: build.Runtime) -> int:
    scheduler = args.scheduler or project.config.scheduler
    result = build.build(project, runtime, max(1, args.jobs), _progress(args), scheduler=scheduler)
    args.nothing_to_do = result.nothing_to_do  # for the stamp (``_remember``)
    _print_result(project, result.checks, result.stats, args, warnings=False, limit=report.SHOWN)
    for notice in result.notices:
        print(f"pipeline: {notice}", file=sys.stderr)
    for line in (*result.withheld, *(change.line() for change in result.changes)):
        _say(f"pipeline: {line}", sys.stderr)
    if not args.quiet:
        _say(
            f"wrote {len(result.pages)} pages, {result.leaflets} leaflets, the report and the readability views to {project.config.rel(project.config.output_dir)}/"
        )
    strict = args.strict or project.config.fail_on_withdrawal
    failed = result.errors or result.withheld or (strict and result.withdrawals)
    return EXIT_CHECKS_FAILED if failed else EXIT_OK


def _check(project: build.Project, args: argparse.Namespace, runtime: build.Runtime) -> int:
    catalogs = build.load_catalogs(project)
    result = build.check(project, catalogs, _progress(args), max(1, args.jobs))
    if args.format == "json":
        reviews = build.reviews(project, catalogs)
        _say(report.to_json(result, build.previews(project, catalogs), reviews).rstrip("\n"))
    else:
        _print_result(
            project,
            result,
            build.version_stats(project, catalogs),
            args,
            warnings=args.warnings,
            limit=None,
        )
    return EXIT_CHECKS_FAILED if result.errors else EXIT_OK


def _print_result(
    project: build.Project,
    result: CheckResult | CheckTotals,
    stats: dict[tuple[str, str], Stats],
    args: argparse.Namespace,
    warnings: bool,
    limit: int | None,
) -> None:
    """The table, then each finding in the compilers' clickable form, then the totals."""
    lines = report.finding_lines(result, warnings=warnings, limit=limit)
    if args.quiet:
        for line in lines:
            _say(line)
        return
    _say(report.terminal_table(result, stats, project.config.source_locale.name))
    for line in ["", *lines] if lines else []:
        _say(line)
    _say("\n" + report.totals_line(result))


def _stats(project: build.Project, args: argparse.Namespace, runtime: build.Runtime) -> int:
    _say(f"{'locale':<10} {'catalogue':<40} {'translated':>10} {'fuzzy':>6} {'untranslated':>12}")
    for locale, domain, row in build.stats(project, build.load_catalogs(project)):
        _say(
            f"{locale:<10} {domain:<40} {row.translated:>4} {row.percent:5.1f}% {row.fuzzy:>6} {row.untranslated:>12}"
        )
    return EXIT_OK


def _review(project: build.Project, args: argparse.Namespace, runtime: build.Runtime) -> int:
    for path in build.sign_off(
        project, args.locales, args.by, args.date or date.today(), args.articles
    ):
        _say(f"signed off  {project.config.rel(path)}")
    return EXIT_OK


def _serve(project: build.Project, args: argparse.Namespace, runtime: build.Runtime) -> int:
    from pipeline.serve import (
        server as serve,  # only this verb needs the watcher and the HTTP server
    )

    serve.run(
        project.config.root,
        args.port,
        not args.no_open,
        lambda message: print(f"pipeline serve: {message}", flush=True),
        cache=args.cache,
    )
    return EXIT_OK


COMMANDS: dict[str, Callable[[build.Project, argparse.Namespace, build.Runtime], int]] = {
    "extract": _extract,
    "init": _init,
    "update": _update,
    "build": _build,
    "check": _check,
    "stats": _stats,
    "review": _review,
    "serve": _serve,
}
