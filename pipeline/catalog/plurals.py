"""The ``Plural-Forms`` header, exactly as GNU gettext and Weblate write it for each language.

Babel derives its formula from CLDR and orders some forms differently (Arabic: its form 4 is
``n%100>=0 && n%100<=2``, GNU's is ``n%100>=11``); a PO with Babel's formula makes Weblate and
``msgmerge`` users see forms 4 and 5 swapped. The table below is the one in the GNU gettext
manual ("Plural forms", also msginit's plural-table.c), which Weblate uses for these languages;
other languages fall back to Babel's CLDR formula.
"""

from __future__ import annotations

import re

_ONE = "nplurals=1; plural=0;"
_TWO = "nplurals=2; plural=(n != 1);"
_TWO_FR = "nplurals=2; plural=(n > 1);"
_SLAVIC = "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"
GNU_PLURAL_FORMS: dict[str, str] = {
    **dict.fromkeys(["ja", "vi", "ko", "zh", "th", "id", "ms"], _ONE),
    **dict.fromkeys(
        [
            "en",
            "de",
            "nl",
            "sv",
            "da",
            "no",
            "nb",
            "nn",
            "fo",
            "es",
            "pt",
            "it",
            "bg",
            "el",
            "fi",
            "et",
            "he",
            "eo",
            "hu",
            "ca",
        ],
        _TWO,
    ),
    **dict.fromkeys(["fr", "pt_BR"], _TWO_FR),
    **dict.fromkeys(["ru", "uk", "be", "sr", "hr", "bs"], _SLAVIC),
    "lv": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n != 0 ? 1 : 2);",
    "ga": "nplurals=3; plural=n==1 ? 0 : n==2 ? 1 : 2;",
    "ro": "nplurals=3; plural=n==1 ? 0 : (n==0 || (n%100 > 0 && n%100 < 20)) ? 1 : 2;",
    "lt": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "cs": "nplurals=3; plural=(n==1) ? 0 : (n>=2 && n<=4) ? 1 : 2;",
    "sk": "nplurals=3; plural=(n==1) ? 0 : (n>=2 && n<=4) ? 1 : 2;",
    "pl": "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "sl": "nplurals=4; plural=(n%100==1 ? 0 : n%100==2 ? 1 : n%100==3 || n%100==4 ? 2 : 3);",
    "ar": "nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5;",
}
_NPLURALS = re.compile(r"nplurals\s*=\s*(\d+)")


def plural_forms(name: str, babel_formula: str) -> str:
    """GNU's formula for the locale (``pt_BR``, then ``pt``; a modifier ignored), else Babel's."""
    base = name.split("@", 1)[0]
    return (
        GNU_PLURAL_FORMS.get(base) or GNU_PLURAL_FORMS.get(base.split("_", 1)[0]) or babel_formula
    )


def nplurals(header: str | None) -> int | None:
    """The number of plural forms a ``Plural-Forms`` header declares, or None."""
    match = _NPLURALS.search(header or "")
    return int(match.group(1)) if match else None
