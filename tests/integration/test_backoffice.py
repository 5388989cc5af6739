"""Caseworkers decide back-office cases; parties consent; the clock pauses while waiting."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from sahl.applications.models import Application
from sahl.backoffice import services as backoffice
from sahl.core.working_days import add_working_days, kuwait_holidays
from sahl.events import read_models
from sahl.identity.models import User
from sahl.registry.models import Passport, Vehicle
from tests.integration.conftest import apply, documents_rendered, paid, pay, proof_of_payment, reference_of

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def passport_case(login, demo):
    father = login(demo["father"], "en")
    passport = Passport.objects.get(holder__civil_id=demo["father"]).number
    reference = paid(
        father, apply(father, "moi.passport-renewal", {"passport_number": passport, "delivery": "kiosk"})
    )
    return father, reference


def test_the_case_waits_in_the_agencys_queue_with_a_working_day_due_date(login, demo, passport_case):
    _, reference = passport_case
    application = Application.objects.get(reference=reference)
    assert application.state == "in_review"
    assert application.due_on == add_working_days(timezone.localdate(), 3, kuwait_holidays())
    caseworker = login(demo["caseworker"], "en")
    assert reference in caseworker.get("/backoffice/").content.decode()
    chosen = caseworker.get("/backoffice/?service=moi.passport-renewal").content.decode()
    assert (
        reference in chosen
        and '<option value="moi.passport-renewal" selected>Passport renewal</option>' in chosen
    )
    assert chosen.count(" selected>") == 1  # the service, and no status (open cases, the first option)
    assert (
        reference
        not in caseworker.get("/backoffice/?service=moi.vehicle-ownership-transfer").content.decode()
    )


def test_another_agencys_caseworker_cannot_see_the_case(login, demo, passport_case):
    _, reference = passport_case
    paci = login(demo["paci-staff"])
    assert reference not in paci.get("/backoffice/").content.decode()
    assert paci.get(f"/backoffice/cases/{reference}").status_code == 404
    assert paci.post(f"/backoffice/cases/{reference}/take").status_code == 404
    citizen = login(demo["owner"])
    assert citizen.get("/backoffice/").status_code == 404


def test_request_information_upload_and_approve(login, demo, passport_case):
    father, reference = passport_case
    caseworker = login(demo["caseworker"], "en")
    assert caseworker.post(f"/backoffice/cases/{reference}/take").status_code == 302
    response = caseworker.post(
        f"/backoffice/cases/{reference}/request-information",
        {"message": "Please upload a clearer photo", "document_code": "personal_photo"},
    )
    assert response.status_code == 302
    application = Application.objects.get(reference=reference)
    assert application.state == "action_needed" and application.paused_since == timezone.localdate()
    page = father.get(f"/applications/{reference}").content.decode()
    assert "Please upload a clearer photo" in page and "Action needed from you" in page

    photo = SimpleUploadedFile("me.png", PNG, content_type="image/png")
    assert father.post(f"/applications/{reference}/respond", {"document": photo}).status_code == 302
    application.refresh_from_db()
    assert application.state == "in_review" and application.paused_since is None
    assert application.attachments.get().info_request is not None

    assert caseworker.post(f"/backoffice/cases/{reference}/approve").status_code == 302
    documents_rendered()
    page = father.get(f"/applications/{reference}").content.decode()
    assert "Completed" in page and "Approved" in page
    assert 'Passport renewal (<bdi dir="ltr" class="code">PDF</bdi>)' in page
    kinds = list(Application.objects.get(reference=reference).history.values_list("kind", flat=True))
    assert kinds == [
        "submitted",
        "payment_due",
        "paid",
        "sent_to_agency",
        "taken",
        "info_requested",
        "info_provided",
        "approved",
        "register_updated",
        "document_issued",
        "completed",
    ]


def test_a_wrong_file_in_the_answer_is_refused_and_nothing_changes(login, demo, passport_case):
    father, reference = passport_case
    staff = User.objects.get(civil_id=demo["caseworker"])
    backoffice.take(staff, reference)
    backoffice.request_information(staff, reference, "photo please", "personal_photo")
    fake = SimpleUploadedFile("me.png", b"GIF89a....", content_type="image/png")
    response = father.post(f"/applications/{reference}/respond", {"document": fake})
    assert response.status_code == 400
    assert Application.objects.get(reference=reference).state == "action_needed"


def test_a_rejection_needs_a_reason_that_the_applicant_sees(login, demo, passport_case):
    father, reference = passport_case
    caseworker = login(demo["caseworker"], "en")
    caseworker.post(f"/backoffice/cases/{reference}/take")
    response = caseworker.post(f"/backoffice/cases/{reference}/reject", {"reason": "  "})
    assert response.status_code == 400 and "Write the reason for the rejection" in response.content.decode()
    assert Application.objects.get(reference=reference).state == "in_review"
    caseworker.post(
        f"/backoffice/cases/{reference}/reject", {"reason": "The photo does not meet the standard"}
    )
    page = father.get(f"/applications/{reference}").content.decode()
    assert "Rejected" in page and "The photo does not meet the standard" in page


def test_two_caseworkers_cannot_both_take_or_decide_a_case(login, demo, passport_case):
    _, reference = passport_case
    first = User.objects.get(civil_id=demo["caseworker"])
    second = User.objects.create_user("286052200001", "another-password-123", name_ar="موظف", name_en="Clerk")
    from sahl.identity.services import appoint_staff

    appoint_staff(second, first.membership.agency, "caseworker")
    backoffice.take(first, reference)
    with pytest.raises(backoffice.AlreadyTaken):
        backoffice.take(second, reference)
    with pytest.raises(backoffice.AlreadyTaken):
        backoffice.approve(second, reference)
    client = login(demo["caseworker"])
    client.force_login(second)
    response = client.post(f"/backoffice/cases/{reference}/take")
    assert response.status_code == 409 and "تولّى موظف آخر هذه المعاملة للتو" in response.content.decode()
    backoffice.approve(first, reference)
    with pytest.raises(Exception, match="illegal_transition"):
        backoffice.approve(first, reference)
    assert Application.objects.get(reference=reference).documents.count() == 1


def test_deciding_before_taking_is_refused(demo, passport_case):
    _, reference = passport_case
    staff = User.objects.get(civil_id=demo["caseworker"])
    with pytest.raises(Exception, match="not_assigned"):
        backoffice.approve(staff, reference)


def test_the_clock_pauses_while_waiting_for_the_applicant(demo, passport_case, monkeypatch):
    _, reference = passport_case
    staff = User.objects.get(civil_id=demo["caseworker"])
    father = User.objects.get(civil_id=demo["father"])
    holidays = kuwait_holidays()
    start = timezone.localdate()
    due = Application.objects.get(reference=reference).due_on
    backoffice.take(staff, reference)
    backoffice.request_information(staff, reference, "photo please")
    # The applicant answers five working days later.
    later = add_working_days(start, 5, holidays)
    monkeypatch.setattr("sahl.applications.clock.today", lambda: later)
    from sahl.applications import responding

    responding.respond(father, reference, "here it is", None)
    assert Application.objects.get(reference=reference).due_on == add_working_days(due, 5, holidays)


@pytest.fixture
def transfer(login, demo):
    father = login(demo["father"], "en")
    reference = reference_of(
        apply(
            father,
            "moi.vehicle-ownership-transfer",
            {"plate_number": "12-10001", "buyer_civil_id": demo["expat"], "payment_method": "bank_transfer"},
            proof_of_payment(),
        )
    )
    return father, reference


def test_the_buyer_sees_the_transfer_and_agrees_then_the_agency_decides(login, demo, transfer):
    father, reference = transfer
    application = Application.objects.get(reference=reference)
    assert application.state == "submitted"
    assert {p.role: p.consent for p in application.parties.all()} == {"seller": "given", "buyer": "pending"}
    caseworker = User.objects.get(civil_id=demo["caseworker"])
    queue = backoffice.queue_page(caseworker, backoffice.QueueFilter(), size=1000)
    assert reference not in [a.reference for a in queue.cases]

    buyer = login(demo["expat"], "en")
    assert reference in buyer.get("/applications").content.decode()
    assert "Your agreement is needed" in buyer.get(f"/applications/{reference}").content.decode()
    assert buyer.post(f"/applications/{reference}/consent", {"agree": "yes"}).status_code == 302
    assert Application.objects.get(reference=reference).state == "awaiting_payment"
    pay(father, reference)  # the seller pays the transfer fee
    assert Application.objects.get(reference=reference).state == "in_review"

    backoffice.take(caseworker, reference)
    backoffice.approve(caseworker, reference)
    assert Vehicle.objects.get(plate="12-10001").owner.civil_id == demo["expat"]
    assert "Completed" in father.get(f"/applications/{reference}").content.decode()


def test_when_the_buyer_declines_the_transfer_is_cancelled_and_the_car_stays(login, demo, transfer):
    _, reference = transfer
    buyer = login(demo["expat"])
    buyer.post(f"/applications/{reference}/consent", {"agree": "no"})
    assert Application.objects.get(reference=reference).state == "cancelled"
    assert Vehicle.objects.get(plate="12-10001").owner.civil_id == demo["father"]
    assert buyer.post(f"/applications/{reference}/consent", {"agree": "yes"}).status_code == 404


def test_only_the_named_buyer_can_consent(login, demo, transfer):
    _, reference = transfer
    stranger = login(demo["owner"])
    assert stranger.post(f"/applications/{reference}/consent", {"agree": "yes"}).status_code == 404
    seller = login(demo["father"])
    assert seller.post(f"/applications/{reference}/consent", {"agree": "yes"}).status_code == 404
    assert Application.objects.get(reference=reference).state == "submitted"


def test_a_buyer_who_is_not_in_the_register_is_refused(login, demo):
    father = login(demo["father"], "en")
    response = apply(
        father,
        "moi.vehicle-ownership-transfer",
        {"plate_number": "12-10001", "buyer_civil_id": "290010100009", "payment_method": "bank_transfer"},
        proof_of_payment(),
    )
    assert response.status_code == 400
    assert "not in the civil register" in response.content.decode()


def test_overdue_cases_are_flagged(login, demo, passport_case):
    _, reference = passport_case
    Application.objects.filter(reference=reference).update(due_on=timezone.localdate() - dt.timedelta(days=2))
    read_models.rebuild(["backoffice_queue"])  # the due date was moved by hand, past the events
    caseworker = login(demo["caseworker"], "en")
    assert reference in caseworker.get("/backoffice/?overdue=1").content.decode()


def test_the_new_registration_is_issued_to_the_buyer_not_the_seller(login, demo, transfer):
    father, reference = transfer
    buyer = login(demo["expat"], "en")
    buyer.post(f"/applications/{reference}/consent", {"agree": "yes"})
    pay(father, reference)
    caseworker = User.objects.get(civil_id=demo["caseworker"])
    backoffice.take(caseworker, reference)
    backoffice.approve(caseworker, reference)
    document = Application.objects.get(reference=reference).documents.get()
    assert document.holder_civil_id == demo["expat"]
    documents_rendered()
    assert buyer.get(f"/applications/{reference}/documents/{document.pk}").status_code == 200
    assert father.get(f"/applications/{reference}/documents/{document.pk}").status_code == 404
    assert "Vehicle ownership transfer (" not in father.get(f"/applications/{reference}").content.decode()


def test_a_car_cannot_be_sold_twice(login, demo, transfer):
    father, first = transfer
    second = apply(
        father,
        "moi.vehicle-ownership-transfer",
        {"plate_number": "12-10001", "buyer_civil_id": demo["owner"], "payment_method": "bank_transfer"},
        proof_of_payment(),
    )
    assert second.status_code == 409
    assert (
        f"You already have an open application for the same thing, number {first}" in second.content.decode()
    )
    assert Application.objects.filter(service__code="moi.vehicle-ownership-transfer").count() == 1


def test_an_approval_that_finds_the_register_changed_changes_nothing(login, demo, transfer):
    father, reference = transfer
    login(demo["expat"]).post(f"/applications/{reference}/consent", {"agree": "yes"})
    pay(father, reference)
    # Meanwhile the car left the seller by another channel.
    Vehicle.objects.filter(plate="12-10001").update(owner=Vehicle.objects.get(plate="45-20002").owner)
    caseworker = login(demo["caseworker"], "en")
    caseworker.post(f"/backoffice/cases/{reference}/take")
    response = caseworker.post(f"/backoffice/cases/{reference}/approve")
    assert response.status_code == 409 and "The register has changed" in response.content.decode()
    application = Application.objects.get(reference=reference)
    assert application.state == "in_review" and not application.documents.exists()
