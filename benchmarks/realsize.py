"""A corpus of real-size articles: N copies of the shipped article with its six real translations,
each copy enciphered so that no cache can share work between copies.

The generated corpus (``corpus.py``) has short articles and pseudo-translations. Real articles
are about 2,000 words with full translations, and what grows with an article's size (a report's
findings, a readability view, the page itself) only shows on them. Copy ``i`` is the shipped
article and its catalogues with their letters permuted by a permutation of its own — in the
source and in every translation alike, so each translation still translates its source entry
for entry — except where a letter carries meaning the pipeline must still find:

- link and image targets (``](…)``), so images exist and links match their source;
- the metadata keys (``Title:``), so the article still has its title;
- glossary terms and their approved translations (with the whole word they sit in: Arabic clitics, German compounds), so
  terms are found, linked and checked as on the real page: the glossary is site-wide.

    .venv/bin/python benchmarks/site.py --corpus real --sizes 200
"""

from __future__ import annotations

import random
import re
import shutil
import subprocess
import tomllib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import polib
from corpus import REPO, pipeline_cmd, write_pyproject

SLUG = "ketamine-infusions-chronic-pain"
LOCALES = ("es", "de", "fr", "ar", "en@plain", "es@plain")  # the shipped translations
LATIN = "abcdefghijklmnopqrstuvwxyz"
ARABIC = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
TARGETS = r"\]\([^)]*\)"
META_KEY = r"^[A-Za-z][\w-]*:(?=[ \t])"


def cipher(seed: int) -> Callable[[str], str]:
    """One copy's permutation of Latin (both cases alike) and Arabic letters."""
    rng = random.Random(seed)
    latin, arabic = list(LATIN), list(ARABIC)
    rng.shuffle(latin)
    rng.shuffle(arabic)
    upper = "".join(latin).upper()
    pairs = [(LATIN, "".join(latin)), (LATIN.upper(), upper), (ARABIC, "".join(arabic))]
    table = {ord(a): b for plain, shuffled in pairs for a, b in zip(plain, shuffled, strict=True)}

    def encipher(text: str) -> str:
        return text.translate(table)

    return encipher


class Protected:
    """What is never enciphered: link targets, metadata keys, and every word holding a word of
    a glossary term, or its stem (its last two letters off), so inflected and compound forms
    (chronischen Schmerzen, Ketamininfusionen, بالتسريب) are found as on the real page.

    Each word is tested against the stems by substring: one alternative ``\\w*stem\\w*`` per
    stem in a regular expression took seconds per copy (every position tried every stem)."""

    def __init__(self, terms: Iterable[str]) -> None:
        stems = {w[:-2] if len(w) > 5 else w for t in terms for w in re.findall(r"\w{3,}", t)}
        self.stems = sorted(
            {s.lower() for s in stems}, key=len, reverse=True
        )  # as re.IGNORECASE: no ß -> ss
        self.spans = re.compile(rf"{TARGETS}|{META_KEY}|(?P<word>\w+)", re.MULTILINE)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        for match in self.spans.finditer(text):
            word = match.group("word")
            if word is None or any(s in word.lower() for s in self.stems):
                yield match


def protected(terms: Iterable[str]) -> Protected:
    return Protected(terms)


def apply(text: str, encipher: Callable[[str], str], keep: Protected) -> str:
    """``text`` enciphered outside the protected spans."""
    out, last = [], 0
    for match in keep.finditer(text):
        out += [encipher(text[last : match.start()]), match.group(0)]
        last = match.end()
    return "".join([*out, encipher(text[last:])])


def glossary_words(repo: Path) -> list[str]:
    """Every term, variant and expansion, and every locale's approved translation of them."""
    data = tomllib.loads((repo / "source" / "glossary.toml").read_text(encoding="utf-8"))
    words = [
        w
        for t in data["terms"]
        for w in (t["term"], t.get("expansion", ""), *t.get("variants", []))
    ]
    for locale in LOCALES:
        po = polib.pofile(str(repo / "locales" / locale / "LC_MESSAGES" / "glossary.po"))
        words += [e.msgstr for e in po if e.msgstr and "\n" not in e.msgstr and len(e.msgstr) < 60]
    return words


def write_copy(root: Path, index: int, seed: int, keep: Protected) -> str:
    encipher = cipher(seed * 1_000_003 + index)
    slug = f"{SLUG}-{index:04d}"
    text = (REPO / "source" / f"{SLUG}.md").read_text(encoding="utf-8")
    (root / "source" / f"{slug}.md").write_text(apply(text, encipher, keep), encoding="utf-8")
    for locale in LOCALES:
        po = polib.pofile(str(REPO / "locales" / locale / "LC_MESSAGES" / f"{SLUG}.po"))
        for entry in po:
            entry.msgid = apply(entry.msgid, encipher, keep)
            entry.msgstr = apply(entry.msgstr, encipher, keep)
            entry.previous_msgid = None
        folder = root / "locales" / locale / "LC_MESSAGES"
        po.save(str(folder / f"{slug}.po"))
    return slug


def make_site(root: Path, n: int, seed: int) -> list[str]:
    """A ready project of ``n`` enciphered copies; their catalogues merged once."""
    (root / "source").mkdir(parents=True)
    shutil.copy(REPO / "source" / "glossary.toml", root / "source" / "glossary.toml")
    for locale in LOCALES:
        folder = root / "locales" / locale / "LC_MESSAGES"
        folder.mkdir(parents=True)
        for domain in ("glossary", "ui"):
            shutil.copy(REPO / "locales" / locale / "LC_MESSAGES" / f"{domain}.po", folder)
    # the shipped site name, which the shipped ui.po files translate; the default threshold
    write_pyproject(root, LOCALES, "Living with chronic pain", threshold=100)
    keep = protected(glossary_words(REPO))
    slugs = [write_copy(root, i, seed, keep) for i in range(n)]
    for args in (("extract",), ("update",)):
        subprocess.run(pipeline_cmd(root, *args), check=True, stdout=subprocess.DEVNULL)
    return slugs
