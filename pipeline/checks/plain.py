"""Plain-language versions: short sentences, everyday words or words the glossary explains."""

from __future__ import annotations

import importlib.metadata
import itertools
import math
from collections.abc import Iterator
from functools import cache, lru_cache

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


@lru_cache(maxsize=1 << 15)
def _frequent(word: str, language: str) -> bool:
    """``zipf_frequency(word) >= RARE_ZIPF``, answered from the kept set for a one-token word.
    Remembered: the plain check and the readability view ask it of the same words, and a site's
    texts share most of theirs (wordfreq's tokenizer is the costly part)."""
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
    import wordfreq  # noqa: PLC0415

    return language in wordfreq.available_languages()


def vocabulary(language: str) -> None:
    """Load (or build, into the build's cache) the language's word lists: ``warmup``."""
    if _listed(language):
        _vocabulary(language)


@cache
def _vocabulary(language: str) -> tuple[WordSet, WordSet]:
    import wordfreq  # noqa: PLC0415

    key = digest(
        code_version(), wordfreq.__name__, importlib.metadata.version("wordfreq"), language
    )
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
