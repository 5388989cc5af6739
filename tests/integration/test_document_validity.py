"""Issue 17, point 9: a document is valid exactly as long as what it certifies. A power of attorney
until the mandate's last day, a renewed card or registration until the register's new expiry, a
certificate for its service's fixed validity; its PDF, its /verify page and its wallet credential
(SD-JWT `exp`, the end of that day in Kuwait) say the same day."""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import re
import unicodedata
from zoneinfo import ZoneInfo

import httpx
import pytest
from dateutil.relativedelta import relativedelta
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from sahl.applications.models import IssuedDocument
from sahl.identity.models import User
from sahl.mandates import services as mandates
from sahl.mandates.models import Mandate
from sahl.registry.models import DrivingLicence, Person, Vehicle
from sahl.wallet.jose import parse
from tests.integration.conftest import DjangoTransport, apply, documents_rendered, paid
from tests.integration.test_mandates import grant
from tests.integration.test_wallet import offer_for
from tests.oid4vci_client import Wallet

pytestmark = pytest.mark.django_db
KUWAIT = ZoneInfo("Asia/Kuwait")
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
MARKS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def plain(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", text) if c not in MARKS)


def pdf_text(document: IssuedDocument) -> str:
    documents_rendered()  # what the task worker does after the decision
    document.refresh_from_db()
    with document.pdf.open("rb") as f:
        return plain("".join(page.extract_text() for page in PdfReader(io.BytesIO(f.read())).pages))


def pdf_valid_until(document: IssuedDocument) -> str:
    """The value of the PDF's "Valid until" row (its English label, then the date)."""
    found = re.search(r"Valid until\s*(\d{4}-\d{2}-\d{2}|Does not expire)", pdf_text(document))
    assert found, pdf_text(document)[:600]
    return found.group(1)


def verify_page_until(client, document: IssuedDocument) -> str:
    page = client.get(f"/verify/{document.verification_code}").content.decode()
    found = re.search(r'<time datetime="(\d{4}-\d{2}-\d{2})"[^>]*data-valid-until>', page)
    assert found, page
    return found.group(1)


def credential(person, document: IssuedDocument) -> tuple[dict, dict]:
    """The document's full SD-JWT VC as a wallet receives it: its payload and its disclosed claims."""
    made = offer_for(person, document)
    wallet = Wallet(httpx.Client(transport=DjangoTransport(), base_url="http://localhost:8000"))
    text = wallet.receive(made["credential_offer_uri"], made["tx_code"])[document.document]
    jwt, *disclosures = text.split("~")
    claims = {}
    for part in filter(None, disclosures):
        item = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
        if len(item) == 3:
            claims[item[1]] = item[2]
    return parse(jwt, "dc+sd-jwt").payload, claims


def png(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def end_of_day_in_kuwait(day: dt.date) -> int:
    return int(dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=KUWAIT).timestamp())


def assert_all_say(client, holder, document: IssuedDocument, day: dt.date) -> None:
    assert document.valid_until == day
    assert pdf_valid_until(document) == day.isoformat()
    assert verify_page_until(client, document) == day.isoformat()
    payload, claims = credential(holder, document)
    assert claims["expiry_date"] == day.isoformat()
    # The end of that day in Kuwait (21:00 UTC the day before midnight there), not midnight UTC.
    assert payload["exp"] == end_of_day_in_kuwait(day)
    assert dt.datetime.fromtimestamp(payload["exp"], KUWAIT).time() == dt.time(0, 0)


def test_a_power_of_attorney_is_valid_until_the_mandate_ends_everywhere_and_revoked_with_it(login, demo):
    giver, _, reference = grant(login, demo)  # for a year, where the definition said five before
    mandate = Mandate.objects.get(application_reference=reference)
    document = IssuedDocument.objects.get(application__reference=reference, document="power_of_attorney")
    assert mandate.valid_until == timezone.localdate() + dt.timedelta(days=365)
    assert_all_say(giver, giver, document, mandate.valid_until)

    mandates.revoke(User.objects.get(civil_id=demo["expat"]), mandate.pk, "no longer needed")
    for language, said in (("en", "This document was revoked."), ("ar", "أُلغي هذا المستند")):
        anyone = Client(HTTP_ACCEPT_LANGUAGE=language)  # a verifier needs no account
        page = anyone.get(f"/verify/{document.verification_code}").content.decode()
        assert said in page and f'<time datetime="{mandate.valid_until.isoformat()}"' in page
    document.refresh_from_db()
    assert document.revoked_at is not None


def test_a_renewed_civil_id_is_valid_until_the_cards_new_expiry_not_five_years(login, demo):
    today = timezone.localdate()
    residence_ends = today + dt.timedelta(days=200)
    Person.objects.filter(civil_id=demo["expat"]).update(
        civil_id_expiry=today + dt.timedelta(days=30), residency_expiry=residence_ends
    )
    expat = login(demo["expat"], "en")
    answers = {"delivery": "kiosk", "contact_phone": "99001122"}
    reference = paid(expat, apply(expat, "paci.civil-id-renewal", answers))
    document = IssuedDocument.objects.get(application__reference=reference)
    # A resident's card runs to the end of the residence (the register's new expiry).
    assert Person.objects.get(civil_id=demo["expat"]).civil_id_expiry == residence_ends
    assert_all_say(expat, expat, document, residence_ends)


def test_a_renewed_registration_runs_a_year_from_its_old_end_as_the_register_does(login, demo):
    before = Vehicle.objects.get(plate="45-20002").registration_expiry
    expat = login(demo["expat"], "en")
    reference = paid(expat, apply(expat, "moi.vehicle-registration-renewal", {"plate_number": "45-20002"}))
    document = IssuedDocument.objects.get(application__reference=reference)
    after = Vehicle.objects.get(plate="45-20002").registration_expiry
    assert after == before.replace(year=before.year + 1) and document.valid_until == after


def test_a_new_licence_ends_when_the_registers_licence_does(login, demo):
    from sahl.backoffice import services as backoffice

    DrivingLicence.objects.filter(holder__civil_id=demo["father"]).delete()  # a first licence
    father = login(demo["father"], "en")
    answers = {"licence_category": "private", "test_result_number": "T-1"}
    files = {"eye_test_certificate": png("eyes.png"), "personal_photo": png("me.png")}
    reference = paid(father, apply(father, "moi.driving-licence-issuance", answers, files))
    staff = User.objects.get(civil_id=demo["caseworker"])
    backoffice.take(staff, reference)
    backoffice.approve(staff, reference)
    document = IssuedDocument.objects.get(application__reference=reference)
    licence = DrivingLicence.objects.get(holder__civil_id=demo["father"])
    assert document.valid_until == licence.expires_on  # it said "Does not expire" before
    assert pdf_valid_until(document) == licence.expires_on.isoformat()


def test_a_renewed_licence_runs_its_term_again_from_its_end(login, demo):
    soon = timezone.localdate() + dt.timedelta(days=30)
    licence = DrivingLicence.objects.filter(holder__civil_id=demo["father"]).first()
    assert licence is not None
    DrivingLicence.objects.filter(pk=licence.pk).update(expires_on=soon)
    father = login(demo["father"], "en")
    reference = paid(father, apply(father, "moi.driving-licence-renewal", {"licence_number": licence.number}))
    document = IssuedDocument.objects.get(application__reference=reference)
    renewed = DrivingLicence.objects.get(pk=licence.pk).expires_on
    assert renewed == soon.replace(year=soon.year + 15)  # a citizen's licence; it said "does not expire"
    assert_all_say(father, father, document, renewed)


def test_a_certificate_keeps_its_fixed_validity_from_the_definition(login, demo):
    father = login(demo["father"], "en")
    reference = paid(father, apply(father, "paci.address-certificate", {"language": "en"}))
    document = IssuedDocument.objects.get(application__reference=reference)
    assert document.valid_until == timezone.localdate() + relativedelta(months=3)  # P3M
    assert pdf_valid_until(document) == document.valid_until.isoformat()
    assert verify_page_until(father, document) == document.valid_until.isoformat()


def test_the_verify_page_says_an_expired_document_has_expired(login, demo):
    father = login(demo["father"], "en")
    reference = paid(father, apply(father, "paci.address-certificate", {"language": "en"}))
    document = IssuedDocument.objects.get(application__reference=reference)
    IssuedDocument.objects.filter(pk=document.pk).update(
        valid_until=timezone.localdate() - dt.timedelta(days=1)
    )
    page = father.get(f"/verify/{document.verification_code}").content.decode()
    assert "it has expired" in page and "This document is genuine" not in page


def test_a_replacement_registration_book_is_valid_as_long_as_the_registration(login, demo):
    before = Vehicle.objects.get(plate="45-20002").registration_expiry
    expat = login(demo["expat"], "en")
    answers = {"plate_number": "45-20002", "reason": "lost"}
    reference = paid(expat, apply(expat, "moi.vehicle-registration-replacement", answers))
    document = IssuedDocument.objects.get(application__reference=reference)
    assert Vehicle.objects.get(plate="45-20002").registration_expiry == before  # nothing renewed
    assert_all_say(expat, expat, document, before)  # it said "Does not expire" before


def test_a_replacement_licence_is_valid_as_long_as_the_licence(login, demo):
    licence = DrivingLicence.objects.filter(holder__civil_id=demo["father"]).first()
    assert licence is not None
    father = login(demo["father"], "en")
    answers = {"licence_number": licence.number, "reason": "damaged"}
    reference = paid(father, apply(father, "moi.driving-licence-replacement", answers))
    document = IssuedDocument.objects.get(application__reference=reference)
    assert DrivingLicence.objects.get(pk=licence.pk).expires_on == licence.expires_on
    assert_all_say(father, father, document, licence.expires_on)


def test_a_replacement_civil_id_card_runs_to_the_registers_expiry_and_changes_nothing(demo):
    from sahl.core.effects import Order, effect

    person = Person.objects.get(civil_id=demo["father"])
    replace = effect("civil_id.replace")
    assert replace.certifies == "civil_id_card"
    change = replace.carry_out(
        Order("app-1", demo["father"], {"reason": "lost", "delivery": "kiosk"}, timezone.localdate())
    )
    assert change.until == person.civil_id_expiry
    assert Person.objects.get(pk=person.pk).civil_id_expiry == person.civil_id_expiry


def test_a_replacement_passport_is_a_new_passport_in_the_register_and_on_paper(login, demo):
    from sahl.backoffice import services as backoffice
    from sahl.registry.models import Passport

    passport = Passport.objects.filter(holder__civil_id=demo["father"]).first()
    assert passport is not None
    father = login(demo["father"], "en")
    answers = {"passport_number": passport.number, "reason": "lost", "delivery": "kiosk"}
    files = {"loss_certificate": png("loss.png"), "personal_photo": png("me.png")}
    reference = paid(father, apply(father, "moi.passport-replacement", answers, files))
    staff = User.objects.get(civil_id=demo["caseworker"])
    backoffice.take(staff, reference)
    backoffice.approve(staff, reference)
    document = IssuedDocument.objects.get(application__reference=reference)
    replaced = Passport.objects.get(pk=passport.pk)
    assert replaced.issued_on == timezone.localdate()
    assert replaced.expires_on == timezone.localdate() + relativedelta(years=5)
    assert_all_say(father, father, document, replaced.expires_on)  # the register and the paper agree
