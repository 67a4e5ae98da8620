"""Command line: one call into ``build`` per verb; bad input becomes one line and exit code 2.

The usual manners of a Unix tool: options before or after the verb, ``--version``, ``-q`` and
``-v``, the project root found from a subfolder as git finds its repository, progress only on
a terminal (never in CI or a pipe), and ``pipeline check | head`` ending quietly.

Exit codes: 0 success, 1 quality checks found errors, 2 bad input or usage.
"""

from __future__ import annotations

import argparse
import os
import sys
import tomllib
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from importlib import metadata
from pathlib import Path
from typing import NoReturn, TypeVar

from pipeline import build, recovery, report
from pipeline.cache import CACHE_DIR, Cache
from pipeline.config import KNOWN_KEYS, Config, load_config, locales_on_disk
from pipeline.errors import ConfigError, PipelineError
from pipeline.model import CheckResult, Stats

EXIT_OK, EXIT_CHECKS_FAILED, EXIT_BAD_INPUT = 0, 1, 2
T = TypeVar("T")

EXIT_CODES = """exit codes:
  0  done{ok}
  1  {fail}
  2  bad input or usage: one line names the file and line to fix"""
READS = "reads: pyproject.toml [tool.pipeline] ({keys}), {files}"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse's own usage errors use exit 2 too
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"pipeline: error: {message}\n")


# verb -> (one line, what it does, what it reads, exit code 1 meaning or None)
VERBS: dict[str, tuple[str, str, str, str | None]] = {
    "extract": (
        "write the templates (POT) from the source",
        "source/*.md -> locales/<slug>.pot, the glossary -> glossary.pot, the page templates -> ui.pot; a template is rewritten only when its texts change.",
        "source/*.md, source/glossary.toml",
        None,
    ),
    "init": (
        "create PO files for new locales",
        "Creates locales/<locale>/LC_MESSAGES/<domain>.po for every catalogue; an existing PO is never overwritten.",
        "source/, locales/*.pot",
        None,
    ),
    "update": (
        "merge the templates into the PO files",
        "Merges every template into every PO: a changed text becomes fuzzy with its old translation and a #| previous msgid; a removed text becomes obsolete (#~). Nothing a translator wrote is dropped.",
        "source/, locales/",
        None,
    ),
    "check": (
        "run the quality checks",
        "Readability against each version's target, glossary terms, markup, placeholders and completeness. Prints one row per article and locale, then every finding as file:line: severity: [check] message (deliberate findings as notes).",
        "source/, locales/",
        "the checks found at least one error",
    ),
    "build": (
        "extract, check and write output/",
        "Extracts, checks and renders every version into a staging folder, then swaps it in for output/ (pages, index, sitemap, the report and the readability views). With -l, output/ holds the source and those locales only: a translator's preview.",
        "source/, locales/, pipeline/templates/",
        "the checks found an error (the pages are written all the same: a deploy step should go by the exit code)",
    ),
    "stats": (
        "translated / fuzzy / untranslated per locale and catalogue",
        "Counts each catalogue's entries against the current templates: a fuzzy or empty entry is not translated.",
        "source/, locales/",
        None,
    ),
    "review": (
        "record a reviewer's sign-off of translated versions",
        "Records in each article PO of the locales who reviewed it, when, and fingerprints of the source and the translation they read (X-Reviewed-* header fields, kept by Poedit, Weblate and msgmerge). A later change to either makes the review out of date (check: review-outdated); with require_review = true only versions with a current review are published.",
        "source/, locales/",
        None,
    ),
    "serve": (
        "build, serve on 127.0.0.1, rebuild and reload on every save",
        "Builds output/, serves it at http://127.0.0.1:PORT/ (this computer only), watches source/, locales/ and the templates, rebuilds on every save and reloads the open page. A preview-only panel on each page lists its findings. Ctrl-C stops it.",
        "source/, locales/, pipeline/templates/",
        None,
    ),
}


def make_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="pipeline",
        description="Markdown articles -> gettext catalogues -> accessible localized pages.",
        epilog="Run `pipeline COMMAND --help` for what each command does, reads and returns.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    _common_options(parser, None)
    sub = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=_Parser
    )
    for verb, (summary, description, reads, fail) in VERBS.items():
        command = sub.add_parser(
            verb,
            help=summary,
            description=description,
            epilog=_epilog(reads, fail),
            formatter_class=_Formatter,
        )
        _common_options(
            command, argparse.SUPPRESS
        )  # absent unless given after the verb: then they win
        if verb in {"update", "check", "build", "stats"}:
            command.add_argument(
                "-l",
                "--locale",
                dest="only",
                action="append",
                metavar="LOCALE",
                help="work on this locale only (repeatable; gettext name: es, pt_BR, en@plain)",
            )
    _verb_options(sub.choices)
    return parser


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the exit codes and the configuration in their own lines."""


def _epilog(reads: str, fail: str | None) -> str:
    ok = "" if fail else ", or nothing to do"
    return (
        READS.format(keys=", ".join(sorted(KNOWN_KEYS)), files=reads)
        + "\n\n"
        + EXIT_CODES.format(ok=ok, fail=fail or "(not used by this command)")
    )


def _common_options(parser: argparse.ArgumentParser, default: object) -> None:
    """The same options before and after the verb (a subparser's values overwrite the main one's)."""
    parser.add_argument(
        "--root",
        type=Path,
        default=default,
        help="project folder (default: the nearest folder up from here whose pyproject.toml has [tool.pipeline])",
    )
    noise = parser.add_mutually_exclusive_group()
    noise.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        default=default,
        help="print only findings and errors: no tables, no progress",
    )
    noise.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=default,
        help="also say which project, configuration and locales are used",
    )


def _verb_options(verbs: Mapping[str, argparse.ArgumentParser]) -> None:
    verbs["init"].add_argument(
        "locales", nargs="+", metavar="LOCALE", help="gettext locale names, e.g. es pt_BR en@plain"
    )
    check = verbs["check"]
    check.add_argument(
        "--format",
        choices=["text", "json"],
        default="text",
        help="text: summary table and findings; json: the full report",
    )
    check.add_argument(
        "--no-warnings",
        dest="warnings",
        action="store_false",
        help="list errors only (the table still counts warnings)",
    )
    verbs["review"].add_argument(
        "locales", nargs="+", metavar="LOCALE", help="gettext locale names, e.g. es ar"
    )
    verbs["review"].add_argument(
        "--by",
        required=True,
        metavar="NAME",
        help='who reviewed, e.g. "Dr Ana Ruiz <ana@example.org>"',
    )
    verbs["review"].add_argument(
        "--article",
        action="append",
        dest="articles",
        metavar="SLUG",
        help="only this article (repeatable); default: every article",
    )
    verbs["review"].add_argument(
        "--date",
        type=_iso_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="the day of the review; default: today",
    )
    for verb in ("build", "serve"):
        verbs[verb].add_argument(
            "--no-cache",
            dest="cache",
            action="store_false",
            help="make every version again, ignoring .pipeline-cache/ (the output is the same)",
        )
    verbs["build"].add_argument(
        "-j",
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        help="processes to build with (default: one per core; the output is the same)",
    )
    verbs["serve"].add_argument(
        "--port", type=int, default=8000, help="port on 127.0.0.1 (0: any free port); default: 8000"
    )
    verbs["serve"].add_argument(
        "--no-open", action="store_true", help="do not open the site in the browser"
    )


def _version() -> str:
    try:
        return metadata.version("pipeline")
    except metadata.PackageNotFoundError:  # run from a source tree that was never installed
        from pipeline import __version__

        return __version__


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    args.quiet, args.verbose = (
        getattr(args, "quiet", False) or False,
        getattr(args, "verbose", False) or False,
    )
    root = args.root
    try:
        args.root = root if root is not None else _discover(Path.cwd())
        config = _configure(load_config(args.root), args, discovered=root is None)
        with recovery.project_run(
            config
        ) as cleaned:  # a shared lock; leftovers of a killed run repaired first
            if cleaned:
                _say(f"pipeline: {recovery.describe(config, cleaned)}", sys.stderr)
            return COMMANDS[args.command](build.read_project(config), args)
    except PipelineError as exc:
        _say(f"pipeline: {exc.relative_to(args.root or Path('.'))}", sys.stderr)
        return EXIT_BAD_INPUT
    except (
        RecursionError
    ):  # input nested deeper than any reader's recursion (source.py names the article)
        print("pipeline: input nested too deeply to read", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (
        OSError
    ) as exc:  # a folder that cannot be written, a full disk: the user's to fix, in one line
        where = (
            f"{PipelineError('', exc.filename).relative_to(args.root or Path('.')).path}: "
            if exc.filename
            else ""
        )
        _say(f"pipeline: {where}{exc.strerror or exc}", sys.stderr)
        return EXIT_BAD_INPUT
    finally:
        _flush()


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
        text = pyproject.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
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


def _extract(project: build.Project, args: argparse.Namespace) -> int:
    return _changed(project, args, "template(s) changed", build.extract(project))


def _init(project: build.Project, args: argparse.Namespace) -> int:
    for path, created in build.init(project, args.locales):
        if created or not args.quiet:
            _say(f"{'created' if created else 'kept (exists)'}  {project.config.rel(path)}")
    return EXIT_OK


def _update(project: build.Project, args: argparse.Namespace) -> int:
    return _changed(project, args, "catalogue(s) updated", build.update(project))


def _build(project: build.Project, args: argparse.Namespace) -> int:
    cache = Cache(project.config.root / CACHE_DIR if args.cache else None)
    result = build.build(project, cache, max(1, args.jobs), _progress(args))
    _print_result(result.checks, result.stats, args, warnings=False, limit=30)
    for notice in result.notices:
        print(f"pipeline: {notice}", file=sys.stderr)
    if not args.quiet:
        _say(
            f"wrote {len(result.pages)} pages, {result.leaflets} leaflets, the report and the readability views to {project.config.rel(project.config.output_dir)}/"
        )
    return EXIT_CHECKS_FAILED if result.errors else EXIT_OK


def _check(project: build.Project, args: argparse.Namespace) -> int:
    catalogs = build.load_catalogs(project)
    result = build.check(project, catalogs, _progress(args))
    if args.format == "json":
        _say(report.to_json(result, build.previews(project, catalogs)).rstrip("\n"))
    else:
        _print_result(
            result, build.version_stats(project, catalogs), args, warnings=args.warnings, limit=None
        )
    return EXIT_CHECKS_FAILED if result.errors else EXIT_OK


def _print_result(
    result: CheckResult,
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
    _say(report.terminal_table(result, stats))
    for line in ["", *lines] if lines else []:
        _say(line)
    _say("\n" + report.totals_line(result))


def _stats(project: build.Project, args: argparse.Namespace) -> int:
    _say(f"{'locale':<10} {'catalogue':<40} {'translated':>10} {'fuzzy':>6} {'untranslated':>12}")
    for locale, domain, row in build.stats(project, build.load_catalogs(project)):
        _say(
            f"{locale:<10} {domain:<40} {row.translated:>4} {row.percent:5.1f}% {row.fuzzy:>6} {row.untranslated:>12}"
        )
    return EXIT_OK


def _review(project: build.Project, args: argparse.Namespace) -> int:
    for path in build.sign_off(
        project, args.locales, args.by, args.date or date.today(), args.articles
    ):
        _say(f"signed off  {project.config.rel(path)}")
    return EXIT_OK


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date written YYYY-MM-DD") from exc


def _serve(project: build.Project, args: argparse.Namespace) -> int:
    from pipeline import serve  # only this verb needs the watcher and the HTTP server

    serve.run(
        project.config.root,
        args.port,
        not args.no_open,
        lambda message: print(f"pipeline serve: {message}", flush=True),
        cache=args.cache,
    )
    return EXIT_OK


COMMANDS: dict[str, Callable[[build.Project, argparse.Namespace], int]] = {
    "extract": _extract,
    "init": _init,
    "update": _update,
    "build": _build,
    "check": _check,
    "stats": _stats,
    "review": _review,
    "serve": _serve,
}
