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
    if isinstance(text, Promise):
        return _translated(text, language_of(language))
    with override(language_of(language)):
        return str(text)


# A lazy text (most are constants of the code) translated once per process and language: an API
# answer reads several in both languages, and each `override` costs more than the rest of the
# lookup. Keyed by the object, kept with it so that no other object can take its id; bounded, for
# lazy texts made on the fly.
_TRANSLATED: dict[tuple[int, str], tuple[Promise, str]] = {}
_TRANSLATED_MOST = 4096


def _translated(text: Promise, language: str) -> str:
    kept = _TRANSLATED.get((id(text), language))
    if kept is not None and kept[0] is text:
        return kept[1]
    with override(language):
        found = str(text)
    if len(_TRANSLATED) >= _TRANSLATED_MOST:
        _TRANSLATED.clear()
    _TRANSLATED[(id(text), language)] = (text, found)
    return found


def in_both(text: Wording) -> dict[str, str]:
    """`text` in Arabic and in English, as an API answers it: {"ar": …, "en": …}."""
    return {language: in_language(text, language) for language in LANGUAGES}
