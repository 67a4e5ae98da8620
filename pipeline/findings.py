"""What the checks find: findings with their severities, each version's tally of them, and the
readability scores, as ``check`` returns them and a build keeps them.

The data model's second half (``pipeline.model`` re-exports every name here): the stages that read
sources and catalogues never need it, the checks, the reports and the build's totals do.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

ERROR, WARNING = "error", "warning"  # the two severities of a finding


@dataclass(frozen=True)
class Finding:
    """One result of a quality check: never raised, always reported."""

    check: str  # stable id, e.g. "glossary-term"
    severity: str  # ERROR or WARNING
    article: str
    locale: str  # gettext name: "es", "en@plain"
    file: str  # PO (or source) file relative to the project root
    line: int | None
    msgid: str
    message: str
    deliberate: str | None = None  # the translator's reason, when they marked it as meant
    msgstr: str = ""  # the translation as the PO holds it, so a report shows both sides
    # a fuzzy entry: the source text its msgstr translates (``#|``), "" when the PO does not say
    previous: str | None = None

    @property
    def counts(self) -> bool:
        """A deliberate finding stays in the report but does not fail a build."""
        return self.deliberate is None


@dataclass(frozen=True)
class Tally:
    """How many findings of each kind one version has: all the terminal's table needs of them."""

    errors: int = 0
    warnings: int = 0
    deliberate: int = 0

    @classmethod
    def by_version(cls, findings: Iterable[Finding]) -> dict[tuple[str, str], Tally]:
        """(article, locale) -> its tally, in the order the versions first appear."""
        counts: dict[tuple[str, str], list[int]] = {}
        for f in findings:
            row = counts.setdefault((f.article, f.locale), [0, 0, 0])
            row[2 if not f.counts else 0 if f.severity == ERROR else 1] += 1
        return {key: cls(*row) for key, row in counts.items()}

    @classmethod
    def of(cls, findings: Iterable[Finding]) -> Tally:
        return sum(cls.by_version(findings).values(), cls())

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.errors + other.errors,
            self.warnings + other.warnings,
            self.deliberate + other.deliberate,
        )


def first_errors(findings: Iterable[Finding], count: int) -> tuple[Finding, ...]:
    """The first ``count`` errors, in order: all a build prints, so all it keeps."""
    return tuple(f for f in findings if f.counts and f.severity == ERROR)[:count]


@dataclass(frozen=True)
class UnitScore:
    """A unit's readability in a version: the editors' list of what to simplify first."""

    msgid: str
    text: str
    line: int | None
    score: float
    words_per_sentence: float
    syllables_per_word: float | None
    raw: str = ""  # the text exactly as the PO (or the source) holds it, for a translator to find

    def why(self) -> str:
        syllables = (
            f", {self.syllables_per_word:g} syllables per word"
            if self.syllables_per_word is not None
            else ""
        )
        return f"{self.words_per_sentence:g} words per sentence{syllables}"


@dataclass(frozen=True)
class DocumentReadability:
    """Readability of one article in one locale, against its target."""

    article: str
    locale: str
    language: str
    formula_available: bool
    scores: dict[str, float]
    metric: str | None  # the targeted formula
    target: float | None
    higher_is_easier: bool | None
    met: bool | None
    units_scored: int
    units_untranslated: int
    units: tuple[UnitScore, ...]  # every scored unit, in article order
    hardest: tuple[UnitScore, ...]  # the editors' short list: units of 6+ words, hardest first
    kept: frozenset[str] = (
        frozenset()
    )  # msgids left in the source language on purpose (citations with a note)


@dataclass(frozen=True)
class CheckResult:
    """Everything the checks found: readability per version and the findings, in a stable order."""

    documents: tuple[DocumentReadability, ...]
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> int:
        return sum(f.severity == ERROR and f.counts for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity == WARNING and f.counts for f in self.findings)

    @property
    def deliberate(self) -> int:
        return sum(not f.counts for f in self.findings)

    @property
    def tallies(self) -> dict[tuple[str, str], Tally]:
        return Tally.by_version(self.findings)


@dataclass(frozen=True)
class CheckTotals:
    """What a build keeps of its findings: each version's tally and the first errors. A site's
    tens of thousands of findings are in its report; held until the end of a build they made
    its memory grow with the site, and loading them back made a build with nothing to do slow."""

    documents: tuple[DocumentReadability, ...]
    tallies: dict[tuple[str, str], Tally]  # (article, locale) -> its tally
    findings: tuple[Finding, ...]  # the first errors, in the order ``check`` gives them

    @property
    def errors(self) -> int:
        return sum(t.errors for t in self.tallies.values())

    @property
    def warnings(self) -> int:
        return sum(t.warnings for t in self.tallies.values())

    @property
    def deliberate(self) -> int:
        return sum(t.deliberate for t in self.tallies.values())
