"""Command line: one call into ``build`` per verb; bad input becomes one line and exit code 2.

Exit codes: 0 success, 1 quality checks found errors, 2 bad input or usage.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipeline import build
from pipeline import recovery, report
from pipeline.config import load_config
from pipeline.errors import PipelineError

EXIT_OK, EXIT_CHECKS_FAILED, EXIT_BAD_INPUT = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own usage errors use exit 2 too
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"pipeline: error: {message}\n")


def make_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="pipeline", description="Markdown articles -> gettext catalogues -> accessible localized pages.")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="project folder (holds source/, locales/, output/); default: current folder")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    sub.add_parser("extract", help="source/*.md and glossary -> locales/<domain>.pot")
    init = sub.add_parser("init", help="create PO files for new locales")
    init.add_argument("locales", nargs="+", metavar="LOCALE", help="gettext locale names, e.g. es pt_BR en@plain")
    sub.add_parser("update", help="merge the templates into every PO (keeps every translation)")
    sub.add_parser("build", help="extract, check and write output/ (exit 1 if checks found errors)")
    check = sub.add_parser("check", help="readability, glossary and markup checks (exit 1 on errors)")
    check.add_argument("--format", choices=["text", "json"], default="text", help="text: summary table; json: the full report")
    sub.add_parser("stats", help="translated / fuzzy / untranslated per locale and catalogue")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    try:
        config = load_config(args.root)
        for warning in config.warnings:
            print(f"pipeline: warning: {warning}", file=sys.stderr)
        with recovery.project_run(config) as cleaned:
            if cleaned:
                print(f"pipeline: {recovery.describe(config, cleaned)}", file=sys.stderr)
            project = build.read_project(config)
            return COMMANDS[args.command](project, args)
    except PipelineError as exc:
        print(f"pipeline: {exc.relative_to(args.root)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except RecursionError:  # input nested deeper than any reader's recursion (source.py names the article)
        print("pipeline: input nested too deeply to read", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as exc:  # a folder that cannot be written, a full disk: the user's to fix, in one line
        where = f"{PipelineError('', exc.filename).relative_to(args.root).path}: " if exc.filename else ""
        print(f"pipeline: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_BAD_INPUT


def _changed(project: build.Project, what: str, paths: list[Path]) -> int:
    print(f"{len(paths)} {what}" + "".join(f"\n  {project.config.rel(p)}" for p in paths))
    return EXIT_OK


def _extract(project: build.Project, args: argparse.Namespace) -> int:
    return _changed(project, "template(s) changed", build.extract(project))


def _init(project: build.Project, args: argparse.Namespace) -> int:
    for path, created in build.init(project, args.locales):
        print(f"{'created' if created else 'kept (exists)'}  {project.config.rel(path)}")
    return EXIT_OK


def _update(project: build.Project, args: argparse.Namespace) -> int:
    return _changed(project, "catalogue(s) updated", build.update(project))


def _build(project: build.Project, args: argparse.Namespace) -> int:
    result = build.build(project)
    print(report.terminal_summary(result.checks, result.stats))
    print(f"wrote {len(result.pages)} pages and the report to {project.config.rel(project.config.output_dir)}/")
    return EXIT_CHECKS_FAILED if result.errors else EXIT_OK


def _check(project: build.Project, args: argparse.Namespace) -> int:
    catalogs = build.load_catalogs(project)
    result = build.check(project, catalogs)
    if args.format == "json":
        print(report.to_json(result), end="")
    else:
        print(report.terminal_summary(result, build.version_stats(project, catalogs)))
    return EXIT_CHECKS_FAILED if result.errors else EXIT_OK


def _stats(project: build.Project, args: argparse.Namespace) -> int:
    print(f"{'locale':<10} {'catalogue':<40} {'translated':>10} {'fuzzy':>6} {'untranslated':>12}")
    for locale, domain, row in build.stats(project, build.load_catalogs(project)):
        print(f"{locale:<10} {domain:<40} {row.translated:>4} {row.percent:5.1f}% {row.fuzzy:>6} {row.untranslated:>12}")
    return EXIT_OK


COMMANDS = {"extract": _extract, "init": _init, "update": _update, "build": _build, "check": _check, "stats": _stats}
