"""The page language a person chooses: the header's switch, the cookie that carries the choice, and
the signal that tells the apps above (identity keeps a logged-in person's choice as their one
language preference, which their messages follow too)."""

from __future__ import annotations

from django.conf import settings
from django.dispatch import Signal
from django.http import HttpResponseBase

# request, language: a person chose the language of Sahl's pages with the header's switch.
language_chosen = Signal()


def supported(language: object) -> str | None:
    """The portal language code for `language`, or None when Sahl has no such language."""
    codes = {code for code, _ in settings.LANGUAGES}
    return language if isinstance(language, str) and language in codes else None


def remember(response: HttpResponseBase, language: str) -> None:
    """Set the language cookie on the response as Django's own switch does (the next page is in it)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]  # "Lax" in settings
    )
