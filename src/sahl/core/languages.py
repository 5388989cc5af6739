"""The portal's two languages, and code text (gettext) rendered in one other than the request's.

A message goes out in its recipient's language, an API error answers in both, a page hands its
script the words of both: each renders its lazy text under `override`, never by picking a field.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import override

LANGUAGES = ("ar", "en")


def language_of(code: str | None) -> str:
    """The portal language for a language code: English for any "en…", Arabic for anything else."""
    return "en" if (code or "").startswith("en") else "ar"


def in_language(text: str | Promise, language: str | None) -> str:
    """`text` (usually a gettext_lazy string) as it reads in `language`."""
    with override(language_of(language)):
        return str(text)


def in_both(text: str | Promise) -> dict[str, str]:
    """`text` in Arabic and in English, as an API answers it: {"ar": …, "en": …}."""
    return {language: in_language(text, language) for language in LANGUAGES}
