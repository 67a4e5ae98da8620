"""Typst, the leaflets' PDF engine: loaded once per process, fonts fixed, its time bounded.

``leaflet.py`` decides what a leaflet prints; this module owns how Typst runs:

| piece         | why                                                                          |
|---------------|------------------------------------------------------------------------------|
| ``engine``    | the compiler and its fonts, made once per process: scanning fonts costs more than a leaflet |
| ``FONT_DIRS`` | Debian's DejaVu and Noto UI fonts only, never the machine's others: the same PDF bytes on every machine |
| ``typeset``   | ``templates/leaflet.typ`` + the leaflet's data -> tagged PDF/UA-1; warnings kept as text |
| ``budget``    | CPU seconds a leaflet may take (``leaflet_seconds``)                          |
| ``engine_key``| what prints a leaflet, for its cache key: Typst's version, the template, the fonts, this code |

Typst reads files only under the root it is given (the project) and never the network; the
leaflet's images are given to it as paths from that root (``typeset.Images``).

Typst compiles on threads of its own, started by the first compile; a process forked after
that has the threads' bookkeeping but not the threads, and its first compile would wait for
ever. The build forks its workers before any leaflet is made, but a long-lived process (``serve``,
a test run) may make leaflets itself and fork later: such a child typesets in a new process
of its own (``python -m pipeline.render.engine``), slower but never stuck.
"""

from __future__ import annotations

import base64
import importlib.util
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from pipeline.errors import FontsMissing, LeafletError, LeafletTooSlow
from pipeline.store.cache import digest

FONT_DIRS = (  # Debian's fonts-dejavu-core and fonts-noto-ui-core (tests/a11y/install.sh)
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/truetype/noto"),
)
REQUIRED_FAMILIES = ("DejaVu Sans", "Noto Naskh Arabic UI")
TEMPLATE = Path(__file__).parent.parent / "templates" / "leaflet.typ"
STANDARD = (
    "ua-1"  # PDF/UA-1: tagged, /Lang, the title shown, fonts embedded; refuses a missing glyph
)


def cpu_seconds() -> float:
    """CPU time of this process and of the typesetting processes it waited for."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


clock: Callable[[], float] = cpu_seconds  # CPU time: a loaded machine does not shorten the budget
_COMPILED_IN: list[int] = []  # the process whose Typst has started its threads
_NO_GLYPH = "could not be displayed with font"  # Typst's PDF/UA error for a character no font has


@cache
def engine() -> Any:
    """Typst's compiler with the leaflets' fonts, or one line saying why leaflets cannot be made."""
    try:
        import typst
    except ImportError as exc:  # the wheel is missing or was built for another platform
        return f"Typst cannot load ({exc}); pip install typst==0.15.2 (bash tests/setup.sh does)"
    dirs = [str(folder) for folder in FONT_DIRS if folder.is_dir()]
    fonts = typst.Fonts(include_system_fonts=False, include_embedded_fonts=False, font_paths=dirs)
    missing = [family for family in REQUIRED_FAMILIES if family not in fonts.families()]
    if missing:
        return (
            f"the leaflets' fonts are not installed ({', '.join(missing)}); install Debian's "
            "fonts-dejavu-core and fonts-noto-ui-core (bash tests/setup.sh does)"
        )
    return typst.Compiler(font_paths=fonts, ignore_system_fonts=True)


def presence() -> str:
    """Which Typst and template, and whether the leaflets' font folders are installed, cheaply
    (nothing loaded, Typst's files stamped): a build made without them has versions without
    leaflets, and a version whose leaflet Typst refused has none either; a build with them, or
    with another Typst or template, makes those versions again instead of keeping them so."""
    spec = importlib.util.find_spec("typst")
    typst = _stamps([Path(spec.origin).parent]) if spec and spec.origin else None
    dirs = "; ".join(f"{d}={d.is_dir()}" for d in FONT_DIRS)
    return f"typst={typst}; template={digest(template())}; {dirs}"


@cache
def template() -> bytes:
    return TEMPLATE.read_bytes()


def typeset(data: dict[str, Any], root: Path) -> tuple[bytes, tuple[str, ...]]:
    """The leaflet's PDF and what Typst warned about. ``root``: Typst reads no file outside it.

    ``FontsMissing`` when no font has some character (PDF/UA-1 refuses to print the empty box);
    ``LeafletError`` (the message) for anything else Typst refuses."""
    if _COMPILED_IN and _COMPILED_IN[0] != os.getpid():
        return _typeset_apart(data, root)  # forked after a compile: Typst's threads are not here
    compiler = engine()
    if isinstance(compiler, str):
        raise LeafletError(compiler)
    source = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    _COMPILED_IN[:] = [os.getpid()]
    try:
        pdf, warnings = compiler.compile_with_warnings(
            template(),
            root=str(root.resolve()),
            format="pdf",
            sys_inputs={"leaflet": source},
            pdf_standards=[STANDARD],
        )
    except Exception as exc:  # typst.TypstError; the user needs the message, not a traceback
        message = str(getattr(exc, "message", "") or exc).strip()
        if _NO_GLYPH in message:
            raise FontsMissing(message) from exc
        raise LeafletError(message) from exc
    return pdf, tuple(_warning(w) for w in warnings)


def _typeset_apart(data: dict[str, Any], root: Path) -> tuple[bytes, tuple[str, ...]]:
    """``typeset`` in a new Python process (``main`` below): its answer, or its error raised here."""
    request = json.dumps({"data": data, "root": str(root)}).encode()
    command = [sys.executable, "-m", "pipeline.render.engine"]
    done = subprocess.run(command, input=request, capture_output=True, check=False)
    try:
        answer = json.loads(done.stdout)
    except ValueError:
        raise LeafletError(
            f"Typst's process failed: {done.stderr.decode(errors='replace')[-300:]}"
        ) from None
    if "error" in answer:
        raise (FontsMissing if answer.get("fonts") else LeafletError)(answer["error"])
    return base64.b64decode(answer["pdf"]), tuple(answer["warnings"])


def main() -> None:
    """``python -m pipeline.render.engine``: one leaflet typeset, request and answer as JSON."""
    request = json.load(sys.stdin)
    try:
        pdf, warnings = typeset(request["data"], Path(request["root"]))
    except LeafletError as exc:
        answer: dict[str, Any] = {"error": exc.message, "fonts": isinstance(exc, FontsMissing)}
    else:
        answer = {"pdf": base64.b64encode(pdf).decode(), "warnings": list(warnings)}
    sys.stdout.write(json.dumps(answer))


def _warning(warning: Any) -> str:
    hints = "".join(f" ({hint})" for hint in getattr(warning, "hints", []) or [])
    return f"{getattr(warning, 'message', warning)}{hints}"


@contextmanager
def budget(seconds: float) -> Iterator[None]:
    """Raise ``LeafletTooSlow`` when the leaflet made inside took more than ``seconds`` of CPU.

    Typst compiles in one call that cannot be interrupted, so the bound is checked when it
    returns and a leaflet past it is thrown away: the version gets none and a finding, as
    with any engine. Typst's time grows linearly with the text (``benchmarks/leaflet.py``: about
    0.1 s for 16,000 words in one paragraph), so an overrun costs as much as the text is long."""
    started = clock()
    yield
    if clock() - started > seconds:
        raise LeafletTooSlow(f"took more than {seconds:g} s of CPU (leaflet_seconds)")


@cache
def engine_key() -> str:
    """What prints a leaflet: this code, the converter, the template, Typst's version, the fonts."""
    from importlib import metadata  # noqa: PLC0415 (it imports email and zipfile: leaflets only)

    here = Path(__file__).parent
    code = [here / name for name in ("leaflet.py", "engine.py", "typeset.py", "typenodes.py")]
    return digest(
        *(path.read_bytes() for path in code),
        template(),
        metadata.version("typst"),
        _fonts(),
    )


def _fonts() -> str:
    """The fonts Typst may use (file, size, time): a font updated can change how a leaflet prints."""
    return _stamps(FONT_DIRS)


def _stamps(folders: Iterable[Path]) -> str:
    """The files of ``folders`` (name, size, time), not their subfolders (``__pycache__``)."""
    stamps = []
    for folder in folders:
        for path in sorted(folder.glob("*")) if folder.is_dir() else ():
            if path.is_file():
                status = path.stat()
                stamps.append(f"{path}:{status.st_size}:{status.st_mtime_ns}")
    return digest(*stamps)


if __name__ == "__main__":
    main()
