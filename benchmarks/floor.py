"""What a page costs with the named libraries alone: the floor under the pipeline's CPU per page.

For every (article, version) of a generated site (``corpus.make_site``, as ``site.py`` makes it),
in one process: parse its PO with polib, convert its text to HTML with a bare Python-Markdown,
and score the text and each of its paragraphs with textstat (the formulas the pipeline targets:
Flesch reading ease and Flesch-Kincaid for English, Flesch reading ease elsewhere, Osman for
Arabic). No check, no template, no file written, no cache. It answers one question: how much of
a build's CPU per page do these libraries take, and how much is the pipeline's own work.

    .venv/bin/python benchmarks/floor.py [--size 200] [--locales 6] [--seed 1]
"""

from __future__ import annotations

import argparse
import html
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import corpus  # run as a script from benchmarks/
import markdown
import polib
import textstat

_TAGS = re.compile(r"<[^>]+>")


def _formulas(language: str) -> list[Callable[[str], float]]:
    if language == "en":
        return [textstat.flesch_reading_ease, textstat.flesch_kincaid_grade]
    return [textstat.osman] if language == "ar" else [textstat.flesch_reading_ease]


def _score(language: str, text: str, totals: dict[str, float]) -> None:
    textstat.set_lang(language)
    paragraphs = [p for p in text.split("\n") if p.strip()]
    formulas = _formulas(language)
    start = time.process_time()
    for formula in formulas:
        formula(text)
    middle = time.process_time()
    for paragraph in paragraphs:
        formulas[0](paragraph)
    totals["document scores"] += middle - start
    totals["paragraph scores"] += time.process_time() - middle


def _html(text: str, totals: dict[str, float]) -> str:
    start = time.process_time()
    converted = markdown.Markdown().convert(text)
    totals["Markdown to HTML"] += time.process_time() - start
    return html.unescape(_TAGS.sub(" ", converted))


def measure(site: Path, locales: list[str]) -> tuple[int, dict[str, float]]:
    totals = dict.fromkeys(
        ("PO parse", "Markdown to HTML", "document scores", "paragraph scores"), 0.0
    )
    pages = 0
    for source in sorted((site / "source").glob("*.md")):
        _score("en", _html(source.read_text(encoding="utf-8"), totals), totals)
        pages += 1
        for locale in locales:
            start = time.process_time()
            po = polib.pofile(str(site / "locales" / locale / "LC_MESSAGES" / f"{source.stem}.po"))
            texts = [e.msgstr or e.msgid for e in po if not e.obsolete]
            totals["PO parse"] += time.process_time() - start
            language = locale.split("@")[0].split("_")[0]
            _score(language, _html("\n\n".join(texts), totals), totals)
            pages += 1
    return pages, totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=200)
    parser.add_argument("--locales", type=int, default=6)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    locales = list(corpus.LOCALES[: args.locales])
    with tempfile.TemporaryDirectory(prefix="pipeline-floor-") as work:
        site = Path(work) / "site"
        corpus.make_site(site, args.size, locales, args.seed)
        pages, totals = measure(site, locales)
    print(
        f"{pages} pages ({args.size} articles, {len(locales)} locales and the source); CPU ms per page:"
    )
    for name, seconds in totals.items():
        print(f"  {name:18} {1000 * seconds / pages:6.2f}")
    print(f"  {'total':18} {1000 * sum(totals.values()) / pages:6.2f}")


if __name__ == "__main__":
    main()
