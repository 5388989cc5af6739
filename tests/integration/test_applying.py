"""A person applies: automatic services complete at once; bad or tampered input changes nothing."""

import datetime as dt
import io
import unicodedata

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfReader

from sahl.applications.models import Application, Attachment, HistoryEvent
from sahl.registry.models import Passport, Vehicle
from tests.integration.conftest import apply, documents_rendered, form_key, paid, reference_of

pytestmark = pytest.mark.django_db
RENEWAL = "moi.vehicle-registration-renewal"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def plain(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return "".join(
        c for c in text if c not in "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    )


def test_an_automatic_renewal_completes_as_soon_as_it_is_paid(login, demo):
    expat = login(demo["expat"], "en")
    before = Vehicle.objects.get(plate="45-20002").registration_expiry

    reference = paid(expat, apply(expat, RENEWAL, {"plate_number": "45-20002"}))

    application = Application.objects.get(reference=reference)
    assert application.state == "completed"
    assert application.version.number >= 1 and application.fee_fils == 10_000
    assert Vehicle.objects.get(plate="45-20002").registration_expiry == before.replace(year=before.year + 1)
    kinds = list(application.history.values_list("kind", flat=True))
    assert kinds == [
        "submitted",
        "payment_due",
        "paid",
        "approved",
        "register_updated",
        "document_issued",
        "completed",
    ]
    # What changed in the register is written once in both languages, though the person reads English.
    until = before.replace(year=before.year + 1).isoformat()
    assert application.history.get(kind="register_updated").note == (
        f"تجدد ترخيص المركبة حتى {until} | Vehicle registration renewed until {until}"
    )
    html = expat.get(f"/applications/{reference}").content.decode()
    assert "Completed" in html and "we are preparing your document" in html  # its PDF follows
    documents_rendered()  # the task worker renders it
    html = expat.get(f"/applications/{reference}").content.decode()
    assert 'Vehicle registration renewal (<bdi dir="ltr" class="code">PDF</bdi>)' in html


def test_the_issued_pdf_carries_the_arabic_name_in_logical_order(login, demo):
    expat = login(demo["expat"])
    reference = paid(expat, apply(expat, RENEWAL, {"plate_number": "45-20002"}))
    documents_rendered()
    document = Application.objects.get(reference=reference).documents.get()
    response = expat.get(f"/applications/{reference}/documents/{document.pk}")
    pdf = b"".join(response.streaming_content)
    assert response["Content-Type"] == "application/pdf" and pdf.startswith(b"%PDF")
    text = plain("".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))
    assert "راجيش كومار" in text and document.verification_code in text and reference in text
    assert f"http://localhost:8000/verify/{document.verification_code}" in text  # the QR's address, absolute
    verify = expat.get(f"/verify/{document.verification_code}").content.decode()
    assert "هذا المستند صحيح" in verify or "This document is genuine" in verify


def test_a_person_with_unpaid_fines_is_refused_with_the_reason_and_nothing_is_created(login, demo):
    fines = login(demo["fines"], "en")
    page = fines.get(f"/services/{RENEWAL}/apply").content.decode()
    assert "unpaid traffic fines" in page and "idempotency_key" not in page
    response = fines.post(f"/services/{RENEWAL}/apply", {"plate_number": "7-30003", "idempotency_key": "k1"})
    assert response.status_code == 400 and "unpaid traffic fines" in response.content.decode()
    assert not Application.objects.filter(applicant__civil_id=demo["fines"]).exists()


def test_a_plate_that_is_not_the_persons_is_refused(login, demo):
    expat = login(demo["expat"], "en")
    response = apply(expat, RENEWAL, {"plate_number": "12-10001"})  # the father's car
    assert response.status_code == 400
    assert "Choose one of the records registered in your name." in response.content.decode()
    assert not Application.objects.filter(applicant__civil_id=demo["expat"]).exists()
    assert Vehicle.objects.get(plate="12-10001").registration_expiry > timezone.localdate()


def test_a_fee_or_a_state_sent_by_the_client_is_ignored(login, demo):
    expat = login(demo["expat"])
    reference = reference_of(
        apply(
            expat, RENEWAL, {"plate_number": "45-20002", "fee_fils": "0", "state": "rejected", "fee": "0.000"}
        )
    )
    application = Application.objects.get(reference=reference)
    assert application.fee_fils == 10_000 and application.state == "awaiting_payment"
    assert "fee" not in application.form_data and "state" not in application.form_data


def test_a_double_click_creates_one_application(login, demo):
    expat = login(demo["expat"])
    key = form_key(expat, RENEWAL)
    first = apply(expat, RENEWAL, {"plate_number": "45-20002"}, key=key)
    second = apply(expat, RENEWAL, {"plate_number": "45-20002"}, key=key)
    assert first["Location"] == second["Location"]
    assert Application.objects.filter(applicant__civil_id=demo["expat"]).count() == 1


def test_a_second_renewal_of_a_car_while_one_is_open_is_refused_naming_it(login, demo):
    expat = login(demo["expat"], "en")
    first = reference_of(apply(expat, RENEWAL, {"plate_number": "45-20002"}))
    again = apply(expat, RENEWAL, {"plate_number": "45-20002"})
    assert again.status_code == 409
    assert f"open application for the same thing, number {first}" in again.content.decode()
    assert Application.objects.filter(applicant__civil_id=demo["expat"]).count() == 1
    # Once it is no longer open, the car can be renewed again.
    assert expat.post(f"/applications/{first}/withdraw", {"reason": "wrong"}).status_code == 302
    assert reference_of(apply(expat, RENEWAL, {"plate_number": "45-20002"})) != first


def test_a_draft_is_saved_and_resumed(login, demo):
    father = login(demo["father"], "en")
    passport = Passport.objects.get(holder__civil_id=demo["father"]).number
    response = father.post(
        "/services/moi.passport-renewal/apply",
        {"passport_number": passport, "delivery": "", "save_draft": "1"},
    )
    assert response.status_code == 302
    draft = Application.objects.get(applicant__civil_id=demo["father"])
    assert draft.state == "draft" and draft.form_data == {"passport_number": passport}
    page = father.get("/services/moi.passport-renewal/apply").content.decode()
    assert f'value="{passport}" selected' in page
    reference = paid(
        father, apply(father, "moi.passport-renewal", {"passport_number": passport, "delivery": "kiosk"})
    )
    assert reference == draft.reference
    assert Application.objects.get(pk=draft.pk).state == "in_review"


def test_the_form_offers_the_persons_records_by_number_in_the_pages_language(login, demo):
    passport = Passport.objects.get(holder__civil_id=demo["father"]).number
    arabic = login(demo["father"]).get("/services/moi.passport-renewal/apply").content.decode()
    # The profile read for the Arabic page may be kept; the English page still reads English.
    english = login(demo["father"], "en").get("/services/moi.passport-renewal/apply").content.decode()
    # The number keeps its order inside Arabic (Unicode's isolates: an <option> holds no markup).
    assert f'<option value="{passport}">جواز رقم \u2066{passport}\u2069</option>' in arabic
    assert f'<option value="{passport}">Passport \u2066{passport}\u2069</option>' in english


def test_a_file_whose_content_is_not_its_declared_type_is_refused_before_storing(login, demo):
    father = login(demo["father"], "en")
    passport = Passport.objects.get(holder__civil_id=demo["father"]).number
    fake = SimpleUploadedFile("photo.png", b"%PDF-1.4 not a picture", content_type="image/png")
    response = apply(
        father,
        "moi.passport-renewal",
        {"passport_number": passport, "delivery": "kiosk"},
        {"personal_photo": fake},
    )
    assert response.status_code == 400
    assert "This kind of file is not accepted; accepted kinds: JPEG, PNG." in response.content.decode()
    assert not Application.objects.exclude(state="draft").filter(applicant__civil_id=demo["father"]).exists()
    assert Attachment.objects.count() == 0


def test_a_file_over_the_limit_is_refused(login, demo):
    father = login(demo["father"], "en")
    passport = Passport.objects.get(holder__civil_id=demo["father"]).number
    big = SimpleUploadedFile("photo.png", PNG + b"\x00" * (2 * 1024 * 1024), content_type="image/png")
    response = apply(
        father,
        "moi.passport-renewal",
        {"passport_number": passport, "delivery": "kiosk"},
        {"personal_photo": big},
    )
    assert response.status_code == 400
    assert "The file is larger than the limit (2 MB)." in response.content.decode()
    assert Attachment.objects.count() == 0


def test_an_accepted_attachment_is_stored_under_a_name_of_ours(login, demo):
    father = login(demo["father"])
    passport = Passport.objects.get(holder__civil_id=demo["father"]).number
    photo = SimpleUploadedFile("../../etc/passwd.png", PNG, content_type="image/png")
    reference = reference_of(
        apply(
            father,
            "moi.passport-renewal",
            {"passport_number": passport, "delivery": "kiosk"},
            {"personal_photo": photo},
        )
    )
    attachment = Attachment.objects.get(application__reference=reference)
    assert attachment.content_type == "image/png" and attachment.size == len(PNG)
    assert "passwd" not in attachment.file.name and attachment.file.name.endswith(".png")


def test_another_persons_application_answers_404_like_a_missing_one(login, demo):
    expat = login(demo["expat"])
    reference = paid(expat, apply(expat, RENEWAL, {"plate_number": "45-20002"}))
    stranger = login(demo["owner"])
    assert stranger.get(f"/applications/{reference}").status_code == 404
    assert stranger.get("/applications/2026-9999999").status_code == 404
    document = Application.objects.get(reference=reference).documents.get()
    assert stranger.get(f"/applications/{reference}/documents/{document.pk}").status_code == 404
    assert stranger.post(f"/applications/{reference}/withdraw").status_code == 404


def test_my_applications_lists_status_reference_and_due_date(login, demo):
    father = login(demo["father"], "en")
    passport = Passport.objects.get(holder__civil_id=demo["father"]).number
    reference = paid(
        father, apply(father, "moi.passport-renewal", {"passport_number": passport, "delivery": "kiosk"})
    )
    application = Application.objects.get(reference=reference)
    html = father.get("/applications").content.decode()
    assert reference in html and "In progress" in html
    assert application.due_on.isoformat() in html
    assert application.due_on > timezone.localdate()


def test_withdrawing_is_recorded_and_final(login, demo):
    father = login(demo["father"], "en")
    passport = Passport.objects.get(holder__civil_id=demo["father"]).number
    reference = paid(
        father, apply(father, "moi.passport-renewal", {"passport_number": passport, "delivery": "kiosk"})
    )
    assert (
        father.post(f"/applications/{reference}/withdraw", {"reason": "changed my mind"}).status_code == 302
    )
    application = Application.objects.get(reference=reference)
    assert application.state == "withdrawn"
    assert application.history.last().kind == HistoryEvent.Kind.WITHDRAWN
    again = father.post(f"/applications/{reference}/withdraw")
    assert again.status_code == 409  # an illegal transition changes nothing
    assert Application.objects.get(reference=reference).history.count() == application.history.count()


def test_history_is_append_only(login, demo):
    expat = login(demo["expat"])
    reference = paid(expat, apply(expat, RENEWAL, {"plate_number": "45-20002"}))
    event = Application.objects.get(reference=reference).history.first()
    event.note = "rewritten"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()


def test_the_passport_renewal_updates_the_register_when_approved(login, demo):
    from sahl.backoffice import services as backoffice
    from sahl.identity.models import User

    father = login(demo["father"])
    passport = Passport.objects.get(holder__civil_id=demo["father"])
    reference = paid(
        father,
        apply(father, "moi.passport-renewal", {"passport_number": passport.number, "delivery": "kiosk"}),
    )
    caseworker = User.objects.get(civil_id=demo["caseworker"])
    backoffice.take(caseworker, reference)
    backoffice.approve(caseworker, reference)
    passport.refresh_from_db()
    assert passport.expires_on > timezone.localdate() + dt.timedelta(days=365 * 4)


def test_a_party_does_not_get_the_applicants_attachments(login, demo):
    father, buyer = login(demo["father"], "en"), login(demo["expat"], "en")
    proof = SimpleUploadedFile("receipt.png", PNG, content_type="image/png")
    answers = {"plate_number": "12-10001", "buyer_civil_id": demo["expat"], "payment_method": "bank_transfer"}
    reference = reference_of(
        apply(father, "moi.vehicle-ownership-transfer", answers, {"proof_of_payment": proof})
    )
    attachment = Attachment.objects.get(application__reference=reference)
    # The buyer sees the application (he must agree to it) but not the seller's files.
    assert buyer.get(f"/applications/{reference}").status_code == 200
    assert buyer.get(f"/applications/{reference}/attachments/{attachment.pk}").status_code == 404
    assert father.get(f"/applications/{reference}/attachments/{attachment.pk}").status_code == 200
