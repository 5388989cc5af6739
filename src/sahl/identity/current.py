"""The person behind a request, typed, for views and API endpoints that require a login."""

from __future__ import annotations

from django.http import HttpRequest

from sahl.core.errors import NotFound
from sahl.identity.models import User


def person_of(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # anonymous: login_required / django_auth stop it before this
        raise NotFound("page.not_found")
    return user
