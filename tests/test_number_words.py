"""The number rule a translator meets: a number of the source must be in the translation, in
digits of any script or named in words of the translation's language. Each case is what a
translator would write and what the check must then say (``markup.number_problem``: the error
for a lost number, the warning for an added one)."""

from __future__ import annotations

import pytest

from pipeline.checks import markup

OK = (None, None)


def _missing(*numbers: str) -> tuple[str, None]:
    return (f"number(s) of the source missing: {', '.join(numbers)}", None)


@pytest.mark.parametrize(
    ("source", "translation", "language"),
    [
        ("Take 2 tablets.", "Tome dos comprimidos.", "es"),  # the first word of each table is 2
        ("3 times a day", "tres veces al día", "es"),
        ("for 12 weeks", "durante doce semanas", "es"),
        ("7 days", "sept jours", "fr"),
        ("11 days", "elf Tage", "de"),  # "elf" is German eleven, whatever it means in English
        ("2 doses", "dos dosis", "es"),  # "dos": Spanish two, a French back
        ("5 minutes", "Five minutes", "en"),  # a capital at the start of a sentence
        ("3 days", "ثلاثة أيام", "ar"),
        ("3 days", "ثَلَاثَةُ أَيَّامٍ", "ar"),  # vocalised: harakat are optional in Arabic
        ("for 3 days", "لثلاثة أيام", "ar"),  # with a clitic: "for three"
        ("8 hours", "ثماني ساعات", "ar"),  # the last word of the Arabic table is 9
    ],
)
def test_a_small_number_may_be_written_in_words_of_the_translation_s_language(
    source: str, translation: str, language: str
) -> None:
    assert markup.number_problem(source, translation, language) == OK


@pytest.mark.parametrize(
    ("source", "translation", "language", "expected"),
    [
        # Another number in words is another number.
        ("3 days", "cuatro días", "es", _missing("3")),
        # ثلاثة عشر is thirteen: its "three" does not stand for 3.
        ("3 days", "ثلاثة عشر يوما", "ar", _missing("3")),
        # A word counts as often as it is written: one "tres" keeps one 3.
        ("3 mg, then 3 mg", "tres mg", "es", _missing("3")),
        # English "once" is not eleven; a plain rewrite that lost the number says so.
        ("Take 11 doses over a week.", "Take it once a day.", "en", _missing("11")),
        # A language without a table of number words (Italian): only digits keep a number.
        ("2 doses", "due dosi", "it", _missing("2")),
        # Two numbers lost: both named, in order.
        ("5 mg or 3 mg", "una dosis", "es", _missing("3", "5")),
    ],
)
def test_a_number_neither_in_digits_nor_in_words_is_missing(
    source: str, translation: str, language: str, expected: tuple[str, None]
) -> None:
    assert markup.number_problem(source, translation, language) == expected


@pytest.mark.parametrize(
    ("source", "translation", "expected"),
    [
        ("7 days", "siete días", OK),
        ("in the 1960s", "dans les années soixante", OK),
        # Words that are also other words in another language do not count: French "dos" is a
        # back, English "once" is not 11, German "elf" is an English elf.
        ("2 doses", "dos dosis", _missing("2")),
        ("11 days", "elf Tage", _missing("11")),
        # A word two languages share ("six", English and French) is one number, not two.
        ("6 weeks or 6 months", "six semaines", _missing("6")),
    ],
)
def test_without_the_translation_s_language_every_table_counts_but_words_of_two_meanings(
    source: str, translation: str, expected: tuple[str | None, str | None]
) -> None:
    assert markup.number_problem(source, translation) == expected


@pytest.mark.parametrize(
    ("source", "translation", "language", "expected"),
    [
        ("die 1960s", "die Sechzigerjahre", "de", OK),
        ("in the 1960s", "الستينيات", "ar", OK),
        ("in the 1960s[^1]", "en los años sesenta[^1]", "es", OK),  # a footnote marker after it
        # A decade of a three-digit year is named by its tens as well.
        ("in the 960s", "en los años sesenta", "es", OK),
        # A year is not its decade.
        ("born in 1965", "nacido en los años sesenta", "es", _missing("1965")),
        # Two decades with the same tens need the word twice.
        ("the 1860s and the 1960s", "los años sesenta", "es", _missing("1960")),
        (
            "the 1860s and the 1960s",
            "los años sesenta del siglo XIX y los años sesenta",
            "es",
            OK,
        ),
    ],
)
def test_a_decade_may_be_named_in_words(
    source: str, translation: str, language: str, expected: tuple[str | None, str | None]
) -> None:
    assert markup.number_problem(source, translation, language) == expected


def test_arabic_thousands_and_decimal_separators_are_separators() -> None:
    assert markup.number_problem("1,000 people", "١٬٠٠٠ شخص", "ar") == OK
    assert markup.number_problem("2.5 mg", "٢٫٥ ملغ", "ar") == OK
    assert markup.number_problem("1,000 people", "١٠٠ شخص", "ar") == (
        "number(s) of the source missing: 1000",
        None,
    )


def test_numbers_added_are_listed_together_in_one_warning() -> None:
    assert markup.number_problem("Rest.", "Descanse 2 o 3 días.", "es") == (
        None,
        "number(s) not in the source: 2, 3; fine if the source writes them in words",
    )
