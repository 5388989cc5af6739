"""Joining Sahl and recovering an account with the civil ID card (identity.joining): the civil ID and
the card's serial number, a code by SMS to the mobile number the population register holds, then a
password. Nothing before the code tells whether a civil ID exists or has an account; minors are
refused with the reason; every step is throttled and audited."""

import logging

import pytest
from django.test import Client

from sahl.audit.models import AuditEntry
from sahl.identity.models import IdentityProof, User
from sahl.registry.adapters import registers
from sahl.sms_sim.models import SimulatedSms
from tests.conftest import DEMO_PASSWORD
from tests.integration.conftest import newest_sms_code

pytestmark = pytest.mark.django_db

JOIN, CODE, PASSWORD = "/accounts/join/", "/accounts/join/code/", "/accounts/join/password/"
NEW_PASSWORD = "a camel crossing 2026"


def browser(language: str = "en", address: str = "10.0.0.7") -> Client:
    client = Client(REMOTE_ADDR=address)
    client.cookies["sahl_language"] = language
    return client


def card_of(civil_id: str):
    card = registers().identity_card(civil_id)
    assert card is not None and card.card_serial and card.mobile
    return card


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_a_person_of_the_register_joins_with_the_card_and_the_code_sent_to_the_registers_mobile(demo):
    newcomer = demo["newcomer"]
    card = card_of(newcomer)
    assert not User.objects.filter(civil_id=newcomer).exists()
    client = browser()
    assert "Join Sahl" in client.get("/accounts/login/").content.decode()  # the login page offers it
    assert client.get("/accounts/signup/")["Location"] == JOIN

    # The serial as people type it: spaces, Arabic-Indic digits
    typed = " ".join([card.card_serial[:3], card.card_serial[3:]]).translate(str.maketrans("0123", "٠١٢٣"))
    sent = client.post(JOIN, {"civil_id": newcomer, "serial": typed})
    assert sent.status_code == 302 and sent["Location"] == CODE
    sms = SimulatedSms.objects.get(to=card.mobile)  # the register's number, never a typed one
    assert "join Sahl" in sms.text
    page = client.get(CODE).content.decode()
    assert card.mobile[-3:] in page and card.mobile not in page  # masked

    assert client.get(PASSWORD)["Location"] == JOIN  # not before the code
    assert client.post(CODE, {"code": newest_sms_code(card.mobile)})["Location"] == PASSWORD
    short = client.post(PASSWORD, {"password1": "123", "password2": "123"})
    assert short.status_code == 400 and not User.objects.filter(civil_id=newcomer).exists()
    done = client.post(PASSWORD, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == "/accounts/join/welcome/"
    assert logged_in(client)
    user = User.objects.get(civil_id=newcomer)
    assert user.name_en == registers().person(newcomer).name.en and user.check_password(NEW_PASSWORD)
    welcome = client.get(done["Location"]).content.decode()
    assert "Add a passkey" in welcome and "/accounts/2fa/webauthn/add/" in welcome

    # Audited: the account's opening, then the login, shown to the person
    kinds = list(AuditEntry.objects.filter(subject_civil_id=newcomer).values_list("kind", flat=True))
    assert kinds == ["proof_started", "account_opened", "login"]
    assert "Account opened with your civil ID card" in client.get("/account/access-log").content.decode()

    # The proof is spent: it opens nothing twice
    again = browser()
    again.post(JOIN, {"civil_id": newcomer, "serial": card.card_serial})
    assert IdentityProof.objects.filter(civil_id=newcomer, finished_at__isnull=False).count() == 1


def test_an_unknown_civil_id_and_a_wrong_serial_get_the_same_answer(demo):
    wrong = browser().post(JOIN, {"civil_id": demo["father"], "serial": "000000000"})
    unknown = browser().post(JOIN, {"civil_id": "279040477779", "serial": "000000000"})
    assert registers().person("279040477779") is None
    assert wrong.status_code == unknown.status_code == 400
    said = "These details do not match a civil ID card"
    assert said in wrong.content.decode() and said in unknown.content.decode()
    assert not SimulatedSms.objects.exists() and not IdentityProof.objects.exists()
    # The father (who has an account) and the unknown number are refused alike; the father sees the try
    assert AuditEntry.objects.filter(subject_civil_id=demo["father"], kind="proof_refused").exists()


def test_a_civil_id_with_an_account_recovers_it_without_an_e_mail(demo):
    father = demo["father"]
    card = card_of(father)
    client = browser()
    assert client.get("/accounts/password/reset/")["Location"] == "/accounts/recover/"
    assert (
        client.post("/accounts/recover/", {"civil_id": father, "serial": card.card_serial})["Location"]
        == CODE
    )
    assert "new Sahl password" in SimulatedSms.objects.get(to=card.mobile).text
    client.post(CODE, {"code": newest_sms_code(card.mobile)})
    client.post(PASSWORD, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert logged_in(client)
    user = User.objects.get(civil_id=father)
    assert user.check_password(NEW_PASSWORD) and not user.check_password(DEMO_PASSWORD)
    assert AuditEntry.objects.filter(subject_civil_id=father, kind="password_reset").exists()


def test_recovery_of_an_account_with_a_second_factor_still_asks_for_it(demo):
    owner = demo["owner"]  # an authenticator app in the demo
    card = card_of(owner)
    client = browser()
    client.post("/accounts/recover/", {"civil_id": owner, "serial": card.card_serial})
    client.post(CODE, {"code": newest_sms_code(card.mobile)})
    done = client.post(PASSWORD, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done["Location"] == "/accounts/login/" and not logged_in(client)
    assert User.objects.get(civil_id=owner).check_password(NEW_PASSWORD)


def test_a_minor_is_told_that_guardians_act_for_them(demo):
    daughter = demo["daughter"]
    serial = registers().identity_card(daughter).card_serial
    refused = browser().post(JOIN, {"civil_id": daughter, "serial": serial})
    assert refused.status_code == 400 and "People under 18" in refused.content.decode()
    assert not SimulatedSms.objects.exists()
    arabic = browser("ar").post(JOIN, {"civil_id": daughter, "serial": serial}).content.decode()
    assert "People under 18" not in arabic and "18" in arabic


def test_wrong_expired_and_replayed_codes_are_refused(demo, clock):
    newcomer = demo["newcomer"]
    card = card_of(newcomer)
    client = browser()
    client.post(JOIN, {"civil_id": newcomer, "serial": card.card_serial})
    code = newest_sms_code(card.mobile)
    wrong = client.post(CODE, {"code": "000000" if code != "000000" else "111111"})
    assert wrong.status_code == 400 and "That code is not right" in wrong.content.decode()
    clock.advance(minutes=6)
    expired = client.post(CODE, {"code": code})
    assert expired.status_code == 400 and "This code has expired" in expired.content.decode()
    assert client.post(CODE, {"send": "1"})["Location"] == CODE  # a new code, a minute later
    fresh = newest_sms_code(card.mobile)
    assert client.post(CODE, {"code": fresh})["Location"] == PASSWORD
    other = browser()  # the same code typed in another browser: that browser started nothing
    assert other.post(CODE, {"code": fresh})["Location"] == JOIN
    assert client.post(CODE, {"code": fresh}).status_code == 400  # spent
    clock.advance(minutes=16)
    assert client.get(PASSWORD)["Location"] == JOIN  # the proof holds for 15 minutes
    assert not User.objects.filter(civil_id=newcomer).exists()


def test_serial_guesses_are_throttled_per_source_and_civil_id(demo):
    father = demo["father"]
    client = browser(address="10.0.0.9")
    for _ in range(5):
        assert client.post(JOIN, {"civil_id": father, "serial": "123456789"}).status_code == 400
    paused = client.post(JOIN, {"civil_id": father, "serial": card_of(father).card_serial})
    assert paused.status_code == 400 and "Too many attempts" in paused.content.decode()
    assert not SimulatedSms.objects.exists()
    # Another civil ID from there, and the same one from elsewhere, are not held by it
    other = browser(address="10.0.0.10").post(
        JOIN, {"civil_id": father, "serial": card_of(father).card_serial}
    )
    assert other["Location"] == CODE


def test_no_log_line_carries_the_civil_id_the_serial_or_the_code(demo, caplog):
    newcomer = demo["newcomer"]
    card = card_of(newcomer)
    client = browser()
    with caplog.at_level(logging.DEBUG):
        client.post(JOIN, {"civil_id": newcomer, "serial": "999999999"})
        client.post(JOIN, {"civil_id": newcomer, "serial": card.card_serial})
        code = newest_sms_code(card.mobile)
        client.post(CODE, {"code": code})
    text = caplog.text + " ".join(str(r.__dict__) for r in caplog.records)
    for secret in (newcomer, card.card_serial, card.mobile, code):
        assert secret not in text


def test_every_step_counts_against_the_sources_throttle(demo, settings):
    """Codes typed from one source, whichever proof they are for, are held by the shared throttle."""
    newcomer = demo["newcomer"]
    client = browser(address="10.0.0.11")
    client.post(JOIN, {"civil_id": newcomer, "serial": card_of(newcomer).card_serial})
    for _ in range(29):
        client.post(CODE, {"code": "000000"})
    paused = client.post(CODE, {"code": newest_sms_code(card_of(newcomer).mobile)})
    assert paused.status_code == 400 and "Too many attempts" in paused.content.decode()
