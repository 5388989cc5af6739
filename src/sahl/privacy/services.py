"""The person's own data: everything Sahl holds about them as one JSON document
(`sahl-personal-data/1`, the shape is in `privacy.format`), and the consents they gave.

The export is a list of sections, one per area of Sahl: `SECTIONS` below. Each section is a small
function `(person) -> the section's TypedDict` that reads only; together they run a fixed number of
queries whatever the amount of data (select_related / prefetch_related, never a query per row:
tests/integration/test_privacy.py holds the count). A section gives the person their own data and
no one else's beyond what they already see in Sahl: on someone else's application they get their
own party rows, not the applicant's answers; related people are a civil ID and a name.

To add a section (e.g. `mandates`):
1. describe its shape as a TypedDict in `privacy/format.py` and add its key to `format.Sections`
   (forgetting it makes the API answer 500 in the tests, never a silent drop);
2. write `def mandates(person: User) -> format.Mandates` here (or in the app's services, imported
   here): read-only, with a fixed number of queries, civil IDs and names only for other people;
3. append `("mandates", mandates)` to `SECTIONS`, and say what it holds on the "My data" page
   (privacy/templates/privacy/my_data.html);
4. extend the export tests (content, another person's data absent, query count).
Adding a section keeps the format `/1`; renaming or removing a field makes it `/2`.

`download(person, ...)` is the use case of the page and the API: it records the export in the
audit log (a security event the person sees) and returns the export.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from allauth.mfa.models import Authenticator
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Prefetch, Q, Subquery
from django.db.models.fields.json import KeyTextTransform
from django.urls import reverse
from django.utils import timezone

from sahl.applications import texts as application_texts
from sahl.applications.models import (
    Application,
    Attachment,
    HistoryEvent,
    InfoRequest,
    IssuedDocument,
    Party,
)
from sahl.applications.states import State
from sahl.audit import services as audit
from sahl.audit import texts as audit_texts
from sahl.audit.models import AuditEntry
from sahl.catalogue.services import definition_of
from sahl.core.bilingual import BilingualText
from sahl.core.money import Money
from sahl.identity.models import SmsFactor, StaffMembership, User
from sahl.mandates import rules as mandate_rules
from sahl.mandates.models import Mandate
from sahl.notifications.models import Message, NoticeRecipient
from sahl.outbox import services as outbox
from sahl.payments.models import PaymentEvent, PaymentIntent
from sahl.privacy import format as fmt
from sahl.registry import models as registry
from sahl.wallet.models import Credential, Offer

Section = Callable[[User], Any]


def _text(ar: str, en: str) -> fmt.Text:
    return {"ar": ar, "en": en}


def _bilingual(text: BilingualText) -> fmt.Text:
    return {"ar": text.ar, "en": text.en}


def _named(civil_id: str, name_ar: str, name_en: str) -> fmt.Named:
    return {"civil_id": civil_id, "name": _text(name_ar, name_en)}


def _money(fils: int) -> str:
    return Money(fils).amount


# --- account (identity) ------------------------------------------------------------------------


def account(person: User) -> fmt.Account:
    """The account, its notification choices, staff role and second factors (3 queries). The
    authenticators' `data` (TOTP secret, passkey keys, recovery codes) is never read, nor the SMS
    codes (kept as keyed hashes): only the type, the dates, a passkey's name and the SMS number."""
    factors = (
        Authenticator.objects.filter(user=person)
        .annotate(passkey_name=KeyTextTransform("name", "data"))
        .only("type", "created_at", "last_used_at")
        .order_by("created_at", "pk")
    )
    membership = StaffMembership.objects.select_related("agency").filter(user=person).first()
    sms = SmsFactor.objects.filter(user=person).first()
    second_factors: list[fmt.SecondFactor] = [
        {
            "type": factor.type,
            "name": (factor.passkey_name or "") if factor.type == Authenticator.Type.WEBAUTHN else "",
            "phone": "",
            "created_at": factor.created_at,
            "last_used_at": factor.last_used_at,
        }
        for factor in factors
    ]
    if sms is not None:
        second_factors.append(
            {
                "type": "sms",
                "name": "",
                "phone": sms.phone,
                "created_at": sms.enabled_at,
                "last_used_at": sms.last_used_at,
            }
        )
    return {
        "civil_id": person.civil_id,
        "name": _text(person.name_ar, person.name_en),
        "preferred_language": person.preferred_language,
        "email": person.email,
        "phone": person.phone,
        "notify_by_email": person.notify_by_email,
        "notify_by_sms": person.notify_by_sms,
        "date_joined": person.date_joined,
        "last_login": person.last_login,
        "staff": {
            "agency": {"code": membership.agency.code, "name": _bilingual(membership.agency.name)},
            "role": membership.role,
            "since": membership.since,
        }
        if membership
        else None,
        "second_factors": second_factors,
    }


# --- registers (registry) -----------------------------------------------------------------------


def registers(person: User) -> fmt.Registers:
    """The person's records in the base registers, as the registry holds them (9 queries, 1 when
    the population register does not know them). Relatives: civil ID and name only."""
    found = (
        registry.Person.objects.select_related("father", "mother", "sponsor")
        .filter(civil_id=person.civil_id)
        .first()
    )
    if found is None:
        return {
            "person": None,
            "parents": [],
            "children": [],
            "marriages": [],
            "sponsor": None,
            "sponsored": [],
            "vehicles": [],
            "driving_licences": [],
            "passports": [],
            "companies": [],
        }
    children = registry.Person.objects.filter(Q(father=found) | Q(mother=found)).order_by("birth_date", "pk")
    marriages = (
        registry.Marriage.objects.filter(Q(husband=found) | Q(wife=found))
        .select_related("husband", "wife")
        .order_by("married_on", "pk")
    )
    vehicles = found.vehicles.prefetch_related(
        Prefetch("fines", queryset=registry.TrafficFine.objects.order_by("issued_on", "pk"))
    ).order_by("plate")
    parents: list[fmt.Parent] = [
        {"relation": relation, "person": _named(parent.civil_id, parent.name_ar, parent.name_en)}
        for relation, parent in (("father", found.father), ("mother", found.mother))
        if parent is not None
    ]
    sponsor = found.sponsor
    return {
        "person": {
            "civil_id": found.civil_id,
            "name": _text(found.name_ar, found.name_en),
            "birth_date": found.birth_date,
            "sex": found.sex,
            "nationality": found.nationality,
            "governorate": found.governorate,
            "area": found.area,
            "marital_status": found.marital_status,
            "residency": found.residency,
            "residency_expiry": found.residency_expiry,
            "civil_id_expiry": found.civil_id_expiry,
            "employment": found.employment,
            "is_insured": found.is_insured,
            "has_disability": found.has_disability,
        },
        "parents": parents,
        "children": [_named(c.civil_id, c.name_ar, c.name_en) for c in children],
        "marriages": [
            {
                "spouse": _named(spouse.civil_id, spouse.name_ar, spouse.name_en),
                "married_on": marriage.married_on,
                "ended_on": marriage.ended_on,
            }
            for marriage in marriages
            for spouse in [marriage.wife if marriage.husband_id == found.pk else marriage.husband]
        ],
        "sponsor": _named(sponsor.civil_id, sponsor.name_ar, sponsor.name_en) if sponsor else None,
        "sponsored": [_named(s.civil_id, s.name_ar, s.name_en) for s in found.sponsored.order_by("civil_id")],
        "vehicles": [
            {
                "plate": v.plate,
                "make": v.make,
                "model": v.model,
                "year": v.year,
                "colour": _text(v.colour_ar, v.colour_en),
                "registration_expiry": v.registration_expiry,
                "insurance_expiry": v.insurance_expiry,
                "fines": [
                    {
                        "amount": _money(fine.amount_fils),
                        "currency": "KWD",
                        "offence": _text(fine.offence_ar, fine.offence_en),
                        "issued_on": fine.issued_on,
                        "paid_on": fine.paid_on,
                    }
                    for fine in v.fines.all()
                ],
            }
            for v in vehicles
        ],
        "driving_licences": [
            {"number": d.number, "category": d.category, "issued_on": d.issued_on, "expires_on": d.expires_on}
            for d in found.driving_licences.order_by("number")
        ],
        "passports": [
            {"number": p.number, "issued_on": p.issued_on, "expires_on": p.expires_on}
            for p in found.passports.order_by("-expires_on", "pk")
        ],
        "companies": [
            {
                "number": r.company.number,
                "name": _text(r.company.name_ar, r.company.name_en),
                "activity": _text(r.company.activity_ar, r.company.activity_en),
                "licence_expiry": r.company.licence_expiry,
                "role": r.role,
            }
            for r in found.company_roles.select_related("company").order_by("company__number")
        ],
    }


# --- applications (applications, payments) ----------------------------------------------------------


def _as_applicant_or_subject(person: User) -> Q:
    return Q(applicant=person) | Q(subject_civil_id=person.civil_id)


def applications(person: User) -> list[fmt.ApplicationRow]:
    """Applications the person filed or that are about them, in full (8 queries), and those of
    others on which they are a party, with only their own party rows and their documents (3)."""
    civil_id = person.civil_id
    mine = _as_applicant_or_subject(person)
    their_documents = Prefetch(
        "documents", queryset=IssuedDocument.objects.filter(holder_civil_id=civil_id).order_by("pk")
    )
    history = HistoryEvent.objects.annotate(
        by_staff=Exists(StaffMembership.objects.filter(user=OuterRef("actor")))
    ).order_by("at", "pk")
    payments = PaymentIntent.objects.prefetch_related(
        Prefetch("events", queryset=PaymentEvent.objects.order_by("at", "pk"))
    ).order_by("created_at", "pk")
    full = (
        Application.objects.filter(mine)
        .select_related("service", "agency", "version", "decision")
        .prefetch_related(
            Prefetch("parties", queryset=Party.objects.order_by("pk")),
            Prefetch("history", queryset=history),
            Prefetch("info_requests", queryset=InfoRequest.objects.order_by("requested_at", "pk")),
            their_documents,
            Prefetch("attachments", queryset=Attachment.objects.order_by("uploaded_at", "pk")),
            Prefetch("payments", queryset=payments),
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
    rows = [_application(person, a, full_view=True) for a in full]
    rows += [_application(person, a, full_view=False) for a in as_party]
    return sorted(rows, key=lambda row: row["created_at"], reverse=True)


def _application(person: User, application: Application, *, full_view: bool) -> fmt.ApplicationRow:
    parties = list(application.parties.all())
    documents = list(application.documents.all())
    you_are = [
        *(["applicant"] if application.applicant_id == person.pk else []),
        *(["subject"] if application.subject_civil_id == person.civil_id else []),
        *sorted({p.role for p in parties if p.civil_id == person.civil_id}),
    ]
    return {
        "reference": application.reference,
        "service": {"code": application.service.code, "name": _bilingual(application.service.name)},
        "agency": {"code": application.agency.code, "name": _bilingual(application.agency.name)},
        "state": application.state,
        "state_text": _bilingual(application_texts.STATES[State(application.state)]),
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
                "title": _text(d.title_ar, d.title_en),
                "verification_code": d.verification_code,
                "issued_on": d.issued_on,
                "valid_until": d.valid_until,
                "revoked_at": d.revoked_at,
                "download": reverse("applications:document", args=[application.reference, d.pk]),
            }
            for d in documents
        ],
        "case": _case(person, application, {d.verification_code for d in documents}) if full_view else None,
    }


def _case(person: User, application: Application, my_codes: set[str]) -> fmt.Case:
    reference = application.reference
    properties = definition_of(application.version).form.get("properties", {})
    answers: list[fmt.Answer] = [
        {
            "field": name,
            "title": _bilingual(BilingualText.from_dict(properties[name]["title"]))
            if name in properties
            else _text(name, name),
            "value": value,
        }
        for name, value in application.form_data.items()
    ]
    decision = getattr(application, "decision", None)
    return {
        "answers": answers,
        "fee": _money(application.fee_fils),
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
        "payments": [_payment(reference, p) for p in application.payments.all()],
    }


def _by(person: User, actor_id: int | None, by_staff: bool) -> str:
    if actor_id is None:
        return "system"
    if actor_id == person.pk:
        return "you"
    return "agency" if by_staff else "another_person"


def _payment(reference: str, intent: PaymentIntent) -> fmt.Payment:
    refund: fmt.Refund | None = None
    if intent.state == PaymentIntent.State.REFUNDED and intent.refunded_at is not None:
        refund = {
            "amount": _money(intent.amount_fils),
            "currency": intent.currency,
            "refunded_at": intent.refunded_at,
        }
    return {
        "reference": intent.reference,
        "amount": _money(intent.amount_fils),
        "currency": intent.currency,
        "state": intent.state,
        "created_at": intent.created_at,
        "paid_at": intent.paid_at,
        "refund": refund,
        "receipt": reverse("payments:receipt", args=[reference, intent.pk]) if intent.receipt else None,
        "events": [{"at": e.at, "kind": e.kind} for e in intent.events.all()],
    }


# --- messages and notices (notifications) --------------------------------------------------------


def messages(person: User) -> list[fmt.MessageRow]:
    """The inbox with each message's deliveries by e-mail and SMS (2 queries)."""
    found = (
        Message.objects.filter(recipient=person)
        .annotate(
            application_reference=F("application__reference"),
            notice_reference=F("notice_recipient__notice__reference"),
        )
        .order_by("-created_at", "-pk")
    )
    rows = list(found)
    sent = outbox.for_topics([f"message:{m.pk}" for m in rows])
    return [
        {
            "kind": m.kind,
            "event": m.event,
            "language": m.language,
            "subject": m.subject,
            "body": m.body,
            "link": m.link,
            "application": m.application_reference,
            "notice": m.notice_reference,
            "created_at": m.created_at,
            "read_at": m.read_at,
            "deliveries": [
                {
                    "channel": d.channel,
                    "address": d.address,
                    "state": d.state,
                    "attempts": d.attempts,
                    "created_at": d.created_at,
                    "sent_at": d.sent_at,
                }
                for d in sent[f"message:{m.pk}"]
            ],
        }
        for m in rows
    ]


def notices(person: User) -> list[fmt.NoticeRow]:
    """Official notices sent to the person or to their minor child (1 query)."""
    found = (
        NoticeRecipient.objects.filter(civil_id=person.civil_id)
        .select_related("notice__agency")
        .order_by("-notice__created_at", "-pk")
    )
    return [
        {
            "reference": r.notice.reference,
            "agency": {"code": r.notice.agency.code, "name": _bilingual(r.notice.agency.name)},
            "role": r.role,
            "subject": r.notice.subject,
            "body": r.notice.body,
            "due_on": r.notice.due_on,
            "sent_at": r.notice.created_at,
            "delivered_at": r.delivered_at,
            "read_at": r.read_at,
        }
        for r in found
    ]


# --- audit -------------------------------------------------------------------------------------------


def audit_entries(person: User) -> list[fmt.AuditRow]:
    """Every audit entry about the person: reads of their data and their security events (1 query).
    Staff appear by name and agency, never by civil ID."""
    found = AuditEntry.objects.filter(subject_civil_id=person.civil_id).select_related("agency")
    return [
        {
            "sequence": e.sequence,
            "at": e.at,
            "kind": e.kind,
            "kind_text": _bilingual(audit_texts.KINDS.get(e.kind) or BilingualText(e.kind, e.kind)),
            "by_you": e.actor_civil_id == person.civil_id,
            "who": _text(e.actor_name_ar, e.actor_name_en) if e.actor_name_ar or e.actor_name_en else None,
            "agency": {"code": e.agency.code, "name": _bilingual(e.agency.name)} if e.agency else None,
            "application": e.application_reference,
            "data": e.data,
            "purpose": e.purpose,
            "source": e.source,
            "detail": e.detail,
        }
        for e in found.order_by("sequence")
    ]


# --- consents ------------------------------------------------------------------------------------------


def consents(person: User) -> fmt.Consents:
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
    rows: list[fmt.ConsentRow] = []
    for party in answered:
        application = party.application
        roles = {p.role: p.name for p in definition_of(application.version).parties}
        rows.append(
            {
                "reference": application.reference,
                "service": {"code": application.service.code, "name": _bilingual(application.service.name)},
                "role": party.role,
                "role_name": _bilingual(roles.get(party.role, BilingualText(party.role, party.role))),
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


def mandates(person: User) -> fmt.Mandates:
    """Powers of attorney the person gave or holds (1 query: the other people's names come along)."""

    def name(field: str, lang: str) -> Subquery:
        return Subquery(registry.Person.objects.filter(civil_id=OuterRef(field)).values(f"name_{lang}")[:1])

    rows = (
        Mandate.objects.filter(Q(grantor_civil_id=person.civil_id) | Q(attorney_civil_id=person.civil_id))
        .annotate(
            grantor_ar=name("grantor_civil_id", "ar"),
            grantor_en=name("grantor_civil_id", "en"),
            attorney_ar=name("attorney_civil_id", "ar"),
            attorney_en=name("attorney_civil_id", "en"),
        )
        .order_by("granted_at", "pk")
    )
    powers: list[fmt.PowerOfAttorney] = []
    for m in rows:
        granted = m.grantor_civil_id == person.civil_id
        other, side = (m.attorney_civil_id, "attorney") if granted else (m.grantor_civil_id, "grantor")
        scope = mandate_rules.SCOPES.get(m.scope)
        powers.append(
            {
                "reference": m.application_reference,
                "you_are": "grantor" if granted else "attorney",
                "other": _named(other, getattr(m, f"{side}_ar") or other, getattr(m, f"{side}_en") or other),
                "scope": m.scope,
                "scope_text": _bilingual(scope.name) if scope else _text(m.scope, m.scope),
                "valid_from": m.valid_from,
                "valid_until": m.valid_until,
                "revoked_at": m.revoked_at,
                "revoke_reason": m.revoke_reason,
            }
        )
    return {"powers_of_attorney": powers}


# --- wallet (Hawiyati) -------------------------------------------------------------------------------

_CREDENTIAL_STATUS: dict[int, str] = {
    Credential.Status.VALID: "valid",
    Credential.Status.REVOKED: "revoked",
    Credential.Status.SUSPENDED: "suspended",
}


def wallet(person: User) -> fmt.Wallet:
    """The credentials Hawiyati issued to the person's wallets and the offers made for them (2
    queries). Only the columns exported are read: never an offer's code or transaction code hashes."""
    credentials = (
        Credential.objects.filter(holder_civil_id=person.civil_id)
        .values(
            "configuration",
            "document__verification_code",
            "issued_at",
            "expires_at",
            "status",
            "issuer_key__kid",
            "holder_thumbprint",
        )
        .order_by("issued_at", "pk")
    )
    offers = (
        Offer.objects.filter(holder_civil_id=person.civil_id)
        .values("configurations", "created_at", "expires_at", "redeemed_at")
        .order_by("created_at", "pk")
    )
    return {
        "credentials": [
            {
                "configuration": c["configuration"],
                "verification_code": c["document__verification_code"],
                "issued_at": c["issued_at"],
                "expires_at": c["expires_at"],
                "status": _CREDENTIAL_STATUS[c["status"]],
                "kid": c["issuer_key__kid"],
                "holder_thumbprint": c["holder_thumbprint"],
            }
            for c in credentials
        ],
        "offers": [
            {
                "configurations": list(o["configurations"]),
                "created_at": o["created_at"],
                "expires_at": o["expires_at"],
                "redeemed_at": o["redeemed_at"],
            }
            for o in offers
        ],
    }


# --- the export ------------------------------------------------------------------------------------------

# The sections of the export, in order: (key in `sections`, the function that gathers it).
SECTIONS: tuple[tuple[str, Section], ...] = (
    ("account", account),
    ("registers", registers),
    ("applications", applications),
    ("messages", messages),
    ("notices", notices),
    ("audit", audit_entries),
    ("consents", consents),
    ("mandates", mandates),
    ("wallet", wallet),
)


def export(person: User) -> fmt.Export:
    """Everything Sahl holds about the person, read-only, in the format `sahl-personal-data/1`."""
    sections = {name: gather(person) for name, gather in SECTIONS}
    return {
        "format": fmt.FORMAT,
        "exported_at": timezone.now(),
        "civil_id": person.civil_id,
        "sections": cast(fmt.Sections, sections),
    }


def download(person: User, *, via: str, address: str = "") -> fmt.Export:
    """The person downloads their data (`via`: page or api): recorded in the audit log, where they
    see it among their security events, then exported (the export lists its own entry)."""
    with transaction.atomic():
        audit.append(
            audit.Kind.DATA_EXPORTED,
            actor=person,
            subject_civil_id=person.civil_id,
            address=address,
            detail=via,
        )
        return export(person)


@dataclass(frozen=True)
class MyDataPage:
    consents: fmt.Consents


def my_data_page(person: User) -> MyDataPage:
    return MyDataPage(consents=consents(person))
