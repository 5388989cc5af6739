"""Paying when the bank does not answer: Sahl asks the gateway for the attempt's real state (its
inquiry), tells the person what happened and lets them pay again once the attempt is known to have
failed, applies a capture it learns of exactly once, and never starts a second charge while the
gateway cannot tell."""

import datetime as dt

import httpx
import pytest
from django.utils import timezone

from sahl.applications.models import Application
from sahl.core.signing import sign
from sahl.events.models import Event
from sahl.knet_sim.models import SimPayment
from sahl.payments import adapters
from sahl.payments import services as payments
from sahl.payments.models import PaymentIntent
from tests.integration.conftest import CARDS, apply, local, pay, reference_of, run_tasks

pytestmark = pytest.mark.django_db
RENEWAL = "moi.vehicle-registration-renewal"


@pytest.fixture
def renewal(login, demo):
    expat = login(demo["expat"], "en")
    reference = reference_of(apply(expat, RENEWAL, {"plate_number": "45-20002"}))
    return expat, reference


def card_without_coming_back(client, reference: str, card: str) -> PaymentIntent:
    """The person pays on the gateway's page but never comes back, and no callback arrives."""
    to_gateway = client.post(f"/applications/{reference}/pay")
    back = client.post(
        local(to_gateway["Location"]), {"card_number": CARDS[card], "expiry": "12/29", "pin": "1234"}
    )
    assert back.status_code == 302  # the browser is closed here; the callback task never runs
    return PaymentIntent.objects.get(application__reference=reference, state="pending")


def states(reference: str) -> list[str]:
    return list(
        PaymentIntent.objects.filter(application__reference=reference)
        .order_by("pk")
        .values_list("state", flat=True)
    )


def captured_events(reference: str) -> int:
    application = Application.objects.get(reference=reference)
    return sum(
        1
        for e in Event.objects.filter(type="payment.captured")
        if e.payload.get("application_id") == application.pk
    )


def test_the_simulated_gateway_answers_a_signed_inquiry_and_refuses_an_unsigned_one(
    renewal, client, settings
):
    expat, reference = renewal
    intent = card_without_coming_back(expat, reference, "timeout")
    query = {"reference": intent.reference}
    unsigned = client.get("/sim/knet/api/inquiry", query, headers={"X-Signature": "x"})
    assert unsigned.status_code == 403
    answer = client.get(
        "/sim/knet/api/inquiry", query, headers={"X-Signature": sign(query, settings.SAHL_KNET_SECRET)}
    )
    assert answer.json()["result"] == "TIMEOUT" and answer.json()["reference"] == intent.reference
    assert adapters.gateway().verify(answer.json()) is not None  # signed like the callback
    stray = {"reference": "PAY-NEVER"}
    assert (
        client.get(
            "/sim/knet/api/inquiry", stray, headers={"X-Signature": sign(stray, settings.SAHL_KNET_SECRET)}
        ).status_code
        == 404
    )


def test_no_answer_from_the_bank_is_told_and_the_person_pays_again_at_once(renewal):
    expat, reference = renewal
    landing = pay(expat, reference, card="timeout").content.decode()
    assert "The bank did not complete your last payment" in landing and "You can pay again now" in landing
    assert states(reference) == ["failed"]
    again = expat.post(f"/applications/{reference}/pay")  # a new attempt, not the gateway's dead page
    assert again.status_code == 302 and "/sim/knet/pay/" in again["Location"]
    assert states(reference) == ["failed", "pending"]
    expat.post(local(again["Location"]), {"card_number": CARDS["ok"], "expiry": "12/29", "pin": "1234"})
    run_tasks()
    assert states(reference) == ["failed", "paid"]
    assert Application.objects.get(reference=reference).state == "completed"
    assert captured_events(reference) == 1


def test_the_same_in_arabic(login, demo):
    citizen = login(demo["expat"], "ar")
    reference = reference_of(apply(citizen, RENEWAL, {"plate_number": "45-20002"}))
    landing = pay(citizen, reference, card="timeout").content.decode()
    assert "لم يُكمل البنك" in landing and "لم يُخصم" in landing


def test_a_capture_whose_result_was_lost_is_found_by_the_inquiry_and_applied_once(renewal, client):
    expat, reference = renewal
    intent = card_without_coming_back(expat, reference, "ok")
    page = expat.post(
        f"/applications/{reference}/pay", follow=True
    )  # Pay now again: the inquiry finds it paid
    assert "Payment received" in page.content.decode()
    assert states(reference) == ["paid"]
    assert Application.objects.get(reference=reference).state == "completed"
    run_tasks()  # the gateway's callback arrives after all
    expat.get(f"/applications/{reference}")
    payments.inquire(PaymentIntent.objects.get(pk=intent.pk))
    assert states(reference) == ["paid"] and captured_events(reference) == 1
    assert PaymentIntent.objects.get(pk=intent.pk).receipt


def test_an_attempt_still_open_at_the_gateway_is_continued_not_replaced(renewal):
    expat, reference = renewal
    first = expat.post(f"/applications/{reference}/pay")["Location"]
    PaymentIntent.objects.update(inquired_at=None)
    page = expat.get(f"/applications/{reference}").content.decode()
    assert "still open on the payment gateway" in page
    assert expat.post(f"/applications/{reference}/pay")["Location"] == first
    assert states(reference) == ["pending"]


@pytest.mark.parametrize("gateway_says", ["nothing", "forged", "no such payment"])
def test_when_the_gateway_cannot_tell_no_second_attempt_starts_and_the_person_is_told_when_to_check(
    renewal, monkeypatch, gateway_says
):
    expat, reference = renewal
    intent = card_without_coming_back(expat, reference, "ok")
    if gateway_says == "nothing":
        monkeypatch.setattr(
            adapters, "http_client", lambda: httpx.Client(transport=httpx.MockTransport(_down))
        )
    elif gateway_says == "forged":
        forged = {"payment_id": intent.gateway_payment_id, "reference": intent.reference, "amount": "10.000",
                  "currency": "KWD", "result": "DECLINED", "at": "x", "signature": "forged"}  # fmt: skip
        monkeypatch.setattr(
            adapters,
            "http_client",
            lambda: httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(200, json=forged))),
        )
    else:
        SimPayment.objects.filter(merchant_reference=intent.reference).delete()
    page = expat.post(f"/applications/{reference}/pay", follow=True).content.decode()
    assert "has not yet told us whether your last payment went through" in page
    at = timezone.localtime(PaymentIntent.objects.get(pk=intent.pk).inquired_at) + dt.timedelta(minutes=1)
    assert f"after {at:%H:%M}" in page
    api = expat.post(f"/api/v1/applications/{reference}/payments")
    assert api.status_code == 503 and api["Retry-After"] == "60"
    assert api.json()["type"] == "urn:sahl:problem:payment.result_unknown"
    assert states(reference) == ["pending"]  # kept: it may still be captured


def _down(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("down", request=request)


def test_the_sweep_asks_about_attempts_pending_for_minutes_and_settles_them(renewal):
    expat, reference = renewal
    lost_capture = card_without_coming_back(expat, reference, "ok")
    assert payments.inquire_stale() == 0  # a recent attempt waits for its result
    PaymentIntent.objects.filter(pk=lost_capture.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=4)
    )
    assert payments.inquire_stale() == 1
    assert states(reference) == ["paid"] and Application.objects.get(reference=reference).state == "completed"
    assert payments.inquire_stale() == 0  # nothing pending is left


def test_a_late_capture_of_a_closed_attempt_while_a_new_one_is_open_keeps_one_live_attempt(renewal, client):
    expat, reference = renewal
    pay(expat, reference, card="timeout")
    expat.post(f"/applications/{reference}/pay")  # the new attempt is open
    old = PaymentIntent.objects.get(application__reference=reference, state="failed")
    SimPayment.objects.filter(merchant_reference=old.reference).update(state="CAPTURED")
    payments.inquire(old)  # the bank captured the first attempt after all
    assert states(reference) == ["paid", "expired"]
    assert captured_events(reference) == 1
