"""What goes into a credential and which documents end others: plain functions, no database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sahl.core.bilingual import BilingualText

# Documents that identify their holder: they also give the two QR credentials.
IDENTITY_DOCUMENTS = frozenset({"civil_id_card", "driving_licence", "passport", "residence_permit"})
QR_ID, QR_AGE = "_qr_id", "_qr_age"
AGES = ("18", "21", "65")

# A person holds one of these at a time: a new one replaces (revokes) the one before.
ONE_PER_HOLDER = frozenset(
    {
        "civil_id_card",
        "driving_licence",
        "passport",
        "residence_permit",
        "temporary_residence_permit",
        "work_permit",
        "smart_licence",
    }
)
# One per thing, whoever holds it: a vehicle's registration by its plate (a sale moves it).
ONE_PER_ITEM = {"vehicle_registration": "plate_number"}
# A cancellation document ends the documents it names.
CANCELS = {
    "residence_cancellation_notice": ("residence_permit", "temporary_residence_permit"),
    "work_permit_cancellation": ("work_permit",),
    "work_entry_permit_cancellation": ("work_entry_permit",),
    "power_of_attorney_cancellation": ("power_of_attorney",),
}

# Names for the document types people meet most; the rest take the name of the service issuing them.
DOCUMENT_NAMES = {
    "civil_id_card": pgettext_lazy("document type", "Civil ID card"),
    "driving_licence": pgettext_lazy("document type", "Driving licence"),
    "vehicle_registration": pgettext_lazy("document type", "Vehicle registration"),
    "passport": pgettext_lazy("document type", "Passport"),
    "birth_certificate": pgettext_lazy("document type", "Birth certificate"),
    "commercial_licence": pgettext_lazy("document type", "Commercial licence"),
    "residence_permit": pgettext_lazy("document type", "Residence permit"),
    "power_of_attorney": pgettext_lazy("document type", "Power of attorney"),
}
QR_NAMES = {
    QR_ID: _("Identity by QR"),
    QR_AGE: _("Age by QR"),
}

# What a wallet app and the verifier call each claim (published in both languages).
CLAIM_LABELS = {
    "name_ar": pgettext_lazy("credential claim", "Name in Arabic"),
    "name_en": pgettext_lazy("credential claim", "Name in English"),
    "civil_id": pgettext_lazy("credential claim", "Civil ID"),
    "birthdate": pgettext_lazy("credential claim", "Date of birth"),
    "nationality": pgettext_lazy("credential claim", "Nationality"),
    "age_equal_or_over": pgettext_lazy("credential claim", "Age"),
    "document_number": pgettext_lazy("credential claim", "Document number"),
    "issuing_authority": pgettext_lazy("credential claim", "Issued by"),
    "issue_date": pgettext_lazy("credential claim", "Issued on"),
    "expiry_date": pgettext_lazy("credential claim", "Valid until"),
    "details": pgettext_lazy("credential claim", "Details"),
}
AGE_LABELS = {age: format_lazy(_("Over {age}"), age=age) for age in AGES}


def configurations(document: str) -> tuple[str, ...]:
    """The credential configurations one document gives: itself, and the QR ones for identity."""
    if document in IDENTITY_DOCUMENTS:
        return (document, document + QR_ID, document + QR_AGE)
    return (document,)


def qr_kind(configuration: str) -> str:
    """ "" for a full credential, else QR_ID or QR_AGE."""
    return next((s for s in (QR_ID, QR_AGE) if configuration.endswith(s)), "")


@dataclass(frozen=True)
class Subject:
    """The holder as the registers know them on the day of issue."""

    civil_id: str
    name: BilingualText
    birth_date: dt.date
    nationality: str


@dataclass(frozen=True)
class Document:
    """An issued document, as much as a credential says of it."""

    type: str
    number: str
    agency: str
    issued_on: dt.date
    valid_until: dt.date | None
    answers: Mapping[str, Any]


def ages(birth_date: dt.date, day: dt.date) -> dict[str, bool]:
    years = relativedelta(day, birth_date).years
    return {age: years >= int(age) for age in AGES}


@dataclass(frozen=True)
class Claims:
    plain: dict[str, Any]
    disclosable: dict[str, Any]
    nested: dict[str, dict[str, Any]]


def claims(configuration: str, subject: Subject, document: Document, day: dt.date) -> Claims:
    kind = qr_kind(configuration)
    if kind == QR_ID:
        # Plain: every claim is shown whenever this QR is, and disclosures would not fit the QR.
        return Claims(
            {"name_ar": subject.name.ar, "name_en": subject.name.en, "civil_id": subject.civil_id}, {}, {}
        )
    if kind == QR_AGE:
        return Claims({}, {}, {"age_equal_or_over": ages(subject.birth_date, day)})
    disclosable: dict[str, Any] = {
        "name_ar": subject.name.ar,
        "name_en": subject.name.en,
        "civil_id": subject.civil_id,
        "birthdate": subject.birth_date.isoformat(),
        "nationality": subject.nationality,
        "document_number": document.number,
        "issuing_authority": document.agency,
        "issue_date": document.issued_on.isoformat(),
    }
    if document.valid_until:
        disclosable["expiry_date"] = document.valid_until.isoformat()
    details = {name: value for name, value in document.answers.items() if isinstance(value, str | int | bool)}
    nested: dict[str, dict[str, Any]] = {"age_equal_or_over": ages(subject.birth_date, day)}
    if details:
        nested["details"] = details
    return Claims({}, disclosable, nested)


# Documents are dated on Kuwait's calendar: a document valid until a day is valid to that day's
# midnight in Kuwait (21:00 UTC), whatever the zone of the clock that signs its credentials.
KUWAIT = ZoneInfo("Asia/Kuwait")


def expiry(document: Document, issued: dt.datetime) -> dt.datetime:
    """The end of the document's last valid day in Kuwait, or a year on for a document without an
    end."""
    if document.valid_until:
        return dt.datetime.combine(document.valid_until + dt.timedelta(days=1), dt.time(), tzinfo=KUWAIT)
    return issued + relativedelta(years=1)


def ended_types(new_type: str) -> tuple[str, ...]:
    """The document types of the same holder that a new document of `new_type` ends (the caller
    handles ONE_PER_ITEM, which is by item, not by holder)."""
    if new_type in ONE_PER_HOLDER:
        return (new_type,)
    return CANCELS.get(new_type, ())
