"""With SAHL_CACHE_URL (several web processes or machines), the cache is Redis: sessions are read
from it, the registers' profiles are kept in it, and what one process changes every other one sees."""

import os
import uuid

import pytest
import redis
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sahl.identity.models import User
from sahl.registry import models as m
from sahl.registry.adapters import registers
from tests.redis_here import redis_or_skip

pytestmark = pytest.mark.django_db
URL = os.environ.get("SAHL_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def shared(settings):
    redis_or_skip(URL)
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {
        "default": {
            "BACKEND": "sahl.core.redis_cache.RedisCache",
            "LOCATION": URL,
            "KEY_PREFIX": prefix,
        }
    }
    settings.SESSION_ENGINE = "sahl.identity.session_store"
    settings.SAHL_REGISTER_PROFILE_SECONDS = 60
    yield redis.Redis.from_url(URL)  # a connection of its own, as another process has
    other = redis.Redis.from_url(URL)
    for key in other.scan_iter(f"{prefix}:*"):
        other.delete(key)


def sessions_read(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return sum("django_session" in q["sql"] for q in queries.captured_queries)


def test_sessions_are_read_from_redis_and_a_logout_ends_them_everywhere(shared, login, demo):
    father = login(demo["father"])
    father.get("/inbox")
    assert sessions_read(father, "/inbox") == 0  # from Redis, not the database
    elsewhere = Client()  # another web process, the same cookie
    elsewhere.cookies = father.cookies
    assert elsewhere.get("/inbox").status_code == 200
    father.post("/accounts/logout/")
    assert elsewhere.get("/inbox").status_code == 302  # to the login page: the session is gone


def test_a_profile_kept_by_one_process_is_forgotten_for_all_by_a_change(shared, demo):
    registers().profile(demo["father"], timezone.localdate())
    kept = [k for k in shared.scan_iter(f"{cache.key_prefix}:*") if b"registry:profile:" in k]
    assert len(kept) == 1 and demo["father"].encode() in kept[0]
    passport = m.Passport.objects.get(holder__civil_id=demo["father"])
    passport.save(update_fields=["expires_on"])
    assert not shared.exists(kept[0])


def test_the_cache_keeps_one_redis_client_for_the_process(shared):
    """Django would build a new Redis client for every call (about 80 µs each, four calls a page)."""
    backend = cache._cache  # type: ignore[attr-defined]
    assert backend.get_client() is backend.get_client()
    assert backend.get_client(write=True) is backend.get_client(write=True)
    cache.set("kept", "yes")
    assert cache.get("kept") == "yes"
    assert shared.get(f"{settings_prefix()}:1:kept") is not None  # written to Redis, not elsewhere


def settings_prefix() -> str:
    from django.conf import settings

    return settings.CACHES["default"]["KEY_PREFIX"]


def test_a_warm_request_reads_its_session_and_its_person_in_one_round_trip(shared, login, demo, monkeypatch):
    """The session's key starts with the person's id from the login on (identity.session_store), so
    the session, the kept person and its version come in one MGET; the person is still the one the
    session's own data names."""
    father = login(demo["father"])
    key = father.cookies["sessionid"].value
    assert key.split("-", 1)[0] == str(User.objects.get(civil_id=demo["father"]).pk) and len(key) == 40
    father.get("/inbox")
    sent: list[tuple[str, ...]] = []
    real = redis.Redis.execute_command

    def counted(self, *args, **options):  # type: ignore[no-untyped-def]
        sent.append(tuple(str(a) for a in args))
        return real(self, *args, **options)

    monkeypatch.setattr(redis.Redis, "execute_command", counted)
    assert father.get("/inbox").status_code == 200
    about_the_login = [c for c in sent if any("session" in a or "identity:login" in a for a in c)]
    assert len(about_the_login) == 1 and about_the_login[0][0] == "MGET", sent


def test_a_session_key_naming_another_person_gives_no_one_else_s_login(shared, login, demo):
    """A key's leading id is only where to look: a session whose key names another id (forged, or
    left over) is read for the person its data names."""
    from sahl.identity.session_store import SessionStore

    father = login(demo["father"])
    father.get("/inbox")
    mother_id = User.objects.get(civil_id=demo["mother"]).pk
    store = SessionStore(father.cookies["sessionid"].value)
    data = store.load()
    forged = SessionStore()
    forged._session_key = f"{mother_id}-{'a' * (39 - len(str(mother_id)))}"
    forged._session_cache = data
    forged.save(must_create=True)
    other = Client()
    other.cookies["sessionid"] = forged.session_key
    page = other.get("/inbox")
    assert page.status_code == 200
    assert page.wsgi_request.user.civil_id == demo["father"]
