"""Korean particles, taken off a word so that a glossary term is found with them attached.

Korean writes its case and topic markers, and the copula, as endings joined to the noun: 만성
통증을 is "chronic pain" as an object, 수액은 "the infusion" as a topic, 통증입니다 "it is pain".
Read as words, 통증을 is not 통증, and every approved term followed by a particle — nearly every
noun in a sentence — was reported missing. Snowball has no Korean stemmer; this one takes one
such ending off each word, the longest that fits, and always leaves a syllable. Terms and texts go
through the same rule, so they are compared alike. Like any light stemmer it sometimes takes off a
syllable that belongs to the word (아이, "child", loses its 이) — in the term and the text alike,
which can make a match easier, never hide a term that is there.
"""

from __future__ import annotations

from collections.abc import Iterable

# Case, topic and other noun particles, their usual combinations, and the copula's forms
# (written joined to the noun). Verb endings are not here: glossary terms are nouns.
_PARTICLES = (
    "에서부터", "으로부터", "로부터", "에게서", "한테서", "께서는", "에서는", "에서도", "에게는",
    "에게도", "으로는", "으로도", "으로써", "으로서", "이라는", "이라고", "까지는", "까지도",
    "부터는", "보다는", "입니다", "이에요", "에서", "에게", "한테", "께서", "으로", "로써", "로서",
    "까지", "부터", "보다", "처럼", "마저", "조차", "밖에", "이나", "이랑", "하고", "에는", "에도",
    "과의", "와의", "로는", "로도", "라는", "라고", "이다", "이며", "이고", "예요", "은", "는",
    "이", "가", "을", "를", "의", "에", "께", "로", "와", "과", "도", "만", "나", "랑",
)  # fmt: skip
PARTICLES = tuple(sorted(_PARTICLES, key=len, reverse=True))


class ParticleStemmer:
    """Snowball's stemmer interface (``stemWord``, ``stemWords``) for Korean."""

    def stemWord(self, word: str) -> str:
        for particle in PARTICLES:
            if word.endswith(particle) and len(word) > len(particle):
                return word[: -len(particle)]
        return word

    def stemWords(self, words: Iterable[str]) -> list[str]:
        return [self.stemWord(word) for word in words]
