"""A one-time code by SMS as a second factor: turned on from the Security page after giving the
password again (the number is confirmed by typing back a code), then asked for at every login.
Codes last 5 minutes, work once, stop after 5 wrong tries, and are sent at most once a minute and
five times an hour; only their keyed hash is stored, and no log line carries them."""

import io
import json
import logging
import re

import pytest
from django.test import Client

from sahl.audit.models import AuditEntry
from sahl.core.logs import JsonFormatter, RequestIdFilter
from sahl.identity import services
from sahl.identity.models import SmsCode, SmsFactor, User
from sahl.sms_sim.models import SimulatedSms
from tests.conftest import DEMO_PASSWORD
from tests.integration.conftest import newest_sms_code, totp_now

pytestmark = pytest.mark.django_db

PHONE = "+96599001234"
SMS_LOGIN = "/accounts/2fa/sms/login/"


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def with_sms_factor(civil_id: str, phone: str = PHONE) -> User:
    user = User.objects.get(civil_id=civil_id)
    services.enable_sms_factor(user, phone)
    return user


def password_step(civil_id: str, language: str = "ar", address: str = "127.0.0.1") -> Client:
    """A browser that gave the right password and is now asked for the code by SMS."""
    client = Client(REMOTE_ADDR=address)
    client.cookies["sahl_language"] = language
    response = client.post("/accounts/login/", {"login": civil_id, "password": DEMO_PASSWORD})
    assert response.status_code == 302 and response["Location"] == SMS_LOGIN
    assert not logged_in(client)  # the password alone is not enough
    return client


def type_code(client: Client, code: str):
    return client.post(SMS_LOGIN, {"code": code})


def reauthenticated(client: Client) -> Client:
    """allauth asks for the password again before a second factor changes."""
    response = client.get("/accounts/2fa/sms/")
    assert response.status_code == 302 and "/accounts/reauthenticate/" in response["Location"]
    assert client.post("/accounts/reauthenticate/", {"password": DEMO_PASSWORD}).status_code == 302
    return client


# --- Turning it on and off -----------------------------------------------------------------------


def test_a_person_turns_on_codes_by_sms_for_a_number_they_confirm(login, demo):
    father = reauthenticated(login(demo["father"], "en"))
    page = father.get("/accounts/2fa/sms/")
    assert page.status_code == 200 and "Mobile number" in page.content.decode()

    # The number is written the way people type it; a code goes to it
    assert father.post("/accounts/2fa/sms/", {"phone": "9900 1234", "send": "1"}).status_code == 302
    sms = SimulatedSms.objects.get(to=PHONE)
    assert "confirm this mobile number" in sms.text
    assert not SmsFactor.objects.filter(user__civil_id=demo["father"]).exists()  # not before the code

    # A wrong code changes nothing; the code from the SMS turns the factor on
    wrong = father.post("/accounts/2fa/sms/", {"code": "000000", "confirm": "1"})
    assert wrong.status_code == 400 and "That code is not right" in wrong.content.decode()
    done = father.post("/accounts/2fa/sms/", {"code": newest_sms_code(PHONE), "confirm": "1"})
    assert done.status_code == 302 and done["Location"] == "/accounts/2fa/"
    assert SmsFactor.objects.get(user__civil_id=demo["father"]).phone == PHONE

    # The Security page shows it (masked), and the person's security log has it
    security = father.get("/accounts/2fa/").content.decode()
    assert "+965 ••••• 234" in security and "99001234" not in security
    entry = AuditEntry.objects.filter(kind="mfa_changed", subject_civil_id=demo["father"]).last()
    assert entry is not None and entry.detail == "added sms"


def test_turning_it_on_needs_the_password_again(login, demo):
    father = login(demo["father"])
    response = father.post("/accounts/2fa/sms/", {"phone": PHONE, "send": "1"})
    assert response.status_code == 302 and "/accounts/reauthenticate/" in response["Location"]
    assert not SimulatedSms.objects.filter(to=PHONE).exists()


def test_a_number_that_is_not_a_kuwaiti_mobile_is_refused_in_both_languages(login, demo):
    father = reauthenticated(login(demo["father"]))
    response = father.post("/accounts/2fa/sms/", {"phone": "12345", "send": "1"})
    assert response.status_code == 400
    assert "رقم الهاتف غير صحيح" in response.content.decode()
    father.cookies["sahl_language"] = "en"
    response = father.post("/accounts/2fa/sms/", {"phone": "+1 555 0100", "send": "1"})
    assert "This phone number is not valid" in response.content.decode()
    assert not SimulatedSms.objects.exists()


def test_turning_it_off_is_logged_and_the_password_is_enough_again(login, demo):
    with_sms_factor(demo["father"])
    client = password_step(demo["father"])
    type_code(client, newest_sms_code(PHONE))
    reauthenticated(client)
    assert client.post("/accounts/2fa/sms/", {"disable": "1"})["Location"] == "/accounts/2fa/"
    assert not SmsFactor.objects.filter(user__civil_id=demo["father"]).exists()
    entry = AuditEntry.objects.filter(kind="mfa_changed", subject_civil_id=demo["father"]).last()
    assert entry is not None and entry.detail == "removed sms"

    again = Client()
    response = again.post("/accounts/login/", {"login": demo["father"], "password": DEMO_PASSWORD})
    assert response.status_code == 302 and "2fa" not in response["Location"] and logged_in(again)


# --- Logging in with it -----------------------------------------------------------------------------


def test_after_the_password_a_code_by_sms_logs_the_person_in(demo):
    with_sms_factor(demo["father"])
    client = password_step(demo["father"])
    sms = SimulatedSms.objects.get(to=PHONE)
    assert "رمز الدخول إلى سهل" in sms.text  # in the language of the page
    page = client.get(SMS_LOGIN).content.decode()
    assert "+965 ••••• 234" in page and 'autocomplete="one-time-code"' in page

    response = type_code(client, newest_sms_code(PHONE))
    assert response.status_code == 302 and logged_in(client)
    assert AuditEntry.objects.filter(kind="login", subject_civil_id=demo["father"]).exists()
    assert SmsFactor.objects.get(user__civil_id=demo["father"]).last_used_at is not None


def test_a_wrong_code_is_refused_and_says_how_many_tries_are_left(demo):
    with_sms_factor(demo["father"])
    client = password_step(demo["father"], "en")
    response = type_code(client, "000000" if newest_sms_code(PHONE) != "000000" else "111111")
    assert response.status_code == 400 and not logged_in(client)
    assert (
        "That code is not right" in response.content.decode() and "4 tries left" in response.content.decode()
    )
    # a wrong code is a failed login in the person's security log
    assert AuditEntry.objects.filter(kind="login_failed", detail="sms code wrong").exists()
    # something that is not a code costs no try
    response = type_code(client, "12ab")
    assert "The code has 6 digits" in response.content.decode()
    assert SmsCode.objects.get(user__civil_id=demo["father"]).attempts == 1


def test_five_wrong_codes_stop_that_code_and_a_new_one_works(demo, clock):
    with_sms_factor(demo["father"])
    client = password_step(demo["father"], "en")
    right = newest_sms_code(PHONE)
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(5):
        response = type_code(client, wrong)
    assert "Too many wrong tries" in response.content.decode()
    response = type_code(client, right)  # even the right code, now
    assert "Too many wrong tries" in response.content.decode() and not logged_in(client)

    clock.advance(seconds=61)
    assert client.post(SMS_LOGIN, {"send": "1"}).status_code == 302
    type_code(client, newest_sms_code(PHONE))
    assert logged_in(client)


def test_a_replayed_code_is_refused_with_a_clear_message(demo, clock):
    with_sms_factor(demo["father"])
    first = password_step(demo["father"])
    used = newest_sms_code(PHONE)
    type_code(first, used)
    assert logged_in(first)

    # Someone who saw the code (and knows the password) tries it in another browser
    clock.advance(seconds=30)
    thief = password_step(demo["father"], address="10.0.0.66")
    response = type_code(thief, used)
    assert response.status_code == 400 and not logged_in(thief)
    assert "هذا الرمز استُخدم من قبل" in response.content.decode()
    thief.cookies["sahl_language"] = "en"
    response = type_code(thief, used)
    assert "This code has already been used" in response.content.decode()
    assert AuditEntry.objects.filter(kind="login_failed", detail="sms code used").exists()

    # and in the same browser, the login is over: nothing to type a code into
    assert type_code(first, used)["Location"] == "/"


def test_an_expired_code_is_refused_with_a_clear_message(demo, clock):
    with_sms_factor(demo["father"])
    client = password_step(demo["father"])
    code = newest_sms_code(PHONE)
    clock.advance(minutes=5, seconds=1)
    response = type_code(client, code)
    assert response.status_code == 400 and not logged_in(client)
    assert "انتهت صلاحية هذا الرمز" in response.content.decode()
    client.cookies["sahl_language"] = "en"
    assert "This code has expired" in type_code(client, code).content.decode()


def test_a_new_code_waits_a_minute_replaces_the_last_and_five_an_hour_at_most(demo, clock):
    with_sms_factor(demo["father"])
    client = password_step(demo["father"], "en")
    first = newest_sms_code(PHONE)

    # At once: refused, and no SMS goes
    assert "Wait a minute" in client.post(SMS_LOGIN, {"send": "1"}).content.decode()
    assert SimulatedSms.objects.filter(to=PHONE).count() == 1

    # A minute later: a new code, which replaces the first
    for sent in range(2, 6):
        clock.advance(seconds=61)
        assert client.post(SMS_LOGIN, {"send": "1"}).status_code == 302
        assert SimulatedSms.objects.filter(to=PHONE).count() == sent
    assert "replaced by a newer one" in type_code(client, first).content.decode()

    # The sixth code within the hour is refused, with the time it may be asked for again
    clock.advance(seconds=61)
    response = client.post(SMS_LOGIN, {"send": "1"})
    text = response.content.decode()
    assert "many codes in the last hour" in text and re.search(r"after \d\d:\d\d", text)
    assert SimulatedSms.objects.filter(to=PHONE).count() == 5

    # The newest code still logs the person in
    type_code(client, newest_sms_code(PHONE))
    assert logged_in(client)


def test_codes_are_stored_only_as_a_keyed_hash(demo):
    with_sms_factor(demo["father"])
    password_step(demo["father"])
    code = newest_sms_code(PHONE)
    row = SmsCode.objects.get(user__civil_id=demo["father"])
    stored = " ".join(str(value) for value in row.__dict__.values())
    assert code not in stored and len(row.digest) == 64


def test_a_person_with_an_authenticator_app_and_sms_may_choose(demo):
    owner = with_sms_factor(demo["owner"])
    client = Client()
    client.cookies["sahl_language"] = "en"
    step = client.post("/accounts/login/", {"login": demo["owner"], "password": DEMO_PASSWORD})
    assert "/2fa/authenticate" in step["Location"]
    page = client.get(step["Location"]).content.decode()
    assert "Send me a code by SMS" in page and "+965 ••••• 234" in page
    assert not SimulatedSms.objects.filter(to=PHONE).exists()  # no SMS unless asked for

    assert client.post(SMS_LOGIN, {"send": "1"}).status_code == 302
    page = client.get(SMS_LOGIN).content.decode()
    assert "Use my authenticator app or passkey" in page
    type_code(client, newest_sms_code(PHONE))
    assert logged_in(client) and client.session["_auth_user_id"] == str(owner.pk)

    # the authenticator app still works as before
    other = Client()
    step = other.post("/accounts/login/", {"login": demo["owner"], "password": DEMO_PASSWORD})
    other.post(step["Location"], {"code": totp_now(demo["owner"])})
    assert logged_in(other)


def test_without_a_login_going_on_the_code_page_sends_to_the_login(client):
    assert client.get(SMS_LOGIN)["Location"] == "/accounts/login/"
    assert client.post(SMS_LOGIN, {"send": "1"})["Location"] == "/accounts/login/"
    assert not SimulatedSms.objects.exists()


def test_the_demo_operator_logs_in_with_a_code_by_sms(login, demo):
    operator = login(demo["operator"])
    assert operator.get("/operators/reconciliation").status_code == 200
    assert SmsFactor.objects.filter(user__civil_id=demo["operator"]).exists()


# --- Nothing secret in the logs ---------------------------------------------------------------------


def test_the_logs_of_turning_on_and_logging_in_carry_no_code_phone_or_civil_id(login, demo):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        father = reauthenticated(login(demo["father"]))
        father.post("/accounts/2fa/sms/", {"phone": PHONE, "send": "1"})
        enrol_code = newest_sms_code(PHONE)
        father.post("/accounts/2fa/sms/", {"code": enrol_code, "confirm": "1"})
        father.post("/accounts/logout/")

        client = password_step(demo["father"])
        type_code(client, "000000" if newest_sms_code(PHONE) != "000000" else "111111")
        login_code = newest_sms_code(PHONE)
        type_code(client, login_code)
        assert logged_in(client)
    finally:
        root.removeHandler(handler)
        root.setLevel(level)

    lines = stream.getvalue().splitlines()
    assert any(json.loads(line)["message"] == "sms code sent" for line in lines)
    assert any(json.loads(line)["message"] == "sms code accepted" for line in lines)
    text = stream.getvalue()
    for secret in (enrol_code, login_code, PHONE, PHONE[4:], demo["father"]):
        assert secret not in text, f"{secret!r} is in the logs"
