"""Templates know whom the person acts for (the header shows it), at no extra query."""

from __future__ import annotations

from django.http import HttpRequest


def acting(request: HttpRequest) -> dict[str, object]:
    found = getattr(request, "sahl_acting", None)
    return {"acting": found if found is not None and not found.is_self else None}
