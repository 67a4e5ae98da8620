"""The fault table for catalogues: what a translator's file can hold, and what each command must do.

Every row is a PO file as someone's tool or hand left it; the command's exit code, its first line
and the state of ``locales/`` afterwards (by hash) are what a user would check.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import stat
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

import polib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.catalog import catalogs as catalog
from pipeline.errors import CatalogError
from pipeline.locales import parse_locale
from pipeline.model import Unit
from tests.conftest import pipe_feeding, po_path

HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset={charset}\\n"\n"Language: es\\n"\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'


def state(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted((root / "locales").rglob("*"))
        if p.is_file()
    }


def po_bytes(body: str, charset: str = "UTF-8", encoding: str = "utf-8") -> bytes:
    return (HEADER.format(charset=charset) + body).encode(encoding)


# (name, file content, line named in the error, words in the error)
REFUSED = [
    (
        "utf8-declared-latin1",
        po_bytes('msgid "Dose"\nmsgstr "Dosis"\n', "ISO-8859-1").replace(
            b"Dosis", "Dósis".encode()
        ),
        8,
        "ISO-8859-1",
    ),
    ("unknown-charset", po_bytes('msgid "Dose"\nmsgstr "Dosis"\n', "BOGUS"), 3, "unknown charset"),
    ("bad-escape", po_bytes('msgid "Dose"\nmsgstr "Dosis \\q"\n'), 8, "invalid escape"),
    (
        "missing-msgstr",
        po_bytes('# my note\nmsgid "Dose"\n\nmsgid "Time"\nmsgstr "Tiempo"\n'),
        8,
        "no msgstr",
    ),
    (
        "unterminated-previous",
        po_bytes('#| msgid "Dos\nmsgid "Dose"\nmsgstr "Dosis"\n'),
        7,
        "not closed",
    ),
    ("nul-byte", po_bytes('msgid "Dose"\nmsgstr "Dosis\x00"\n'), 8, "NUL"),
    (
        "duplicate",
        po_bytes('msgid "Dose"\nmsgstr "Dosis"\n\nmsgid "Dose"\nmsgstr "Dosis 2"\n'),
        10,
        "line 7",
    ),
    (
        "obsolete-duplicate",
        po_bytes('msgid "Dose"\nmsgstr "Dosis"\n\n#~ msgid "Dose"\n#~ msgstr "Vieja"\n'),
        10,
        "line 7",
    ),
    (
        "plural-index-gap",
        po_bytes('msgid "day"\nmsgid_plural "days"\nmsgstr[0] "día"\nmsgstr[2] "días"\n'),
        10,
        "msgstr[1]",
    ),
    ("empty-file", b"", None, "empty"),
]


@pytest.mark.parametrize(("name", "content", "line", "words"), REFUSED, ids=[r[0] for r in REFUSED])
@pytest.mark.parametrize("command", ["update", "check", "build"])
def test_a_po_that_msgfmt_refuses_is_refused_with_file_and_line(
    site: Path, run, command: str, name: str, content: bytes, line: int | None, words: str
) -> None:
    path = po_path(site, "es")
    path.write_bytes(content)
    before = state(site)
    output_before = (site / "output").exists()
    code, _out, err = run(site, command)
    assert code == 2
    first = err.strip().splitlines()[0]
    where = "locales/es/LC_MESSAGES/feature.po" + (f":{line}:" if line else "")
    assert first.startswith(f"pipeline: {where}") and words.lower() in first.lower(), first
    assert len(err.strip().splitlines()) == 1
    assert state(site) == before
    assert (site / "output").exists() == output_before


def test_gnu_msgfmt_refuses_the_same_files(tmp_path: Path) -> None:
    """The table above is GNU's own: each file fails ``msgfmt --check`` (bar the cases GNU only warns about)."""
    if not shutil.which("msgfmt"):
        pytest.skip("GNU gettext is not installed")
    gnu_lenient = {
        "utf8-declared-latin1",
        "unknown-charset",
        "nul-byte",
        "empty-file",
    }  # GNU warns, truncates or accepts; we refuse
    for name, content, _line, _words in REFUSED:
        path = tmp_path / f"{name}.po"
        path.write_bytes(content)
        refused = (
            subprocess.run(
                ["msgfmt", "--check", "-o", os.devnull, str(path)], capture_output=True
            ).returncode
            != 0
        )
        assert refused or name in gnu_lenient, name


def test_a_latin1_file_that_says_so_is_read_and_written_back_as_utf8(site: Path, run) -> None:
    path = po_path(site, "es")
    body = 'msgid "Dose"\nmsgstr "Dósis"\n'
    path.write_bytes(po_bytes(body, "ISO-8859-1", "latin-1"))
    code, _out, _err = run(site, "update")
    assert code == 0
    text = path.read_text(encoding="utf-8")
    assert "charset=UTF-8" in text and 'msgstr "Dósis"' in text


def test_update_keeps_plural_entries_contexts_and_the_notes_of_removed_untranslated_entries(
    site: Path, run
) -> None:
    path = po_path(site, "es")
    po = polib.pofile(str(path))
    extra = [
        polib.POEntry(
            msgid="day",
            msgid_plural="days",
            msgstr_plural={0: "día", 1: "días"},
            tcomment="plural kept",
        ),
        polib.POEntry(msgctxt="menu", msgid="Dose", msgstr="Dosis (menú)", flags=["fuzzy"]),
        polib.POEntry(
            msgid="A removed text",
            msgstr="",
            tcomment="Ask the author: this sentence is ambiguous.",
        ),
    ]
    for entry in extra:
        po.append(entry)
    po.save(str(path))
    assert run(site, "update")[0] == 0
    after = catalog.load_po(path)
    kept = {(e.msgctxt, e.msgid): e for e in after}
    assert (
        kept[(None, "day")].msgstr_plural == {0: "día", 1: "días"}
        and kept[(None, "day")].tcomment == "plural kept"
    )
    assert kept[("menu", "Dose")].msgstr == "Dosis (menú)" and kept[("menu", "Dose")].fuzzy
    assert (
        kept[(None, "A removed text")].obsolete
        and kept[(None, "A removed text")].tcomment == "Ask the author: this sentence is ambiguous."
    )
    assert (
        kept[(None, "Dose")].msgctxt is None
    )  # the article's own entry is separate from the one with a context
    before = state(site)
    assert run(site, "update")[0] == 0 and state(site) == before


def test_plural_entry_with_the_wrong_number_of_forms_is_a_check_error(site: Path, run) -> None:
    path = po_path(site, "es", "glossary")
    with path.open("a", encoding="utf-8") as handle:
        handle.write('\nmsgid "day"\nmsgid_plural "days"\nmsgstr[0] "día"\n')
    code, out, _err = run(site, "check")
    assert code == 1
    line = len(path.read_text(encoding="utf-8").splitlines()) - 2
    assert f"locales/es/LC_MESSAGES/glossary.po:{line}: error: [plural-forms]" in out


def test_rewritten_files_keep_their_mode_and_new_ones_get_the_umasks(site: Path, run) -> None:
    path = po_path(site, "es")
    path.chmod(0o664)
    translated = path.read_text(encoding="utf-8").replace(
        'msgid "Dose"\nmsgstr ""', 'msgid "Dose"\nmsgstr "Dosis"'
    )
    path.write_text(translated.replace("Spanish", "Spanish team"), encoding="utf-8")
    (site / "source" / "feature.md").write_text(
        (site / "source" / "feature.md").read_text(encoding="utf-8") + "\nA new paragraph.\n",
        encoding="utf-8",
    )
    old = os.umask(0o022)
    try:
        assert run(site, "update")[0] == 0
        assert run(site, "init", "de")[0] == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o664
    assert stat.S_IMODE(po_path(site, "de").stat().st_mode) == 0o644


def test_a_po_that_is_a_symbolic_link_is_written_through_it(site: Path, run) -> None:
    path = po_path(site, "es")
    elsewhere = site.parent / "translations-repo" / "feature.po"
    elsewhere.parent.mkdir()
    shutil.move(path, elsewhere)
    path.symlink_to(elsewhere)
    (site / "source" / "feature.md").write_text(
        (site / "source" / "feature.md").read_text(encoding="utf-8") + "\nA new paragraph.\n",
        encoding="utf-8",
    )
    assert run(site, "update")[0] == 0
    assert path.is_symlink()
    assert 'msgid "A new paragraph."' in elsewhere.read_text(encoding="utf-8")


BAD_PLACEHOLDERS = [
    "{idioma} – lenguaje claro",
    "{0} – lenguaje claro",
    "{language:>99999999999} – claro",
    "{language.__class__.__mro__} – claro",
    "{language – claro",
]


@pytest.mark.parametrize("msgstr", BAD_PLACEHOLDERS)
def test_a_wrong_placeholder_in_ui_po_is_a_check_error_and_the_page_shows_the_source_text(
    site: Path, run, msgstr: str
) -> None:
    path = po_path(site, "es", "ui")
    po = polib.pofile(str(path))
    entry = po.find("{language} – plain language")
    assert entry is not None and "python-brace-format" in entry.flags
    entry.msgstr = msgstr
    po.save(str(path))
    code, out, _err = run(site, "check")
    line = catalog.load_po(path).find("{language} – plain language").linenum
    assert code == 1 and f"locales/es/LC_MESSAGES/ui.po:{line}: error: [placeholders]" in out
    code, _out, err = run(site, "build")
    assert code == 1 and "Traceback" not in err
    pages = "".join(p.read_text(encoding="utf-8") for p in (site / "output").rglob("*.html"))
    assert "class '" not in pages and "claro" not in pages
    assert "plain language" in pages


def test_a_wrong_footnote_backlink_placeholder_does_not_break_the_build(site: Path, run) -> None:
    path = po_path(site, "es", "ui")
    po = polib.pofile(str(path))
    po.find("Back to footnote {} in the text").msgstr = "Volver a la nota {nota}"
    po.save(str(path))
    code, out, err = run(site, "build")
    assert code == 1 and "[placeholders]" not in err and "Traceback" not in err
    assert "Back to footnote 1 in the text" in (site / "output" / "es" / "feature.html").read_text(
        encoding="utf-8"
    )


@pytest.mark.parametrize(
    ("domain", "msgid_of", "msgstr"),
    [
        ("ui", lambda po: "Skip to content", "<script>alert(1)</script> Saltar"),
        (
            "glossary",
            lambda po: next(
                e.msgid for e in po if e.comment.startswith("plain-language definition")
            ),
            "Ver [aquí](&#106;avascript&colon;alert(1))",
        ),
        (
            "glossary",
            lambda po: next(
                e.msgid for e in po if e.comment.startswith("plain-language definition")
            ),
            "Ver [aquí](VbScRiPt:msgbox(1))",
        ),
    ],
)
def test_unsafe_text_in_ui_and_glossary_catalogues_is_a_finding_with_file_and_line(
    site: Path, run, domain: str, msgid_of, msgstr: str
) -> None:
    path = po_path(site, "es", domain)
    po = polib.pofile(str(path))
    msgid = msgid_of(po)
    po.find(msgid).msgstr = msgstr
    po.save(str(path))
    code, out, _err = run(site, "check")
    line = catalog.load_po(path).find(msgid).linenum
    assert code == 1 and f"locales/es/LC_MESSAGES/{domain}.po:{line}: error: [unsafe-html]" in out


# --- hypothesis: random bytes, and odd but valid PO files -------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    raw=st.binary(max_size=400)
    | st.text(alphabet='msgidtrx_[]0123456789 "\\#~|,.:\n', max_size=300).map(str.encode)
)
def test_random_bytes_give_a_catalogue_or_a_clear_error(raw: bytes) -> None:
    try:
        po = catalog.poread.read(raw, Path("x.po"))
    except CatalogError as exc:
        assert str(exc).startswith("x.po")
    else:
        catalog.po_text(po)


def _q(text: str) -> str:
    return (
        '"'
        + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
        + '"'
    )


plain = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"])
    | st.sampled_from('\n\t"\\'),
    min_size=1,
    max_size=20,
)
note = st.text(
    alphabet=st.characters(
        codec="utf-8", exclude_categories=["Cs", "Cc", "Zl", "Zp"], exclude_characters="\x85"
    ),
    max_size=20,
)
odd_entry = st.fixed_dictionaries(
    {
        "msgid": plain,
        "msgstr": plain | st.just(""),
        "ctxt": st.none() | plain,
        "plural": st.none() | st.tuples(plain, plain, plain),
        "note": note,
        "flags": st.lists(
            st.sampled_from(["fuzzy", "python-brace-format", "no-wrap", "ignore-number"]),
            unique=True,
            max_size=2,
        ),
        "obsolete": st.booleans(),
        "previous": st.none() | plain,
    }
)


def _odd_po(entries: list[dict]) -> str:
    out = [HEADER.format(charset="UTF-8")]
    for e in entries:
        p = "#~ " if e["obsolete"] else ""
        lines = [f"# {line}" for line in e["note"].split("\n")] if e["note"] else []
        lines += [f"#, {', '.join(e['flags'])}"] if e["flags"] else []
        lines += (
            [f"{'#~| ' if e['obsolete'] else '#| '}msgid {_q(e['previous'])}"]
            if e["previous"]
            else []
        )
        lines += [f"{p}msgctxt {_q(e['ctxt'])}"] if e["ctxt"] is not None else []
        lines.append(f"{p}msgid {_q(e['msgid'])}")
        if e["plural"]:
            lines.append(f"{p}msgid_plural {_q(e['plural'][0])}")
            lines += [f"{p}msgstr[0] {_q(e['plural'][1])}", f"{p}msgstr[1] {_q(e['plural'][2])}"]
        else:
            lines.append(f"{p}msgstr {_q(e['msgstr'])}")
        out.append("\n".join(lines) + "\n\n")
    return "".join(out)


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    entries=st.lists(
        odd_entry, min_size=1, max_size=6, unique_by=lambda e: (e["ctxt"], e["msgid"])
    ),
    keep=st.integers(0, 6),
)
def test_whatever_msgfmt_accepts_update_keeps(
    tmp_path: Path, entries: list[dict], keep: int
) -> None:
    if not shutil.which("msgfmt"):
        pytest.skip("GNU gettext is not installed")
    path = tmp_path / "odd.po"
    path.write_text(_odd_po(entries), encoding="utf-8")
    if (
        subprocess.run(
            ["msgfmt", "--check", "-o", os.devnull, str(path)], capture_output=True
        ).returncode
        != 0
    ):
        return
    units = tuple(
        Unit(e["msgid"], "paragraph", i + 1, msgctxt=e["ctxt"])
        for i, e in enumerate(entries[:keep])
        if not e["plural"]
    )
    pot = catalog.build_pot("odd", units, "source/odd.md", "test")
    merged = catalog.merge(catalog.load_po(path), pot, parse_locale("es"))
    out = tmp_path / "merged.po"
    catalog.write_if_changed(merged, out)
    after = {(e.msgctxt, e.msgid, e.previous_msgid): e for e in catalog.load_po(out)}
    texts = {(e.msgctxt, e.msgid): e for e in after.values()}
    for e in entries:
        if not (e["msgstr"] or e["plural"] or e["note"]):
            continue  # no translator's work in it: an untranslated, unannotated text may go when its source goes
        found = texts.get((e["ctxt"], e["msgid"]))
        if (
            found is None
        ):  # an active text that was removed lends its msgstr to a close new one, as fuzzy
            found = next(x for x in after.values() if x.previous_msgid == e["msgid"])
        if e["plural"]:
            assert found.msgstr_plural == {0: e["plural"][1], 1: e["plural"][2]}
        elif e["msgstr"]:
            assert found.msgstr == e["msgstr"]
        assert found.tcomment == e["note"]
        assert set(e["flags"]) - {"fuzzy"} <= set(found.flags)


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=' \t\u00a0\u3000\x0b"\\anx7é', max_size=14))
def test_a_one_string_line_is_read_as_the_general_reader_reads_it(rest: str) -> None:
    """Most lines are read by one regular expression; any line must give what the reader of
    several strings and escapes gives, or the same error."""
    reader = catalog.poread._Reader(Path("x.po"))

    def outcome(read: Callable[[str, int], str]) -> str:
        try:
            return "ok: " + read(rest, 7)
        except CatalogError as exc:
            return "error: " + str(exc)

    assert outcome(reader._strings) == outcome(reader._quoted)


# --- a translator saves while a command works; a catalogue that cannot be written ---------------

SAVED = "LA TRADUCCIÓN QUE GUARDÓ LA TRADUCTORA"


def _poedit_save(path: Path) -> bytes:
    """Save as Poedit does: a temporary file, renamed over the PO. The first text gets ``SAVED``."""
    po = polib.pofile(str(path))
    next(e for e in po if e.msgid and not e.obsolete).msgstr = SAVED
    temporary = path.with_name(".poedit-save.tmp")
    po.save(str(temporary))
    os.replace(temporary, path)
    return path.read_bytes()


def _save_in_place_keeping_the_time(path: Path) -> bytes:
    """Save in place (same inode, same size class) and put the modification time back."""
    before = path.stat()
    po = polib.pofile(str(path))
    next(e for e in po if e.msgid and not e.obsolete).msgstr = SAVED
    path.write_text(po.__unicode__(), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    return path.read_bytes()


def _save_after_reading(monkeypatch, path: Path, save: Callable[[Path], bytes], times: int) -> list:
    """Make the translator save ``path`` right after the command has read it (``times`` times):
    deterministic, at the one moment a merge or sign-off is between its read and its write."""
    saves: list[bytes] = []
    read = catalog.poread.read

    def reading(raw: bytes, where: Path):
        po = read(raw, where)
        if Path(where) == path and b"\n\n" in raw and len(saves) < times:
            saves.append(save(path))
        return po

    monkeypatch.setattr(catalog.poread, "read", reading)
    return saves


def _add_paragraph(site: Path) -> None:
    source = site / "source" / "feature.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nA new paragraph.\n", "utf-8")


@pytest.mark.parametrize("save", [_poedit_save, _save_in_place_keeping_the_time])
def test_a_po_saved_while_update_merges_it_is_merged_again_from_the_saved_file(
    site: Path, run, monkeypatch, save: Callable[[Path], bytes]
) -> None:
    path = po_path(site, "es")
    _add_paragraph(site)
    saves = _save_after_reading(monkeypatch, path, save, times=1)
    code, _out, err = run(site, "update")
    assert code == 0 and len(saves) == 1, err
    text = path.read_text(encoding="utf-8")
    assert SAVED in text and 'msgid "A new paragraph."' in text
    assert not list(path.parent.glob(".*.tmp"))


def test_a_po_saved_again_and_again_during_update_is_left_as_saved_with_one_line(
    site: Path, run, monkeypatch
) -> None:
    path = po_path(site, "es")
    _add_paragraph(site)
    saves = _save_after_reading(monkeypatch, path, _poedit_save, times=99)
    code, _out, err = run(site, "update")
    assert code == 2 and len(saves) == catalog.ATTEMPTS
    assert err.strip() == f"pipeline: locales/es/LC_MESSAGES/feature.po: {catalog.SAVED_MEANWHILE}"
    assert path.read_bytes() == saves[-1]
    assert not list(path.parent.glob(".*.tmp"))


@pytest.mark.parametrize("save", [_poedit_save, _save_in_place_keeping_the_time])
def test_a_po_saved_while_review_signs_it_off_is_left_as_saved(
    site: Path, run, monkeypatch, save: Callable[[Path], bytes]
) -> None:
    path = po_path(site, "es")
    from tests.conftest import translate_po

    translate_po(path, str.upper)
    others = {p: p.read_bytes() for p in (po_path(site, "ar"), po_path(site, "en@plain"))}
    for other in others:
        translate_po(other, str.upper)
    others = {p: p.read_bytes() for p in others}
    saves = _save_after_reading(monkeypatch, path, save, times=1)
    code, _out, err = run(site, "review", "ar", "es", "en@plain", "--by", "Ana Ruiz")
    assert code == 2 and len(saves) == 1
    assert err.strip() == f"pipeline: locales/es/LC_MESSAGES/feature.po: {catalog.SAVED_MEANWHILE}"
    assert path.read_bytes() == saves[0]
    assert {p: p.read_bytes() for p in others} == others  # signed together, or none signed
    assert not list(site.joinpath("locales").rglob(".*.tmp"))


def test_a_po_another_program_creates_while_init_runs_is_kept(site: Path, run, monkeypatch) -> None:
    path = po_path(site, "de")
    theirs = po_bytes('msgid "Dose"\nmsgstr "Dosis (ihre)"\n')
    mkstemp = tempfile.mkstemp

    def staging(*args, **kwargs):
        if not path.exists() and Path(kwargs["dir"]) == path.parent:
            path.write_bytes(theirs)
        return mkstemp(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", staging)
    assert run(site, "init", "de")[0] == 0
    assert path.read_bytes() == theirs


def _refusing_staging(monkeypatch, folder: Path, error: int) -> None:
    """``mkstemp`` fails in ``folder`` as it does in a read-only folder, a read-only file system
    or a full disk: naming the temporary file it tried to make."""
    mkstemp = tempfile.mkstemp

    def staging(*args, **kwargs):
        where = Path(kwargs.get("dir") or args[2])
        if where == folder:
            name = where / f"{kwargs.get('prefix', '')}x1y2z3{kwargs.get('suffix', '')}"
            raise OSError(error, os.strerror(error), str(name))
        return mkstemp(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", staging)


def _po_state(root: Path) -> dict[str, str]:
    return {k: v for k, v in state(root).items() if k.endswith(".po")}


@pytest.mark.parametrize("error", [errno.EACCES, errno.EROFS, errno.ENOSPC])
@pytest.mark.parametrize("locale", ["ar", "en@plain"])
def test_an_update_that_cannot_write_one_catalogue_writes_none_and_names_it(
    site: Path, run, monkeypatch, error: int, locale: str
) -> None:
    _add_paragraph(site)
    before = _po_state(site)
    _refusing_staging(monkeypatch, po_path(site, locale).parent, error)
    code, _out, err = run(site, "update")
    assert code == 2 and len(err.strip().splitlines()) == 1, err
    assert err.startswith(f"pipeline: locales/{locale}/LC_MESSAGES/") and ".po: " in err
    assert ".tmp" not in err and os.strerror(error) in err
    assert _po_state(site) == before
    assert not list(site.joinpath("locales").rglob(".*.tmp"))
    monkeypatch.undo()
    assert run(site, "update")[0] == 0 and _po_state(site) != before


def test_an_update_whose_po_links_into_a_file_writes_none_and_names_it(site: Path, run) -> None:
    """A real failure, no simulation: the PO is a link into a folder that is a file."""
    _add_paragraph(site)
    path = po_path(site, "ar", "glossary")
    path.unlink()
    (site / "not-a-folder").write_text("x", encoding="utf-8")
    path.symlink_to(site / "not-a-folder" / "glossary.po")
    before = _po_state(site)
    code, _out, err = run(site, "update")
    assert code == 2 and len(err.strip().splitlines()) == 1, err
    assert err.startswith("pipeline: locales/ar/LC_MESSAGES/glossary.po: cannot write")
    assert _po_state(site) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_an_update_with_a_read_only_locale_folder_writes_none(site: Path, run) -> None:
    _add_paragraph(site)
    folder = po_path(site, "ar").parent
    before = _po_state(site)
    folder.chmod(0o555)
    try:
        code, _out, err = run(site, "update")
    finally:
        folder.chmod(0o755)
    assert code == 2 and err.startswith("pipeline: locales/ar/LC_MESSAGES/") and ".tmp" not in err
    assert _po_state(site) == before


# --- nothing forged into a PO header --------------------------------------------------------------

FORGED = [
    "Ana Ruiz\nX-Reviewed-Date: 2099-01-01",
    "Ana Ruiz\\nPlural-Forms: nplurals=1; plural=0;\n",
    "Ana Ruiz\r",
    "Ana\x00Ruiz",
    "Ana \x1b[31mRuiz",
    "Ana\u2028Ruiz",
    "Ana\x85Ruiz",
    "Ana\tRuiz",
]


@pytest.mark.parametrize("who", FORGED)
def test_review_by_refuses_line_breaks_and_control_characters(site: Path, run, who: str) -> None:
    from tests.conftest import translate_po

    translate_po(po_path(site, "es"), str.upper)
    before = state(site)
    code, _out, err = run(site, "review", "es", "--by", who)
    assert code == 2 and len(err.strip().splitlines()) == 1, err
    assert err.startswith("pipeline: --by: ") and "PO header" in err
    assert state(site) == before


@pytest.mark.parametrize("key", ["site_name", "report_bugs_to"])
@pytest.mark.parametrize("value", ["Health\\nLanguage: xx", "Health\\u0007", "Health\\u2029"])
def test_configuration_that_reaches_a_po_header_refuses_line_breaks(
    site: Path, run, key: str, value: str
) -> None:
    pyproject = site / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8").replace('site_name = "Test site"\n', "")
    pyproject.write_text(f'{text}{key} = "{value}"\n', encoding="utf-8")
    _add_paragraph(site)
    before = state(site)
    code, _out, err = run(site, "update")
    assert code == 2 and len(err.strip().splitlines()) == 1, err
    assert "pyproject.toml" in err and f"{key}: " in err and "PO header" in err
    assert state(site) == before


def test_a_header_written_through_the_library_refuses_a_line_break(site: Path) -> None:
    path = po_path(site, "es")
    was = catalog.saving.seen(path)
    with pytest.raises(CatalogError, match="X-Reviewed-By: .*PO header"):
        catalog.set_headers([(path, {"X-Reviewed-By": "A\nLanguage: xx"}, was)])


# --- a PO that is no file; ui.po text that reaches CSS ----------------------------------------


@pytest.mark.parametrize("command", ["update", "check", "build", "stats"])
@pytest.mark.parametrize("domain", ["feature", "ui"])
def test_a_po_that_is_a_named_pipe_is_refused_at_once(
    site: Path, run, command: str, domain: str
) -> None:
    path = po_path(site, "es", domain)
    cleanup = pipe_feeding(path, path.read_bytes())
    before = state(site)
    try:
        code, _out, err = run(site, command)
    finally:
        cleanup()
    assert (code, err.splitlines()) == (
        2,
        [
            f"pipeline: locales/es/LC_MESSAGES/{domain}.po: is a named pipe (FIFO), not a file: refused"
        ],
    )
    assert state(site) == before and not (site / "output").exists()


@pytest.mark.parametrize("command", ["update", "build"])
def test_a_po_that_links_to_a_device_is_refused(site: Path, run, command: str) -> None:
    """A link to a translations repository is followed (above); one to a device is not read."""
    path = po_path(site, "es")
    path.unlink()
    path.symlink_to(os.devnull)
    code, _out, err = run(site, command)
    assert (code, err.splitlines()) == (
        2,
        ["pipeline: locales/es/LC_MESSAGES/feature.po: is a device, not a file: refused"],
    )
    assert path.is_symlink() and os.readlink(path) == os.devnull


# A translated "Page {page} of {pages}" with a carriage return or a form feed in it: WeasyPrint's
# CSS ended a string at either and read the rest as rules of its own (the page numbers vanished
# from every page). The footer is data for Typst now; it must still print, on one line.
BREAK_THE_STRING = [
    "Página {page} de {pages}" + end + "}} impreso {{ }}" for end in ("\r", "\f", "\r\n")
]


@pytest.mark.parametrize("msgstr", BREAK_THE_STRING, ids=["cr", "ff", "crlf"])
def test_a_ui_translation_cannot_break_the_leaflets_page_numbers(
    site: Path, run, msgstr: str, tmp_path: Path
) -> None:
    from pipeline.render import leaflet

    if leaflet.unavailable() is not None or not shutil.which("pdftotext"):
        pytest.skip("no leaflets (Typst, fonts) or no pdftotext here")
    path = po_path(site, "es", "ui")
    po = polib.pofile(str(path))
    po.find("Page {page} of {pages}").msgstr = msgstr
    po.save(str(path))
    assert run(site, "build")[0] in (0, 1)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(site / "output" / "es" / "feature.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Test site" in text and "Página 1 de" in text, text[:300]


@pytest.mark.parametrize(
    "char", [chr(c) for c in [*range(1, 32), 127, *range(0x80, 0xA0)]] + ["\u2028", "\u2029"]
)
def test_page_numbers_hold_no_control_character(char: str) -> None:
    from pipeline.render import typenodes

    parts = typenodes.page_numbers(f"Page{char}{{page}}'{char}")
    assert parts == ["Page ", {"counter": "page"}, "' "]
