"""Writing to the terminal the way a Unix tool does: a reader that goes away (``pipeline check |
head``) ends the output quietly, never with a traceback."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import TextIO

_stdout_closed = False


def stdout_closed() -> bool:
    return _stdout_closed


def closed(stream: object) -> None:
    """The reader of ``stream`` went away: nothing more is written to it."""
    global _stdout_closed
    _stdout_closed = stream is sys.stdout or _stdout_closed
    silence(stream)


def say(text: str, stream: object = None) -> None:
    """Print, but end quietly when the reader is gone (``pipeline check | head``)."""
    global _stdout_closed
    stream = stream or sys.stdout
    if _stdout_closed and stream is sys.stdout:
        return
    try:
        print(text, file=stream, flush=True)  # type: ignore[arg-type]
    except BrokenPipeError:
        _stdout_closed = True
        silence(stream)


def say_chunks(chunks: Iterable[str], stream: TextIO | None = None) -> None:
    """Print a text made piece by piece, as ``say`` would print it whole (the caller's pieces
    end with the newline ``say`` adds): a report too big to hold as one string."""
    global _stdout_closed
    stream = stream or sys.stdout
    if _stdout_closed and stream is sys.stdout:
        return
    try:
        for chunk in chunks:
            stream.write(chunk)
        stream.flush()
    except BrokenPipeError:
        _stdout_closed = True
        silence(stream)


def flush() -> None:
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        silence(sys.stdout)
    except ValueError:  # a closed stream (a test's capture): nothing left to flush
        pass


def silence(stream: object) -> None:
    """Point the closed stream at /dev/null, so Python's own flush at exit does not complain."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())  # type: ignore[attr-defined]
    except (AttributeError, OSError, ValueError):
        pass
