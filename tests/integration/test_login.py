"""Logging in with a civil ID and a password, for people and for agency staff."""

import pytest

from sahl.identity.models import StaffMembership, User
from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def login(client, civil_id, password=DEMO_PASSWORD):
    return client.post("/accounts/login/", {"login": civil_id, "password": password})


def test_a_person_logs_in_with_the_civil_id_and_sees_their_name(client, demo):
    response = login(client, demo["father"])
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert "أحمد خالد المطيري" in html


def test_the_session_id_changes_at_login(client, demo):
    client.get("/accounts/login/")
    before = client.session.session_key
    login(client, demo["father"])
    assert client.session.session_key != before


def test_a_late_request_with_the_cookie_from_before_the_login_leaves_the_new_session_alone(client, demo):
    """A request the browser sent before logging in (a service worker's update check, the login
    page's polling) may be answered after the login replaced the session: its answer must not delete
    the new session's cookie, which logged people out at random."""
    from django.conf import settings
    from django.test import Client

    client.get("/accounts/login/")  # the login page keeps its wallet request in an anonymous session
    old = client.cookies[settings.SESSION_COOKIE_NAME].value
    login(client, demo["father"])
    late = Client()
    late.cookies[settings.SESSION_COOKIE_NAME] = old
    answer = late.get("/sw.js")
    assert settings.SESSION_COOKIE_NAME not in answer.cookies  # neither deleted nor replaced
    assert "أحمد خالد المطيري" in client.get("/").content.decode()  # still logged in
    logged_out = client.post("/accounts/logout/")
    assert logged_out.cookies[settings.SESSION_COOKIE_NAME].value == ""  # logging out still deletes it


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(client, demo):
    response = login(client, demo["father"], "not-the-password")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_malformed_civil_id_gets_a_clear_error_in_arabic_and_in_english(client):
    response = login(client, "12345")
    assert "الرقم المدني يتكون من 12 رقماً" in response.content.decode()
    client.cookies["sahl_language"] = "en"
    response = login(client, "288031400028")
    assert "This civil ID is not valid" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_staff_accounts_belong_to_one_agency(client, demo):
    staff = User.objects.get(civil_id=demo["caseworker"])
    assert staff.membership.agency.code == "moi"
    assert StaffMembership.objects.filter(user=staff).count() == 1
    assert login(client, demo["caseworker"]).status_code == 302


def test_signing_up_without_proving_who_one_is_is_closed(client):
    """allauth's sign-up form is gone: joining goes through the civil ID card (test_joining)."""
    assert client.get("/accounts/signup/")["Location"] == "/accounts/join/"
    fields = {"username": "279040477779", "password1": "a camel crossing", "password2": "a camel crossing"}
    response = client.post("/accounts/signup/", fields)
    assert response.status_code in (302, 405) and "_auth_user_id" not in client.session
    assert User.objects.filter(civil_id="279040477779").count() == 0


def test_logged_in_people_see_whether_they_can_apply(client, demo):
    login(client, demo["fines"])
    client.cookies["sahl_language"] = "en"
    html = client.get("/services/moi.vehicle-registration-renewal").content.decode()
    assert "You cannot apply yet" in html
    assert "unpaid traffic fines" in html

    client.post("/accounts/logout/")
    login(client, demo["expat"])
    html = client.get("/services/moi.vehicle-registration-renewal").content.decode()
    assert "You meet the conditions of this service" in html
