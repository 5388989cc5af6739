"""The portal's two languages, and text rendered in one other than the request's.

Code text is gettext (the English is the msgid, the Arabic in the catalogue); data carries both
languages (BilingualText). A message goes out in its recipient's language, an API answers in
both, a page hands its script the words of both: each renders the text under `override`, never
by picking a field.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import override

from sahl.core.bilingual import LANGUAGES, BilingualText

# Text a person reads: data in both languages, or code text (a gettext_lazy string, or plain str).
Wording = BilingualText | Promise | str


def language_of(code: str | None) -> str:
    """The portal language for a language code: English for any "en…", Arabic for anything else."""
    return "en" if (code or "").startswith("en") else "ar"


def in_language(text: Wording, language: str | None) -> str:
    """`text` as it reads in `language`."""
    if isinstance(text, BilingualText):
        return text.get(language_of(language))
    with override(language_of(language)):
        return str(text)


def in_both(text: Wording) -> dict[str, str]:
    """`text` in Arabic and in English, as an API answers it: {"ar": …, "en": …}."""
    return {language: in_language(text, language) for language in LANGUAGES}
