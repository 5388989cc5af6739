"""Text that exists in Arabic and English, and the choice between them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

LANGUAGES = ("ar", "en")


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
