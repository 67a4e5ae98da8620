"""The fault table: a run hurt in one way, then what the user sees and what is left on disk.

Each row names the fault, the exact exit code, the exact first line on stderr, and the state of
``locales/`` and ``output/`` afterwards, compared by hashes with the state before the run (a
failed run changes nothing) or with a clean build of the same input (a run after an interrupted
one repairs everything). The SIGKILL tests below kill real processes at every file-system step of
publishing, and the last test builds a large article within a generous bound.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polib
import pytest

from pipeline.build import verbs
from pipeline.build.recovery import project_run
from pipeline.cli import main
from pipeline.config import load_config
from pipeline.store import publish
from pipeline.store.spare import spare_path
from tests.conftest import DATA, REPO, pipe_feeding, po_path

Tree = dict[str, str]
SAME, CLEAN = "same as before the run", "as a clean build"


def tree(folder: Path) -> Tree:
    """Every file (path -> sha256) and folder under ``folder``, following a top-level link."""
    if not folder.exists():
        return {}
    if folder.is_file():  # output/ that is a publisher's file
        return {".": hashlib.sha256(folder.read_bytes()).hexdigest()}
    found = {}
    for path in sorted(folder.resolve().rglob("*")):
        rel = path.relative_to(folder.resolve()).as_posix()
        if path.is_dir():
            found[rel] = "folder"
        else:  # a named pipe a row left is compared as one, never read (it would block)
            found[rel] = (
                hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "special"
            )
    return found


def leftovers(root: Path) -> list[str]:
    near_output = [
        *root.glob(".output-*"),
        *publish.site_folder(root / "output").parent.glob(".output-*"),
    ]
    temps = [*(root / "locales").rglob(".*.tmp")]
    return sorted({p.name for p in near_output + temps})


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test site, catalogues initialised, one translation, output/ built with its README."""
    root = tmp_path_factory.mktemp("built") / "site"
    shutil.copytree(DATA / "site", root)
    assert main(["--root", str(root), "init", "es", "ar", "en@plain"]) == 0
    po = polib.pofile(str(po_path(root, "es")))
    po.find("Dose").msgstr = "Dosis"
    po.save()
    assert main(["--root", str(root), "update"]) == 0  # the catalogues as the pipeline writes them
    (root / "output").mkdir()
    (root / "output" / "README.md").write_text("# output/ (generated)\n", encoding="utf-8")
    assert main(["--root", str(root), "build"]) == 0
    return root


@pytest.fixture
def site_copy(built: Path, tmp_path: Path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(built, root, symlinks=True)
    return root


# --- faults of the input: one line, exit 2, nothing written ------------------------------------------------


def _append(rel: str, text: str) -> Callable[[Path, pytest.MonkeyPatch], None]:
    def setup(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        with (root / rel).open("a", encoding="utf-8") as handle:
            handle.write(text)

    return setup


def _term(body: str) -> Callable[[Path, pytest.MonkeyPatch], None]:
    return _append("source/glossary.toml", f"\n[[terms]]\n{body}\n")  # its header is on line 13


def _backlink(msgstr: str) -> Callable[[Path, pytest.MonkeyPatch], None]:
    def setup(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        po = polib.pofile(str(po_path(root, "es", "ui")))
        po.find("Back to footnote {} in the text").msgstr = msgstr
        po.save()

    return setup


def _deep_list(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    items = ["    " * depth + f"- level {depth}" for depth in range(500)]
    (root / "source" / "deep.md").write_text(
        "Title: Deep\n\n" + "\n".join(items) + "\n", encoding="utf-8"
    )


def _full_disk(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Spanish page is written to /dev/full: the kernel's own "No space left on device"."""
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    import builtins

    from pipeline.store import publish

    def open_page(file: str, *args: object, **kwargs: object) -> object:
        target = "/dev/full" if Path(file).parts[-2:] == ("es", "feature.html") else file
        return builtins.open(target, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(publish, "open", open_page, raising=False)


def _locale_folder(name: str) -> Callable[[Path, pytest.MonkeyPatch], None]:
    def setup(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        (root / "locales" / name / "LC_MESSAGES").mkdir(parents=True)

    return setup


def _duplicate_entry(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with po_path(root, "es").open("a", encoding="utf-8") as handle:
        handle.write('\nmsgid "Dose"\nmsgstr "Dosis otra vez"\n')


def _nothing(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pass


# --- nothing outside the project is read or published; nothing blocks --------------------------------------

INTERRUPTED = (
    "pipeline: interrupted: no file was left half-written; run the command again to finish"
)
SECRET = "root:x:0:0:the secret a link must not publish\n"
OUT_OF_PROJECT = "leads out of the project through a symbolic link (to {tmp}/{name}): refused; put the file itself in the project"
NOT_A_FILE = "is a named pipe (FIFO), not a file: refused"


def _link_out(rel: str, name: str = "secret") -> Callable[[Path, pytest.MonkeyPatch], None]:
    """``rel`` replaced by a symbolic link to a file (or folder) beside the project."""

    def setup(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        outside = root.parent / name
        if rel.endswith("images"):
            shutil.copytree(root / "source" / "images", outside)
        else:
            outside.write_text(SECRET, encoding="utf-8")
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            path.unlink()
        path.symlink_to(outside)

    return setup


def _fifo(rel: str) -> Callable[[Path, pytest.MonkeyPatch], Callable[[], None]]:
    """``rel`` replaced by a named pipe that a thread feeds the file's old bytes through.

    The old code opened it and read what came (so it fails here, and does not hang the suite);
    a reader that refuses it never opens it, and the cleanup frees the waiting writer.
    """

    def setup(root: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        content = path.read_bytes() if path.exists() else b"x"
        return pipe_feeding(path, content)

    return setup


def _socket(rel: str) -> Callable[[Path, pytest.MonkeyPatch], Callable[[], None]]:
    def setup(root: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
        path = root / rel
        path.unlink(missing_ok=True)
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(str(path))
        return server.close

    return setup


def _article(name: str, text: str) -> Callable[[Path, pytest.MonkeyPatch], None]:
    def setup(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        (root / "source" / name).write_text(text, encoding="utf-8")

    return setup


def _front_matter(*lines: str) -> str:
    return "---\n" + "\n".join(lines) + "\n---\n\nBody text.\n"


LAUGHS = [
    "title: Laughs",
    'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
    *(
        f"{x}: &{x} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]"
        for p, x in zip("abcd", "bcde", strict=True)
    ),
]  # nine to the fifth "lol"s here (the old code built them); each level more multiplies by nine


def _today(value: str) -> Callable[[Path, pytest.MonkeyPatch], None]:
    def setup(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("PIPELINE_TODAY", value)

    return setup


def _output_is_a_file(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.rmtree(root / "output")
    (root / "output").write_text("a publisher's notes, not a site\n", encoding="utf-8")


def _output_links_to_a_file(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.rmtree(root / "output")
    (root.parent / "notes.txt").write_text("a publisher's notes\n", encoding="utf-8")
    (root / "output").symlink_to(root.parent / "notes.txt")


def _interrupt(
    module: object, name: str, after: int = 0
) -> Callable[[Path, pytest.MonkeyPatch], None]:
    """Ctrl-C arrives on the ``after``-th call of ``module.name`` (a KeyboardInterrupt, as Python raises it)."""

    def setup(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        original = getattr(module, name)
        calls = []

        def interrupted(*args: object, **kwargs: object) -> object:
            calls.append(1)
            if len(calls) > after:
                raise KeyboardInterrupt
            return original(*args, **kwargs)

        monkeypatch.setattr(module, name, interrupted)

    return setup


def _edit_source_then(
    then: Callable[[Path, pytest.MonkeyPatch], None],
) -> Callable[[Path, pytest.MonkeyPatch], None]:
    """A new paragraph in the article, so ``update`` has catalogues to write; then ``then``."""

    def setup(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        with (root / "source" / "feature.md").open("a", encoding="utf-8") as handle:
            handle.write("\nA new paragraph to translate.\n")
        then(root, monkeypatch)

    return setup


@dataclass(frozen=True)
class Fault:
    name: str
    setup: Callable[
        [Path, pytest.MonkeyPatch], object
    ]  # may return a cleanup, run after the command
    code: int
    first_line: str
    args: tuple[str, ...] = ("build",)
    output: str = SAME
    locales: str = SAME
    root: str = "site"  # what --root names, relative to the test's folder
    last_line: str = ""  # when a warning comes first


GLOSSARY = "pipeline: source/glossary.toml:13: terms[2]"
FAULTS = [
    Fault(
        "glossary: pronunciation is a number",
        _term('term = "infusion"\ndefinition = "A drip."\npronunciation = 5'),
        2,
        f"{GLOSSARY} (infusion): 'pronunciation' must be a non-empty string, got 5",
    ),
    Fault(
        "glossary: expansion is a list",
        _term('term = "IV"\ndefinition = "Into a vein."\nexpansion = ["a"]'),
        2,
        f"{GLOSSARY} (IV): 'expansion' must be a non-empty string, got ['a']",
    ),
    Fault(
        "glossary: keep is a string",
        _term('term = "IV"\ndefinition = "Into a vein."\nkeep = "yes"'),
        2,
        f"{GLOSSARY} (IV): 'keep' must be true or false, got 'yes'",
    ),
    Fault(
        "glossary: empty term",
        _term('term = "  "\ndefinition = "Nothing."'),
        2,
        f"{GLOSSARY}: 'term' is empty",
    ),
    Fault(
        "glossary: empty definition",
        _term('term = "infusion"\ndefinition = " "'),
        2,
        f"{GLOSSARY} (infusion): 'definition' is empty",
    ),
    Fault(
        "glossary: term defined twice",
        _term('term = "nmda"\ndefinition = "Again."'),
        2,
        "pipeline: source/glossary.toml:13: term 'nmda' is defined twice: line 6 and line 13",
    ),
    Fault(
        "glossary: TOML syntax",
        _append("source/glossary.toml", "\n[[terms]\n"),
        2,
        "pipeline: source/glossary.toml:13: not valid TOML: Expected ']]' at the end of an array declaration",
    ),
    Fault(
        "glossary: terms not tables",
        lambda root, mp: (root / "source" / "glossary.toml").write_text(
            'title = "x"\nterms = 5\n', encoding="utf-8"
        ),
        2,
        "pipeline: source/glossary.toml:2: 'terms' must be [[terms]] tables, one per term",
    ),
    # A broken placeholder is the translator's error like a broken link: `check` names it (exit 1,
    # tests/test_po_faults.py reads the finding) and no page shows it: the page falls back to English.
    Fault(
        "ui.po: back-link with two placeholders",
        _backlink("Volver a la nota {} {}"),
        1,
        "",
        args=("check",),
    ),
    Fault(
        "ui.po: back-link reaching into Python",
        _backlink("Volver {0.__class__.__mro__}"),
        1,
        "",
        args=("check",),
    ),
    Fault(
        "ui.po: back-link with a named placeholder",
        _backlink("Volver a la nota {n}"),
        1,
        "",
        args=("check",),
    ),
    Fault(
        "article: a list nested 500 deep",
        _deep_list,
        2,
        "pipeline: source/deep.md:502: lists or quotes nested too deeply for the Markdown parser: flatten them",
        args=("check",),  # build withholds the one article (tests/test_publication.py)
    ),
    Fault(
        "full disk while writing a page",
        _full_disk,
        2,
        "pipeline: output/es/feature.html: No space left on device",
    ),
    Fault(
        "PO: an entry twice (polib's check was quadratic)",
        _duplicate_entry,
        2,
        "pipeline: locales/es/LC_MESSAGES/feature.po:{end}: duplicate entry: the same msgid is already at line {start}; merge the two entries",
    ),
    Fault(
        "--root at a missing folder",
        _nothing,
        2,
        "pipeline: {tmp}/missing: project folder does not exist",
        root="missing",
    ),
    Fault(
        "--root at a file",
        lambda root, mp: (root.parent / "a-file").write_text("x", encoding="utf-8"),
        2,
        "pipeline: {tmp}/a-file: not a folder",
        root="a-file",
    ),
    Fault(
        "a locale folder with a bad name",
        _locale_folder("xx-bogus"),
        2,
        "pipeline: warning: pyproject.toml: locales/xx-bogus exists but is not in [tool.pipeline] locales: it is not built; add it to the list",
        args=("update",),
        last_line="pipeline: locales/xx-bogus: 'xx-bogus' is not a gettext locale name (expected e.g. 'es', 'pt_BR', 'en@plain')",
    ),
    Fault("a stray locales/.git is not a locale", _locale_folder(".git"), 0, "", args=("update",)),
    *(
        Fault(
            f"a link out of the project: {rel}",
            _link_out(rel),
            2,
            f"pipeline: {shown}: {OUT_OF_PROJECT.format(tmp='{tmp}', name=name)}",
            # ``build`` withholds the one article and publishes the others (test_publication)
            args=("check",),
        )
        for rel, shown, name in [
            ("locales/es/images/drip.png", "locales/es/images/drip.png", "secret"),
            ("locales/en@plain/images/drip.png", "locales/en@plain/images/drip.png", "secret"),
            ("locales/es/images", "locales/es/images/drip.png", "secret/drip.png"),
            ("source/feature.md", "source/feature.md", "secret"),
            ("source/glossary.toml", "source/glossary.toml", "secret"),
        ]
    ),
    Fault(
        "a link out of the project: the source folder itself",
        lambda root, mp: (
            os.rename(root / "source", root.parent / "elsewhere"),
            (root / "source").symlink_to(root.parent / "elsewhere"),
        ),
        2,
        f"pipeline: source/feature.md: {OUT_OF_PROJECT.format(tmp='{tmp}', name='elsewhere/feature.md')}",
        args=("check",),
    ),
    Fault(
        "a link inside the project is followed: an article kept in drafts/",
        lambda root, mp: (
            (root / "drafts").mkdir(),
            os.rename(root / "source" / "feature.md", root / "drafts" / "feature.md"),
            (root / "source" / "feature.md").symlink_to(Path("..") / "drafts" / "feature.md"),
        ),
        0,
        "",
        output=CLEAN,
    ),
    *(
        Fault(
            f"a named pipe (FIFO) for {rel}",
            _fifo(rel),
            2,
            f"pipeline: {shown}{NOT_A_FILE}",
            args=args,
        )
        for rel, shown, args in [
            ("source/feature.md", "source/feature.md: ", ("build",)),
            ("source/feature.md", "source/feature.md: ", ("update",)),
            ("source/glossary.toml", "source/glossary.toml: ", ("build",)),
            ("locales/es/images/drip.png", "locales/es/images/drip.png: ", ("check",)),
            ("pyproject.toml", "pyproject.toml: ", ("build",)),
            (
                "source/images/drip.png",
                "source/feature.md:42: image 'images/drip.png': source/images/drip.png ",
                ("check",),
            ),
        ]
    ),
    Fault(
        "a socket for an article",
        _socket("source/feature.md"),
        2,
        "pipeline: source/feature.md: is a socket, not a file: refused",
    ),
    Fault(
        "front matter: a date that does not exist",
        _article("dated.md", _front_matter("title: Dated", "date: 2024-02-30")),
        2,
        "pipeline: source/dated.md:3: the front matter is not valid YAML: '2024-02-30' is not a date (day is out of range for month)",
        args=("check",),  # build withholds the one article (tests/test_publication.py)
    ),
    Fault(
        "front matter: a time in month 13",
        _article("dated.md", _front_matter("title: Dated", "", "reviewed: 2023-13-01 10:00:00")),
        2,
        "pipeline: source/dated.md:4: the front matter is not valid YAML: '2023-13-01 10:00:00' is not a date (month must be in 1..12)",
        args=("check",),  # build withholds the one article (tests/test_publication.py)
    ),
    Fault(
        "front matter: one alias",
        _article("alias.md", _front_matter("title: &t Same", "description: *t")),
        2,
        "pipeline: source/alias.md:3: the front matter is not valid YAML: an alias (*t) is not allowed in front matter: write the value out",
        args=("check",),  # build withholds the one article (tests/test_publication.py)
    ),
    Fault(
        "front matter: a billion laughs",
        _article("laughs.md", _front_matter(*LAUGHS)),
        2,
        "pipeline: source/laughs.md:4: the front matter is not valid YAML: an alias (*a) is not allowed in front matter: write the value out",
        args=("check",),  # build withholds the one article (tests/test_publication.py)
    ),
    Fault(
        "PIPELINE_TODAY is a word",
        _today("tomorrow"),
        2,
        "pipeline: PIPELINE_TODAY='tomorrow' is not a date: set it as YYYY-MM-DD, or unset it",
    ),
    Fault(
        "PIPELINE_TODAY is a day that does not exist",
        _today("2024-02-30"),
        2,
        "pipeline: PIPELINE_TODAY='2024-02-30' is not a date: set it as YYYY-MM-DD, or unset it",
        args=("check",),
    ),
    *(
        Fault(
            name,
            setup,
            2,
            "pipeline: output: exists and is not a folder: the site is written to a folder of this name; move the file away",
        )
        for name, setup in [
            ("output/ is a file", _output_is_a_file),
            ("output/ is a link to a file", _output_links_to_a_file),
        ]
    ),
    *(
        Fault(f"Ctrl-C {name}", setup, 130, INTERRUPTED, args=args)
        for name, setup, args in [
            ("while the site is written", _interrupt(publish, "_write", 3), ("build",)),
            ("with the site written, before the swap", _interrupt(publish, "_swap"), ("build",)),
            (
                "while update writes a catalogue",
                _edit_source_then(_interrupt(os, "replace")),
                ("update",),
            ),
            ("while checking", _interrupt(verbs, "check_stream"), ("check",)),
            (
                "while building with two workers",
                _interrupt(publish, "_write", 3),
                ("build", "-j", "2"),
            ),
        ]
    ),
]


@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
def test_fault_table(
    fault: Fault,
    site_copy: Path,
    built: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    cleanup = fault.setup(site_copy, monkeypatch)
    before = {"locales": tree(site_copy / "locales"), "output": tree(site_copy / "output")}
    clean = {"locales": tree(built / "locales"), "output": tree(built / "output")}
    code = main(["--root", str(site_copy.parent / fault.root), *fault.args])
    monkeypatch.undo()
    if callable(cleanup):
        cleanup()
    err = capsys.readouterr().err
    lines = err.splitlines()
    first = fault.first_line.replace("{tmp}", str(site_copy.parent))
    if "{end}" in first:  # the appended entry: the last msgid "Dose" line of the file
        po_lines = po_path(site_copy, "es").read_text(encoding="utf-8").split("\n")
        end = len(po_lines) - po_lines[::-1].index('msgid "Dose"')
        first = first.replace("{end}", str(end)).replace(
            "{start}", str(po_lines.index('msgid "Dose"') + 1)
        )
    assert (code, lines[:1]) == (fault.code, [first] if first else []), err
    if fault.last_line:
        assert lines[-1] == fault.last_line, err
    for folder, expected in (("locales", fault.locales), ("output", fault.output)):
        assert tree(site_copy / folder) == (before if expected == SAME else clean)[folder], folder
    assert leftovers(site_copy) == []


# --- faults of an earlier run: the next run repairs, then builds --------------------------------------------


def _leftover_folders(root: Path) -> None:
    for name in (".output-staging-k1lled", ".output-old-4242"):
        (root / name / "es").mkdir(parents=True)
        (root / name / "es" / "feature.html").write_text("half a page", encoding="utf-8")


def _interrupted_fallback_swap(root: Path) -> None:
    """What two renames left when killed between them: no output/, the old site beside it."""
    os.rename(root / "output", root / ".output-old-4242")


def _temp_catalogue(root: Path) -> None:
    (po_path(root, "es").parent / ".feature.po.k1ll3d.tmp").write_text(
        'msgid ""\nmsgstr "half"', encoding="utf-8"
    )
    (root / "locales" / ".glossary.pot.x9.tmp").write_text("", encoding="utf-8")


def _leftover_files(root: Path) -> None:
    """Files, not folders, under the reserved names: never a site, so never put back as one."""
    (root / ".output-staging-f1le").write_text("not a folder", encoding="utf-8")
    (root / ".output-old-4242").write_text("not a site", encoding="utf-8")


def _leftover_link(root: Path) -> None:
    """A link under a reserved name: the link goes, what it names stays."""
    (root.parent / "keep").mkdir()
    (root.parent / "keep" / "index.html").write_text("someone's", encoding="utf-8")
    (root / ".output-staging-l1nk").symlink_to(root.parent / "keep")


REPAIRS = [
    (
        "leftovers that are files",
        _leftover_files,
        "pipeline: cleaned up after an interrupted run: .output-old-4242, .output-staging-f1le",
    ),
    (
        "a leftover that is a link to a folder",
        _leftover_link,
        "pipeline: cleaned up after an interrupted run: .output-staging-l1nk",
    ),
    (
        "staging and old folders of a killed build",
        _leftover_folders,
        "pipeline: cleaned up after an interrupted run: .output-old-4242, .output-staging-k1lled",
    ),
    (
        "killed between the fallback's two renames",
        _interrupted_fallback_swap,
        "pipeline: cleaned up after an interrupted run: .output-old-4242",
    ),
    (
        "temporary catalogues of a killed update",
        _temp_catalogue,
        "pipeline: cleaned up after an interrupted run: locales/.glossary.pot.x9.tmp, locales/es/LC_MESSAGES/.feature.po.k1ll3d.tmp",
    ),
]


@pytest.mark.parametrize("name, setup, first_line", REPAIRS, ids=[r[0] for r in REPAIRS])
def test_next_run_repairs_an_interrupted_one(
    name: str, setup: Callable[[Path], None], first_line: str, site_copy: Path, built: Path, run
) -> None:
    setup(site_copy)
    code, _, err = run(site_copy, "build")
    assert (code, err.splitlines()[:1]) == (0, [first_line])
    assert tree(site_copy / "output") == tree(built / "output")  # README.md included
    assert (site_copy / "output" / "README.md").read_text(
        encoding="utf-8"
    ) == "# output/ (generated)\n"
    assert tree(site_copy / "locales") == tree(built / "locales")
    assert leftovers(site_copy) == []
    if (site_copy.parent / "keep").exists():
        assert (site_copy.parent / "keep" / "index.html").read_text(encoding="utf-8") == "someone's"


@pytest.mark.parametrize("port", ["65536", "70000", "-1", "http"])
def test_serve_port_out_of_range_is_one_usage_error(port: str, site_copy: Path, capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--root", str(site_copy), "serve", "--no-open", "--port", port])
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and "Traceback" not in err, err
    assert (
        err.splitlines()[-1]
        == f"pipeline: error: argument --port: {port!r} is not a port: give 0 to 65535"
    )


def _edit_by_hand_in_place(page: Path) -> None:
    """The same number of bytes written over the page, then its modification time put back."""
    status = page.stat()
    text = page.read_bytes()
    start = text.index(b"<title>") + len(b"<title>")
    with page.open("r+b") as handle:
        handle.seek(start)
        handle.write(b"X" * 6)
    os.utime(page, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert (page.stat().st_size, page.stat().st_mtime_ns) == (status.st_size, status.st_mtime_ns)


def _edit_by_hand_by_rename(page: Path) -> None:
    """An editor's save: a new file of the same size renamed over the page, its time put back."""
    status = page.stat()
    text = page.read_bytes()
    start = text.index(b"<title>") + len(b"<title>")
    spare = page.with_name(".saved")
    spare.write_bytes(text[:start] + b"X" * 6 + text[start + 6 :])
    os.utime(spare, ns=(status.st_atime_ns, status.st_mtime_ns))
    os.rename(spare, page)


@pytest.mark.parametrize("edit", [_edit_by_hand_in_place, _edit_by_hand_by_rename])
def test_a_page_edited_by_hand_with_its_time_put_back_is_written_again(
    edit: Callable[[Path], None], site_copy: Path, built: Path, run
) -> None:
    assert run(site_copy, "build")[0] == 0  # the record of output/ is this copy's
    page = site_copy / "output" / "es" / "feature.html"
    edit(page)
    assert tree(site_copy / "output") != tree(built / "output")
    assert run(site_copy, "build")[0] == 0
    assert tree(site_copy / "output") == tree(built / "output")


def test_a_concurrent_runs_staging_folder_is_not_a_leftover(site_copy: Path) -> None:
    """While another run holds the project, nothing of its is swept."""
    _leftover_folders(site_copy)
    config = load_config(site_copy)
    with project_run(config) as first, project_run(config) as second:
        assert (len(first), second) == (2, [])
    with project_run(config):
        _leftover_folders(site_copy)  # as if this run were writing them
        child = subprocess.run(
            [sys.executable, "-c", _SWEEP_IN_CHILD, str(site_copy)],
            capture_output=True,
            text=True,
            cwd=REPO,
        )
        assert child.stdout.strip() == "[]", child.stderr
    assert len(leftovers(site_copy)) == 2


_SWEEP_IN_CHILD = """
import sys
from pathlib import Path
from pipeline.config import load_config
from pipeline.build.recovery import project_run
with project_run(load_config(Path(sys.argv[1]))) as cleaned:
    print(cleaned)
"""


# --- where output/ lives and who may read it ----------------------------------------------------------------


def test_output_that_is_a_link_is_updated_where_it_points(
    site_copy: Path, built: Path, run
) -> None:
    web_root = site_copy.parent / "www" / "site"
    web_root.parent.mkdir()
    os.rename(site_copy / "output", web_root)
    (site_copy / "output").symlink_to(Path("..") / "www" / "site")
    for _ in range(2):
        assert run(site_copy, "build")[0] == 0
        assert os.readlink(site_copy / "output") == "../www/site"
        assert tree(web_root) == tree(built / "output")
        # beside the web root, not in it: the previous site, which the next build writes over
        assert leftovers(site_copy) == [] and sorted(p.name for p in web_root.parent.iterdir()) == [
            ".pipeline-spare-site",
            "site",
        ]


@pytest.mark.parametrize("umask", [0o022, 0o002, 0o027])
def test_output_gets_what_the_umask_gives(umask: int, site_copy: Path, run) -> None:
    shutil.rmtree(site_copy / "output")
    old = os.umask(umask)
    try:
        assert run(site_copy, "build")[0] == 0
    finally:
        os.umask(old)
    modes = {
        oct(p.stat().st_mode & 0o777)
        for p in [site_copy / "output", *(site_copy / "output").rglob("*")]
        if p.is_dir()
    }
    files = {
        oct(p.stat().st_mode & 0o777) for p in (site_copy / "output").rglob("*") if p.is_file()
    }
    assert (modes, files) == ({oct(0o777 & ~umask)}, {oct(0o666 & ~umask)})


def test_output_keeps_the_mode_a_publisher_gave_it(site_copy: Path, run) -> None:
    (site_copy / "output").chmod(0o750)
    assert run(site_copy, "build")[0] == 0
    assert (site_copy / "output").stat().st_mode & 0o777 == 0o750


def test_read_only_output_is_replaced_without_a_copy_left_behind(
    site_copy: Path, built: Path
) -> None:
    """``chmod -R a-w output`` by a publisher; as root the kernel would not refuse, so run as nobody."""
    root = _as_nobody_site(site_copy)
    try:
        for path in [*(root / "output").rglob("*"), root / "output"]:
            if not path.is_symlink():
                path.chmod(path.stat().st_mode & ~0o222)
        for _ in range(2):
            result = _run_as_nobody(root, "build")
            assert (result.returncode, result.stderr) == (0, ""), result.stderr
            assert tree(root / "output") == tree(built / "output")
            assert leftovers(root) == []
    finally:
        shutil.rmtree(root.parent, ignore_errors=True)


def _as_nobody_site(site: Path) -> Path:
    if os.geteuid() != 0:
        return Path(shutil.copytree(site, Path(tempfile.mkdtemp()) / "site", symlinks=True))
    folder = Path(tempfile.mkdtemp())
    folder.chmod(0o755)
    root = Path(shutil.copytree(site, folder / "site", symlinks=True))
    for path in [folder, *folder.rglob("*")]:
        os.chown(path, 65534, 65534, follow_symlinks=False)
    return root


def _run_as_nobody(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    user = {"user": 65534, "group": 65534, "extra_groups": []} if os.geteuid() == 0 else {}
    packages = next(p for p in sys.path if p.endswith("site-packages"))
    env = {
        **os.environ,
        "HOME": str(root.parent),
        "PYTHONPATH": os.pathsep.join([str(REPO), packages]),
    }
    command = [_interpreter_for_nobody(), "-m", "pipeline", "--root", str(root), *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=root.parent, env=env, **user)


def _interpreter_for_nobody() -> str:
    """This Python if every folder above it is open to others, else the system's of the same version."""
    real = Path(os.path.realpath(sys.executable))
    if os.geteuid() != 0 or all(folder.stat().st_mode & 0o001 for folder in real.parents):
        return sys.executable
    system = shutil.which("python3", path="/usr/bin:/usr/local/bin")
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    if (
        system
        and subprocess.run(
            [system, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
        ).stdout.strip()
        == version
    ):
        return system
    pytest.skip("no Python another user may run, to test permissions as non-root")


# --- SIGKILL at every step of publishing ----------------------------------------------------------------------


def _new_site(old: Path) -> dict[str, str]:
    """A new site that differs from the old one in every text file, and has one file more and
    fewer others (the leaflets and images: the child reads the new site as JSON, text only)."""
    text = {".html", ".xml", ".css", ".json"}
    files = {
        p.relative_to(old).as_posix(): p.read_text(encoding="utf-8") + "<!-- v2 -->"
        for p in old.rglob("*")
        if p.is_file() and p.suffix in text and p.name != "README.md"
    }
    files.pop("sitemap.xml")
    files["es/new-article.html"] = "<p>nuevo</p>"
    return files


def _kill_child(root: Path, kill_after: str, log: Path, *args: str, fallback: bool = False) -> int:
    env = {**os.environ, "KILL_AFTER": kill_after, "KILL_LOG": str(log)}
    if fallback:
        env["KILL_NO_EXCHANGE"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "tests.kill_child", *args], cwd=REPO, env=env, capture_output=True
    ).returncode


def _spare_in_the_way(root: Path, files: dict[str, str]) -> None:
    """A spare (the site before last) that the new site must be written over: other inodes
    than output/'s, a folder where a new page goes, a stray folder, a page the new site lacks."""
    spare = root / ".pipeline-spare-output"
    shutil.rmtree(spare, ignore_errors=True)  # the one the fixture's build left
    shutil.copytree(root / "output", spare)
    (spare / "es" / "new-article.html").mkdir(parents=True)
    (spare / "es" / "new-article.html" / "inside.html").write_text("x", encoding="utf-8")
    (spare / "stray").mkdir()
    (spare / "stray" / "page.html").write_text("x", encoding="utf-8")
    assert (spare / "sitemap.xml").is_file() and "sitemap.xml" not in files


@pytest.mark.parametrize("layout", ["exchange", "with-a-spare", "fallback", "output-is-a-link"])
def test_sigkill_at_every_step_of_publishing_leaves_the_old_or_the_new_site(
    layout: str, built: Path, tmp_path: Path
) -> None:
    pristine = tmp_path / "pristine"
    shutil.copytree(built, pristine, symlinks=True)
    if layout == "output-is-a-link":
        (pristine / "www").mkdir()
        os.rename(pristine / "output", pristine / "www" / "site")
        (pristine / "output").symlink_to(Path("www") / "site")
    files = _new_site(pristine / "output")
    if layout == "with-a-spare":
        _spare_in_the_way(pristine, files)
    (tmp_path / "files.json").write_text(json.dumps(files), encoding="utf-8")
    old = tree(pristine / "output")
    new = _expected(files, old)
    assert old != new
    held = spare_path(publish.site_folder(pristine / "output"))
    # the spare's copies of what the new site writes (its files, and the publisher's README)
    moved = sum((held / rel).is_file() for rel in [*files, "README.md"])
    killed, steps = 0, []
    for n in range(1, 400):
        root, log = tmp_path / f"run-{n}", tmp_path / f"log-{n}"
        shutil.copytree(pristine, root, symlinks=True)
        code = _kill_child(
            root,
            str(n),
            log,
            "publish",
            str(root),
            str(tmp_path / "files.json"),
            fallback=layout == "fallback",
        )
        if code == 0:
            break
        assert code == -signal.SIGKILL
        killed += 1
        steps = log.read_text(encoding="utf-8").split()
        if layout != "fallback":  # the exchange is atomic: the site is whole at every instant
            assert tree(root / "output") in (old, new), f"killed after step {steps[-2:]}"
        with project_run(load_config(root)):  # the next run's start: undo or finish, clean up
            pass
        assert tree(root / "output") in (old, new), (
            f"after a kill at {steps[-2:]} and the next run's sweep"
        )
        assert leftovers(root) == []
        publish.publish(root / "output", files)
        assert tree(root / "output") == new and leftovers(root) == []
        shutil.rmtree(root)
    assert code == 0 and killed >= 20, (code, killed)
    # the old site kept as the spare, and the fallback's two (the spare is claimed by a replace);
    # each file the spare held and the new site replaces is moved aside by one rename
    renames = (3 if layout == "fallback" else 1) + moved
    assert "exchange" in steps and steps.count("rename") == renames
    assert steps.count("replace") == 1


def _expected(files: dict[str, str], old: Tree) -> Tree:
    """The tree ``publish(files)`` must produce: those files, their folders, the old README."""
    found: Tree = {"README.md": old["README.md"]}
    for rel, content in files.items():
        parts = rel.split("/")
        for i in range(1, len(parts)):
            found["/".join(parts[:i])] = "folder"
        found[rel] = hashlib.sha256(content.encode("utf-8")).hexdigest()
    return dict(sorted(found.items()))


def _translate_dose(root: Path, text: str) -> None:
    po = polib.pofile(str(po_path(root, "es")))
    po.find("Dose").msgstr = text
    po.save()


def test_whole_build_killed_right_after_the_swap(
    site_copy: Path, built: Path, tmp_path: Path, run
) -> None:
    _translate_dose(site_copy, "Dosis nueva")
    code = _kill_child(
        site_copy, "exchange", tmp_path / "log", "cli", "--root", str(site_copy), "build"
    )
    assert code == -signal.SIGKILL
    killed_state = tree(site_copy / "output")
    # the old site, not yet deleted, and the spare's copies the new site replaced, moved aside
    assert len(leftovers(site_copy)) == 2
    code, _, err = run(site_copy, "build")
    assert code == 0 and err.startswith(
        "pipeline: cleaned up after an interrupted run: .output-staging-"
    )
    assert (
        killed_state == tree(site_copy / "output") != tree(built / "output")
    )  # already wholly new
    assert "Dosis nueva" in (site_copy / "output" / "es" / "feature.html").read_text(
        encoding="utf-8"
    )
    assert leftovers(site_copy) == []


def test_whole_build_killed_between_the_fallback_renames_gets_its_readme_back(
    site_copy: Path, built: Path, tmp_path: Path, run
) -> None:
    _translate_dose(site_copy, "Dosis nueva")
    code = _kill_child(
        site_copy,
        _first_swap_rename(site_copy, tmp_path),
        tmp_path / "log",
        "cli",
        "--root",
        str(site_copy),
        "build",
        fallback=True,
    )
    assert code == -signal.SIGKILL and not (site_copy / "output").exists()
    code, _, err = run(site_copy, "build")
    assert code == 0 and err.startswith(
        "pipeline: cleaned up after an interrupted run: .output-old-"
    )
    assert (site_copy / "output" / "README.md").read_text(
        encoding="utf-8"
    ) == "# output/ (generated)\n"
    assert "Dosis nueva" in (site_copy / "output" / "es" / "feature.html").read_text(
        encoding="utf-8"
    )
    assert leftovers(site_copy) == []


def _first_swap_rename(site: Path, tmp_path: Path) -> str:
    """The step at which the fallback's swap begins: the first rename after the chmod of the
    staging folder, publish's last step before it (the renames before are the spare's copies of
    replaced files, moved aside). Found by a run of a copy of the site that is not killed."""
    dry = tmp_path / "dry"
    shutil.copytree(site, dry, symlinks=True)
    log = tmp_path / "dry-log"
    code = _kill_child(dry, "never", log, "cli", "--root", str(dry), "build", fallback=True)
    assert code in (0, 1)
    steps = [line.split() for line in log.read_text(encoding="utf-8").splitlines()]
    last_chmod = max(i for i, (_, name) in enumerate(steps) if name == "chmod")
    return next(step for step, name in steps[last_chmod:] if name == "rename")


# --- a build killed from outside leaves no process behind ---------------------------------------------------


def _marked(marker: str) -> list[int]:
    """Live processes (not zombies) whose environment holds ``marker``: the killed run's own."""
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            environ = (proc / "environ").read_bytes()
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:  # ended meanwhile, or not ours to read
            continue
        if marker.encode() in environ.split(b"\0") and state != "Z":
            found.append(int(proc.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="finds processes in /proc")
@pytest.mark.parametrize(
    "hung, args",
    [
        ("worker", ("build", "--no-cache", "--jobs", "2")),  # one worker busy, one idle
        ("warmer", ("build", "--jobs", "2")),  # the lookup tables' builder
    ],
)
def test_a_build_killed_from_outside_leaves_no_process_behind(
    hung: str, args: tuple[str, ...], site_copy: Path, tmp_path: Path
) -> None:
    """A CI timeout SIGKILLs the command while a process it forked is working or waiting."""
    shutil.rmtree(site_copy / ".pipeline-cache", ignore_errors=True)  # a warmer has work to do
    log, mark = tmp_path / "log", f"{tmp_path.name}-{os.getpid()}"  # inherited by every fork
    env = {**os.environ, "KILL_AFTER": "never", "KILL_LOG": str(log), "PIPELINE_KILL_TEST": mark}
    marker = f"PIPELINE_KILL_TEST={mark}"
    parent = subprocess.Popen(
        [sys.executable, "-m", "tests.kill_child", "hang", hung, "--root", str(site_copy), *args],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        _until(lambda: log.exists() and log.read_text(encoding="utf-8").count(hung) > 0)
        forked = [line.split() for line in log.read_text(encoding="utf-8").splitlines()]
        assert all(ppid == str(parent.pid) for _, _, ppid in forked), forked
        parent.kill()
        assert parent.wait(timeout=60) == -signal.SIGKILL
        _until(lambda: not _marked(marker), f"processes of the killed build remain: {forked}")
    finally:
        parent.kill()
        for pid in _marked(marker):  # the old code's orphans: not left to the next test
            os.kill(pid, signal.SIGKILL)


def _until(condition: Callable[[], bool], failure: str = "timed out", within: float = 60) -> None:
    """Poll ``condition`` until it holds; a generous bound, for a loaded machine."""
    deadline = time.monotonic() + within
    while not condition():
        assert time.monotonic() < deadline, failure
        time.sleep(0.1)


# --- large input ---------------------------------------------------------------------------------------------


def _large_article(paragraphs: int) -> str:
    """Headings, lists, footnotes, an abbreviation and glossary terms, like a long real article."""
    lines = ["Title: A very long article", "Description: Every paragraph of a long report.", ""]
    for i in range(paragraphs):
        if i % 100 == 0:
            lines += [f"## Part {i // 100}", ""]
        if i % 9 == 0:
            lines += [
                f"- Item {i} about NMDA receptors",
                f"- Another item {i} on central sensitization",
                "",
            ]
        elif i % 100 == 1:
            lines += [f"Paragraph {i} cites its source[^{i // 100}].", ""]
        else:
            lines += [
                f"Paragraph {i} says that chronic pain can change how the NMDA receptor works.",
                "",
            ]
    lines += [f"[^{n}]: Source number {n}." for n in range(paragraphs // 100 + 1)]
    lines += ["", "*[IV]: intravenous"]
    return "\n".join(lines) + "\n"


def test_a_large_article_builds_in_linear_time(tmp_path: Path, run) -> None:
    """20,000 paragraphs: before, reading searched a tuple of every line per unit (quadratic)."""
    root = tmp_path / "large"
    shutil.copytree(DATA / "site", root)
    for article in (root / "source").glob("*.md"):
        article.unlink()
    # Leaflets off: a PDF of 20,000 paragraphs measures the PDF engine, not the pipeline (leaflets are timed in benchmarks/).
    (root / "pyproject.toml").write_text(
        '[tool.pipeline]\nlocales = ["es"]\nleaflets = false\n', encoding="utf-8"
    )
    (root / "source" / "large.md").write_text(_large_article(20_000), encoding="utf-8")
    assert run(root, "init", "es")[0] == 0
    started = (
        time.process_time()
    )  # this process's CPU time: not slowed by other jobs on the machine
    code, out, err = run(root, "build")
    elapsed = time.process_time() - started
    assert code in (0, 1) and "wrote" in out, err
    assert (root / "output" / "es" / "large.html").stat().st_size > 1_000_000
    assert elapsed < 60, f"{elapsed:.1f} s of CPU for 20,000 paragraphs"


def test_many_identical_headings_make_their_ids_in_linear_work(monkeypatch) -> None:
    """10,000 headings "Dose": Python-Markdown's ``toc.unique`` tried every taken suffix again
    for each one (50 million tries, 20 s). Counted, not timed: at most one try per heading."""
    from pipeline.source import segment

    made: list[segment.UniqueIds] = []

    class Counted(segment.UniqueIds):
        def __init__(self) -> None:
            super().__init__()
            made.append(self)

    monkeypatch.setattr(segment, "UniqueIds", Counted)
    headings = 10_000
    text = "# Title\n\n" + "## Dose\n\nTake one.\n\n" * headings
    segment.collect(text)
    assert len(made) == 1 and len(made[0].used) == headings + 1
    assert made[0].tried <= headings


def test_unique_ids_are_the_ids_python_markdown_gives() -> None:
    from markdown.extensions.toc import unique

    from pipeline.source.blocks import UniqueIds

    wanted = ["dose", "dose", "dose_1", "dose", "", "", "dose_2", "x_9", "x", "x_9", "x_9"] * 3
    ours, theirs = UniqueIds(), set()
    assert [ours(w) for w in wanted] == [unique(w, theirs) for w in wanted]
