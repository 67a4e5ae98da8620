"""The editors' site-wide report assembled from the versions' parts (``parts.Part``).

Why from parts: on a site of 200 articles in 7 versions whose translations are rough, the report
holds tens of thousands of findings, a hundred megabytes and more. Rendering it at the end from
every version's findings costs memory that grows with the site, and redoing all of it when one PO
changed costs seconds. So the reduce step only puts the frame around the parts, in build order:
each section of each part is copied by the kernel (``os.copy_file_range``) from where the part is
(the cache, or this build's file of fresh parts) straight into its place in the framed file; where
the file the last build wrote holds a section (its layout is kept), it is copied from there, and
sections that lie one after another there are copied as one run. Nothing of a part is read into
the process, decoded or held: a build that changed one version renders one part, and the rest of
the report costs a few copies of its bytes.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from itertools import accumulate
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from markupsafe import Markup

from pipeline.locales import LocaleInfo
from pipeline.model import DocumentReadability, Finding, Preview, ReviewState, Tally
from pipeline.report import formats as report
from pipeline.report.parts import GROUPS, LISTS, MARK, MARKS, SECTIONS, Part, part
from pipeline.report.readability import version_anchor
from pipeline.store import kinds
from pipeline.store.cache import Cache, code_version, digest

if TYPE_CHECKING:  # Jinja is imported where a template is rendered
    from jinja2 import Environment


@dataclass
class Language:
    """One language's share of the report: its own page and its line in the overview."""

    info: LocaleInfo
    counts: Counter[str] = field(default_factory=Counter)
    scored: int = 0  # versions with a formula and a target
    met: int = 0  # of those, within the target
    previews: list[Preview] = field(default_factory=list)
    reviews: list[ReviewState] = field(default_factory=list)

    @property
    def path(self) -> str:
        return f"reports/{self.info.file_stem}.html"

    @property
    def title(self) -> str:
        """The language as an English-speaking editor names it: "Spanish, plain language"."""
        plain = ", plain language" if self.info.is_plain else ""
        return f"{self.info.english_name}{plain}"

    @property
    def reviews_current(self) -> int:
        return sum(r.current for r in self.reviews)


@dataclass(frozen=True)
class Cell:
    """One version in the overview's table of articles by language: its counts, where to look."""

    tally: Tally
    too_hard: bool
    href: str | None  # its first findings on its language's page, else its readability row


Reuse = Callable[[str, str], "Path | None"]  # (path under output/, key) -> the file made already
# path under output/ -> the key and file the last build wrote there, untouched since; else None
Earlier = Callable[[str], "tuple[str, Path] | None"]


@dataclass(frozen=True)
class Piece:
    """Where one part's bytes are: a cached part's own file, or this build's file of fresh parts."""

    file: str | Path
    offset: int
    sizes: tuple[int, ...]  # bytes per section, in ``SECTIONS`` order
    language: str | None  # None: a part with only JSON sections (the site-wide catalogues)
    key: str  # what made the part: its version's key, or its own bytes' hash

    def section(self, index: int) -> tuple[int, int]:
        """(offset in ``file``, size) of the part's section ``index``."""
        return self.offset + self._starts[index], self.sizes[index]

    @cached_property
    def _starts(self) -> tuple[int, ...]:
        """Where each section starts within the part: asked for every section of 1,400 parts."""
        return tuple(accumulate(self.sizes, initial=0))


class SiteReport:
    """Collects where each version's part is, in build order, then writes the framed files by
    copying each section of every part, in the kernel, into its place in the frame.

    The HTML is one page per language, and an overview: at 200 articles in seven versions one
    page held 38 MB (every finding and every version's hardest units), which Chromium took
    half a minute to open. An editor reviews a language; the overview says which one needs it.
    ``report.json`` stays one document, for tools.
    """

    def __init__(
        self, folder: Path, languages: Sequence[LocaleInfo], cache: Cache | None = None
    ) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix=".output-staging-report-", dir=folder))
        self.cache = cache or Cache.disabled()  # where each file's layout is kept (``_fill``)
        self.counts: Counter[str] = Counter()
        self.languages = {info.name: Language(info) for info in languages}
        self.source = languages[0].name  # the source first, then the configured locales
        self._fresh_path = self.folder / "fresh-parts"
        self._fresh = open(self._fresh_path, "wb")  # parts made in this build, one after another
        # every part by its place in the build's order: the site-wide ones (0, n) first, then
        # each version's (1, its position), added as it arrives (``add``), sorted when first asked
        self._placed: dict[tuple[int, int], tuple[Piece, tuple[str, str, Cell] | None]] = {}
        self._sorted: tuple[list[Piece], dict[str, dict[str, Cell]]] | None = None

    def __enter__(self) -> SiteReport:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._fresh.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def add_site(self, findings: Sequence[Finding], env: Environment, source: LocaleInfo) -> None:
        """The site-wide catalogues' findings: in ``report.json`` in the order ``check`` gives
        them, on each language's page its own."""
        whole = part(findings, None, env, source, html=False)
        self.add(whole, key=digest(whole.blob), language=None)
        for name in self.languages:
            own = [f for f in findings if self._language_of(f.locale) == name]
            if own:
                made = part(own, None, env, source, json=False)
                self.add(made, key=digest(made.blob), language=name)

    def add(
        self,
        part: Part,
        key: str,
        stored: str | Path | None = None,
        language: str | None = None,
        document: DocumentReadability | None = None,
        article: str | None = None,
        position: int | None = None,
    ) -> None:
        """A part made now (its blob), or one cached at ``stored``, of a version in ``language``;
        ``key`` says what made it (the same key, the same bytes). ``position``: the version's
        place in the build's order, so versions may be added as they arrive, in any order (a
        save adds 1,399 cached ones while its own is still being made); without it, the part
        follows those added before it, ahead of every version's."""
        language = self._language_of(language) if language is not None else None
        if part.blob or stored is None:
            here = Piece(self._fresh_path, self._fresh.tell(), part.sizes, language, key)
            self._fresh.write(part.blob)
        else:
            here = Piece(stored, 0, part.sizes, language, key)
        counts = dict(zip(SECTIONS, part.counts, strict=True))
        self.counts.update(counts)
        cell = None
        if language is not None:
            own = self.languages[language]
            own.counts.update(counts)
            if document is not None and document.met is not None:
                own.scored += 1
                own.met += document.met
            if article is not None:
                cell = (article, language, _cell(own, article, counts, document))
        place = (1, position) if position is not None else (0, len(self._placed))
        self._placed[place] = (here, cell)
        self._sorted = None

    @property
    def pieces(self) -> list[Piece]:
        """Every part, in the build's order, however they arrived."""
        return self._in_order()[0]

    @property
    def cells(self) -> dict[str, dict[str, Cell]]:
        """article -> language -> its cell in the overview, in the build's order."""
        return self._in_order()[1]

    def _in_order(self) -> tuple[list[Piece], dict[str, dict[str, Cell]]]:
        """Sorted once after the last ``add``, though the report's files ask for every section."""
        if self._sorted is None:
            pieces: list[Piece] = []
            cells: dict[str, dict[str, Cell]] = {}
            for _, (piece, cell) in sorted(self._placed.items()):
                pieces.append(piece)
                if cell is not None:
                    cells.setdefault(cell[0], {})[cell[1]] = cell[2]
            self._sorted = (pieces, cells)
        return self._sorted

    def _language_of(self, locale: str) -> str:
        """Every finding, preview and review is of a configured locale; were one not, it would be
        shown with the source's rather than stop the build."""
        return locale if locale in self.languages else self.source

    def finish(
        self,
        env: Environment,
        site_name: str,
        previews: Sequence[Preview],
        reviews: Sequence[ReviewState],
        publication: Sequence[str] = (),
        reuse: Reuse = lambda path, key: None,
        earlier: Earlier = lambda path: None,
    ) -> dict[str, tuple[str, Path]]:
        """Write the framed files; return them by their path under ``output/``, each with the key
        of what it holds. ``publication``: what this build changed in the published set
        (versions withdrawn, kept, withheld), one line each, shown first. A file ``reuse`` finds
        already made from the same key is not written again: a translator's save changes one
        language's page, and the other pages (tens of megabytes) are linked as they are. A file
        written again takes the parts it shares with its ``earlier`` self from there, in runs."""
        self._fresh.close()
        for preview in previews:
            self.languages[self._language_of(preview.locale)].previews.append(preview)
        for review in reviews:
            self.languages[self._language_of(review.locale)].reviews.append(review)
        self._in_order()  # sorted here, once, before two threads read the parts
        json = "reports/report.json"
        # ``report.json`` (130 MB at 200 real-size articles) is filled on a thread while the
        # pages are framed here: its copies are the kernel's, and the other core was idle
        with ThreadPoolExecutor(1, thread_name_prefix="pipeline-report-json") as beside:
            frame = self._json_frame(previews, reviews)
            filling = beside.submit(self._framed, json, frame, None, reuse, earlier)
            files = {"reports/index.html": self._overview(env, site_name, publication, reuse)}
            for name, language in self.languages.items():
                frame = self._language_frame(env, site_name, language)
                files[language.path] = self._framed(language.path, frame, name, reuse, earlier)
            files[json] = filling.result()
        return files

    def _framed(
        self, path: str, frame: str, language: str | None, reuse: Reuse, earlier: Earlier
    ) -> tuple[str, Path]:
        """(key, file) of a frame filled with the parts of ``language`` (None: every part)."""
        own = (p.key for p in self.pieces if language is None or p.language == language)
        key = digest(path, frame, *own)
        found = reuse(path, key)
        return key, found or self._fill(path, key, frame, language, earlier(path))

    def _overview(
        self, env: Environment, site_name: str, publication: Sequence[str], reuse: Reuse
    ) -> tuple[str, Path]:
        """Keyed by what it shows, not by its text: rendering a table of every article in every
        language only to find it unchanged cost more than linking it."""
        languages, count, path = list(self.languages.values()), self.counts, "reports/index.html"
        key = digest(
            path, code_version(), site_name, repr(publication), repr(languages), repr(self.cells),
            repr(sorted(count.items())),
        )  # fmt: skip
        found = reuse(path, key)
        if found is not None:
            return key, found
        frame = env.get_template("report_index.html").render(
            site_name=site_name, publication=publication, languages=languages,
            cells=self.cells, errors=count["errors"], warnings=count["warnings"], deliberate=count["deliberate"],
        )  # fmt: skip
        return key, self._fill(path, key, frame)

    def _language_frame(self, env: Environment, site_name: str, language: Language) -> str:
        count = language.counts
        return env.get_template("report.html").render(
            site_name=site_name, language=language, previews=language.previews,
            reviews=language.reviews, is_source=language.info.name == self.source,
            groups=[(name, title, count[name], Markup(MARK.format(name))) for name, title in GROUPS],
            chart_rows=Markup(MARK.format("chart")), hardest=Markup(MARK.format("hardest")),
            errors=count["errors"], warnings=count["warnings"], deliberate=count["deliberate"],
        )  # fmt: skip

    def _json_frame(self, previews: Sequence[Preview], reviews: Sequence[ReviewState]) -> str:
        count = self.counts
        summary = report.summary(count["errors"], count["warnings"], count["deliberate"])
        lists = {name: MARK.format(name) if count[name] else None for name in LISTS}
        return report.json_frame(summary, lists["documents"], lists["findings"], previews, reviews)

    def _fill(
        self,
        path: str,
        key: str,
        frame: str,
        language: str | None = None,
        earlier: tuple[str, Path] | None = None,
    ) -> Path:
        """The frame with each mark replaced by its section of every part of ``language`` (of
        every part, for the JSON lists), in build order. A section the ``earlier`` file (its key
        and where it is) holds is copied from there, and neighbours there are copied as one run:
        a translator's save writes ``report.json`` (130 MB at 200 real-size articles) in a few
        copies, not one per section of 1,400 parts. Where each section went is kept for the
        next build (``kinds.REPORT_LAYOUT``, by the file's key)."""
        made = self.folder / path.removeprefix("reports/")
        layout: Layout = {}
        with open(made, "wb", buffering=0) as out, _Runs(out.fileno(), self._earlier(path, earlier)) as runs:  # fmt: skip
            for i, text in enumerate(MARKS.split(frame)):
                if i % 2 == 0:
                    runs.write(text.encode("utf-8"))
                else:
                    self._copy_section(runs, text, None if text in LISTS else language, layout)
            size = runs.written
        self.cache.put_slot(kinds.REPORT_LAYOUT, path, key, (size, layout))
        return made

    def _earlier(self, path: str, earlier: tuple[str, Path] | None) -> _Earlier | None:
        """The earlier file, open, with where its sections are; None where either is missing or
        the file is not the one the layout describes."""
        kept = self.cache.get_slot(kinds.REPORT_LAYOUT, path, earlier[0]) if earlier else None
        if earlier is None or not isinstance(kept, tuple):
            return None
        size, layout = kept
        try:
            handle = os.open(earlier[1], os.O_RDONLY)
        except OSError:
            return None
        if os.fstat(handle).st_size != size:
            os.close(handle)
            return None
        return _Earlier(handle, layout)

    def _copy_section(self, runs: _Runs, name: str, language: str | None, layout: Layout) -> None:
        """Section ``name`` of each part of ``language`` (every part: ``None``), one after
        another; a JSON list's elements joined by ``",\\n    "`` as ``json.dumps`` joins them."""
        index, first = SECTIONS.index(name), True
        joint = b",\n    " if name in LISTS else b""
        for piece in self.pieces:
            offset, size = piece.section(index)
            if not size or (language is not None and piece.language != language):
                continue
            where = (piece.key, index)
            layout[where] = runs.copy(piece.file, offset, size, b"" if first else joint, where)
            first = False


Layout = dict[tuple[str, int], int]  # (part's key, section) -> where the section starts in the file


@dataclass(frozen=True)
class _Earlier:
    handle: int  # the earlier file, open
    layout: Layout


class _Runs:
    """Copies sections into ``target`` one after another; sections that lie one after the other
    in the earlier file (with the same joint between them) are copied from it as one run."""

    def __init__(self, target: int, earlier: _Earlier | None) -> None:
        self.target, self.earlier = target, earlier
        self.written = 0  # bytes given so far, a pending run included
        self._run: tuple[int, int] | None = None  # (start, end) in the earlier file, not yet copied

    def __enter__(self) -> _Runs:
        return self

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        try:
            if kind is None:
                self._flush()
        finally:
            if self.earlier is not None:
                os.close(self.earlier.handle)

    def write(self, data: bytes) -> None:
        self._flush()
        view = memoryview(data)
        while view:
            view = view[os.write(self.target, view) :]
        self.written += len(data)

    def copy(
        self, file: str | Path, offset: int, size: int, joint: bytes, where: tuple[str, int]
    ) -> int:
        """``size`` bytes of ``file`` from ``offset``, after ``joint``, or the same bytes from the
        earlier file where it holds section ``where``; returns where they start in ``target``."""
        found = self.earlier.layout.get(where) if self.earlier is not None else None
        if found is not None and self._run is not None and self._extends(found, joint):
            self._run = (self._run[0], found + size)
            self.written += len(joint)
        else:
            if joint:
                self.write(joint)
            self._flush()
            if found is not None:
                self._run = (found, found + size)
            else:
                _copy_from(file, self.target, offset, size)
        self.written += size
        return self.written - size

    def _extends(self, found: int, joint: bytes) -> bool:
        """Whether a section at ``found`` in the earlier file follows the pending run there, with
        ``joint`` between them."""
        assert self.earlier is not None and self._run is not None
        if found != self._run[1] + len(joint):
            return False
        return not joint or os.pread(self.earlier.handle, len(joint), self._run[1]) == joint

    def _flush(self) -> None:
        if self._run is not None and self.earlier is not None:
            start, end = self._run
            self._run = None
            _copy(self.earlier.handle, self.target, start, end - start)


def _cell(
    language: Language, article: str, counts: dict[str, int], doc: DocumentReadability | None
) -> Cell:
    """Its link goes to the version's first findings, or to its readability row if it has none."""
    first = next((name for name, _ in GROUPS if counts[name]), "version" if doc else None)
    anchor = version_anchor(language.info.name, article)
    return Cell(
        Tally(counts["errors"], counts["warnings"], counts["deliberate"]),
        doc is not None and doc.met is False,
        f"{language.info.file_stem}.html#{first}-{anchor}" if first else None,
    )


def _copy_from(file: str | Path, target: int, offset: int, size: int) -> None:
    try:
        source = os.open(file, os.O_RDONLY)
    except FileNotFoundError as exc:
        raise OSError(exc.errno, "a cached report part vanished during the build (was .pipeline-cache deleted?): run the build again", str(file)) from exc  # fmt: skip
    try:
        _copy(source, target, offset, size)
    finally:
        os.close(source)


def _copy(source: int, target: int, offset: int, size: int) -> None:
    """``size`` bytes of ``source`` from ``offset`` to ``target``'s position, in the kernel."""
    while size:
        try:
            done = os.copy_file_range(source, target, size, offset)
        except OSError:  # a file system or kernel without it: read and write
            done = os.write(target, os.pread(source, min(size, 1 << 20), offset))
        if done == 0:
            raise OSError(f"a cached report part is shorter than recorded: {size} bytes missing")
        offset += done
        size -= done
