"""The command line behaves as translators' and editors' other tools do (git, msgfmt, compilers)."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from importlib import metadata
from pathlib import Path

import polib
import pytest

from pipeline.cli import main
from pipeline.options import VERBS
from tests.conftest import REPO, po_path, translate_po

NUMBER_ADDED = "A repeated heading above, and a last paragraph with 42% of patients."


def pipeline(
    *args: str, cwd: Path, env: dict[str, str] | None = None, **kwargs
) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "CI"} | (env or {})
    environment["PYTHONPATH"] = str(REPO)
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        **kwargs,
    )


def with_warning(site: Path) -> polib.POEntry:
    """A Spanish translation with one number the source does not have: a warning, no error."""
    translate_po(
        po_path(site, "es"),
        lambda m: m.replace("42%", "42 % (7 de cada 10)") if m == NUMBER_ADDED else f"ES {m}",
    )
    return polib.pofile(str(po_path(site, "es"))).find(NUMBER_ADDED)


def test_options_work_after_the_command_as_before(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--root", str(site), "-q", "stats"]) == 0
    before = capsys.readouterr().out
    assert main(["stats", "--root", str(site), "-q"]) == 0
    assert capsys.readouterr().out == before and "feature" in before
    assert main(["build", "--root", str(site)]) in (0, 1)
    assert (site / "output" / "index.html").is_file()


def test_version_comes_from_the_package_metadata(tmp_path: Path) -> None:
    result = pipeline("--version", cwd=tmp_path)
    assert result.returncode == 0 and result.stdout == f"pipeline {metadata.version('pipeline')}\n"


@pytest.mark.parametrize("verb", sorted(VERBS))
def test_every_command_help_says_what_it_does_its_exit_codes_and_configuration(
    verb: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([verb, "--help"])
    out = capsys.readouterr().out
    assert exit_.value.code == 0
    assert VERBS[verb][1][:40] in out.replace("\n", " ")
    assert "exit codes:" in out and "\n  2  bad input" in out
    assert "pyproject.toml [tool.pipeline]" in out and "source_locale" in out
    assert ("-l LOCALE" in out) == (verb in {"update", "check", "build", "stats"})


def test_quiet_prints_only_findings_and_verbose_names_the_project(site: Path, run) -> None:
    entry = with_warning(site)
    code, out, err = run(site, "check", "-q")
    assert (
        code == 0
        and f"locales/es/LC_MESSAGES/feature.po:{entry.linenum}: warning: [number-added] number(s) not in the source: 10, 7; fine if the source writes them in words"
        in out.splitlines()
    )
    assert all(
        re.match(r"^\S+\.(po|md)(:\d+)?: (error|warning|note): \[[a-z-]+\] ", line)
        for line in out.splitlines()
    )
    code, _out, err = run(site, "-v", "check")
    assert f"pipeline: project {site.resolve()}" in err.splitlines()


def test_check_lists_warnings_in_the_clickable_form_unless_asked_not_to(site: Path, run) -> None:
    entry = with_warning(site)
    code, out, _ = run(site, "check")
    warning = f"locales/es/LC_MESSAGES/feature.po:{entry.linenum}: warning: [number-added] "
    listed = [line for line in out.splitlines() if ": warning: [" in line]
    assert code == 0 and any(line.startswith(warning) for line in listed)
    assert out.splitlines()[-1] == f"0 error(s), {len(listed)} warning(s)"
    code, quiet, _ = run(site, "check", "--no-warnings")
    assert not any(": warning: " in line for line in quiet.splitlines())
    assert quiet.splitlines()[-1] == out.splitlines()[-1]  # still counted


def test_a_deliberate_finding_is_a_note_with_the_translators_reason(site: Path, run) -> None:
    with_warning(site)
    warnings = run(site, "check")[1].count(": warning: [")
    po = polib.pofile(str(po_path(site, "es")))
    po.find(NUMBER_ADDED).tcomment = "ignore-number-added: the source says seven in ten in words"
    po.save(str(po_path(site, "es")))
    line = polib.pofile(str(po_path(site, "es"))).find(NUMBER_ADDED).linenum
    code, out, _ = run(site, "check")
    assert code == 0
    assert (
        f"locales/es/LC_MESSAGES/feature.po:{line}: note: [number-added] deliberate (the source says seven in ten in words): "
        in out
    )
    assert out.splitlines()[-1] == f"0 error(s), {warnings - 1} warning(s), 1 deliberate"
    assert not any(
        "[number-added]" in x for x in out.splitlines() if ": warning: " in x or ": error: " in x
    )


def test_summary_rows_add_up_to_the_total_row(site: Path, run) -> None:
    translate_po(
        po_path(site, "es"),
        lambda m: (
            m.replace("https://www.nhs.uk/", "https://www.nhs.es/") if "nhs" in m else f"ES {m}"
        ),
    )
    translate_po(po_path(site, "ar"), lambda m: m.replace("42%", "43%"))
    code, out, _ = run(site, "check")
    lines = out.splitlines()
    end = next(i for i, line in enumerate(lines) if line.startswith("total "))
    rows = [line.split() for line in lines[1:end]]
    total = lines[end].split()
    assert code == 1 and len(rows) >= 4
    assert sum(int(r[-2]) for r in rows) == int(total[-2]) > 0
    assert sum(int(r[-1]) for r in rows) == int(total[-1]) > 0
    assert lines[-1].startswith(f"{total[-2]} error(s), {total[-1]} warning(s)")


def test_locale_option_restricts_the_work(site: Path, run) -> None:
    code, out, _ = run(site, "stats", "-l", "ar")
    assert code == 0 and {line.split()[0] for line in out.splitlines()[1:]} == {"ar"}
    code, out, _ = run(site, "check", "-l", "es", "--locale", "ar")
    assert {
        line.split()[0] for line in out.splitlines()[1:] if line.split() and " feature " in line
    } == {"en", "es", "ar"}
    source = site / "source" / "feature.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nA new paragraph.\n", encoding="utf-8")
    before = po_path(site, "ar").read_bytes()
    code, out, _ = run(site, "update", "-l", "es")
    assert code == 0 and "locales/es/LC_MESSAGES/feature.po" in out and "locales/ar/" not in out
    assert po_path(site, "ar").read_bytes() == before
    assert "A new paragraph." in po_path(site, "es").read_text(encoding="utf-8")
    run(site, "build", "-l", "es")
    assert {
        p.name
        for p in (site / "output").iterdir()
        if p.is_dir() and p.name not in {"assets", "reports", "media"}
    } == {"en", "es"}


def test_an_unknown_locale_option_is_one_line_and_exit_2(site: Path, run) -> None:
    code, out, err = run(site, "check", "-l", "pt_BR")
    assert code == 2 and out == ""
    assert err.splitlines() == [
        "pipeline: pyproject.toml: -l pt_BR: not a locale of this project (known: ar, en, en@plain, es)"
    ]


def test_run_from_a_subfolder_it_finds_the_project_as_git_does(site: Path) -> None:
    (site / "source" / "pyproject.toml").write_text(
        '[project]\nname = "not-the-project"\n', encoding="utf-8"
    )  # no [tool.pipeline]: skipped
    deep = site / "locales" / "es" / "LC_MESSAGES"
    for folder in (deep, site / "source"):
        result = pipeline("stats", cwd=folder)
        assert result.returncode == 0 and "feature" in result.stdout, result.stderr
        assert result.stderr == f"pipeline: project {site.resolve()}\n"
    assert pipeline("-q", "stats", cwd=deep).stderr == ""
    assert pipeline("stats", cwd=site).stderr == ""  # at the root: nothing to say


def test_outside_any_project_it_says_so_in_one_line(tmp_path: Path) -> None:
    result = pipeline("stats", cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith(
        "pipeline: not a pipeline project: no pyproject.toml with [tool.pipeline] here or in any folder above"
    )


def test_a_folder_with_source_but_no_pyproject_is_a_project(site: Path) -> None:
    (site / "pyproject.toml").unlink()
    result = pipeline("stats", cwd=site)
    assert result.returncode == 0 and result.stderr == "" and "feature" in result.stdout


def run_on_terminal(args: list[str], cwd: Path, env: dict[str, str]) -> tuple[int, str]:
    """Run with stderr on a pseudo-terminal of 100 columns, as a person at a terminal would."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    environment = (
        {k: v for k, v in os.environ.items() if k != "CI"} | env | {"PYTHONPATH": str(REPO)}
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline", *args],
        cwd=cwd,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=slave,
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    return proc.wait(), b"".join(chunks).decode("utf-8", "replace")


def test_progress_shows_on_a_terminal_only_and_never_in_ci_or_a_pipe(site: Path) -> None:
    code, terminal = run_on_terminal(["check"], site, {})
    assert code == 0 and "checking" in terminal and "version" in terminal
    code, in_ci = run_on_terminal(["check"], site, {"CI": "true"})
    assert code == 0 and in_ci == ""
    assert run_on_terminal(["-q", "check"], site, {})[1] == ""
    piped = pipeline("build", cwd=site)
    assert piped.stderr == "" and "\r" not in piped.stdout and "\x1b" not in piped.stdout


def test_a_closed_pipe_ends_quietly_with_the_commands_exit_code(site: Path) -> None:
    with_warning(site)
    expected = pipeline("check", cwd=site).returncode
    environment = {k: v for k, v in os.environ.items() if k != "CI"} | {"PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "check"],
        cwd=site,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    proc.stdout.close()  # the reader is gone before the first line: `pipeline check | true`
    err = proc.stderr.read().decode()
    assert proc.wait() == expected and err == ""
    shell = subprocess.run(
        f"{sys.executable} -m pipeline check | head -n 1",
        shell=True,
        cwd=site,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert shell.stderr == "" and shell.stdout.startswith("locale ")


def test_the_program_prints_what_main_prints_and_ends_with_its_exit_code(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``pipeline`` ends its process without the interpreter's slow teardown: what ``main``
    printed must still all reach a pipe, and the exit code be main's."""
    with_warning(site)
    code = main(["--root", str(site), "check", "--verbose"])
    printed = capsys.readouterr()
    assert printed.out.count("\n") > 3, "enough lines to lose some to a missing flush"
    result = pipeline("check", "--verbose", cwd=site)
    assert (result.returncode, result.stdout, result.stderr) == (code, printed.out, printed.err)
