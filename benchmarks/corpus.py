"""A synthetic site for the benchmark: N varied articles, a glossary and M pseudo-translated locales.

Why varied: a future cache keyed on content must not see N copies of one text (it would compute
one article and reuse it N-1 times), and the checks' cost depends on the words. So every article
is composed with a seeded RNG from pools of sentences, headings and list items (the shipped
article's own text plus the sentences below), decorated with links, emphasis, code, footnotes,
tables, quotes and definition lists. The same seed gives the same corpus, byte for byte.

Why pseudo-translation: real translations are not available for 800 articles, and the checks must
see what a translator delivers — the markup of the source intact (links, code, footnote markers,
numbers, acronyms, placeholders), the words different. ``pseudo`` changes only letters outside
markup, with a per-locale letter map, so it is deterministic and keeps text length.
"""

from __future__ import annotations

import random
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import polib

REPO = Path(__file__).resolve().parent.parent
SHIPPED_ARTICLE = REPO / "source" / "ketamine-infusions-chronic-pain.md"
SHIPPED_GLOSSARY = REPO / "source" / "glossary.toml"

# The order in which --locales M picks its locales: the shipped six first.
LOCALES = ("es", "de", "fr", "ar", "en@plain", "es@plain", "it", "pt_BR", "nl", "pl", "sv", "tr")

# Written for this benchmark (plain public-domain-style health text), mixed with the shipped article's.
EXTRA_SENTENCES = """\
Sleep problems are common in people who live with chronic pain.
A short walk every day can help your joints stay flexible.
Keep a simple diary of your pain, your sleep and your mood for two weeks.
Your pharmacist can tell you which medicines are safe to take together.
Some people find that heat helps, while others prefer a cold pack.
Physiotherapy aims to build strength slowly, without making the pain worse.
It can take 6 to 8 weeks before a new medicine shows its full effect.
Talk to your doctor before you stop taking any prescribed medicine.
Pacing means breaking tasks into smaller parts and resting between them.
Support groups let you share what works with people who understand.
Drinking enough water matters, especially if you take painkillers every day.
Cognitive behavioural therapy helps you change how you respond to pain.
About 1 in 5 adults lives with pain that lasts longer than 3 months.
Stretching in the morning may ease stiffness in the back and neck.
A pain clinic brings doctors, nurses and therapists together in one team.
Write down your questions before the appointment so that you do not forget them.
Alcohol can make some pain medicines more dangerous.
Ask whether a lower dose would work as well for you.
Mindfulness exercises take 10 minutes and can be done at home.
Your GP can refer you to a specialist if the pain does not improve.
Swimming is gentle on the joints and builds strength.
Tell the nurse if you feel dizzy, sick or confused during the treatment.
The results of one small study cannot tell us what works for everyone.
Research on this question is still going on in several countries.
Many people need more than one kind of treatment at the same time.
Rest is important, but too much rest can make muscles weaker.
Check the leaflet that comes with your medicine for the full list of side effects.
Some treatments are only offered in hospital, as an inpatient or an outpatient.
Your blood pressure and heart rate will be checked before you go home.
If your symptoms get worse quickly, call 111 or go to the nearest emergency department.
An infusion is a slow drip of medicine into a vein.
Some medicines used for depression also help with nerve pain.
Ask your doctor how long you should wait before driving.
Children and older people may need a different dose.
It is normal to feel tired for a day or two after the treatment.
Opioids can help for a short time but are rarely a good long-term answer.
Fibromyalgia causes pain all over the body and often comes with poor sleep.
People with neuropathic pain often describe burning, tingling or shooting pain.
Phantom limb pain is real pain, felt in a part of the body that has been removed.
Flare-ups are periods when the pain is much worse than usual.
""".splitlines()

EXTRA_HEADINGS = """\
Living Well With Pain
Questions to Ask Your Doctor
Medicines and Their Side Effects
Sleep and Rest
Moving More, Safely
Food, Drink and Pain
Getting Support
What the Research Says
Before Your Appointment
After the Treatment
When to Get Help Quickly
Pain at Work
Talking to Family and Friends
Planning Your Day
How Nerves Send Pain Signals
Other Options to Consider
""".splitlines()

EXTRA_ITEMS = """\
Keep moving, even a little
Take your medicine at the same time each day
Bring a list of your current medicines
Ask about side effects
Plan rest breaks
Sleep at regular times
Tell someone how you feel
Use heat or cold packs
Avoid heavy lifting for 48 hours
Drink plenty of water
Write down your pain score from 0 to 10
Check your blood pressure
""".splitlines()

TOPICS = (
    "back-pain",
    "sleep-and-pain",
    "nerve-pain",
    "pain-clinics",
    "fibromyalgia",
    "medicines",
    "infusions",
    "pacing",
    "physiotherapy",
    "mood-and-pain",
    "flare-ups",
    "living-with-crps",
)
ABBREVIATIONS = {
    "NMDA": "N-methyl-D-aspartate",
    "CRPS": "Complex Regional Pain Syndrome",
    "FDA": "US Food and Drug Administration",
    "NHS": "National Health Service",
    "GP": "general practitioner",
}


class Pools:
    """The text an article is drawn from: sentences, headings and list items."""

    def __init__(self) -> None:
        text = SHIPPED_ARTICLE.read_text(encoding="utf-8")
        lines = text.splitlines()
        body = [
            ln
            for ln in lines
            if ln and not ln.startswith(("#", "-", "*", "Title:", "Description:"))
        ]
        shipped = [
            s
            for para in body
            for s in re.split(r"(?<=[.!?”])\s+(?=[A-Z“])", para)
            if len(s.split()) >= 4
        ]
        self.sentences = shipped + [s for s in EXTRA_SENTENCES if s]
        self.headings = [ln.lstrip("# ") for ln in lines if ln.startswith("##")] + [
            h for h in EXTRA_HEADINGS if h
        ]
        self.items = [ln[2:] for ln in lines if ln.startswith("- ") and len(ln) < 90] + [
            i for i in EXTRA_ITEMS if i
        ]


def decorate(sentence: str, rng: random.Random, footnotes: list[str], pools: Pools) -> str:
    """Add inline markup a translator must keep: emphasis, a link, code, a footnote marker."""
    words = sentence.split(" ")
    roll = rng.random()
    if roll < 0.10 and len(words) > 4:
        i = rng.randrange(len(words) - 2)
        words[i], words[i + 1] = "*" + words[i], words[i + 1] + "*"
    elif roll < 0.18 and len(words) > 4:
        i = rng.randrange(len(words) - 2)
        words[i], words[i + 1] = "**" + words[i], words[i + 1] + "**"
    elif roll < 0.28 and len(words) > 4:
        i = rng.randrange(len(words) - 2)
        words[i], words[i + 1] = (
            "[" + words[i],
            f"{words[i + 1]}](https://example.org/{rng.choice(TOPICS)}/{rng.randrange(1000)})",
        )
    elif roll < 0.31:
        words.insert(rng.randrange(1, len(words)), f"(`{rng.randrange(1, 50)} mg`)")
    text = " ".join(words)
    if rng.random() < 0.08 and text.endswith("."):
        footnotes.append(rng.choice(pools.sentences))
        text += f"[^{len(footnotes)}]"
    return text


def paragraph(rng: random.Random, pools: Pools, footnotes: list[str]) -> str:
    return " ".join(
        decorate(rng.choice(pools.sentences), rng, footnotes, pools)
        for _ in range(rng.randint(2, 5))
    )


def block(rng: random.Random, pools: Pools, footnotes: list[str]) -> str:
    """One block after a paragraph: mostly nothing, sometimes a list, table, quote or definition list."""
    roll = rng.random()
    if roll < 0.25:
        return "\n".join(f"- {rng.choice(pools.items)}" for _ in range(rng.randint(3, 7)))
    if roll < 0.33:
        return "\n".join(f"{n}. {rng.choice(pools.items)}" for n in range(1, rng.randint(3, 5)))
    if roll < 0.40:
        rows = [
            f"| {rng.choice(pools.items)} | {rng.randint(1, 90)} minutes |"
            for _ in range(rng.randint(2, 4))
        ]
        return "\n".join(["| What | How long |", "|------|------|", *rows])
    if roll < 0.45:
        return "> " + rng.choice(pools.sentences)
    if roll < 0.50:
        term = rng.choice(pools.items)
        return f"{term}\n:   {rng.choice(pools.sentences)}"
    return ""


def article(index: int, seed: int, pools: Pools) -> tuple[str, str]:
    """(slug, Markdown) of article ``index``: its own title, sections and text."""
    rng = random.Random(seed * 100_003 + index)
    slug = f"{TOPICS[index % len(TOPICS)]}-{index:04d}"
    title = f"{rng.choice(pools.headings)}: {rng.choice(pools.headings)}"
    footnotes: list[str] = []
    parts = [f"Title: {title}", f"Description: {rng.choice(pools.sentences)}", "", f"# {title}", ""]
    parts += [paragraph(rng, pools, footnotes), ""]
    for _ in range(rng.randint(2, 5)):
        parts += [f"{'##' if rng.random() < 0.7 else '###'} {rng.choice(pools.headings)}", ""]
        for _ in range(rng.randint(1, 3)):
            parts += [paragraph(rng, pools, footnotes), ""]
            extra = block(rng, pools, footnotes)
            if extra:
                parts += [extra, ""]
    parts += [f"[^{n}]: {text}" for n, text in enumerate(footnotes, 1)]
    body = "\n".join(parts)
    parts += [""] + [
        f"*[{abbr}]: {full}"
        for abbr, full in ABBREVIATIONS.items()
        if re.search(rf"\b{abbr}\b", body)
    ]
    return slug, "\n".join(parts).rstrip() + "\n"


# ---- pseudo-translation ------------------------------------------------------------------------

# Kept as they are: footnote markers, code spans, link targets, autolinks and HTML, attribute lists
# and placeholders, URLs, acronyms (the glossary's kept terms), numbers.
_KEPT = re.compile(
    r"\[\^[^\]]+\]|`[^`]*`|\]\([^)]*\)|<[^>]+>|\{[^}]*\}|%\([^)]*\)[sd]|%[sd]|https?://\S+"
    r"|\b[A-Z]{2,}s?\b|\d[\d.,:%–-]*"
)
_WORD = re.compile(r"[^\W\d_]+")
_LATIN = "abcdefghijklmnopqrstuvwxyz"
_ARABIC = "ابتثجحخدذرزسشصضطظعغفقكلمنه"
_VOWEL_MAPS = {
    "es": "áéíóú",
    "de": "äëïöü",
    "fr": "âéîôû",
    "it": "àèìòù",
    "pt_BR": "ãêíõú",
    "nl": "aëïoü",
    "pl": "ąęiół",
    "sv": "åéiöu",
    "tr": "aeıöü",
    "en@plain": "āēīōū",
    "es@plain": "àèìòù",
}


def _letter_map(locale: str) -> dict[int, str]:
    """A per-locale letter map: accented vowels for Latin-script locales, letters for Arabic."""
    if locale.split("@")[0].split("_")[0] == "ar":
        return str.maketrans(_LATIN + _LATIN.upper(), _ARABIC[:26] * 2)
    vowels = _VOWEL_MAPS.get(locale, "áéíóú")
    return str.maketrans("aeiou" + "AEIOU", vowels + vowels.upper())


_MAPS: dict[str, dict[int, str]] = {}


def pseudo(text: str, locale: str) -> str:
    """The pseudo-translation of ``text``: letters outside markup mapped, everything else kept."""
    table = _MAPS.setdefault(locale, _letter_map(locale))
    out, pos = [], 0
    for kept in _KEPT.finditer(text):
        out.append(_WORD.sub(lambda m: m.group().translate(table), text[pos : kept.start()]))
        out.append(kept.group())
        pos = kept.end()
    out.append(_WORD.sub(lambda m: m.group().translate(table), text[pos:]))
    return "".join(out)


def fill_po(path: Path, locale: str) -> None:
    """Translate every entry of one PO file with ``pseudo`` (plural forms included)."""
    po = polib.pofile(str(path))
    for entry in po:
        if entry.msgid_plural:
            for i in entry.msgstr_plural or {0: "", 1: ""}:
                entry.msgstr_plural[i] = pseudo(
                    entry.msgid if i == 0 else entry.msgid_plural, locale
                )
        else:
            entry.msgstr = pseudo(entry.msgid, locale)
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.save(str(path))


# ---- the project on disk -----------------------------------------------------------------------


def write_sources(root: Path, n: int, seed: int) -> list[str]:
    """Write ``source/`` (N articles and the shipped glossary); return the slugs."""
    pools = Pools()
    (root / "source").mkdir(parents=True)
    shutil.copy(SHIPPED_GLOSSARY, root / "source" / "glossary.toml")
    slugs = []
    for i in range(n):
        slug, text = article(i, seed, pools)
        (root / "source" / f"{slug}.md").write_text(text, encoding="utf-8")
        slugs.append(slug)
    return slugs


def write_pyproject(
    root: Path, locales: Sequence[str], site_name: str = "Benchmark site", threshold: int = 0
) -> None:
    names = ", ".join(f'"{name}"' for name in locales)
    (root / "pyproject.toml").write_text(
        "[tool.pipeline]\n"
        'source_locale = "en"\n'
        f"locales = [{names}]\n"
        'site_url = "https://example.org/"\n'
        f'site_name = "{site_name}"\n'
        # The peers write HTML only: leaflets (PDF) are timed on their own (benchmarks/run.py).
        "leaflets = false\n"
        # Pseudo-translations are complete: every version is published, as on a finished site.
        f"publish_threshold = {threshold}\n",
        encoding="utf-8",
    )


def pipeline_cmd(root: Path, *args: str) -> list[str]:
    """The pipeline's own CLI, from the interpreter running the benchmark (the project's venv)."""
    # -P: the pipeline ``PYTHONPATH`` or the environment names, not one in the working folder
    # (``-m`` would put the folder first: run from the project, a checkout timed through
    # ``PYTHONPATH`` would be this one)
    return [sys.executable, "-P", "-m", "pipeline", "--root", str(root), *args]


def po_files(root: Path, locale: str) -> Iterator[Path]:
    return iter(sorted((root / "locales" / locale / "LC_MESSAGES").glob("*.po")))


def make_site(root: Path, n: int, locales: list[str], seed: int) -> list[str]:
    """A ready project: sources, templates, every PO pseudo-translated and merged once."""
    slugs = write_sources(root, n, seed)
    write_pyproject(root, locales)
    for args in (("extract",), ("init", *locales)):
        subprocess.run(pipeline_cmd(root, *args), check=True, stdout=subprocess.DEVNULL)
    for locale in locales:
        for path in po_files(root, locale):
            fill_po(path, locale)
    subprocess.run(pipeline_cmd(root, "update"), check=True, stdout=subprocess.DEVNULL)
    return slugs
