"""The verbs themselves: configured, under the project's run lock, the project read once; every
failure the user can fix becomes one line on stderr and an exit code (``cli`` calls ``run`` once a
build with nothing to do is ruled out).

Exit codes: 0 success, 1 quality checks found errors, 2 bad input or usage.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import TypeVar

from pipeline.build import recovery
from pipeline.build import verbs as build
from pipeline.config import Config, load_config, locales_on_disk
from pipeline.console import flush, say, say_chunks
from pipeline.discovery import discover
from pipeline.errors import ConfigError, PipelineError
from pipeline.model import CheckResult, CheckTotals, Stats
from pipeline.options import (
    EXIT_BAD_INPUT,
    EXIT_CHECKS_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    make_parser,
)
from pipeline.report import formats as report
from pipeline.report import streamed
from pipeline.source import dates
from pipeline.store.cache import Cache

T = TypeVar("T")


def run(argv: list[str]) -> tuple[int, argparse.Namespace]:
    """The command as it always ran, and its arguments."""
    args = make_parser().parse_args(argv)
    args.quiet, args.verbose = (
        getattr(args, "quiet", False) or False,
        getattr(args, "verbose", False) or False,
    )
    root = args.root
    try:
        args.root = root if root is not None else discover(Path.cwd())
        return _run(args, discovered=root is None), args
    except PipelineError as exc:
        say(f"pipeline: {exc.relative_to(args.root or Path('.'))}", sys.stderr)
        return EXIT_BAD_INPUT, args
    except KeyboardInterrupt:  # every write is a temporary file or folder, removed on the way out
        say(
            "pipeline: interrupted: no file was left half-written; run the command again to finish",
            sys.stderr,
        )
        return EXIT_INTERRUPTED, args
    except RecursionError:
        # input nested deeper than any reader's recursion (source/reader.py names the article)
        print("pipeline: input nested too deeply to read", file=sys.stderr)
        return EXIT_BAD_INPUT, args
    except OSError as exc:  # a folder that cannot be written, a full disk: the user's to fix
        say(f"pipeline: {_os_error_line(exc, args.root)}", sys.stderr)
        return EXIT_BAD_INPUT, args
    finally:
        flush()


def _run(args: argparse.Namespace, discovered: bool) -> int:
    """The verb inside its project: configured, under the run lock, the project read once."""
    config = _configure(load_config(args.root), args, discovered)
    # a shared lock; the leftovers of a killed run are repaired first
    with recovery.project_run(config) as cleaned:
        if cleaned:
            say(f"pipeline: {recovery.describe(config, cleaned)}", sys.stderr)
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


def _configure(config: Config, args: argparse.Namespace, discovered: bool) -> Config:
    """Warnings, the project's name when it was found higher up, and the ``-l`` restriction."""
    for warning in config.warnings:
        say(f"pipeline: warning: {warning}", sys.stderr)
    if args.verbose or (discovered and config.root != Path.cwd().resolve() and not args.quiet):
        say(f"pipeline: project {config.root}", sys.stderr)
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
        say(f"pipeline: locales {', '.join(loc.name for loc in config.all_locales)}", sys.stderr)
    return config


def _progress(args: argparse.Namespace) -> build.Progress:
    """A progress bar on a terminal only: CI logs and pipes get no escape codes."""
    if args.quiet or not sys.stderr.isatty() or os.environ.get("CI"):
        return build.no_progress
    from tqdm import tqdm  # imported only when a person is watching

    def show(items: Iterable[T], label: str) -> Iterable[T]:
        return tqdm(list(items), desc=label, unit="version", leave=False, file=sys.stderr)

    return show


def _changed(project: build.Project, args: argparse.Namespace, what: str, paths: list[Path]) -> int:
    if not args.quiet:
        say(f"{len(paths)} {what}" + "".join(f"\n  {project.config.rel(p)}" for p in paths))
    return EXIT_OK


def _extract(project: build.Project, args: argparse.Namespace, runtime: build.Runtime) -> int:
    return _changed(project, args, "template(s) changed", build.extract(project))


def _init(project: build.Project, args: argparse.Namespace, runtime: build.Runtime) -> int:
    for path, created in build.init(project, args.locales):
        if created or not args.quiet:
            say(f"{'created' if created else 'kept (exists)'}  {project.config.rel(path)}")
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
        say(f"pipeline: {line}", sys.stderr)
    if not args.quiet:
        say(
            f"wrote {len(result.pages)} pages, {result.leaflets} leaflets, the report and the readability views to {project.config.rel(project.config.output_dir)}/"
        )
    strict = args.strict or project.config.fail_on_withdrawal
    failed = result.errors or result.withheld or (strict and result.withdrawals)
    return EXIT_CHECKS_FAILED if failed else EXIT_OK


def _check(project: build.Project, args: argparse.Namespace, runtime: build.Runtime) -> int:
    """Every finding, taken in as each version is checked and let go (``streamed``): a site's
    findings and readability documents are never all held, nor its JSON report as one string."""
    catalogs = build.load_catalogs(project)
    site_findings, results = build.check_stream(
        project, catalogs, _progress(args), max(1, args.jobs)
    )
    if args.format == "json":
        with streamed.JsonLists() as lists:
            lists.add_all(site_findings, results)
            reviews = build.reviews(project, catalogs)
            say_chunks(lists.chunks(build.previews(project, catalogs), reviews))
        return EXIT_CHECKS_FAILED if lists.errors else EXIT_OK
    totals = streamed.totals(site_findings, results)
    stats = build.version_stats(project, catalogs)
    _print_result(project, totals, stats, args, warnings=args.warnings, limit=None)
    return EXIT_CHECKS_FAILED if totals.errors else EXIT_OK


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
            say(line)
        return
    say(report.terminal_table(result, stats, project.config.source_locale.name))
    for line in ["", *lines] if lines else []:
        say(line)
    say("\n" + report.totals_line(result))


def _stats(project: build.Project, args: argparse.Namespace, runtime: build.Runtime) -> int:
    say(f"{'locale':<10} {'catalogue':<40} {'translated':>10} {'fuzzy':>6} {'untranslated':>12}")
    for locale, domain, row in build.stats(project, build.load_catalogs(project)):
        say(
            f"{locale:<10} {domain:<40} {row.translated:>4} {row.percent:5.1f}% {row.fuzzy:>6} {row.untranslated:>12}"
        )
    return EXIT_OK


def _review(project: build.Project, args: argparse.Namespace, runtime: build.Runtime) -> int:
    for path in build.sign_off(
        project, args.locales, args.by, args.date or date.today(), args.articles
    ):
        say(f"signed off  {project.config.rel(path)}")
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
