"""Sessions as Django's cached_db keeps them, read together with the kept login (ADR 0068).

A logged-in request needs its session and then the person it names (identity.kept): two round trips
to the shared cache, about 150 µs each on this machine, a tenth of an API answer. A logged-in
session's key therefore starts with its user's id (`123-` and 36 random characters for user 123),
given to it at login: the session, the kept person and its version are then read in one round trip.
The id is only a hint: the person is taken from the session's own data, and a key without one (an
anonymous session, or one from before) is read as Django reads it. The key keeps at least 30 random
characters (over 155 bits) and fits Django's 40."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.core.cache import DEFAULT_CACHE_ALIAS
from django.utils.crypto import get_random_string

from sahl.identity import kept

KEY_LENGTH = 40  # django_session.session_key's column
RANDOM_AT_LEAST = 30


def user_hint(session_key: str | None) -> str | None:
    """The user id a session key starts with, if it does (a hint: the session's data decides)."""
    head, dash, _ = (session_key or "").partition("-")
    return head if dash and head.isdigit() else None


class SessionStore(cached_db.SessionStore):
    kept_login: tuple[str, Any, Any] | None = None  # (user id, the kept entry, its version) read along

    def load(self) -> dict[str, Any]:
        user_id = user_hint(self.session_key)
        # The kept login lives in the default cache: read along only when sessions do too.
        if user_id is None or not kept.keeping() or settings.SESSION_CACHE_ALIAS != DEFAULT_CACHE_ALIAS:
            return super().load()
        entry_key, version_key = kept.keys(user_id)
        try:
            found = self._cache.get_many([self.cache_key, entry_key, version_key])  # type: ignore[attr-defined]
        except Exception:  # as Django's load: an unreadable cache is a missing entry
            found = {}
        data = found.get(self.cache_key)
        if data is None:
            return super().load()  # the database's copy, put back in the cache
        self.kept_login = (user_id, found.get(entry_key), found.get(version_key))
        return data

    def _get_new_session_key(self) -> str:
        user_id = str((self._session_cache if hasattr(self, "_session_cache") else {}).get(SESSION_KEY, ""))
        random = KEY_LENGTH - len(user_id) - 1
        if not user_id.isdigit() or random < RANDOM_AT_LEAST:
            return super()._get_new_session_key()  # type: ignore[misc]
        while True:
            key = f"{user_id}-{get_random_string(random, VALID_KEY_CHARS)}"
            if not self.exists(key):
                return key


def name_the_user(session: Any) -> None:
    """At login (after Django's `login` wrote the user into the session and gave it a new key): a
    new key again, now one that starts with the user's id. One more write, once per login."""
    if isinstance(session, SessionStore) and user_hint(session.session_key) != str(session.get(SESSION_KEY)):
        session.cycle_key()
