"""Text that exists in Arabic and English, and the choice between them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

LANGUAGES = ("ar", "en")

# Unicode's isolates: a code (a plate, a reference, a document number) keeps its own left-to-right
# order inside Arabic text, and text a person typed keeps the direction of its first letter. Pages
# turn the runs into <bdi> elements (the `isolated` filter); PDFs and messages keep the marks.
LRI, FSI, PDI = "\u2066", "\u2068", "\u2069"


def isolate(code: str) -> str:
    """`code` marked as one left-to-right unit, wherever it is written ("جواز رقم K1234567")."""
    return f"{LRI}{code}{PDI}"


def as_typed(text: str) -> str:
    """Text a person typed, marked to read in the direction of its own first letter."""
    return f"{FSI}{text}{PDI}"


@dataclass(frozen=True)
class BilingualText:
    ar: str
    en: str

    def __post_init__(self) -> None:
        if not self.ar.strip() or not self.en.strip():
            raise ValueError("both Arabic and English text are required")

    def get(self, language: str) -> str:
        """The text in `language`; Arabic is the default for anything else."""
        return self.en if language.startswith("en") else self.ar

    @classmethod
    def from_dict(cls, value: Any) -> BilingualText:
        if not isinstance(value, dict):
            raise ValueError("must be a mapping with 'ar' and 'en'")
        unknown = set(value) - set(LANGUAGES)
        if unknown:
            raise ValueError(f"unknown language keys: {', '.join(sorted(unknown))}")
        ar, en = value.get("ar"), value.get("en")
        if not isinstance(ar, str) or not ar.strip():
            raise ValueError("'ar' is missing or empty")
        if not isinstance(en, str) or not en.strip():
            raise ValueError("'en' is missing or empty")
        return cls(ar=ar.strip(), en=en.strip())

    def as_dict(self) -> dict[str, str]:
        return {"ar": self.ar, "en": self.en}

    def joined(self) -> str:
        """Both languages in one text, as a history note keeps them: "تمت الموافقة | Approved"."""
        return f"{self.ar}{JOINED}{self.en}"

    @classmethod
    def from_joined(cls, text: str) -> BilingualText | None:
        """The two languages of a `joined` text; None for any other text (one a person typed)."""
        ar, found, en = text.partition(JOINED)
        if not found or JOINED in en or not _ARABIC.search(ar) or _ARABIC.search(en):
            return None
        try:
            return cls(ar.strip(), en.strip())
        except ValueError:
            return None


JOINED = " | "
_ARABIC = re.compile("[\u0600-\u06ff]")
