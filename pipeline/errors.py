"""One exception family for bad input, so the CLI can print ``path:line: message`` and exit 2.

Findings of the quality checks are values (see ``model.Finding``), never exceptions:
a check that fails is the translator's to-do list, not a crash.
"""

from __future__ import annotations

from pathlib import Path


class PipelineError(Exception):
    """Bad input or usage: names the file (and line) the user must fix."""

    def __init__(
        self, message: str, path: Path | str | None = None, line: int | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line

    def relative_to(self, root: Path) -> PipelineError:
        """The same error with its path as the user typed it: relative to the project folder."""
        if self.path is not None and self.path == root.resolve():
            self.path = (
                root  # the project folder itself ("--root" at a missing folder): as typed, not "."
            )
        elif self.path is not None and self.path.is_absolute():
            try:
                self.path = self.path.relative_to(root.resolve())
            except ValueError:
                pass
        return self

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        return f"{where}{self.message}"


class ConfigError(PipelineError):
    """``pyproject.toml`` ``[tool.pipeline]`` is wrong."""


class LocaleError(PipelineError):
    """A locale name that gettext or Babel would not understand."""


class CatalogError(PipelineError):
    """A PO or POT file that cannot be read or would lose a translator's work."""


class SourceError(PipelineError):
    """An article or the glossary cannot be read."""


class LeafletError(PipelineError):
    """A printable leaflet (PDF) cannot be made for an article version."""


class LeafletsUnavailable(LeafletError):
    """Typst or the leaflets' fonts are missing here: pages are written, leaflets are not."""


class FontsMissing(LeafletsUnavailable):
    """No installed font has some of a version's characters: its leaflet would print empty boxes
    where the text is (a Japanese page without a Japanese font), so it is not made."""


class LeafletTooSlow(LeafletError):
    """A leaflet used up its CPU budget (``leaflet_seconds``): that version gets no leaflet and a
    finding, the rest of the site goes on."""
