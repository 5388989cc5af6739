from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import get_language, get_language_bidi


def site(request: HttpRequest) -> dict[str, object]:
    language = get_language() or "ar"
    return {
        "lang": language,
        "is_english": language.startswith("en"),
        "direction": "rtl" if get_language_bidi() else "ltr",
        "other_language": "ar" if language.startswith("en") else "en",
    }
