"""Markup and safety parity between a msgid and its msgstr.

Both sides are rendered with Python-Markdown and compared as a reader's browser would see
them: link targets, image sources, code spans, emphasis, footnote markers, numbers. Each
function returns the problems it found as short messages; ``checks`` turns them into findings.

Numbers are compared as values, not as characters, so that a translator can write a number as
the reader's language does (see ``number_problem``):

- digits of any script are the same digits: Arabic-Indic ``١٩٦٠`` and Persian ``۱۹۶۰`` are
  ``1960``; the Arabic decimal and thousands separators (``٫`` ``٬``) are separators;
- a decade of the source (``1960s``) may be named in words: "the sixties", "los años sesenta",
  "les années soixante", "die Sechzigerjahre", "الستينيات" (``_DECADES``);
- a small number (2 to 12) may be written in words in the translation's language (``_CARDINALS``):
  "siete" for ``7``. "One" is left out: it is also the indefinite article ("un", "ein", "une").
  The check passes the translation's language; without one (a caller that does not know it), the
  words of every table count except the few that mean something else in another language (French
  "dos" is a back, English "once" is not 11).

A number that is neither there in digits nor named in words is still an error.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser

from pipeline.language.text import inert, to_html
from pipeline.source.rawhtml import script_url as _script_url

_FOOTNOTE_REF = re.compile(r"\[\^([^\]]+)\]")
_NUMBER = re.compile(
    r"\d+(?:[.,\u066c\u00a0\u202f ]\d{3})*(?:[.,\u066b]\d+)?"
)  # \d: digits of any script
_DECADE = re.compile(r"(?<!\d)(\d{2,3})0(?:s|['’]s)(?!\w)")
_UNSAFE = re.compile(
    r"<\s*/?\s*(script|style|iframe|object|embed|form|svg|math)\b|\bon[a-z]+\s*=|javascript\s*:",
    re.I,
)
_RAW_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")
_LEFTOVER = ("**", "](", "`", "[^")
LONG_UNTRANSLATED = 40  # characters: shorter identical texts are usually names, numbers or brands


@dataclass(frozen=True)
class Shape:
    """What of a text's markup a reader's browser keeps: it must survive translation."""

    links: Counter[str]
    images: Counter[str]
    code: Counter[str]
    emphasis: int
    footnotes: Counter[str]
    leftovers: frozenset[str]


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: Counter[str] = Counter()
        self.images: Counter[str] = Counter()
        self.code: Counter[str] = Counter()
        self.emphasis = 0
        self.text: list[str] = []
        self._in_code = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.links[values["href"] or ""] += 1
        elif tag == "img":
            self.images[values.get("src") or ""] += 1
        elif tag in ("em", "strong"):
            self.emphasis += 1
        self._in_code = tag == "code"

    def handle_endtag(self, tag: str) -> None:
        self._in_code = False if tag == "code" else self._in_code

    def handle_data(self, data: str) -> None:
        if self._in_code:
            self.code[data] += 1
        else:
            self.text.append(data)


_NO_MARKUP = Shape(Counter(), Counter(), Counter(), 0, Counter(), frozenset())


@lru_cache(maxsize=2048)
def shape(text: str) -> Shape:
    """A source text's shape is compared with each locale's: found once per text (read only)."""
    if inert(text):  # most sentences: no link, code, emphasis or footnote to keep
        return _NO_MARKUP
    return rendered_shape(text)


def rendered_shape(text: str) -> Shape:
    """The shape as the rendered HTML shows it: what ``shape`` gives for any text."""
    footnotes = Counter(_FOOTNOTE_REF.findall(text))
    collector = _Collector()
    collector.feed(to_html(_FOOTNOTE_REF.sub("", text)))
    visible = "".join(collector.text)
    leftovers = frozenset(token for token in _LEFTOVER if token in visible)
    return Shape(
        collector.links, collector.images, collector.code, collector.emphasis, footnotes, leftovers
    )


def parity_problems(msgid: str, msgstr: str) -> list[tuple[str, str]]:
    """(check id, message) for each way the translation lost or changed the source's markup."""
    source, target = shape(msgid), shape(msgstr)
    problems = []
    for check, what, before, after in [
        ("link-target", "link targets", source.links, target.links),
        ("image-source", "image sources", source.images, target.images),
        ("code-span", "code spans", source.code, target.code),
        ("footnote-marker", "footnote markers", source.footnotes, target.footnotes),
    ]:
        if before != after:
            problems.append(
                (
                    check,
                    f"{what} differ: source has {_list(before)}, translation has {_list(after)}",
                )
            )
    broken = sorted(target.leftovers - source.leftovers)
    if broken:  # the root cause: a lost emphasis or link follows from it
        problems.append(
            (
                "broken-markdown",
                f"Markdown is not closed properly: {' '.join(broken)} shows as text on the page",
            )
        )
    elif source.emphasis != target.emphasis:
        problems.append(
            (
                "emphasis",
                f"the source has {source.emphasis} emphasised part(s) (*…* or **…**), the translation {target.emphasis}",
            )
        )
    return problems


def _list(counter: Counter[str]) -> str:
    return ", ".join(sorted(counter.elements())) or "none"


def numbers(text: str) -> Counter[str]:
    """Numbers as values: '42 %', '0,1', '1 000' and '٤٢' match '42%', '0.1', '1,000' and '42'."""
    found: Counter[str] = Counter()
    for raw in _NUMBER.findall(_FOOTNOTE_REF.sub("", text)):
        found[_normalize_number(raw)] += 1
    return found


def _normalize_number(raw: str) -> str:
    raw = "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in raw)  # ١٩٦٠ -> 1960
    raw = raw.replace("\u066c", ",").replace(
        "\u066b", "."
    )  # Arabic thousands and decimal separators
    digits = re.sub(r"[\u00a0\u202f ]", "", raw)
    if re.fullmatch(r"\d{1,3}([.,]\d{3})+", digits):
        return re.sub(r"[.,]", "", digits)  # thousands separators
    return digits.replace(",", ".")


# A decade named in words, by its tens: 6 -> "sixties", "años sesenta", "Sechzigerjahre"…
# The words name no century; in a sentence that has the rest of the source's numbers that is enough.
_DECADE_WORDS = {
    "en": ("twenties", "thirties", "forties", "fifties", "sixties", "seventies", "eighties", "nineties"),
    "es": ("veinte", "treinta", "cuarenta", "cincuenta", "sesenta", "setenta", "ochenta", "noventa"),
    "fr": ("vingt", "trente", "quarante", "cinquante", "soixante", "soixante-dix", "quatre-vingt", "quatre-vingt-dix"),
    "de": ("zwanziger", "dreißiger", "vierziger", "fünfziger", "sechziger", "siebziger", "achtziger", "neunziger"),
    "ar": ("عشرين", "ثلاثين", "أربعين", "خمسين", "ستين", "سبعين", "ثمانين", "تسعين"),
}  # fmt: skip
_DECADE_PATTERN = {  # how each language names a decade; {} is the word above
    "en": r"(?<!\w){}(?!\w)",
    "es": r"(?<!\w)(?:años|década\s+de\s+los)\s+{}(?!\w)",
    "fr": r"(?<!\w)années\s+{}(?![\w-])",
    "de": r"(?<!\w){}[\s-]?jahr",  # die sechziger Jahre, die Sechzigerjahre, in den 60er-Jahren (digits)
    "ar": r"(?<!\w)(?:[وبلف]?ال)?{}ي?ات(?!\w)",  # الستينيات, الستينات, وفي الستينيات
}
# Small numbers in words, 2 to 12 ("one" is also an article). Arabic: both genders; 10 to 12 are
# left out there, as "عشر" is also part of 11 to 19.
_CARDINAL_WORDS = {
    "en": ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"),
    "es": ("dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez", "once", "doce"),
    "fr": ("deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze", "douze"),
    "de": ("zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun", "zehn", "elf", "zwölf"),
    "ar": ("اثنان|اثنين|اثنتان|اثنتين", "ثلاث|ثلاثة", "أربع|أربعة", "خمس|خمسة", "ست|ستة", "سبع|سبعة",
           "ثمان|ثماني|ثمانية", "تسع|تسعة"),
}  # fmt: skip
_CARDINAL_PATTERN = {"ar": r"(?<!\w)[وبلف]?(?:{})(?!\w)(?!\s+عشر)"}  # ثلاثة عشر is 13, not 3
_HOMOGRAPHS = {"dos", "once", "elf"}  # not counted when the language is not known
_ARABIC_SCRIPT = re.compile("[\u0600-\u06ff]")
_ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670\u0640]")  # harakat and tatweel


def numbers_in_words(text: str, language: str | None = None) -> Counter[str]:
    """Numbers that a text names in words: decades ('1960' for "los años sesenta") and 2 to 12."""
    known = language if language in _CARDINAL_WORDS else None
    languages = [known] if known else list(_CARDINAL_WORDS)
    plain = _ARABIC_MARKS.sub("", text).lower()
    found: Counter[str] = Counter()
    for language in languages:
        for tens, word in enumerate(_DECADE_WORDS[language], start=2):
            found[f"decade:{tens}"] += len(
                re.findall(_DECADE_PATTERN[language].format(re.escape(word)), plain)
            )
        pattern = _CARDINAL_PATTERN.get(language, r"(?<!\w){}(?!\w)")
        for value, forms in enumerate(_CARDINAL_WORDS[language], start=2):
            if known or forms not in _HOMOGRAPHS:
                found[str(value)] = max(
                    found[str(value)], len(re.findall(pattern.format(forms), plain))
                )
    return +found


def _decades(text: str) -> Counter[str]:
    """'1960' for each '1960s' (or '1960’s') of a text."""
    return Counter(match.group(1) + "0" for match in _DECADE.finditer(_FOOTNOTE_REF.sub("", text)))


def number_problem(
    msgid: str, msgstr: str, language: str | None = None
) -> tuple[str | None, str | None]:
    """(missing, added): a lost number is an error; an added one is often a number word written in digits.

    A number of the source counts as kept when the translation has it in digits of any script, or
    names it in words (a decade of the source, or 2 to 12; see the module's docstring).
    """
    missing = numbers(msgid) - numbers(msgstr)
    added = numbers(msgstr) - numbers(msgid)
    if missing:
        in_words = numbers_in_words(msgstr, language)
        decades = _decades(msgid)
        for number in list(missing):
            key = f"decade:{number[-2]}" if number in decades and len(number) >= 3 else number
            kept = min(missing[number], in_words[key])
            missing[number] -= kept
            in_words[key] -= kept
        missing = +missing
    lost = (
        f"number(s) of the source missing: {', '.join(sorted(missing.elements()))}"
        if missing
        else None
    )
    extra = (
        f"number(s) not in the source: {', '.join(sorted(added.elements()))}; fine if the source writes them in words"
        if added and not missing
        else None
    )
    return lost, extra


def unsafe_html(msgid: str, msgstr: str) -> str | None:
    """Raw HTML the source does not have; scripts, script URLs and event handlers above all."""
    unsafe = _UNSAFE.search(msgstr)
    if unsafe and not _UNSAFE.search(msgid):
        return f"unsafe HTML or script in the translation ({unsafe.group(0)!r}): it is removed from the page; use plain text and Markdown"
    script = _script_url(msgstr)
    if script and not _script_url(msgid):
        return f"a script URL in the translation ({script!r}, however it is written): it is removed from the page; link only to http(s) addresses"
    new_tags = set(_RAW_TAG.findall(msgstr)) - set(_RAW_TAG.findall(msgid))
    if new_tags:
        return f"raw HTML the source does not have ({', '.join(sorted(new_tags))}): use Markdown; raw HTML is removed from the page"
    return None


def whitespace_problem(msgid: str, msgstr: str) -> str | None:
    lead = (msgid[: len(msgid) - len(msgid.lstrip())], msgstr[: len(msgstr) - len(msgstr.lstrip())])
    trail = (msgid[len(msgid.rstrip()) :], msgstr[len(msgstr.rstrip()) :])
    if lead[0] != lead[1] or trail[0] != trail[1]:
        return "leading or trailing spaces differ from the source"
    return None
