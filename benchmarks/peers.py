"""The peers, on the same corpus: translate-toolkit's round trip and Sphinx + MyST + sphinx-intl.

Each lives in its own virtual environment under ``benchmarks/.venvs/`` (gitignored), created on
first use with the pinned versions below, so that nothing of theirs leaks into the pipeline's
environment and the figures can be reproduced. The same ``pseudo`` function fills their PO files,
so all three tools publish the same words.

- translate-toolkit: ``md2po`` + ``po2md`` per locale over the article folder — the bare round trip
  (Markdown -> PO -> translated Markdown), with no checks and no HTML.
- Sphinx: ``sphinx-build -b html -D language=xx`` per version (the source language and each
  locale), MyST-Parser reading the Markdown, ``gettext_compact = False`` (one catalogue per
  article, like ours) and ``locale_dirs`` pointing at catalogues made with ``sphinx-build -b
  gettext`` + ``sphinx-intl update``.
"""

from __future__ import annotations

import itertools
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import polib
from corpus import fill_po

VENVS = Path(__file__).resolve().parent / ".venvs"
# Where a clean-up moves earlier outputs; ``site.main`` points it into its work folder, deleted last.
TRASH: Path | None = None
_MOVED = itertools.count()


def set_aside(path: Path) -> None:
    """Move an earlier output out of the tool's way instead of deleting it before a timed run.

    This machine's ext4 has no journal. There, for minutes after a file is deleted, every new
    file makes the kernel's inode allocator step over each freshly freed inode
    (``recently_deleted`` in ``ext4_create``): a cold build timed right after deleting the last
    one's 10,000 files spent some 4 s of extra system time creating its own (``perf``, N=200).
    That is the benchmark's clean-up, not the tool's work, and it would weigh on whichever tool
    writes the most files; so every tool's clean-up moves, and the moved files go at the end.
    """
    if not (path.exists() or path.is_symlink()):
        return
    if TRASH is None:
        shutil.rmtree(path) if path.is_dir() else path.unlink()
        return
    TRASH.mkdir(parents=True, exist_ok=True)
    path.rename(TRASH / f"{next(_MOVED)}-{path.name}")  # a count: listing the trash grows with it


PINS = {
    "translate-toolkit": ["translate-toolkit[markdown]==3.20.4", "mistletoe==1.6.0"],
    "sphinx": ["sphinx==8.2.3", "myst-parser==4.0.1", "sphinx-intl==2.3.2", "docutils==0.21.2"],
}


def venv_bin(name: str) -> Path:
    """The ``bin`` folder of the peer's environment, created (or re-created) when its pins changed."""
    home = VENVS / name
    marker = home / "pins.txt"
    wanted = "\n".join(PINS[name]) + "\n"
    if not marker.exists() or marker.read_text() != wanted:
        print(f"creating {home} ({', '.join(PINS[name])})…", file=sys.stderr)
        shutil.rmtree(home, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(home)], check=True)
        subprocess.run([str(home / "bin" / "pip"), "install", "-q", *PINS[name]], check=True)
        marker.write_text(wanted)
    return home / "bin"


def _strip_metadata(text: str) -> str:
    """Python-Markdown's ``Title:``/``Description:`` header means nothing to MyST; drop it."""
    lines = text.splitlines(keepends=True)
    while lines and lines[0].strip() and ":" in lines[0] and not lines[0].startswith("#"):
        lines.pop(0)
    return "".join(lines).lstrip("\n")


# ---- translate-toolkit -------------------------------------------------------------------------


@dataclass(frozen=True)
class ToolkitSite:
    bin: Path
    root: Path  # md/ (articles), po/<locale>/ (pseudo-translated), work/ (each run's output)
    locales: tuple[str, ...]

    def commands(self) -> list[list[str]]:
        """One round trip per locale: extract every article, then merge its translations back."""
        cmds = []
        for locale in self.locales:
            work = self.root / "work" / locale
            cmds.append(
                [
                    str(self.bin / "md2po"),
                    "--progress=none",
                    "-i",
                    str(self.root / "md"),
                    "-o",
                    str(work / "pot"),
                ]
            )
            cmds.append(
                [
                    str(self.bin / "po2md"),
                    "--progress=none",
                    "-t",
                    str(self.root / "md"),
                    "-i",
                    str(self.root / "po" / locale),
                    "-o",
                    str(work / "md"),
                ]
            )
        return cmds

    def clean(self, _: int = 0) -> None:
        """Cold: no output of an earlier run (md2po creates only the last folder of a path)."""
        set_aside(self.root / "work")
        for locale in self.locales:
            (self.root / "work" / locale).mkdir(parents=True)


def toolkit_site(site: Path, root: Path, locales: list[str]) -> ToolkitSite:
    """Copy the articles, extract them once and pseudo-translate a PO per article and locale."""
    bin_dir = venv_bin("translate-toolkit")
    (root / "md").mkdir(parents=True)
    for path in sorted((site / "source").glob("*.md")):
        shutil.copy(path, root / "md" / path.name)
    templates = root / "templates"
    subprocess.run(
        [str(bin_dir / "md2po"), "--progress=none", "-i", str(root / "md"), "-o", str(templates)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    for locale in locales:
        shutil.copytree(templates, root / "po" / locale)
        for path in (root / "po" / locale).glob("*.po"):
            fill_po(path, locale)
    return ToolkitSite(bin_dir, root, tuple(locales))


# ---- Sphinx + MyST + sphinx-intl ---------------------------------------------------------------

CONF = """\
project = "Benchmark site"
extensions = ["myst_parser"]
myst_enable_extensions = ["deflist"]
locale_dirs = ["../locale/"]
gettext_compact = False
html_theme = "alabaster"
"""
INDEX = "# Benchmark site\n\n```{toctree}\n:hidden:\n:glob:\n\n*\n```\n"


@dataclass(frozen=True)
class SphinxSite:
    bin: Path
    root: Path  # src/ (conf.py, index.md, articles), locale/<locale>/LC_MESSAGES/*.po, out/<lang>/
    languages: tuple[str, ...]  # the source language first

    def commands(self) -> list[list[str]]:
        build = str(self.bin / "sphinx-build")
        return [
            [
                build,
                "-q",
                "-b",
                "html",
                "-D",
                f"language={lang}",
                str(self.root / "src"),
                str(self.root / "out" / lang),
            ]
            for lang in self.languages
        ]

    def clean(self, _: int = 0) -> None:
        """Cold: no output, no doctrees, no compiled catalogues."""
        set_aside(self.root / "out")
        for mo in list((self.root / "locale").rglob("*.mo")):
            set_aside(mo)

    def po_path(self, locale: str, slug: str) -> Path:
        return self.root / "locale" / locale / "LC_MESSAGES" / f"{slug}.po"

    def md_path(self, slug: str) -> Path:
        return self.root / "src" / f"{slug}.md"


def sphinx_site(site: Path, root: Path, locales: list[str]) -> SphinxSite:
    """A Sphinx project of the same articles; its catalogues made by Sphinx, filled by ``pseudo``."""
    bin_dir = venv_bin("sphinx")
    src = root / "src"
    src.mkdir(parents=True)
    (src / "conf.py").write_text(CONF)
    (src / "index.md").write_text(INDEX)
    for path in sorted((site / "source").glob("*.md")):
        (src / path.name).write_text(
            _strip_metadata(path.read_text(encoding="utf-8")), encoding="utf-8"
        )
    quiet = {"check": True, "stdout": subprocess.DEVNULL}
    subprocess.run(
        [str(bin_dir / "sphinx-build"), "-q", "-b", "gettext", str(src), str(root / "gettext")],
        **quiet,
    )
    lang_args = [arg for locale in locales for arg in ("-l", locale)]
    subprocess.run(
        [
            str(bin_dir / "sphinx-intl"),
            "update",
            "-p",
            str(root / "gettext"),
            "-d",
            str(root / "locale"),
            *lang_args,
        ],
        **quiet,
    )
    for locale in locales:
        for path in (root / "locale" / locale / "LC_MESSAGES").glob("*.po"):
            fill_po(path, locale)
    return SphinxSite(bin_dir, root, ("en", *locales))


# ---- edits shared by our cases and the peers' ---------------------------------------------------

WORDS = (
    "alpha",
    "bravo",
    "charlie",
    "delta",
    "echo",
    "foxtrot",
    "golf",
    "hotel",
    "india",
    "juliet",
)


def _next_word(text: str, marker: str) -> str:
    """The word after the one that follows ``marker`` in ``text``: every edit differs from the last."""
    current = text.rsplit(marker, 1)[1].split()[0].strip(".") if marker in text else ""
    return WORDS[(WORDS.index(current) + 1) % len(WORDS)] if current in WORDS else WORDS[0]


def change_one_msgstr(path: Path) -> None:
    """Append a word to the first translated msgstr, a different one each time: a translator's fix."""
    po = polib.pofile(str(path))
    entry = next(e for e in po if e.msgstr and not e.obsolete)
    entry.msgstr = f"{entry.msgstr.split(' ~')[0]} ~{_next_word(entry.msgstr, ' ~')}"
    po.save(str(path))


def edit_paragraph(text: str) -> str:
    """Change the first body paragraph (the first line after the h1): an author's one-line edit."""
    lines = text.split("\n")
    index = next(n for n, line in enumerate(lines) if line.startswith("# ")) + 2
    base = lines[index].split(" Edited:")[0]
    lines[index] = f"{base} Edited: {_next_word(lines[index], ' Edited:')} version."
    return "\n".join(lines)


def edit_source(path: Path) -> None:
    path.write_text(edit_paragraph(path.read_text(encoding="utf-8")), encoding="utf-8")
