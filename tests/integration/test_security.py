"""Attacks a government front door must withstand (issue 5's list, the parts built so far)."""

import time

import pytest
from django.test import Client

from sahl.identity.sessions import SEEN, STARTED
from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_a_cross_site_post_without_the_csrf_token_is_refused(login, demo):
    father = login(demo["father"])
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = father.cookies  # the victim's session, but no token: a forged form elsewhere
    response = strict.post("/applications/2026-0000001/withdraw", {"reason": "forged"})
    assert response.status_code == 403
    response = strict.post("/account/notifications", {"email": "attacker@example.com"})
    assert response.status_code == 403


def test_a_session_cookie_is_worthless_after_logout(login, demo):
    father = login(demo["father"])
    stolen = father.cookies["sessionid"].value
    father.post("/accounts/logout/")
    thief = Client()
    thief.cookies["sessionid"] = stolen
    assert thief.get("/applications").status_code == 302  # sent to log in
    assert "/accounts/login/" in thief.get("/applications")["Location"]


def test_a_session_ends_after_an_hour_idle(login, demo):
    father = login(demo["father"])
    father.get("/applications")
    session = father.session
    session[SEEN] = int(time.time()) - 61 * 60
    session.save()
    response = father.get("/applications")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not logged_in(father)


def test_a_session_ends_a_day_after_login_even_when_busy(login, demo):
    father = login(demo["father"])
    father.get("/applications")
    session = father.session
    session[STARTED] = int(time.time()) - 24 * 60 * 60 - 1
    session.save()
    assert father.get("/applications").status_code == 302
    assert not logged_in(father)


def test_an_active_session_goes_on(login, demo):
    father = login(demo["father"])
    for _ in range(3):
        assert father.get("/applications").status_code == 200


def test_many_wrong_passwords_slow_down_their_source_never_the_person(demo):
    attacker = Client(REMOTE_ADDR="10.0.0.66")
    for _ in range(100):
        attacker.post("/accounts/login/", {"login": demo["father"], "password": "wrong-password"})
    # The attacker's address is held back for the attacked account, even with the right password...
    attacker.post("/accounts/login/", {"login": demo["father"], "password": DEMO_PASSWORD})
    assert not logged_in(attacker)
    # ...while the person logs in from their own address, and other people as usual.
    victim = Client(REMOTE_ADDR="10.0.0.7")
    victim.post("/accounts/login/", {"login": demo["father"], "password": DEMO_PASSWORD})
    assert logged_in(victim)
    other = Client(REMOTE_ADDR="10.0.0.8")
    assert (
        other.post("/accounts/login/", {"login": demo["mother"], "password": DEMO_PASSWORD}).status_code
        == 302
    )
    assert logged_in(other)


def test_the_session_id_is_rotated_at_login(demo):
    client = Client()
    client.get("/accounts/login/")
    client.session.save()
    before = client.session.session_key
    client.post("/accounts/login/", {"login": demo["father"], "password": DEMO_PASSWORD})
    assert client.session.session_key != before and logged_in(client)


def test_cookies_are_http_only_and_same_site(login, demo):
    client = Client()
    response = client.post("/accounts/login/", {"login": demo["father"], "password": DEMO_PASSWORD})
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_passwords_are_hashed_with_argon2id(demo):
    from sahl.identity.models import User

    assert User.objects.get(civil_id=demo["father"]).password.startswith("argon2$argon2id$")


def test_where_a_second_factor_is_required_a_person_without_one_must_set_one_up_first(login, demo, settings):
    settings.SAHL_REQUIRE_SECOND_FACTOR = True
    expat = login(demo["expat"], "en")
    page = expat.get("/applications")
    assert page.status_code == 302 and page["Location"] == "/accounts/2fa/"
    assert "add a second factor" in expat.get("/accounts/2fa/").content.decode()
    api = expat.get("/api/v1/applications")
    assert api.status_code == 403 and api.json()["code"] == "login.second_factor_required"
    assert api["Content-Type"] == "application/problem+json"  # as every API error (core.problems)
    assert api.json()["type"] == "urn:sahl:problem:login.second_factor_required"
    assert set(api.json()["messages"]) == {"ar", "en"} and api.json()["title"] == api.json()["messages"]["en"]
    # The demo company owner has an authenticator app: she goes on as usual.
    assert login(demo["owner"], "en").get("/applications").status_code == 200
