"""A person's name partly hidden: enough for someone who knows the person to recognise them (or to
see at once that a mistyped civil ID named someone else), too little to learn who they are.

Each name keeps its first letter and hides the others, one mask character per letter hidden:
"محمد سالم المطيري" reads "م*** س*** الم****", "Mohammad Salem Al-Mutairi" reads
"M******* S**** Al-M******". So that the result still reads as a name in either language:

- the article and the particles of a name are not names: "ال" of "المطيري" and "Al" of
  "Al-Mutairi", "بن" and "bin", "آل"; they stay as written and the name after them shows its own
  first letter;
- a compound given name written in two words ("عبد الله", "أبو بكر", "Abdul Rahman") is one name:
  its first word stays as written and the second shows its first letter, so the compound does not
  read as two names;
- a name of one letter has nothing to hide; diacritics and tatweel are dropped (they are not letters
  and would only make the mask longer); punctuation inside a name (O'Brien, J.) stays.
"""

from __future__ import annotations

import re
import unicodedata

from sahl.core.bilingual import BilingualText

MASK = "*"

# Harakat, tanween, shadda, sukun, superscript alef, Quranic marks, and tatweel.
_NOT_LETTERS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")

# Words that are not a name by themselves when another word follows: the first word of a compound
# given name (عبد الله، أبو بكر، Abdul Rahman), "son/daughter of", and the family's "Al".
_KEPT = frozenset(
    {
        "عبد",
        "أبو",
        "ابو",
        "بن",
        "بنت",
        "ابن",
        "آل",
        "ال",
        "abd",
        "abdul",
        "abdel",
        "abdal",
        "abu",
        "abo",
        "bin",
        "bint",
        "ibn",
        "al",
        "el",
    }
)
ARTICLE = "ال"


def masked(name: str) -> str:
    """The name with each of its names reduced to the first letter and a mask per hidden letter."""
    words = _NOT_LETTERS.sub("", unicodedata.normalize("NFC", name)).split()
    return " ".join(_word(word, last=index == len(words) - 1) for index, word in enumerate(words))


def masked_name(name: BilingualText) -> BilingualText:
    """The name in both languages, each masked by the same rule."""
    return BilingualText(ar=masked(name.ar), en=masked(name.en))


def _word(word: str, *, last: bool) -> str:
    """One word; a hyphen joins parts of one word ("Al-Mutairi"), each part read as a word."""
    parts = word.split("-")
    return "-".join(_part(part, kept=index < len(parts) - 1 or not last) for index, part in enumerate(parts))


def _part(part: str, *, kept: bool) -> str:
    """One name. `kept`: another name follows, so an article or a particle stays as written."""
    if kept and part.casefold() in _KEPT:
        return part
    shown = len(ARTICLE) + 1 if part.startswith(ARTICLE) and _letters(part) > len(ARTICLE) + 1 else 1
    result, seen = [], 0
    for character in part:
        if unicodedata.category(character).startswith(("L", "N")):
            seen += 1
            result.append(character if seen <= shown else MASK)
        else:
            result.append(character)
    return "".join(result)


def _letters(part: str) -> int:
    return sum(1 for c in part if unicodedata.category(c).startswith(("L", "N")))
