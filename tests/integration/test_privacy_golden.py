"""The "My data" export, byte for byte. One person holds rows in every section of the export (their
account and second factors, register records and relatives, applications as applicant and as a
party with history, payments, documents and attachments, messages and their deliveries, a notice,
audit entries, consents, powers of attorney both ways, wallet credentials and offers), all written
on a fixed clock with fixed codes and ids. The download in Arabic and in English, and what the
"My data" page says, must equal the files under tests/integration/golden/.

The files were written from the export as it was before each area of Sahl contributed its own
section: a change of the export's bytes (order, a field, a text) fails here. When a change is meant,
rewrite them with `SAHL_WRITE_GOLDEN=1` and read the diff before committing it.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client

from sahl.applications.models import (
    Application,
    Attachment,
    Decision,
    HistoryEvent,
    InfoRequest,
    IssuedDocument,
    Party,
)
from sahl.audit import services as audit
from sahl.catalogue.models import Agency, Service
from sahl.demo.registry import civil_id_for
from sahl.identity.models import SmsFactor, StaffMembership, User
from sahl.mandates.models import Mandate
from sahl.notifications.models import Message, Notice, NoticeRecipient
from sahl.outbox.models import Delivery
from sahl.payments.models import PaymentEvent, PaymentIntent
from sahl.registry import models as registry
from sahl.wallet.models import Credential, IssuerKey, Offer, StatusList

pytestmark = pytest.mark.django_db

GOLDEN = Path(__file__).parent / "golden"
KUWAIT = dt.timezone(dt.timedelta(hours=3))
START = dt.datetime(2026, 3, 1, 9, 0, tzinfo=KUWAIT)

# Far from the seeded population's serials, so no seeded person shares them.
PERSON = civil_id_for(dt.date(1984, 5, 17), 9001)
SPOUSE = civil_id_for(dt.date(1987, 9, 2), 9001)
FATHER = civil_id_for(dt.date(1955, 1, 20), 9001)
MOTHER = civil_id_for(dt.date(1958, 6, 11), 9001)
CHILD = civil_id_for(dt.date(2019, 11, 30), 9001)
WORKER = civil_id_for(dt.date(1992, 2, 14), 9001)
BUYER = civil_id_for(dt.date(1979, 8, 8), 9001)
SELLER = civil_id_for(dt.date(1970, 4, 4), 9001)
CASEWORKER = civil_id_for(dt.date(1980, 12, 12), 9001)
ATTORNEY_UNKNOWN = civil_id_for(dt.date(1966, 7, 7), 9001)  # not in the population register


class Clock:
    """`timezone.now()` for the whole test: it moves only when told to."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> dt.datetime:
        return self.now

    def at(self, **delta: float) -> dt.datetime:
        """Move on by `delta` and say where the clock now is."""
        self.now += dt.timedelta(**delta)
        return self.now


@pytest.fixture
def clock() -> Iterator[Clock]:
    fixed = Clock()
    with mock.patch("django.utils.timezone.now", fixed):
        yield fixed


def the_person(clock: Clock) -> User:
    """A married Kuwaiti with parents, a child, a domestic worker, a car with fines, a licence, a
    passport, a company, and something of every kind in Sahl."""
    moi = Agency.objects.get(code="moi")
    sale = Service.objects.get(code="moi.vehicle-ownership-transfer")
    renewal = Service.objects.get(code="moi.passport-renewal")

    # --- registers -------------------------------------------------------------------------------
    def person(civil_id: str, ar: str, en: str, born: dt.date, sex: str, **more: object) -> registry.Person:
        return registry.Person.objects.create(
            civil_id=civil_id,
            name_ar=ar,
            name_en=en,
            birth_date=born,
            sex=sex,
            nationality=str(more.pop("nationality", "KW")),
            governorate="HW",
            area="salmiya",
            marital_status=str(more.pop("marital_status", "married")),
            civil_id_expiry=dt.date(2029, 5, 16),
            employment=str(more.pop("employment", "government")),
            **more,  # type: ignore[arg-type]
        )

    father = person(
        FATHER, "خالد سالم العنزي", "Khalid Salem Al-Enezi", dt.date(1955, 1, 20), "M", employment="retired"
    )
    mother = person(
        MOTHER, "نورة فهد العنزي", "Noura Fahad Al-Enezi", dt.date(1958, 6, 11), "F", employment="none"
    )
    me = person(
        PERSON,
        "سالم خالد العنزي",
        "Salem Khalid Al-Enezi",
        dt.date(1984, 5, 17),
        "M",
        father=father,
        mother=mother,
        card_serial="482615937",
        mobile="+96550012345",
        is_insured=True,
    )
    spouse = person(SPOUSE, "مريم علي العنزي", "Mariam Ali Al-Enezi", dt.date(1987, 9, 2), "F")
    person(
        CHILD,
        "فهد سالم العنزي",
        "Fahad Salem Al-Enezi",
        dt.date(2019, 11, 30),
        "M",
        father=me,
        mother=spouse,
        marital_status="single",
        employment="none",
    )
    person(
        WORKER,
        "ماريا سانتوس",
        "Maria Santos",
        dt.date(1992, 2, 14),
        "F",
        nationality="PH",
        marital_status="single",
        employment="private",
        sponsor=me,
        residency="article-20",
        residency_expiry=dt.date(2026, 9, 30),
    )
    buyer = person(BUYER, "فيصل ناصر الرشيدي", "Faisal Nasser Al-Rashidi", dt.date(1979, 8, 8), "M")
    person(SELLER, "بدر حمد الشمري", "Badr Hamad Al-Shammari", dt.date(1970, 4, 4), "M")
    registry.Marriage.objects.create(husband=me, wife=spouse, married_on=dt.date(2015, 4, 10))
    car = registry.Vehicle.objects.create(
        plate="GOLD-1001",
        owner=me,
        make="Toyota",
        model="Land Cruiser",
        year=2021,
        colour_ar="أبيض",
        colour_en="White",
        registration_expiry=dt.date(2026, 10, 1),
        insurance_expiry=dt.date(2026, 9, 1),
    )
    registry.Vehicle.objects.create(
        plate="GOLD-1002",
        owner=me,
        make="Nissan",
        model="Patrol",
        year=2018,
        colour_ar="أسود",
        colour_en="Black",
        registration_expiry=dt.date(2026, 6, 1),
        insurance_expiry=dt.date(2026, 6, 1),
    )
    registry.TrafficFine.objects.create(
        vehicle=car,
        amount_fils=20000,
        offence_ar="تجاوز السرعة",
        offence_en="Speeding",
        issued_on=dt.date(2025, 12, 3),
    )
    registry.TrafficFine.objects.create(
        vehicle=car,
        amount_fils=5000,
        offence_ar="وقوف خاطئ",
        offence_en="Wrong parking",
        issued_on=dt.date(2025, 7, 1),
        paid_on=dt.date(2025, 7, 5),
    )
    registry.DrivingLicence.objects.create(
        number="DLGOLD9001",
        holder=me,
        category="private",
        issued_on=dt.date(2016, 3, 1),
        expires_on=dt.date(2031, 3, 1),
    )
    registry.Passport.objects.create(
        number="PGOLD9001", holder=me, issued_on=dt.date(2021, 1, 5), expires_on=dt.date(2026, 4, 20)
    )
    company = registry.Company.objects.create(
        number="CR-GOLD-9001",
        name_ar="شركة العنزي للتجارة",
        name_en="Al-Enezi Trading Company",
        activity_ar="تجارة عامة",
        activity_en="General trading",
        licence_expiry=dt.date(2027, 2, 1),
    )
    registry.CompanyRole.objects.create(company=company, person=me, role="owner")

    # --- account --------------------------------------------------------------------------------
    user = User.objects.create_user(
        PERSON,
        "x-golden-password-1",
        name_ar=me.name_ar,
        name_en=me.name_en,
        email="salem@example.com",
        phone="+96550009001",
        notify_by_email=True,
        preferred_language="en",
        date_joined=clock.now,
    )
    caseworker = User.objects.create_user(
        CASEWORKER, None, name_ar="هند يوسف", name_en="Hind Yousef", date_joined=clock.now
    )
    StaffMembership.objects.create(user=caseworker, agency=moi, role="caseworker", since=clock.now)
    # The person also supervises at the civil information authority.
    StaffMembership.objects.create(
        user=user, agency=Agency.objects.get(code="paci"), role="supervisor", since=clock.now
    )
    other = User.objects.create_user(
        BUYER, None, name_ar=buyer.name_ar, name_en=buyer.name_en, date_joined=clock.now
    )
    Authenticator.objects.create(
        user=user,
        type=Authenticator.Type.TOTP,
        data={"secret": "GOLDENSECRET"},
        created_at=clock.at(minutes=1),
        last_used_at=clock.at(minutes=1),
    )
    Authenticator.objects.create(
        user=user,
        type=Authenticator.Type.WEBAUTHN,
        data={"name": "My phone", "credential": {"id": "golden"}},
        created_at=clock.at(minutes=1),
    )
    SmsFactor.objects.create(user=user, phone="+96550009001", enabled_at=clock.at(minutes=1))

    # --- applications: the person sells the second car; the buyer agreed ------------------------
    filed = clock.at(hours=1)
    transfer = Application.objects.create(
        reference="2026-9000001",
        service=sale,
        version=sale.current_version,
        agency=moi,
        applicant=user,
        subject_civil_id=PERSON,
        state="rejected",
        fee_fils=10000,
        submitted_at=filed,
        # Answers come back from PostgreSQL's jsonb shortest key first and from SQLite as written:
        # written in jsonb's order, they read the same from both.
        form_data={
            "plate_number": "GOLD-1002",
            "unknown_field": "kept as answered",
            "buyer_civil_id": BUYER,
            "payment_method": "certified_cheque",
        },
        due_on=dt.date(2026, 3, 8),
    )
    Party.objects.create(
        application=transfer, role="seller", civil_id=PERSON, consent="given", responded_at=filed
    )
    Party.objects.create(
        application=transfer, role="buyer", civil_id=BUYER, consent="given", responded_at=clock.at(minutes=30)
    )
    history = [
        ("submitted", user, "draft", "submitted", ""),
        ("consent_given", other, "", "", ""),
        ("payment_due", None, "submitted", "awaiting_payment", ""),
        ("paid", user, "awaiting_payment", "in_review", ""),
        ("info_requested", caseworker, "in_review", "action_needed", "Please upload the cheque."),
        ("info_provided", user, "action_needed", "in_review", ""),
        ("rejected", caseworker, "in_review", "rejected", "The cheque is not certified."),
        ("document_issued", None, "", "", "GOLDBUYER01"),
        ("document_issued", None, "", "", "GOLDMINE001"),
    ]
    for kind, actor, before, after, note in history:
        clock.at(minutes=5)
        HistoryEvent.objects.create(
            application=transfer, kind=kind, actor=actor, from_state=before, to_state=after, note=note
        )
    clock.at(minutes=1)
    asked = InfoRequest.objects.create(
        application=transfer,
        message="Please upload the cheque.",
        document_code="proof_of_payment",
        requested_by=caseworker,
        answer="Uploaded.",
        answered_at=clock.at(minutes=2),
    )
    clock.at(minutes=1)
    Attachment.objects.create(
        pk=990001,
        application=transfer,
        document_code="proof_of_payment",
        file="attachments/golden.pdf",
        content_type="application/pdf",
        extension="pdf",
        size=12345,
        sha256="a" * 64,
        uploaded_by=user,
        info_request=asked,
    )
    clock.at(minutes=1)
    Decision.objects.create(
        application=transfer, outcome="rejected", reason="The cheque is not certified.", decided_by=caseworker
    )
    Application.objects.filter(pk=transfer.pk).update(decided_at=clock.now)
    IssuedDocument.objects.create(
        pk=990001,
        application=transfer,
        document="rejection_letter",
        title_ar="خطاب الرفض",
        title_en="Rejection letter",
        holder_civil_id=PERSON,
        verification_code="GOLDMINE001",
        issued_on=dt.date(2026, 3, 1),
    )
    IssuedDocument.objects.create(
        pk=990002,
        application=transfer,
        document="copy_for_buyer",
        title_ar="نسخة المشتري",
        title_en="Buyer's copy",
        holder_civil_id=BUYER,
        verification_code="GOLDBUYER01",
        issued_on=dt.date(2026, 3, 1),
    )
    clock.at(minutes=1)
    paid_intent = PaymentIntent.objects.create(
        pk=990001,
        reference="GOLD-PAY-1",
        application=transfer,
        agency=moi,
        amount_fils=10000,
        state="refunded",
        expires_at=clock.now + dt.timedelta(minutes=15),
        paid_at=clock.at(minutes=2),
        refunded_at=clock.at(hours=2),
        receipt="receipts/golden.pdf",
    )
    for kind in ("created", "paid", "refunded"):
        clock.at(minutes=1)
        PaymentEvent.objects.create(intent=paid_intent, kind=kind)
    clock.at(minutes=1)
    PaymentIntent.objects.create(
        pk=990002,
        reference="GOLD-PAY-0",
        application=transfer,
        agency=moi,
        amount_fils=10000,
        state="declined",
        expires_at=clock.now + dt.timedelta(minutes=15),
    )

    # A passport renewal filed for the person, still in review; no fee paid yet.
    clock.at(days=1)
    passport = Application.objects.create(
        reference="2026-9000002",
        service=renewal,
        version=renewal.current_version,
        agency=moi,
        applicant=user,
        subject_civil_id=PERSON,
        state="in_review",
        fee_fils=5000,
        submitted_at=clock.now,
        form_data={"delivery": "kiosk", "passport_number": "PGOLD9001"},
        due_on=dt.date(2026, 3, 10),
    )
    HistoryEvent.objects.create(
        application=passport, kind="submitted", actor=user, from_state="draft", to_state="in_review"
    )

    # The person buys a car from someone else: only their party row and their document are theirs.
    clock.at(days=1)
    theirs = Application.objects.create(
        reference="2026-9000003",
        service=sale,
        version=sale.current_version,
        agency=moi,
        applicant=other,
        subject_civil_id=SELLER,
        state="awaiting_payment",
        fee_fils=10000,
        submitted_at=clock.now,
        form_data={
            "plate_number": "SECRET-PLATE",
            "buyer_civil_id": PERSON,
            "payment_method": "bank_transfer",
        },
    )
    Party.objects.create(
        application=theirs, role="seller", civil_id=SELLER, consent="given", responded_at=clock.now
    )
    Party.objects.create(
        application=theirs,
        role="buyer",
        civil_id=PERSON,
        consent="declined",
        responded_at=clock.at(minutes=3),
    )
    HistoryEvent.objects.create(application=theirs, kind="submitted", actor=other, note="not for the buyer")
    IssuedDocument.objects.create(
        pk=990003,
        application=theirs,
        document="buyer_notice",
        title_ar="إشعار المشتري",
        title_en="Buyer's notice",
        holder_civil_id=PERSON,
        verification_code="GOLDMINE002",
        issued_on=dt.date(2026, 3, 3),
        valid_until=dt.date(2027, 3, 3),
        revoked_at=clock.at(minutes=4),
    )

    # --- messages and a notice ------------------------------------------------------------------
    clock.at(hours=1)
    notice = Notice.objects.create(
        reference="N-2026-9000001",
        agency=moi,
        sent_by=caseworker,
        civil_id=CHILD,
        subject="Vaccination due",
        body="Your son's vaccination is due.",
        due_on=dt.date(2026, 4, 1),
    )
    as_father = NoticeRecipient.objects.create(
        notice=notice, civil_id=PERSON, role="father", delivered_at=clock.now, read_at=clock.at(minutes=10)
    )
    NoticeRecipient.objects.create(notice=notice, civil_id=SPOUSE, role="mother")
    clock.at(minutes=1)
    about_notice = Message.objects.create(
        recipient=user,
        kind="notice",
        event="notice.sent",
        language="en",
        subject="Vaccination due",
        body="Your son's vaccination is due.",
        link="/inbox/notices/N-2026-9000001",
        notice_recipient=as_father,
        read_at=clock.at(minutes=1),
    )
    clock.at(minutes=1)
    about_transfer = Message.objects.create(
        recipient=user,
        kind="application",
        event="application.rejected",
        language="ar",
        subject="رُفضت معاملتك",
        body="رُفضت معاملة نقل الملكية 2026-9000001.",
        link="/applications/2026-9000001",
        application=transfer,
    )
    for message, channel, address, state, attempts, sent in (
        (about_transfer, "email", "salem@example.com", "sent", 1, True),
        (about_transfer, "sms", "+96550009001", "retrying", 3, False),
        (about_notice, "email", "salem@example.com", "failed", 10, False),
    ):
        clock.at(seconds=30)
        Delivery.objects.create(
            channel=channel,
            destination=channel,
            address=address,
            topic=f"message:{message.pk}",
            state=state,
            attempts=attempts,
            sent_at=clock.at(seconds=5) if sent else None,
        )

    # --- powers of attorney ---------------------------------------------------------------------
    Mandate.objects.create(
        grantor_civil_id=PERSON,
        attorney_civil_id=SPOUSE,
        scope="vehicles",
        valid_from=dt.date(2026, 1, 1),
        valid_until=dt.date(2027, 1, 1),
        application_reference="2026-9000010",
        granted_at=clock.at(hours=1),
    )
    Mandate.objects.create(
        grantor_civil_id=ATTORNEY_UNKNOWN,
        attorney_civil_id=PERSON,
        scope="general",
        valid_from=dt.date(2025, 6, 1),
        valid_until=dt.date(2026, 6, 1),
        application_reference="2026-9000011",
        granted_at=clock.at(hours=1),
        revoked_at=clock.at(hours=1),
        revoked_by_civil_id=ATTORNEY_UNKNOWN,
        revoke_reason="No longer needed",
    )

    # --- wallet ---------------------------------------------------------------------------------
    key = IssuerKey.objects.create(kid="gold-kid-1", public_jwk={"kty": "EC"}, private_pem="not a key")
    statuses = StatusList.objects.create(size=1024)
    mine = IssuedDocument.objects.get(verification_code="GOLDMINE001")
    for index, (configuration, status) in enumerate(
        (
            ("driving_licence", Credential.Status.VALID),
            ("driving_licence_qr_age", Credential.Status.SUSPENDED),
        )
    ):
        Credential.objects.create(
            document=mine,
            holder_civil_id=PERSON,
            configuration=configuration,
            holder_thumbprint="GoldenThumbprint",
            status_list=statuses,
            status_index=index,
            status=status,
            issuer_key=key,
            issued_at=clock.at(minutes=1),
            expires_at=clock.now + dt.timedelta(days=365),
        )
    clock.at(minutes=1)
    Offer.objects.create(
        document=mine,
        holder_civil_id=PERSON,
        configurations=["driving_licence"],
        code_sha256="b" * 64,
        tx_code_sha256="c" * 64,
        expires_at=clock.now + dt.timedelta(minutes=5),
        redeemed_at=clock.at(minutes=1),
    )
    clock.at(minutes=1)
    Offer.objects.create(
        document=mine,
        holder_civil_id=PERSON,
        configurations=["driving_licence_qr_age"],
        code_sha256="d" * 64,
        tx_code_sha256="e" * 64,
        expires_at=clock.now + dt.timedelta(minutes=5),
    )
    # --- audit: a caseworker read the application --------------------------------------------
    clock.at(minutes=1)
    audit.append(
        audit.Kind.DATA_READ,
        actor=caseworker,
        subject_civil_id=PERSON,
        agency_id=moi.pk,
        application_reference=transfer.reference,
        data="application",
        purpose="review of the transfer",
        address="10.20.30.40",
    )
    clock.at(hours=1)
    return user


def download(user: User, language: str, clock: Clock) -> tuple[bytes, str]:
    client = Client()
    client.cookies["sahl_language"] = language
    client.force_login(user)  # a login entry in the audit log, then the export's own
    clock.at(minutes=1)
    response = client.get("/account/my-data.json")
    assert response.status_code == 200
    return response.content, response["Content-Disposition"]


def the_page(user: User, language: str) -> str:
    """What the "My data" page says, from its title to the notification channels."""
    client = Client()
    client.cookies["sahl_language"] = language
    client.force_login(user)
    html = client.get("/account/my-data").content.decode()
    found = re.search(r"<h1>.*?<dl class=\"facts\" id=\"channels\">.*?</dl>", html, re.S)
    assert found, "the page has no title or no channels"
    return found.group(0) + "\n"


def same_as_golden(name: str, content: bytes) -> None:
    path = GOLDEN / name
    if os.environ.get("SAHL_WRITE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(content)
    assert path.exists(), f"{path} is missing: write it with SAHL_WRITE_GOLDEN=1"
    if content != path.read_bytes():
        diff = difflib.unified_diff(
            path.read_text().splitlines(), content.decode().splitlines(), "golden", "now", lineterm=""
        )
        pytest.fail(f"{name} differs from the golden file:\n" + "\n".join(list(diff)[:80]))


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_download_is_byte_for_byte_the_golden_file(clock, language):
    user = the_person(clock)
    content, disposition = download(user, language, clock)
    assert disposition == 'attachment; filename="sahl-my-data-2026-03-03.json"'
    same_as_golden("privacy_export.json", content)  # the export does not depend on the language


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_page_says_what_the_golden_file_says(clock, language):
    user = the_person(clock)
    same_as_golden(f"privacy_page_{language}.html", the_page(user, language).encode())
