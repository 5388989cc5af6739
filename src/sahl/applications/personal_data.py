"""The applications' sections of "My data" (core.personal_data; contributed from
`ApplicationsConfig.ready`): the applications the person filed, that are about them or on which they
are a party, and the consents they gave as a party.

A case's payments are the payments app's: it tells how they read through `payments_from`, so that
applications names no app above it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from pydantic import with_config
from typing_extensions import TypedDict

from sahl.applications import labels
from sahl.applications.models import Application, Attachment, HistoryEvent, InfoRequest, IssuedDocument, Party
from sahl.applications.states import State
from sahl.catalogue.services import definition_of
from sahl.core.bilingual import BilingualText
from sahl.core.personal_data import (
    STRICT,
    AgencyRef,
    Contribution,
    Person,
    ServiceRef,
    Text,
    amount,
    bilingual,
    text,
)
from sahl.identity.models import StaffMembership


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


# --- a case's payments, as the payments app reads them -------------------------------------------

# (application pk -> its reference) -> (application pk -> its payments, oldest first), in a fixed
# number of queries whatever the number of applications.
PaymentsOf = Callable[[Mapping[int, str]], Mapping[int, list[Payment]]]
_PAYMENTS_OF: list[PaymentsOf] = []


def payments_from(source: PaymentsOf) -> None:
    if source not in _PAYMENTS_OF:
        _PAYMENTS_OF.append(source)


def _payments(references: Mapping[int, str]) -> dict[int, list[Payment]]:
    found: dict[int, list[Payment]] = {pk: [] for pk in references}
    if references:
        for source in _PAYMENTS_OF:
            for pk, payments in source(references).items():
                found[pk] += payments
    return found


# --- applications -------------------------------------------------------------------------------


def _as_applicant_or_subject(person: Person) -> Q:
    return Q(applicant_id=person.pk) | Q(subject_civil_id=person.civil_id)


def applications(person: Person) -> list[ApplicationRow]:
    """Applications the person filed or that are about them, in full (8 queries), and those of
    others on which they are a party, with only their own party rows and their documents (3)."""
    civil_id = person.civil_id
    mine = _as_applicant_or_subject(person)
    their_documents = Prefetch(
        "documents", queryset=IssuedDocument.objects.filter(holder_civil_id=civil_id).order_by("pk")
    )
    history = HistoryEvent.objects.annotate(
        by_staff=Exists(StaffMembership.objects.filter(user_id=OuterRef("actor_id")))
    ).order_by("at", "pk")
    full = (
        Application.objects.filter(mine)
        .select_related("service", "agency", "version", "decision")
        .prefetch_related(
            Prefetch("parties", queryset=Party.objects.order_by("pk")),
            Prefetch("history", queryset=history),
            Prefetch("info_requests", queryset=InfoRequest.objects.order_by("requested_at", "pk")),
            their_documents,
            Prefetch("attachments", queryset=Attachment.objects.order_by("uploaded_at", "pk")),
        )
    )
    as_party = (
        Application.objects.filter(pk__in=Party.objects.filter(civil_id=civil_id).values("application_id"))
        .exclude(mine)
        .defer("form_data")  # the applicant's answers are theirs: not even read
        .select_related("service", "agency")
        .prefetch_related(
            Prefetch("parties", queryset=Party.objects.filter(civil_id=civil_id).order_by("pk")),
            their_documents,
        )
    )
    yours = list(full)
    payments = _payments({a.pk: a.reference for a in yours})
    rows = [_application(person, a, payments.get(a.pk)) for a in yours]
    rows += [_application(person, a, None) for a in as_party]
    return sorted(rows, key=lambda row: row["created_at"], reverse=True)


def _application(person: Person, application: Application, payments: list[Payment] | None) -> ApplicationRow:
    """`payments` is None on someone else's application: then `case` is null."""
    parties = list(application.parties.all())
    documents = list(application.documents.all())
    you_are = [
        *(["applicant"] if application.applicant_id == person.pk else []),
        *(["subject"] if application.subject_civil_id == person.civil_id else []),
        *sorted({p.role for p in parties if p.civil_id == person.civil_id}),
    ]
    return {
        "reference": application.reference,
        "service": {"code": application.service.code, "name": bilingual(application.service.name)},
        "agency": {"code": application.agency.code, "name": bilingual(application.agency.name)},
        "state": application.state,
        "state_text": bilingual(labels.STATES[State(application.state)]),
        "you_are": you_are,
        "created_at": application.created_at,
        "submitted_at": application.submitted_at,
        "decided_at": application.decided_at,
        "due_on": application.due_on,
        "parties": [
            {"role": p.role, "civil_id": p.civil_id, "consent": p.consent, "responded_at": p.responded_at}
            for p in parties
        ],
        "documents": [
            {
                "document": d.document,
                "title": text(d.title_ar, d.title_en),
                "verification_code": d.verification_code,
                "issued_on": d.issued_on,
                "valid_until": d.valid_until,
                "revoked_at": d.revoked_at,
                "download": reverse("applications:document", args=[application.reference, d.pk]),
            }
            for d in documents
        ],
        "case": None
        if payments is None
        else _case(person, application, {d.verification_code for d in documents}, payments),
    }


def _case(person: Person, application: Application, my_codes: set[str], payments: list[Payment]) -> Case:
    reference = application.reference
    properties = definition_of(application.version).form.get("properties", {})
    answers: list[Answer] = [
        {
            "field": name,
            "title": bilingual(BilingualText.from_dict(properties[name]["title"]))
            if name in properties
            else text(name, name),
            "value": value,
        }
        for name, value in application.form_data.items()
    ]
    decision = getattr(application, "decision", None)
    return {
        "answers": answers,
        "fee": amount(application.fee_fils),
        "currency": "KWD",
        "history": [
            {
                "at": e.at,
                "kind": e.kind,
                "by": _by(person, e.actor_id, e.by_staff),  # type: ignore[attr-defined]
                "on_behalf_of": e.on_behalf_of,
                "from_state": e.from_state,
                "to_state": e.to_state,
                # a document issued to someone else (e.g. the buyer's registration) is theirs
                "note": ""
                if e.kind == HistoryEvent.Kind.DOCUMENT_ISSUED and e.note not in my_codes
                else e.note,
            }
            for e in application.history.all()
        ],
        "info_requests": [
            {
                "message": r.message,
                "document_code": r.document_code,
                "requested_at": r.requested_at,
                "answer": r.answer,
                "answered_at": r.answered_at,
            }
            for r in application.info_requests.all()
        ],
        "decision": {
            "outcome": decision.outcome,
            "reason": decision.reason,
            "by": "agency" if decision.decided_by_id else "system",
            "decided_at": decision.decided_at,
        }
        if decision
        else None,
        "attachments": [
            {
                "document_code": a.document_code,
                "content_type": a.content_type,
                "size": a.size,
                "sha256": a.sha256,
                "uploaded_at": a.uploaded_at,
                "uploaded_by_you": a.uploaded_by_id == person.pk,
                "download": reverse("applications:attachment", args=[reference, a.pk]),
            }
            for a in application.attachments.all()
        ],
        "payments": payments,
    }


def _by(person: Person, actor_id: int | None, by_staff: bool) -> str:
    if actor_id is None:
        return "system"
    if actor_id == person.pk:
        return "you"
    return "agency" if by_staff else "another_person"


# --- consents -------------------------------------------------------------------------------------


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


def consents(person: Person) -> Consents:
    """Every consent the person gave or declined as a party on an application, newest first, and
    their notification channel choices (1 query)."""
    answered = (
        Party.objects.filter(
            civil_id=person.civil_id, consent__in=[Party.Consent.GIVEN, Party.Consent.DECLINED]
        )
        .select_related("application__service", "application__version")
        .only(
            "role",
            "consent",
            "responded_at",
            "application__reference",
            "application__service__code",
            "application__service__name_ar",
            "application__service__name_en",
            "application__version__digest",
            "application__version__source",
            "application__version__definition",
        )
        .order_by(F("responded_at").desc(nulls_last=True), "-pk")
    )
    rows: list[ConsentRow] = []
    for party in answered:
        application = party.application
        roles = {p.role: p.name for p in definition_of(application.version).parties}
        rows.append(
            {
                "reference": application.reference,
                "service": {"code": application.service.code, "name": bilingual(application.service.name)},
                "role": party.role,
                "role_name": bilingual(roles.get(party.role, BilingualText(party.role, party.role))),
                "answer": party.consent,
                "at": party.responded_at,
            }
        )
    return {
        "parties": rows,
        "channels": {
            "email": {"opted_in": person.notify_by_email, "address": person.email},
            "sms": {"opted_in": person.notify_by_sms, "address": person.phone},
        },
    }


APPLICATIONS: Contribution[list[ApplicationRow]] = Contribution(
    key="applications",
    summary=_(
        "Your applications: answers, attachments, history, decisions, documents issued to you, payments "
        "and refunds. On someone else's application where you are a party, only your part."
    ),
    gather=applications,
)
CONSENTS: Contribution[Consents] = Contribution(
    key="consents", summary=_("The consents you gave."), gather=consents
)
