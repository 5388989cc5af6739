"""The format of a person's data export, `sahl-personal-data/1`, as typed dictionaries: one
definition serves as the documentation, as mypy's types and as the OpenAPI schema of
`GET /api/v1/me/data` (pydantic reads these classes; `extra="forbid"` makes a key that is not
documented here an error, never a silent extra).

Conventions: times are ISO 8601 with their offset, dates `YYYY-MM-DD`; amounts are strings of
dinars with three decimals (`"10.000"`) and a `currency`; text shown to people comes as
`{"ar": ..., "en": ...}`; codes (states, kinds, roles) are the stable codes used in the API.

Versioning: adding a section or a field keeps `/1`; renaming, removing or changing the meaning
of a field makes `/2`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import ConfigDict, with_config
from typing_extensions import TypedDict

FORMAT = "sahl-personal-data/1"
STRICT = ConfigDict(extra="forbid")


@with_config(STRICT)
class Text(TypedDict):
    """Text in Arabic and English."""

    ar: str
    en: str


@with_config(STRICT)
class Named(TypedDict):
    """Another person, as the registers link them to you: civil ID and name only."""

    civil_id: str
    name: Text


@with_config(STRICT)
class AgencyRef(TypedDict):
    code: str
    name: Text


@with_config(STRICT)
class ServiceRef(TypedDict):
    code: str
    name: Text


# --- account --------------------------------------------------------------------------------------


@with_config(STRICT)
class SecondFactor(TypedDict):
    """A second factor by type and dates: never its secret, key or recovery codes."""

    type: str  # totp, webauthn (a passkey), recovery_codes, sms
    name: str  # the name you gave a passkey; empty otherwise
    phone: str  # the confirmed mobile number of the SMS second factor; empty otherwise
    created_at: dt.datetime
    last_used_at: dt.datetime | None


@with_config(STRICT)
class StaffRole(TypedDict):
    agency: AgencyRef
    role: str
    since: dt.datetime


@with_config(STRICT)
class Account(TypedDict):
    """Your Sahl account. The password is kept only as a one-way hash, which is not exported."""

    civil_id: str
    name: Text
    preferred_language: str
    email: str
    phone: str
    notify_by_email: bool
    notify_by_sms: bool
    date_joined: dt.datetime
    last_login: dt.datetime | None
    staff: StaffRole | None  # when you work for an agency in Sahl
    second_factors: list[SecondFactor]


# --- registers ------------------------------------------------------------------------------------


@with_config(STRICT)
class PersonRecord(TypedDict):
    """Your entry in the population register."""

    civil_id: str
    name: Text
    birth_date: dt.date
    sex: str
    nationality: str
    governorate: str
    area: str
    marital_status: str
    residency: str
    residency_expiry: dt.date | None
    civil_id_expiry: dt.date
    employment: str
    is_insured: bool
    has_disability: bool


@with_config(STRICT)
class Parent(TypedDict):
    relation: str  # father, mother
    person: Named


@with_config(STRICT)
class MarriageRecord(TypedDict):
    spouse: Named
    married_on: dt.date
    ended_on: dt.date | None


@with_config(STRICT)
class Fine(TypedDict):
    amount: str
    currency: str
    offence: Text
    issued_on: dt.date
    paid_on: dt.date | None


@with_config(STRICT)
class VehicleRecord(TypedDict):
    plate: str
    make: str
    model: str
    year: int
    colour: Text
    registration_expiry: dt.date
    insurance_expiry: dt.date
    fines: list[Fine]


@with_config(STRICT)
class DrivingLicenceRecord(TypedDict):
    number: str
    category: str
    issued_on: dt.date
    expires_on: dt.date


@with_config(STRICT)
class PassportRecord(TypedDict):
    number: str
    issued_on: dt.date
    expires_on: dt.date


@with_config(STRICT)
class CompanyRoleRecord(TypedDict):
    number: str  # commercial registration number
    name: Text
    activity: Text
    licence_expiry: dt.date
    role: str  # owner, partner, signatory


@with_config(STRICT)
class Registers(TypedDict):
    """What the base registers hold about you, as they hold it. `person` is null when the
    population register does not know your civil ID."""

    person: PersonRecord | None
    parents: list[Parent]
    children: list[Named]
    marriages: list[MarriageRecord]
    sponsor: Named | None
    sponsored: list[Named]
    vehicles: list[VehicleRecord]
    driving_licences: list[DrivingLicenceRecord]
    passports: list[PassportRecord]
    companies: list[CompanyRoleRecord]


# --- applications ---------------------------------------------------------------------------------


@with_config(STRICT)
class PartyRow(TypedDict):
    role: str
    civil_id: str
    consent: str  # not_needed, pending, given, declined
    responded_at: dt.datetime | None


@with_config(STRICT)
class Document(TypedDict):
    """A document the application issued to you (metadata; the PDF is at `download`)."""

    document: str
    title: Text
    verification_code: str
    issued_on: dt.date
    valid_until: dt.date | None
    revoked_at: dt.datetime | None
    download: str  # a path in Sahl, for a logged-in download


@with_config(STRICT)
class Answer(TypedDict):
    field: str
    title: Text
    value: Any  # as answered: text, a number, true or false


@with_config(STRICT)
class HistoryRow(TypedDict):
    at: dt.datetime
    kind: str
    by: str  # you, agency, another_person, system
    on_behalf_of: str  # the civil ID acted for, when someone acted for the subject
    from_state: str
    to_state: str
    note: str


@with_config(STRICT)
class InfoRequestRow(TypedDict):
    message: str
    document_code: str
    requested_at: dt.datetime
    answer: str
    answered_at: dt.datetime | None


@with_config(STRICT)
class DecisionRow(TypedDict):
    outcome: str  # approved, rejected
    reason: str
    by: str  # agency, system
    decided_at: dt.datetime


@with_config(STRICT)
class AttachmentRow(TypedDict):
    document_code: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: dt.datetime
    uploaded_by_you: bool
    download: str


@with_config(STRICT)
class Refund(TypedDict):
    amount: str
    currency: str
    refunded_at: dt.datetime


@with_config(STRICT)
class PaymentEventRow(TypedDict):
    at: dt.datetime
    kind: str


@with_config(STRICT)
class Payment(TypedDict):
    reference: str
    amount: str
    currency: str
    state: str  # pending, paid, declined, cancelled, expired, refunded
    created_at: dt.datetime
    paid_at: dt.datetime | None
    refund: Refund | None
    receipt: str | None  # the receipt's download path, once paid
    events: list[PaymentEventRow]


@with_config(STRICT)
class Case(TypedDict):
    """The application itself, for its applicant and its subject."""

    answers: list[Answer]
    fee: str
    currency: str
    history: list[HistoryRow]
    info_requests: list[InfoRequestRow]
    decision: DecisionRow | None
    attachments: list[AttachmentRow]
    payments: list[Payment]


@with_config(STRICT)
class ApplicationRow(TypedDict):
    """An application you filed, that is about you, or on which you are a party (e.g. the buyer).
    On someone else's application you get your own party rows and the documents issued to you,
    and `case` is null: the answers and history are the applicant's."""

    reference: str
    service: ServiceRef
    agency: AgencyRef
    state: str
    state_text: Text
    you_are: list[str]  # applicant, subject, and the roles you hold as a party (buyer, seller...)
    created_at: dt.datetime
    submitted_at: dt.datetime | None
    decided_at: dt.datetime | None
    due_on: dt.date | None
    parties: list[PartyRow]
    documents: list[Document]
    case: Case | None


# --- messages, notices, audit ------------------------------------------------------------------------


@with_config(STRICT)
class DeliveryRow(TypedDict):
    channel: str  # email, sms
    address: str
    state: str
    attempts: int
    created_at: dt.datetime
    sent_at: dt.datetime | None


@with_config(STRICT)
class MessageRow(TypedDict):
    """A message in your inbox, and its deliveries by e-mail and SMS."""

    kind: str  # application, notice
    event: str
    language: str
    subject: str
    body: str
    link: str
    application: str | None  # its reference
    notice: str | None  # its reference
    created_at: dt.datetime
    read_at: dt.datetime | None
    deliveries: list[DeliveryRow]


@with_config(STRICT)
class NoticeRow(TypedDict):
    """An official notice sent to you, or to your minor child (you as `father` or `mother`)."""

    reference: str
    agency: AgencyRef
    role: str  # addressee, father, mother
    subject: str
    body: str
    due_on: dt.date | None
    sent_at: dt.datetime
    delivered_at: dt.datetime | None
    read_at: dt.datetime | None


@with_config(STRICT)
class AuditRow(TypedDict):
    """An entry of the audit log about you: a read of your data, or a security event."""

    sequence: int
    at: dt.datetime
    kind: str
    kind_text: Text
    by_you: bool
    who: Text | None  # the staff member or system, as shown in "who looked at my data"
    agency: AgencyRef | None
    application: str
    data: str
    purpose: str
    source: str  # the network, never the full address
    detail: str


# --- consents --------------------------------------------------------------------------------------


@with_config(STRICT)
class ConsentRow(TypedDict):
    """A consent you gave or declined as a party on an application."""

    reference: str
    service: ServiceRef
    role: str
    role_name: Text
    answer: str  # given, declined
    at: dt.datetime | None


@with_config(STRICT)
class Channel(TypedDict):
    opted_in: bool
    address: str


@with_config(STRICT)
class Channels(TypedDict):
    """Your choices for hearing about your applications and notices (the inbox always gets them)."""

    email: Channel
    sms: Channel


@with_config(STRICT)
class Consents(TypedDict):
    parties: list[ConsentRow]
    channels: Channels


@with_config(STRICT)
class PowerOfAttorney(TypedDict):
    """A power of attorney you gave (you are the grantor) or hold (you are the attorney)."""

    reference: str  # the Ministry of Justice application that issued it
    you_are: str  # grantor, attorney
    other: Named
    scope: str  # general, vehicles, real_estate, courts, government
    scope_text: Text
    valid_from: dt.date
    valid_until: dt.date
    revoked_at: dt.datetime | None
    revoke_reason: str


@with_config(STRICT)
class Mandates(TypedDict):
    """Who may act for you and for whom you may act. Guardianship of your children is not stored:
    it follows from the population register (the `registers` section) until each turns 18."""

    powers_of_attorney: list[PowerOfAttorney]


# --- wallet (Hawiyati) -----------------------------------------------------------------------------


@with_config(STRICT)
class CredentialRow(TypedDict):
    """A document Hawiyati issued as a verifiable credential (SD-JWT VC) to a wallet of yours.
    The credential itself stays in your wallet: Sahl keeps only this record of it."""

    configuration: str  # the credential configuration, e.g. driving_licence, driving_licence_qr_age
    verification_code: str  # the verification code of the document it carries
    issued_at: dt.datetime
    expires_at: dt.datetime
    status: str  # valid, revoked, suspended: what the status list says about it
    kid: str  # the key ID of Sahl's key that signed it
    holder_thumbprint: str  # the JWK thumbprint (RFC 7638) of your wallet's key it is bound to


@with_config(STRICT)
class CredentialOffer(TypedDict):
    """An offer you made to add a document to a wallet. Its one-time code and transaction code are
    kept only as one-way hashes, which are not exported. An offer is deleted once it has been expired
    for an hour."""

    configurations: list[str]
    created_at: dt.datetime
    expires_at: dt.datetime
    redeemed_at: dt.datetime | None  # when a wallet used it


@with_config(STRICT)
class Wallet(TypedDict):
    """Hawiyati: the credentials issued to your wallets and the offers made for you."""

    credentials: list[CredentialRow]
    offers: list[CredentialOffer]


# --- the whole -----------------------------------------------------------------------------------------


@with_config(STRICT)
class Sections(TypedDict):
    """One key per area of Sahl (see `privacy.services.SECTIONS`)."""

    account: Account
    registers: Registers
    applications: list[ApplicationRow]
    messages: list[MessageRow]
    notices: list[NoticeRow]
    audit: list[AuditRow]
    consents: Consents
    mandates: Mandates
    wallet: Wallet


@with_config(STRICT)
class Export(TypedDict):
    """Everything Sahl holds about you, in the format `sahl-personal-data/1`."""

    format: str
    exported_at: dt.datetime
    civil_id: str
    sections: Sections
