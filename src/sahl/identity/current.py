"""The person behind a request, typed, for views and API endpoints that require a login; the address
it comes from."""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from sahl.core.errors import NotFound
from sahl.identity.models import User


def person_of(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # anonymous: login_required / django_auth stop it before this
        raise NotFound("page.not_found")
    return user


def address_of(request: HttpRequest | None) -> str:
    """The client's address as allauth sees it (its trusted-proxy settings apply), "" if unknown: what
    the throttles count a source by (identity.rules.source_of)."""
    if request is None:
        return ""
    try:
        return str(get_adapter(request).get_client_ip(request))
    except PermissionDenied:
        return ""
