"""An app's access token on the people's API (`Authorization: Bearer`, RFC 6750), beside the session.

A call with a token needs no CSRF token: a browser never adds this header to a request another site
makes. Each area of the API asks for its scope (identity.scopes); a token without it is refused 403
(`insufficient_scope`), a token that is unknown, expired or revoked 401 (`invalid_token`). The token
is looked up by django-oauth-toolkit, which keeps only its SHA-256."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer
from oauth2_provider.models import AbstractAccessToken
from oauth2_provider.oauth2_validators import OAuth2Validator

from sahl.identity.models import User
from sahl.identity.scopes import SCOPES


class TokenInvalid(Exception):
    """No live access token: unknown, expired, revoked, or its person's account is closed."""


class ScopeMissing(Exception):
    """A live token whose scopes lack the one the operation needs."""

    def __init__(self, scope: str) -> None:
        super().__init__(scope)
        self.scope = scope


class AppToken(HttpBearer):
    """A person's app calling with its access token; `scope` is what the operation's area needs."""

    def __init__(self, scope: str) -> None:
        if scope not in SCOPES:
            raise ValueError(f"unknown scope {scope!r}: add it to identity.scopes.SCOPES")
        super().__init__()
        self.scope = scope

    def authenticate(self, request: HttpRequest, token: str) -> AbstractAccessToken:
        found = live_token(token)
        if not found.allow_scopes([self.scope]):
            raise ScopeMissing(self.scope)
        request.user = found.user  # what every view reads the person from (identity.current.person_of)
        return found


def live_token(token: str) -> AbstractAccessToken:
    """The live access token `token` is, with its person and app. Looked up as the library's own
    validator does (by the token's hash: the library stores no token in clear)."""
    found = OAuth2Validator()._load_access_token(token.strip()) if token.strip() else None
    if found is None or found.is_expired() or not isinstance(found.user, User) or not found.user.is_active:
        raise TokenInvalid
    return found
