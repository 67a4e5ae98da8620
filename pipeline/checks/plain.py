"""Plain-language versions: short sentences, everyday words or words the glossary explains."""

from __future__ import annotations

import importlib.util
import itertools
import math
import re
from collections.abc import Iterator
from functools import cache, lru_cache
from pathlib import Path

from pipeline.checks.subject import Shown, Subject, short
from pipeline.language import formulas, terms
from pipeline.language.wordset import WordSet
from pipeline.model import ERROR, WARNING, Finding
from pipeline.store import kinds
from pipeline.store.cache import code_version, digest, table

CHECKS = {"plain-long-sentence": ERROR, "plain-rare-word": WARNING}
COMMON_WORDS = 25000  # a word whose stem is among the stems of these is not rare
RARE_ZIPF = (
    2.5  # about one use in three million words: inflected forms of everyday verbs stay above it
)


def run(subject: Subject) -> Iterator[Finding]:
    if not subject.locale.is_plain:
        return
    explained = _glossary_stems(subject)
    for shown in subject.shown:
        message = subject.catalog.messages.get(shown.unit.msgid) if subject.catalog else None
        if shown.text == shown.unit.msgid and message is not None and message.note:
            continue  # kept verbatim on purpose (a citation), and the translator said why
        yield from _long_sentences(subject, shown)
        if shown.text != shown.unit.msgid:
            yield from _rare(subject, shown, explained)


def _long_sentences(subject: Subject, shown: Shown) -> Iterator[Finding]:
    limit = formulas.PLAIN_MAX_SENTENCE_WORDS
    for sentence in formulas.sentences(formulas.plain_words(shown.text)):
        words = formulas.word_count(sentence)
        if words > limit:
            message = f"{words} words (plain language: at most {limit}): “{short(sentence)}”"
            yield subject.finding(
                "plain-long-sentence", ERROR, message, shown.unit.msgid, shown.line
            )


def _rare(subject: Subject, shown: Shown, explained: frozenset[str]) -> Iterator[Finding]:
    language = subject.locale.language
    rare = rare_words(
        formulas.plain_words(shown.text),
        language,
        explained | set(terms.words(shown.unit.msgid, language)),
    )
    if rare:
        message = f"rare word(s) not explained by the glossary: {', '.join(rare)}"
        yield subject.finding("plain-rare-word", WARNING, message, shown.unit.msgid, shown.line)


def _glossary_stems(subject: Subject) -> frozenset[str]:
    """Words the page's "Words to know" explains: using them is fine in a plain text."""
    language = subject.locale.language
    catalog = subject.glossary_catalog
    if catalog is None:
        return frozenset()
    found: set[str] = set()
    for message in catalog.messages.values():
        if message.translated and len(message.msgstr) < 60:
            found.update(terms.stems(message.msgstr, language))
    return frozenset(found)


def rare_words(text: str, language: str, explained: frozenset[str] | set[str]) -> list[str]:
    """Rare as a word *and* as a family: "vigilarán" is a rare form of the everyday "vigilar".
    A language wordfreq has no list for (Thai, say) has no rare words: nothing to judge them by."""
    if not _listed(language):
        return []
    rare = []
    common = _vocabulary(language)[1]
    for word in dict.fromkeys(
        w for w in terms.words(text, language) if terms.lettered(w) and len(w) > 3
    ):
        if word in explained or _frequent(word, language):
            continue
        stem = set(terms.stems(word, language))
        if not stem & explained and not any(s in common for s in stem):
            rare.append(word)
    return rare


# Where wordfreq's tokenizer is certain to give back the word itself, case-folded, as its one
# token: a Latin-script language with none of its special rules (no dotless i, no comma or cedilla
# under letters, no transliteration; wordfreq's language_info), and a word of letters that are
# already in NFC and are letters to its regular expression. tests/test_plain_words.py holds the
# two equal on generated words.
_PLAIN_LATIN = frozenset(
    {"en", "es", "de", "fr", "it", "pt", "nl", "ca", "da", "sv", "nb", "fi", "pl", "cs"}
)
_LATIN_WORD = re.compile("[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff]+")


@lru_cache(maxsize=1 << 15)
def _frequent(word: str, language: str) -> bool:
    """``zipf_frequency(word) >= RARE_ZIPF``, answered from the kept set for a one-token word.
    Remembered: the plain check and the readability view ask it of the same words, and a site's
    texts share most of theirs (wordfreq's tokenizer is the costly part)."""
    if language in _PLAIN_LATIN and _LATIN_WORD.fullmatch(word):
        return word.casefold() in _vocabulary(language)[0]  # wordfreq's one token (tests prove it)
    from wordfreq import zipf_frequency  # noqa: PLC0415 (a build with nothing to check never loads it)
    from wordfreq.tokens import lossy_tokenize  # noqa: PLC0415

    try:
        tokens = lossy_tokenize(word, language)
    except ModuleNotFoundError:  # Japanese and Chinese need MeCab or jieba, optional extras
        tokens = [word]  # already one word of our own tokenizer: looked up as written
    if len(tokens) == 1 and not any(c.isdigit() for c in tokens[0]):
        return tokens[0] in _vocabulary(language)[0]
    return zipf_frequency(word, language) >= RARE_ZIPF  # several tokens: wordfreq's own rule


@cache
def _listed(language: str) -> bool:
    """``language in wordfreq.available_languages()``, read as wordfreq reads it (the names of
    its list files) without importing it: the import alone costs 0.2 s of a save's rebuild."""
    spec = importlib.util.find_spec("wordfreq")
    folders = spec.submodule_search_locations if spec is not None else None
    if not folders:
        return False
    return any(
        path.name.split(".")[0].split("_") in (["small", language], ["large", language])
        for path in (Path(folders[0]) / "data").glob("*.msgpack.gz")
    )


def vocabulary(language: str) -> None:
    """Load (or build, into the build's cache) the language's word lists: ``warmup``."""
    if _listed(language):
        _vocabulary(language)


@cache
def _vocabulary(language: str) -> tuple[WordSet, WordSet]:
    # the lists' key names wordfreq without importing it (0.2 s): a kept table needs no wordfreq
    from importlib import metadata  # noqa: PLC0415 (it imports email and zipfile)

    key = digest(code_version(), "wordfreq", metadata.version("wordfreq"), language)
    return table(kinds.VOCABULARY, key, lambda: _read_vocabulary(language))


def _read_vocabulary(language: str) -> tuple[WordSet, WordSet]:
    """(the words at or above ``RARE_ZIPF``, the stems of the ``COMMON_WORDS`` most frequent).

    Both from one read of wordfreq's list for the language, which is then let go: wordfreq keeps
    every list it has read (tens of megabytes each) for its own lookups, in every process, while
    the check needs only these two sets. The list is in frequency bands (centibels), most
    frequent first; a band's Zipf value is worked out as ``zipf_frequency`` does it.
    """
    import wordfreq  # noqa: PLC0415

    bands = wordfreq.get_frequency_list(language)
    frequent: set[str] = set()
    for index, band in enumerate(bands):
        if _band_zipf(index) < RARE_ZIPF:
            break
        frequent.update(band)
    top = itertools.islice(itertools.chain.from_iterable(bands), COMMON_WORDS)
    stems = WordSet(terms.stems_of_many(top, language))
    wordfreq.get_frequency_list.cache_clear()
    wordfreq.get_frequency_dict.cache_clear()
    return WordSet(frequent), stems


def _band_zipf(index: int) -> float:
    """The Zipf value ``zipf_frequency`` gives a word of band ``index`` (its rounding included)."""
    import wordfreq  # noqa: PLC0415

    freq = wordfreq.cB_to_freq(-index)
    freq = round(freq, math.floor(-math.log(freq, 10)) + 3)
    return round(wordfreq.freq_to_zipf(freq), 2)
