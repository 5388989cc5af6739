"""Normalising Arabic (and English) text so that search forgives spelling variants."""

from __future__ import annotations

import re
import unicodedata

# Hamza forms of alef, alef wasla and madda -> bare alef; taa marbuta -> haa; alef maqsura -> yaa;
# hamza on waw/yaa -> the bare letter.
_LETTERS = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ة": "ه",
        "ى": "ي",
        "ؤ": "و",
        "ئ": "ي",
        "ـ": None,  # tatweel
    }
)
# Harakat, tanween, shadda, sukun, superscript alef, Quranic marks.
_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_NOT_WORD = re.compile(r"[^\w]+")


def normalize(text: str) -> str:
    """Lower-case, strip diacritics and tatweel, and fold letter variants; words split by one space."""
    text = unicodedata.normalize("NFKC", text)
    text = _DIACRITICS.sub("", text).translate(_LETTERS).casefold()
    return " ".join(_NOT_WORD.sub(" ", text).split())
