"""A second factor: the authenticator app (TOTP), with one-time codes that cannot be replayed."""

import time
from unittest import mock

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.test import Client

from sahl.demo.management.commands.seed_demo import TWO_FACTOR
from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def code_now(secret: str) -> str:
    """What an authenticator app shows now (RFC 6238: 30-second steps)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_a_person_with_an_authenticator_app_needs_its_code_to_log_in(demo):
    client = Client()
    response = client.post("/accounts/login/", {"login": demo["owner"], "password": DEMO_PASSWORD})
    assert response.status_code == 302 and "/2fa/authenticate" in response["Location"]
    assert "_auth_user_id" not in client.session  # the password alone is not enough

    wrong = client.post(response["Location"], {"code": "000000"})
    assert wrong.status_code == 200 and "_auth_user_id" not in client.session

    client.post(response["Location"], {"code": code_now(TWO_FACTOR["owner"])})
    assert "_auth_user_id" in client.session


def test_a_code_typed_as_its_30_seconds_end_still_counts(demo):
    now = (int(time.time()) // 30) * 30 + 1  # a second into a step; the code shown was the step before's
    late = format_hotp_value(hotp_value(TWO_FACTOR["owner"], now // 30 - 1))
    client = Client()
    step = client.post("/accounts/login/", {"login": demo["owner"], "password": DEMO_PASSWORD})["Location"]
    with mock.patch("time.time", return_value=float(now)):
        client.post(step, {"code": late})
    assert "_auth_user_id" in client.session


def test_a_one_time_code_cannot_be_replayed(demo):
    code = code_now(TWO_FACTOR["owner"])
    first = Client()
    step = first.post("/accounts/login/", {"login": demo["owner"], "password": DEMO_PASSWORD})["Location"]
    first.post(step, {"code": code})
    assert "_auth_user_id" in first.session

    thief = Client()
    step = thief.post("/accounts/login/", {"login": demo["owner"], "password": DEMO_PASSWORD})["Location"]
    thief.post(step, {"code": code})
    assert "_auth_user_id" not in thief.session


def test_people_without_a_second_factor_log_in_with_the_password(demo):
    client = Client()
    response = client.post("/accounts/login/", {"login": demo["father"], "password": DEMO_PASSWORD})
    assert response.status_code == 302 and "2fa" not in response["Location"]
    assert "_auth_user_id" in client.session


def test_the_second_factor_pages_are_in_sahls_layout(login, demo):
    father = login(demo["father"], "en")
    page = father.get("/accounts/2fa/")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<html lang="en" dir="ltr">' in html and 'class="brand"' in html


def test_adding_a_second_factor_is_in_the_persons_security_log(demo):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.signals import authenticator_added

    from sahl.audit.models import AuditEntry
    from sahl.identity.models import User

    user = User.objects.get(civil_id=demo["father"])
    authenticator = Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": "x"}
    )
    authenticator_added.send(sender=Authenticator, request=None, user=user, authenticator=authenticator)
    entry = AuditEntry.objects.filter(kind="mfa_changed", subject_civil_id=demo["father"]).get()
    assert "added totp" in entry.detail
