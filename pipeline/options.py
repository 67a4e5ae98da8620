"""The command line's words: every verb, its options, and the help that says what it does,
what it reads and its exit codes. ``cli`` parses with it and runs the verbs."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import NoReturn

from pipeline.config import KNOWN_KEYS

EXIT_OK, EXIT_CHECKS_FAILED, EXIT_BAD_INPUT = 0, 1, 2
EXIT_INTERRUPTED = 130  # the shells' code for a command ended by Ctrl-C (128 + SIGINT)


EXIT_CODES = """exit codes:
  0  done{ok}
  1  {fail}
  2  bad input or usage: one line names the file and line to fix
  130  interrupted (Ctrl-C): nothing half-written is left"""


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
        "Extracts, checks and renders every version into a staging folder, then swaps it in for output/ (pages, index, sitemap, the report and the readability views). Every change of a version's publication state since the last build (published, kept with notice, preview, withheld) is one line on stderr and at the top of the report. With -l over a built site, only those locales' versions are made: every other file of output/ is kept as it was.",
        "source/, locales/, pipeline/templates/",
        "the checks found an error, an article was withheld (it cannot be read or an image is missing: the other articles are published), or with --strict or fail_on_withdrawal a published version was withdrawn (the pages are written all the same: a deploy step should go by the exit code)",
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
    parser.add_argument("--version", action=_VersionAction)
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
    _review_options(verbs["review"])
    _work_options(verbs)  # first: each verb's --help lists them before its own options
    _build_options(verbs["build"])
    _serve_options(verbs["serve"])


def _review_options(review: argparse.ArgumentParser) -> None:
    review.add_argument(
        "locales", nargs="+", metavar="LOCALE", help="gettext locale names, e.g. es ar"
    )
    review.add_argument(
        "--by",
        required=True,
        metavar="NAME",
        help='who reviewed, e.g. "Dr Ana Ruiz <ana@example.org>"',
    )
    review.add_argument(
        "--article",
        action="append",
        dest="articles",
        metavar="SLUG",
        help="only this article (repeatable); default: every article",
    )
    review.add_argument(
        "--date",
        type=_iso_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="the day of the review; default: today",
    )


def _work_options(verbs: Mapping[str, argparse.ArgumentParser]) -> None:
    """The options of the verbs that make things, none of which changes what is made: the cache
    (``--no-cache``) and the processes (``-j``)."""
    for verb in ("build", "serve"):
        verbs[verb].add_argument(
            "--no-cache",
            dest="cache",
            action="store_false",
            help="make every version again, ignoring .pipeline-cache/ (the output is the same)",
        )
    verbs["update"].add_argument(
        "--no-cache",
        dest="cache",
        action="store_false",
        help="merge every catalogue again, ignoring .pipeline-cache/ (the result is the same)",
    )
    for verb, what in (("build", "build"), ("check", "check")):
        verbs[verb].add_argument(
            "-j",
            "--jobs",
            type=int,
            default=os.cpu_count() or 1,
            help=f"processes to {what} with (default: one per core; the result is the same)",
        )


def _build_options(build: argparse.ArgumentParser) -> None:
    build.add_argument(
        "--strict",
        action="store_true",
        help="exit 1 when a published version is withdrawn (as fail_on_withdrawal = true)",
    )
    build.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        default=None,
        help="make the versions on this Dask scheduler's workers, e.g. tcp://host:8786; they must see the project folder at the same path (pip install '.[cluster]'; 'local': this machine; default: [tool.pipeline] scheduler, else this machine; the result is the same)",
    )


def _serve_options(serve: argparse.ArgumentParser) -> None:
    serve.add_argument(
        "--port",
        type=_port,
        default=8000,
        help="port on 127.0.0.1 (0: any free port); default: 8000",
    )
    serve.add_argument("--no-open", action="store_true", help="do not open the site in the browser")


class _VersionAction(argparse._VersionAction):
    """argparse's ``--version``, its number read only when asked (the metadata costs every run)."""

    def __call__(self, parser: argparse.ArgumentParser, *args: object, **kwargs: object) -> None:
        self.version = f"%(prog)s {_version()}"
        super().__call__(parser, *args, **kwargs)  # type: ignore[arg-type]


def _version() -> str:
    from importlib import metadata  # noqa: PLC0415 (it imports email and zipfile: only for --version)

    try:
        return metadata.version("pipeline")
    except metadata.PackageNotFoundError:  # run from a source tree that was never installed
        from pipeline import __version__

        return __version__


def _port(value: str) -> int:
    """A TCP port, 0 to 65535 (0: any free one); the socket library would raise a traceback."""
    try:
        port = int(value)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port: give 0 to 65535")
    return port


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date written YYYY-MM-DD") from exc
