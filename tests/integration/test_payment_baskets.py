"""One payment for several dues (a basket): several applications' fees paid at once (as a company
renews its workers' permits; here a person's three applications to the Ministry of Interior, which do
not depend on the company pages being built beside), or monthly social-insurance statements paid
together; through the simulated KNET gateway, exactly once, given back when what it paid is no longer
due."""

from __future__ import annotations

import io
import re
import unicodedata

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from pypdf import PdfReader

from sahl.applications.models import Application
from sahl.core.bilingual import BilingualText
from sahl.core.errors import Conflict, Forbidden, NotFound
from sahl.core.money import Money
from sahl.core.signing import sign
from sahl.events.models import Event
from sahl.identity.models import User
from sahl.knet_sim.models import SimPayment
from sahl.mandates.services import oneself
from sahl.payments import baskets
from sahl.payments import services as payments
from sahl.payments.models import PaymentIntent, PaymentItem
from sahl.registry.models import Passport
from tests.integration.conftest import apply, local, reference_of, run_tasks
from tests.one_language import foreign_words

pytestmark = pytest.mark.django_db
COMPANY = "CR-100001"


@pytest.fixture
def renewals(login, demo):
    """The father files three applications to the Ministry of Interior, all awaiting payment: his
    passport's renewal (5.000 KWD, reviewed by a caseworker), his car's registration (10.000) and a
    good-conduct certificate (5.000), both issued at once when paid."""
    father = login(demo["father"], "en")
    passport = Passport.objects.get(holder__civil_id=demo["father"]).number
    references = [
        reference_of(
            apply(father, "moi.passport-renewal", {"passport_number": passport, "delivery": "kiosk"})
        ),
        reference_of(apply(father, "moi.vehicle-registration-renewal", {"plate_number": "12-10001"})),
        reference_of(
            apply(father, "moi.good-conduct-certificate", {"purpose": "employment", "language": "en"})
        ),
    ]
    assert {a.state for a in Application.objects.filter(reference__in=references)} == {"awaiting_payment"}
    return father, User.objects.get(civil_id=demo["father"]), references


def dues(owed_by: str, *months: str) -> list[baskets.Due]:
    return [
        baskets.Due(
            reference=f"PIFSS-{owed_by}-{month}",
            agency_code="pam",
            amount_fils=125_500,
            title=BilingualText(
                f"اشتراكات التأمينات الاجتماعية {month}", f"Social-insurance contributions {month}"
            ),
            owed_by=owed_by,
        )
        for month in months
    ]


def pay_at_gateway(client, intent: PaymentIntent, card: str = "4242424242424242"):
    """The person on the gateway's page pays, and is brought back to Sahl."""
    back = client.post(
        local(intent.payment_url), {"card_number": card, "expiry": "12/29", "pin": "1234", "pay": "1"}
    )
    assert back.status_code == 302
    return client.get(local(back["Location"]))


def callback(client, intent: PaymentIntent, result: str = "CAPTURED"):
    """What the gateway posts to Sahl for the intent, signed with the shared secret."""
    from django.conf import settings

    body = {
        "payment_id": intent.gateway_payment_id,
        "reference": intent.reference,
        "amount": Money(intent.amount_fils).amount,
        "currency": "KWD",
        "result": result,
        "at": timezone.now().isoformat(),
    }
    return client.post(
        "/payments/callback",
        body | {"signature": sign(body, settings.SAHL_KNET_SECRET)},
        content_type="application/json",
    )


def pdf_text(data: bytes) -> str:
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    text = re.sub("[\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", unicodedata.normalize("NFKC", text))
    return " ".join(text.split())


def test_a_basket_of_three_applications_paid_once_moves_all_three_on(renewals):
    client, payer, references = renewals
    intent = baskets.start_for_applications(payer, references, return_to="/applications")
    assert intent.application is None and intent.amount_fils == 20_000 and intent.payment_url
    assert intent.payer == payer and intent.payer_subject == payer.civil_id
    assert PaymentItem.objects.filter(intent=intent, live=True).count() == 3

    back = pay_at_gateway(client, intent)

    assert back.status_code == 302 and back["Location"] == "/applications"  # where the person started
    states = [Application.objects.get(reference=r).state for r in references]
    assert states == ["in_review", "completed", "completed"]  # the passport goes to a caseworker
    intent.refresh_from_db()
    assert (
        intent.state == "paid"
        and SimPayment.objects.get(merchant_reference=intent.reference).amount == "20.000"
    )
    # Each application shows the basket it was paid in; the notifications heard one capture each.
    assert Event.objects.filter(type="payment.captured", subject=f"payment:{intent.pk}").count() == 3
    page = client.get(f"/applications/{references[0]}").content.decode()
    assert intent.reference in page
    # The basket's page and its receipt: every item, its amount and the total, in both languages.
    basket = client.get(f"/payments/{intent.reference}").content.decode()
    assert "Paid" in basket and "KWD 20.000" in basket and all(r in basket for r in references)
    receipt = b"".join(client.get(f"/payments/{intent.reference}/receipt").streaming_content)
    text = pdf_text(receipt)
    for application in Application.objects.filter(reference__in=references).select_related("service"):
        assert application.service.name_en in text and application.service.name_ar in text
    for words in ("Payment receipt — 3 items", "Total paid", "20.000 KWD", "10.000 KWD"):
        assert words in text
    assert all(r in text for r in references) and text.count("5.000 KWD") == 2
    # The same receipt is reachable from each application's page, as a single payment's is.
    again = client.get(f"/applications/{references[1]}/receipts/{intent.pk}")
    assert again.status_code == 200


def test_asking_twice_for_the_same_basket_gives_the_same_intent_and_a_page_once(renewals):
    _, payer, references = renewals
    first = baskets.start_for_applications(payer, references)
    second = baskets.start_for_applications(payer, [*list(reversed(references)), references[0]])
    assert first.pk == second.pk and first.payment_url == second.payment_url
    assert PaymentIntent.objects.filter(items__application__reference__in=references).distinct().count() == 1
    assert SimPayment.objects.filter(merchant_reference=first.reference).count() == 1


def test_an_application_is_never_in_two_live_attempts(renewals):
    client, payer, references = renewals
    held = baskets.start_for_applications(payer, references[:2])
    with pytest.raises(Conflict) as refused:
        baskets.start_for_applications(payer, references[1:])
    assert refused.value.code == "payment.already_started"
    # Nor paid alone while its basket is open (the application's Pay button says why).
    alone = client.post(f"/applications/{references[0]}/pay")
    assert alone.status_code == 409
    assert "being paid together with others" in alone.content.decode()
    # The database refuses it too, whatever the code does.
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentItem.objects.create(
            intent=held, application=held.items.first().application, title_ar="x", title_en="x", amount_fils=1
        )
    # The basket closed (declined at the bank), its applications are free again.
    pay_at_gateway(client, held, card="4000000000000002")
    assert PaymentIntent.objects.get(pk=held.pk).state == "declined"
    other = baskets.start_for_applications(payer, references[1:])
    assert other.pk != held.pk and other.state == "pending"


def test_a_basket_must_be_of_one_agency_and_of_the_payers_own_applications(renewals, login, demo):
    client, payer, references = renewals
    before = PaymentIntent.objects.count()
    expat = User.objects.get(civil_id=demo["expat"])
    with pytest.raises(NotFound):
        baskets.start_for_applications(expat, references)  # not his
    address = reference_of(apply(client, "paci.address-certificate", {"language": "en"}))
    with pytest.raises(Conflict) as other_agency:
        baskets.start_for_applications(payer, [address, references[0]])
    assert other_agency.value.code == "payment.basket_agencies"
    owner = User.objects.get(civil_id=demo["owner"])
    with pytest.raises(Conflict) as other_agency:
        baskets.start_for_dues(
            owner,
            [
                *dues(owner.civil_id, "2026-10"),
                baskets.Due("MOI-1", "moi", 1000, BilingualText("رسم", "Fee"), owner.civil_id),
            ],
        )
    assert other_agency.value.code == "payment.basket_agencies"
    with pytest.raises(NotFound):
        baskets.start_for_dues(owner, dues(COMPANY, "2026-10"))  # the company's, while she acts for herself
    assert PaymentIntent.objects.count() == before


def test_a_basket_whose_application_was_withdrawn_meanwhile_is_given_back_whole(renewals):
    """The gateway refunds a payment once and in full (baskets._basket_paid says why), so a basket
    holding an application that ended while the person was paying pays nothing and goes back whole;
    the others are free at once for a new basket."""
    client, payer, references = renewals
    intent = baskets.start_for_applications(payer, references)
    withdrawn = client.post(f"/applications/{references[2]}/withdraw", {"reason": "not needed after all"})
    assert withdrawn.status_code == 302
    assert Application.objects.get(reference=references[2]).state == "withdrawn"

    back = pay_at_gateway(client, intent)

    assert back["Location"] == f"/payments/{intent.reference}"
    states = dict(Application.objects.filter(reference__in=references).values_list("reference", "state"))
    assert states == {
        references[0]: "awaiting_payment",
        references[1]: "awaiting_payment",
        references[2]: "withdrawn",
    }
    page = client.get(f"/payments/{intent.reference}").content.decode()
    assert "Being refunded to you" in page and "whole amount is being refunded" in page
    # The others can be paid again straight away, before the refund has even gone through.
    again = baskets.start_for_applications(payer, references[:2])
    assert again.pk != intent.pk
    run_tasks()  # the outbox refunds the whole payment at the gateway
    intent.refresh_from_db()
    assert intent.state == "refunded" and intent.refunded_at is not None
    assert SimPayment.objects.get(merchant_reference=intent.reference).state == "REFUNDED"
    assert not Event.objects.filter(type="payment.captured", subject=f"payment:{intent.pk}").exists()
    pay_at_gateway(client, again)
    assert Application.objects.get(reference=references[1]).state == "completed"


def test_a_dues_basket_announces_dues_paid_once_however_often_the_gateway_calls_back(login, demo, client):
    owner = User.objects.get(civil_id=demo["owner"])
    statements = dues(owner.civil_id, "2026-10", "2026-11")
    intent = baskets.start_for_dues(owner, statements, return_to="//evil.example/x")
    assert intent.return_to == ""  # only a path of this site
    assert baskets.start_for_dues(owner, list(reversed(statements))).pk == intent.pk
    with pytest.raises(Conflict) as refused:
        baskets.start_for_dues(owner, statements[:1])
    assert refused.value.code == "payment.already_started"

    for _ in range(2):
        response = callback(client, intent)
        assert response.status_code == 200

    intent.refresh_from_db()
    assert intent.state == "paid" and intent.receipt
    announced = Event.objects.filter(type="payment.dues_paid")
    assert announced.count() == 1
    assert announced.get().payload == {
        "intent_id": intent.pk,
        "references": [d.reference for d in statements],
        "paid_on": timezone.localdate().isoformat(),
    }
    with pytest.raises(Conflict) as paid:
        baskets.start_for_dues(owner, statements)
    assert paid.value.code == "payment.already_paid"
    # The API tells the payer what it paid.
    api = login(demo["owner"], "en").get(f"/api/v1/payments/{intent.reference}").json()
    assert api["state"] == "paid" and api["amount"] == "251.000" and api["receipt"]
    assert [i["due_reference"] for i in api["items"]] == [d.reference for d in statements]


def test_a_due_paid_by_a_late_capture_of_another_attempt_is_given_back(login, demo, client):
    owner = User.objects.get(civil_id=demo["owner"])
    statements = dues(owner.civil_id, "2026-10")
    old = baskets.start_for_dues(owner, statements)
    PaymentIntent.objects.filter(pk=old.pk).update(expires_at=timezone.now())
    assert payments.expire_stale() == 1
    new = baskets.start_for_dues(owner, statements)
    assert new.pk != old.pk
    callback(client, new)
    SimPayment.objects.filter(merchant_reference=old.reference).update(state="CAPTURED")
    callback(client, old)  # the bank captured the old attempt after all
    run_tasks()
    assert PaymentIntent.objects.get(pk=old.pk).state == "refunded"
    assert PaymentIntent.objects.get(pk=new.pk).state == "paid"
    assert Event.objects.filter(type="payment.dues_paid").count() == 1


def test_a_stranger_gets_404_for_the_basket_page_its_receipt_and_its_api(renewals, login, demo):
    client, payer, references = renewals
    intent = baskets.start_for_applications(payer, references)
    pay_at_gateway(client, intent)
    stranger = login(demo["expat"], "en")
    assert stranger.get(f"/payments/{intent.reference}").status_code == 404
    assert stranger.get(f"/payments/{intent.reference}/receipt").status_code == 404
    assert stranger.get(f"/api/v1/payments/{intent.reference}").status_code == 404
    assert stranger.get(f"/applications/{references[0]}/receipts/{intent.pk}").status_code == 404
    assert client.get(f"/payments/{intent.reference}").status_code == 200
    assert client.get("/payments/PAY-NOSUCH").status_code == 404


def test_paying_is_refused_to_an_attorney_for_a_personal_service(login, demo):
    """Someone acting for another must be allowed to pay (mandates, Action.PAY): an attorney in general
    sees the grantor's power-of-attorney application but may not pay for a personal service."""
    from tests.integration.test_mandates import POA, act_for, grant, poa_answers, reauthenticate

    giver, holder, _ = grant(login, demo, grantor="expat", attorney="father", scope="general")
    reauthenticate(giver)
    second = reference_of(apply(giver, POA, poa_answers(demo, "expat", "mother", "vehicles")))
    assert (
        login(demo["mother"], "en").post(f"/applications/{second}/consent", {"agree": "yes"}).status_code
        == 302
    )
    assert Application.objects.get(reference=second).state == "awaiting_payment"
    assert act_for(holder, demo["expat"]).status_code == 302
    assert holder.get(f"/applications/{second}").status_code == 200  # he sees it

    assert holder.post(f"/applications/{second}/pay").status_code == 403
    father = User.objects.get(civil_id=demo["father"])
    from sahl.mandates import services as mandates

    acting = mandates.authorize(father, demo["expat"], None, "view")
    with pytest.raises(Forbidden):
        baskets.start_for_applications(acting, [second])
    assert not PaymentIntent.objects.filter(items__application__reference=second).exists()
    assert oneself(User.objects.get(civil_id=demo["expat"])).is_self


def test_the_operators_reconciliation_shows_a_basket_under_its_agency(renewals, login, demo):
    client, payer, references = renewals
    intent = baskets.start_for_applications(payer, references)
    pay_at_gateway(client, intent)
    User.objects.filter(civil_id=demo["paci-staff"]).update(is_staff=True)
    operator = login(demo["paci-staff"])
    page = operator.get("/operators/reconciliation").content.decode()
    assert "وزارة الداخلية" in page and "20.000" in page
    csv = operator.get("/operators/reconciliation", {"format": "csv"}).content.decode()
    assert f"{timezone.localdate().isoformat()},moi,1,20.000,1," in csv


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_basket_page_reads_in_one_language(renewals, login, demo, language):
    _, payer, references = renewals
    intent = baskets.start_for_applications(payer, references)
    page = login(demo["father"], language).get(f"/payments/{intent.reference}").content.decode()
    assert f'lang="{language}"' in page
    main = page[page.index("<main") : page.index("</main>")]  # the header is the portal's, checked elsewhere
    assert foreign_words(main, language) == []
