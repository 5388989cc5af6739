"""The header's language switch."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.i18n import set_language as django_set_language

from sahl.ui.languages import language_chosen, supported


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's switch (the cookie, back to `next`), and the choice announced: for a logged-in
    person it is their language, of pages and of messages alike (identity listens)."""
    response = django_set_language(request)
    language = supported(request.POST.get("language")) if request.method == "POST" else None
    if language is not None:
        language_chosen.send(sender=None, request=request, language=language)
    return response
