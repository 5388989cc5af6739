"""What a logged-in request knows without a query: the person and their staff membership (ADR 0044).

The user row (without its password hash) and the membership with its agency are kept in the shared
cache for `SAHL_KEEP_LOGIN_SECONDS` under the user's version (core.versioned). Any change to the
user (deactivation, password, language, unread counter) or to the membership forgets it at once, in
every process that shares the cache. The session's auth hash is kept beside it, so a password
changed elsewhere still ends the other sessions on their next request; anything else falls back to
Django's own `get_user`, which also logs out a deactivated person."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

from sahl.core import versioned
from sahl.identity.models import StaffMembership, User

KEPT_UNDER = "_sahl_kept_token"  # on a user read through here: the version it was kept under


def keeping() -> bool:
    return int(getattr(settings, "SAHL_KEEP_LOGIN_SECONDS", 0)) > 0


def _key(user_id: object) -> str:
    return f"identity:login:{user_id}"


def _version(user_id: object) -> str:
    return f"identity:login-version:{user_id}"


def keys(user_id: object) -> tuple[str, str]:
    """The cache's keys of a person's kept copy and of its version (for reading them along with the
    session, identity.session_store)."""
    return _key(user_id), _version(user_id)


def forget(user_id: object) -> None:
    """The person changed (or their membership did): their next request reads them again."""
    if user_id is not None:
        versioned.forget(_version(user_id))


def user_of(request: HttpRequest) -> Any:
    """`auth.get_user`, from the kept copy when there is a current one."""
    user_id = request.session.get(auth.SESSION_KEY)
    if not keeping() or user_id is None:
        return auth.get_user(request)
    read_along = getattr(request.session, "kept_login", None)
    if read_along is not None and read_along[0] == str(user_id):  # in the session's round trip
        entry, token = versioned.current(read_along[1], read_along[2], _version(user_id))
    else:
        entry, token = versioned.read(_key(user_id), _version(user_id))
    if entry is not None:
        backend, auth_hash, names, values, membership = entry
        session_hash = request.session.get(auth.HASH_SESSION_KEY)
        if (
            backend == request.session.get(auth.BACKEND_SESSION_KEY)
            and session_hash
            and constant_time_compare(session_hash, auth_hash)
        ):
            return _rebuilt(names, values, membership, token)
    user = auth.get_user(request)  # Django's checks: the backend, is_active, the password's hash
    if isinstance(user, User):
        _keep(request, user, token)
    return user


def remember(request: HttpRequest, user: User) -> None:
    """At login, once the login has written the user: the first page after it is warm too."""
    if keeping() and request.session.get(auth.SESSION_KEY) == str(user.pk):
        _keep(request, user, versioned.read(_key(user.pk), _version(user.pk))[1])


def _keep(request: HttpRequest, user: User, token: str) -> None:
    membership = StaffMembership.objects.select_related("agency").filter(user_id=user.pk).first()
    user._state.fields_cache["membership"] = membership
    setattr(user, KEPT_UNDER, token)
    names = [f.attname for f in User._meta.concrete_fields if f.attname != "password"]
    values = [_as_read(getattr(user, name)) for name in names]
    entry = (
        request.session.get(auth.BACKEND_SESSION_KEY),
        user.get_session_auth_hash(),
        names,
        values,
        membership,
    )
    versioned.keep(_key(user.pk), token, entry, settings.SAHL_KEEP_LOGIN_SECONDS)


def _as_read(value: Any) -> Any:
    """A value as the database gives it back: moments in UTC (the user in hand may carry the zone it
    was made in, e.g. Kuwait's for the demo people), so a kept copy reads as a fresh one."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC)
    return value


def _rebuilt(names: list[str], values: list[Any], membership: StaffMembership | None, token: str) -> User:
    # The password is left deferred (never kept in the cache): reading it loads it, and a save()
    # writes only the fields loaded (Django's rule for deferred fields), never an empty password.
    user = User.from_db("default", names, values)
    user._state.fields_cache["membership"] = membership
    setattr(user, KEPT_UNDER, token)
    return user


def membership_of(user: User) -> StaffMembership | None:
    """The person's staff membership with its agency: the kept one when the user came through here."""
    if User.membership.related.is_cached(user):
        found = User.membership.related.get_cached_value(user)
        return found if isinstance(found, StaffMembership) else None
    return StaffMembership.objects.select_related("agency").filter(user_id=user.pk).first()


class KeptUserMiddleware(AuthenticationMiddleware):
    """Django's AuthenticationMiddleware, with `request.user` from the kept copy."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)

        def get() -> Any:
            if not hasattr(request, "_cached_user"):
                request._cached_user = user_of(request)  # type: ignore[attr-defined]
            return request._cached_user  # type: ignore[attr-defined]

        request.user = SimpleLazyObject(get)  # type: ignore[assignment]
