"""What goes into a credential and which documents end others: plain functions, no database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sahl.core.bilingual import BilingualText

# Documents that identify their holder: they also give the two QR credentials.
IDENTITY_DOCUMENTS = frozenset(
    {"civil_id", "civil_id_card", "driving_licence", "passport", "residence_permit"}
)
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

# Documents that certify a company's record, by the form answer naming the company: their
# credentials carry the company as the commercial register has it, and nothing of the people who
# own it or act for it. A cancelled licence revokes them, whoever holds them. Each answer needs its
# index on the applications (`application_of_company` reads "company"), or the cancellation reads
# every document of the kind (wallet.revoking).
COMPANY_DOCUMENTS = {"commercial_licence": "company"}

# The documents the wallet copies from the registers (wallet.registered), with the register's details
# each carries. `civil_id` is the population register's own: the identity every person holds from
# their first visit (its vct, `{issuer}/vct/civil_id`, is what logging in with the wallet asks for).
REGISTER_DOCUMENTS: dict[str, tuple[str, ...]] = {
    "civil_id": (),
    "driving_licence": ("category",),
    "passport": (),
    "vehicle_registration": ("plate_number", "make", "model", "year", "colour_ar", "colour_en"),
}
# A register copy steps aside while an application's document of its type (and item) is live: the
# renewal's own document certifies the same record, and the wallet shows one of them. The civil ID
# never does: it is the identity, whatever card an application issued.
COVERED_BY_APPLICATIONS = frozenset({"driving_licence", "passport", "vehicle_registration"})


def moves_register_copies(document_type: str, effects: Sequence[str]) -> bool:
    """Whether issuing this document can change what the holder's register copies should be: its
    application changed a register (only effects change one from Sahl), or the document stands for
    a copy while it is live. A certificate read from a register changes nothing: its holder's
    copies are brought in step at the next read of the wallet, as for any change made outside."""
    return bool(effects) or document_type in COVERED_BY_APPLICATIONS


# Names for the document types people meet most; the rest take the name of the service issuing them.
DOCUMENT_NAMES = {
    "civil_id": pgettext_lazy("document type", "Civil ID"),
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
    "company_number": pgettext_lazy("credential claim", "Commercial registration number"),
    "company_name_ar": pgettext_lazy("credential claim", "Company name in Arabic"),
    "company_name_en": pgettext_lazy("credential claim", "Company name in English"),
    "activities_ar": pgettext_lazy("credential claim", "Activities in Arabic"),
    "activities_en": pgettext_lazy("credential claim", "Activities in English"),
}
# The register's details a copy carries (REGISTER_DOCUMENTS), as the metadata names them.
DETAIL_LABELS = {
    "category": pgettext_lazy("credential claim", "Licence category"),
    "plate_number": pgettext_lazy("credential claim", "Plate number"),
    "make": pgettext_lazy("credential claim", "Make"),
    "model": pgettext_lazy("credential claim", "Model"),
    "year": pgettext_lazy("credential claim", "Year of manufacture"),
    "colour_ar": pgettext_lazy("credential claim", "Colour in Arabic"),
    "colour_en": pgettext_lazy("credential claim", "Colour in English"),
}
# The claims of a company's credential, in the order they are published.
COMPANY_CLAIMS = (
    "company_number",
    "company_name_ar",
    "company_name_en",
    "activities_ar",
    "activities_en",
    "document_number",
    "issuing_authority",
    "issue_date",
    "expiry_date",
)
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
    issued_on: dt.date | None  # None: a register copy whose register does not keep the day
    valid_until: dt.date | None
    answers: Mapping[str, Any]


@dataclass(frozen=True)
class Company:
    """The company a document certifies, as the commercial register knows it on the day of issue."""

    number: str
    name: BilingualText
    activities: tuple[BilingualText, ...]  # the main one first
    licence_expiry: dt.date


def company_of(document_type: str, answers: Mapping[str, Any], holder: str) -> str:
    """The number of the company a company document certifies ("" for any other document): the
    answer naming it, else the holder when the company holds it."""
    if document_type not in COMPANY_DOCUMENTS:
        return ""
    named = answers.get(COMPANY_DOCUMENTS[document_type])
    return str(named) if isinstance(named, str) and named else holder


def company_claims(company: Company, document: Document) -> Claims:
    """A company's credential: the company, its activities and the licence's dates. No owner, no
    signatory, no civil ID, and none of the form's answers (the register says what is certified)."""
    until = document.valid_until or company.licence_expiry
    return Claims(
        {},
        {
            "company_number": company.number,
            "company_name_ar": company.name.ar,
            "company_name_en": company.name.en,
            "activities_ar": [a.ar for a in company.activities],
            "activities_en": [a.en for a in company.activities],
            "document_number": document.number,
            "issuing_authority": document.agency,
            "issue_date": document.issued_on.isoformat() if document.issued_on else "",
            "expiry_date": until.isoformat(),
        },
        {},
    )


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
    }
    if document.issued_on:
        disclosable["issue_date"] = document.issued_on.isoformat()
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
