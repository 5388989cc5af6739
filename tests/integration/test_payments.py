"""Paying fees through the simulated KNET gateway: exactly once, verified, refunded when due."""

import base64
import io
import json
import re
import unicodedata

import httpx
import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from pypdf import PdfReader

from sahl.applications.models import Application
from sahl.core.signing import sign
from sahl.knet_sim.models import SimPayment
from sahl.payments import services as payments
from sahl.payments.models import PaymentEvent, PaymentIntent
from sahl.registry.models import Passport, Person
from tests.integration.conftest import apply, local, pay, reference_of, run_tasks

pytestmark = pytest.mark.django_db
RENEWAL = "moi.vehicle-registration-renewal"


@pytest.fixture
def renewal(login, demo):
    expat = login(demo["expat"], "en")
    reference = reference_of(apply(expat, RENEWAL, {"plate_number": "45-20002"}))
    return expat, reference


def callback(client, intent: PaymentIntent, result: str = "CAPTURED", **changes):
    """What the gateway posts to Sahl, signed with the shared secret (unless a test breaks it)."""
    from django.conf import settings

    body = {
        "payment_id": intent.gateway_payment_id,
        "reference": intent.reference,
        "amount": "10.000",
        "currency": "KWD",
        "result": result,
        "at": timezone.now().isoformat(),
    }
    message = body | {"signature": sign(body, settings.SAHL_KNET_SECRET)} | changes
    return client.post("/payments/callback", message, content_type="application/json")


def test_a_paid_fee_completes_the_automatic_service_and_gives_a_receipt(renewal):
    expat, reference = renewal
    assert Application.objects.get(reference=reference).state == "awaiting_payment"
    page = expat.get(f"/applications/{reference}").content.decode()
    assert "Pay now" in page and "KWD 10.000" in page

    landing = pay(expat, reference)

    assert "Payment received. Thank you." in landing.content.decode()
    assert Application.objects.get(reference=reference).state == "completed"
    intent = PaymentIntent.objects.get(application__reference=reference)
    assert intent.state == "paid" and intent.amount_fils == 10_000
    receipt = b"".join(expat.get(f"/applications/{reference}/receipts/{intent.pk}").streaming_content)
    assert receipt.startswith(b"%PDF")
    # The receipt reads in both languages, whatever the payer's (English here).
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(receipt)).pages)
    text = re.sub("[\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", unicodedata.normalize("NFKC", text))
    text = " ".join(text.split())  # a long title wraps
    for words in (
        "Payment receipt — Vehicle registration renewal",
        "إيصال دفع",
        "Amount paid",
        "المبلغ المدفوع",
    ):
        assert words in text
    assert "10.000 KWD" in text and intent.gateway_payment_id in text
    assert SimPayment.objects.get(merchant_reference=intent.reference).state == "CAPTURED"


def test_a_declined_card_charges_nothing_and_a_new_attempt_can_pay(renewal):
    expat, reference = renewal
    landing = pay(expat, reference, card="declined")
    assert "The bank declined the card" in landing.content.decode()
    assert Application.objects.get(reference=reference).state == "awaiting_payment"
    pay(expat, reference)
    states = sorted(
        PaymentIntent.objects.filter(application__reference=reference).values_list("state", flat=True)
    )
    assert states == ["declined", "paid"]
    assert Application.objects.get(reference=reference).state == "completed"


def test_cancelling_on_the_gateway_page_changes_nothing(renewal):
    expat, reference = renewal
    landing = pay(expat, reference, cancel=True)
    assert "You cancelled the payment" in landing.content.decode()
    assert PaymentIntent.objects.get(application__reference=reference).state == "cancelled"
    assert Application.objects.get(reference=reference).state == "awaiting_payment"


def test_a_timeout_is_asked_about_and_a_later_capture_of_the_closed_attempt_is_still_applied(renewal, client):
    expat, reference = renewal
    landing = pay(expat, reference, card="timeout")
    assert "you were not charged" in landing.content.decode()
    intent = PaymentIntent.objects.get(application__reference=reference)
    assert intent.state == "failed"  # the gateway's inquiry: not captured
    assert callback(client, intent).status_code == 200  # the bank captured it after all: it counts, once
    assert Application.objects.get(reference=reference).state == "completed"


def test_two_clicks_on_pay_get_the_same_attempt(renewal):
    expat, reference = renewal
    first = expat.post(f"/applications/{reference}/pay")["Location"]
    second = expat.post(f"/applications/{reference}/pay")["Location"]
    assert first == second
    assert PaymentIntent.objects.filter(application__reference=reference).count() == 1


def test_the_database_refuses_a_second_live_payment(renewal):
    expat, reference = renewal
    expat.post(f"/applications/{reference}/pay")
    intent = PaymentIntent.objects.get(application__reference=reference)
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentIntent.objects.create(
            reference="PAY-SECOND",
            application=intent.application,
            agency=intent.agency,
            amount_fils=intent.amount_fils,
            expires_at=intent.expires_at,
        )


def test_the_same_callback_five_times_and_out_of_order_is_one_payment(renewal, client):
    expat, reference = renewal
    expat.post(f"/applications/{reference}/pay")
    intent = PaymentIntent.objects.get(application__reference=reference)
    assert callback(client, intent, "DECLINED").status_code == 200  # a stale result arrives first
    for _ in range(5):
        assert callback(client, intent).status_code == 200
    assert callback(client, intent, "DECLINED").status_code == 200  # never moves a paid intent back
    intent.refresh_from_db()
    assert intent.state == "paid"
    application = Application.objects.get(reference=reference)
    assert application.state == "completed"
    assert list(application.history.values_list("kind", flat=True)).count("paid") == 1
    assert application.documents.count() == 1


@pytest.mark.parametrize(
    ("changes", "why"),
    [
        ({"signature": "0" * 64}, "bad signature"),
        ({"amount": "1.000"}, "bad signature"),  # changed after signing
        ({"reference": "PAY-NOSUCH"}, "bad signature"),
    ],
)
def test_a_tampered_callback_is_refused_logged_and_changes_nothing(renewal, client, changes, why):
    expat, reference = renewal
    expat.post(f"/applications/{reference}/pay")
    intent = PaymentIntent.objects.get(application__reference=reference)
    response = callback(client, intent, **changes)
    assert response.status_code == 400 and response.json()["code"] == "payment.result_refused"
    assert PaymentIntent.objects.get(pk=intent.pk).state == "pending"
    assert PaymentEvent.objects.filter(kind="refused", detail=why).exists()


def test_a_correctly_signed_result_with_a_wrong_amount_or_unknown_reference_is_refused(renewal, client):
    from django.conf import settings

    expat, reference = renewal
    expat.post(f"/applications/{reference}/pay")
    intent = PaymentIntent.objects.get(application__reference=reference)
    for body, why in (
        ({"reference": intent.reference, "amount": "1.000"}, "amount 1.000 KWD"),
        ({"reference": "PAY-UNKNOWN", "amount": "10.000"}, "unknown reference"),
    ):
        signed = {
            "payment_id": intent.gateway_payment_id,
            "currency": "KWD",
            "result": "CAPTURED",
            "at": timezone.now().isoformat(),
        } | body
        response = client.post(
            "/payments/callback",
            signed | {"signature": sign(signed, settings.SAHL_KNET_SECRET)},
            content_type="application/json",
        )
        assert response.status_code == 400
        assert PaymentEvent.objects.filter(kind="refused", detail=why).exists()
    assert PaymentIntent.objects.get(pk=intent.pk).state == "pending"


def test_a_forged_browser_return_is_refused(renewal):
    expat, reference = renewal
    expat.post(f"/applications/{reference}/pay")
    intent = PaymentIntent.objects.get(application__reference=reference)
    forged = {
        "payment_id": intent.gateway_payment_id,
        "reference": intent.reference,
        "amount": "10.000",
        "currency": "KWD",
        "result": "CAPTURED",
        "at": "2026-01-01T00:00:00",
        "signature": "f" * 64,
    }
    data = base64.urlsafe_b64encode(json.dumps(forged).encode()).decode()
    response = expat.get(f"/payments/return?data={data}")
    assert response.status_code == 400
    assert "could not be verified" in response.content.decode()
    assert PaymentIntent.objects.get(pk=intent.pk).state == "pending"


def test_the_gateways_server_to_server_callback_is_delivered_by_a_task(renewal):
    expat, reference = renewal
    to_gateway = expat.post(f"/applications/{reference}/pay")
    # The person pays but never comes back to Sahl (closed the tab): the callback still arrives.
    expat.post(
        local(to_gateway["Location"]), {"card_number": "4242424242424242", "expiry": "12/29", "pin": "1234"}
    )
    assert PaymentIntent.objects.get(application__reference=reference).state == "pending"
    run_tasks()
    assert PaymentIntent.objects.get(application__reference=reference).state == "paid"
    assert Application.objects.get(reference=reference).state == "completed"


def test_a_rejected_application_is_refunded_and_the_person_sees_it(login, demo):
    father = login(demo["father"], "en")
    passport = Passport.objects.get(holder__civil_id=demo["father"]).number
    reference = reference_of(
        apply(father, "moi.passport-renewal", {"passport_number": passport, "delivery": "kiosk"})
    )
    pay(father, reference)
    caseworker = login(demo["caseworker"], "en")
    caseworker.post(f"/backoffice/cases/{reference}/take")
    caseworker.post(f"/backoffice/cases/{reference}/reject", {"reason": "The passport was reported lost"})
    run_tasks()
    intent = PaymentIntent.objects.get(application__reference=reference)
    assert intent.state == "refunded" and intent.refunded_at is not None
    assert SimPayment.objects.get(merchant_reference=intent.reference).state == "REFUNDED"
    page = father.get(f"/applications/{reference}").content.decode()
    assert "Refunded to you" in page and "The fee was refunded to you" in page


def test_a_person_exempt_from_the_fee_is_not_asked_to_pay(login, demo):
    Person.objects.filter(civil_id=demo["expat"]).update(has_disability=True)
    expat = login(demo["expat"], "en")
    reference = reference_of(apply(expat, RENEWAL, {"plate_number": "45-20002"}))
    application = Application.objects.get(reference=reference)
    assert application.fee_fils == 0 and application.state == "completed"
    assert "disability card" in application.history.first().note


def test_an_expired_attempt_is_replaced_and_a_late_capture_is_refunded_not_lost(renewal, client):
    expat, reference = renewal
    expat.post(f"/applications/{reference}/pay")
    old = PaymentIntent.objects.get(application__reference=reference)
    PaymentIntent.objects.filter(pk=old.pk).update(expires_at=timezone.now())
    assert payments.expire_stale() == 1
    pay(expat, reference)  # a new attempt, paid
    old.refresh_from_db()
    # The bank captured the old attempt after all: the money is refunded, never kept twice.
    SimPayment.objects.filter(merchant_reference=old.reference).update(state="CAPTURED")
    assert callback(client, old).status_code == 200
    run_tasks()
    assert sorted(
        PaymentIntent.objects.filter(application__reference=reference).values_list("state", flat=True)
    ) == [
        "paid",
        "refunded",
    ]


def test_the_operators_daily_reconciliation_matches_the_gateway(login, demo, renewal):
    from sahl.identity.models import User

    expat, reference = renewal
    pay(expat, reference)
    SimPayment.objects.create(
        payment_id="X1",
        merchant_reference="PAY-STRAY",
        amount="3.000",
        currency="KWD",
        return_url="http://x",
        callback_url="http://x",
        state="CAPTURED",
        result_at=timezone.now(),
    )
    operator = login(demo["paci-staff"])
    assert (
        operator.get("/operators/reconciliation").status_code == 404
    )  # staff of an agency is not an operator
    User.objects.filter(civil_id=demo["paci-staff"]).update(is_staff=True)
    page = operator.get("/operators/reconciliation").content.decode()
    assert "وزارة الداخلية" in page and "10.000" in page and "PAY-STRAY (3.000)" in page
    csv = operator.get("/operators/reconciliation", {"format": "csv"}).content.decode()
    assert f"{timezone.localdate().isoformat()},moi,1,10.000,1," in csv


def test_a_gateway_that_does_not_answer_is_a_503_to_try_again_and_changes_nothing(
    renewal, monkeypatch, settings
):
    """The gateway is an outside system: when it is down the person is asked to come back, not told
    that their request was wrong (400)."""
    from sahl.payments import adapters

    expat, reference = renewal
    settings.SAHL_KNET_URL = "http://127.0.0.1:9"  # nothing listens on the discard port
    monkeypatch.setattr(adapters, "http_client", lambda: httpx.Client(timeout=httpx.Timeout(2.0)))
    adapters.gateway.cache_clear()
    try:
        page = expat.post(f"/applications/{reference}/pay")
        api = expat.post(f"/api/v1/applications/{reference}/payments")
    finally:
        adapters.gateway.cache_clear()
    assert page.status_code == 503 and page["Retry-After"].isdigit()
    assert api.status_code == 503 and api["Retry-After"].isdigit()
    assert api["Content-Type"] == "application/problem+json"
    assert api.json()["type"] == "urn:sahl:problem:payment.gateway_unavailable"
    assert (
        not PaymentIntent.objects.filter(application__reference=reference)
        .exclude(gateway_payment_id="")
        .exists()
    )
