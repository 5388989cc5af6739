"""The application's page, prepared (ADR 0043): one row per application (`ApplicationPage`) holding
everything its page and its API answer show, so that a read is one query by the reference, with
who may see it in the row.

- `keep(id)` writes the row from the truth (the application, its parties, history, open request,
  attachments, documents and decision): called by the events' listener below, in the transaction
  of the change, and by `rebuild`, so what the events keep is what a rebuild writes. On
  PostgreSQL both are one statement (`pages_in_sql`), tested to write what this module writes.
- Names and the chosen records' labels are what the registers said when the application was filed
  (`Application.register_facts`, read before the filing's transaction): the registers are an
  outside system, never called inside a transaction.
- What differs by viewer (whose turn, their consent, their documents) is worked out when read
  (`reading.application_detail`), from the row, without a query."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import connection
from django.db.models import Prefetch
from django.db.models.signals import post_save
from django.dispatch import receiver

from sahl.applications import id_ranges, pages_in_sql
from sahl.applications.handover import handover_with
from sahl.applications.models import (
    Application,
    ApplicationPage,
    Decision,
    HistoryEvent,
    IssuedDocument,
)
from sahl.catalogue.definition import ServiceDefinition
from sahl.catalogue.services import definition_of
from sahl.core.bilingual import BilingualText
from sahl.core.languages import in_both
from sahl.events.registry import listen
from sahl.events.types import (
    APPLICATION_STEPS,
    ApplicationAssigned,
    DocumentIssued,
    DomainEvent,
    PaymentRefunded,
)
from sahl.registry.adapters import Profile, registers
from sahl.registry.companies import is_company_number

BATCH = 2_000  # applications per rebuild batch: one short transaction each, at any size of table
_UPDATED = ["reference", "viewers", "category", "content"]


# --- What the registers said, when filed ---------------------------------------------------------


def names_on(
    definition: ServiceDefinition, answers: Mapping[str, Any], subject: str, profile: Profile | None = None
) -> dict[str, Any]:
    """The registers' names of the subject and of the people the answers name as parties, read
    before the filing's transaction: at most one call of the registers, none when the subject is
    the only person on it and their profile (read for the verdict) names them."""
    people = {subject} | {
        str(answers.get(p.civil_id_field, ""))
        for p in definition.parties
        if p.civil_id_field and answers.get(p.civil_id_field)
    }
    known = {}
    # A company's profile names the company, which the registers' names (people's) never held.
    if profile is not None and profile.civil_id == subject and not is_company_number(subject):
        known[subject] = profile.name
        people.discard(subject)
    found = registers().names(people) if people else {}
    return {cid: {"ar": n.ar, "en": n.en} for cid, n in (known | found).items()}


def facts(
    definition: ServiceDefinition, answers: Mapping[str, Any], profile: Profile, names: Mapping[str, Any]
) -> dict[str, Any]:
    """What an application keeps of the registers: the names, each chosen record's label as the
    register gave it (a car by make and plate; null when the record is not among the person's), and
    the registered address as far as a page shows it (a courier's). No call: the profile is read."""
    from sahl.applications.handover import address_of

    labels: dict[str, Any] = {}
    for name, prop in definition.form.get("properties", {}).items():
        if name in answers and prop.get("x-prefill") in profile.choices:
            found = {c.value: c.label for c in profile.choices[prop["x-prefill"]]}.get(answers[name])
            labels[name] = in_both(found) if found is not None else None
    address = address_of(profile)
    return {
        "names": dict(names),
        "labels": labels,
        "address": {"ar": address.ar, "en": address.en} if address else None,
    }


# --- The row --------------------------------------------------------------------------------------


def _when(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _document(d: IssuedDocument) -> dict[str, Any]:
    return {
        "id": d.pk,
        "document": d.document,
        "title": {"ar": d.title_ar, "en": d.title_en},
        "holder": d.holder_civil_id,
        "verification_code": d.verification_code,
        "issued_on": _when(d.issued_on),
        "valid_until": _when(d.valid_until),
        "pdf": d.pdf.name,  # "" while its PDF is being rendered (applications.rendering, ADR 0045)
    }


def content(application: Application) -> dict[str, Any]:
    """Everything the page and the API show of the application, for any viewer (five reads of
    its rows; the application comes with its service, agency, version and decision)."""
    decision: Decision | None = getattr(application, "decision", None)
    definition = definition_of(application.version)
    found = application.register_facts or {}
    address = found.get("address")
    handover = handover_with(application, definition, BilingualText(**address) if address else None)
    request = (
        max(open_ones, key=lambda r: (r.requested_at, r.pk))
        if (open_ones := [r for r in application.info_requests.all() if r.answered_at is None])
        else None
    )
    return {
        "reference": application.reference,
        "state": application.state,
        "subject": application.subject_civil_id,
        "applicant_id": application.applicant_id,
        "form_data": application.form_data,
        "fee_fils": application.fee_fils,
        "created_at": _when(application.created_at),
        "submitted_at": _when(application.submitted_at),
        "decided_at": _when(application.decided_at),
        "due_on": _when(application.due_on),
        "paused_since": _when(application.paused_since),
        "service": {
            "id": application.service_id,
            "code": application.service.code,
            "name": {"ar": application.service.name_ar, "en": application.service.name_en},
        },
        "agency": {
            "id": application.agency_id,
            "name": {"ar": application.agency.name_ar, "en": application.agency.name_en},
        },
        "version": {"id": application.version_id, "number": application.version.number},
        "names": found.get("names", {}),
        "labels": found.get("labels", {}),
        "parties": [
            {"role": p.role, "civil_id": p.civil_id, "consent": p.consent}
            for p in sorted(application.parties.all(), key=_pk)
        ],
        "history": [
            {
                "at": _when(e.at),
                "kind": e.kind,
                "note": e.note,
                "on_behalf_of": e.on_behalf_of,
                "actor": {"ar": e.actor.name_ar, "en": e.actor.name_en} if e.actor else None,
            }
            for e in sorted(application.history.all(), key=lambda e: (e.at, e.pk))
        ],
        "open_request": {
            "message": request.message,
            "document_code": request.document_code,
            "requested_at": _when(request.requested_at),
        }
        if request
        else None,
        "attachments": [
            {"id": a.pk, "document_code": a.document_code, "extension": a.extension}
            for a in sorted(application.attachments.all(), key=_pk)
        ],
        "documents": [_document(d) for d in sorted(application.documents.all(), key=_pk)],
        "decision": {
            "outcome": decision.outcome,
            "reason": decision.reason,
            "decided_at": _when(decision.decided_at),
        }
        if decision
        else None,
        "handover": handover.as_json() if handover else None,
    }


def _pk(row: Any) -> int:
    return int(row.pk)


def _truth() -> Any:
    """The applications with everything their page shows: one query each for the applications
    and for each kind of row, however many applications (a keep reads one, a rebuild's batch 2,000)."""
    return Application.objects.select_related(
        "service__category", "agency", "version", "decision"
    ).prefetch_related(
        "parties",
        Prefetch("history", queryset=HistoryEvent.objects.select_related("actor")),
        "info_requests",
        "attachments",
        "documents",
    )


def _row(application: Application) -> ApplicationPage:
    parties = content(application)
    viewers = [application.subject_civil_id] + [
        p["civil_id"] for p in parties["parties"] if p["civil_id"] != application.subject_civil_id
    ]
    return ApplicationPage(
        reference=application.reference,
        application=application,
        viewers=list(dict.fromkeys(viewers)),
        category=application.service.category.code,
        content=parties,
    )


def keep(application_id: int) -> None:
    """Write the application's row as it is now, in the caller's transaction."""
    keep_all([application_id])


def keep_all(application_ids: list[int]) -> None:
    """Write these applications' rows as they are now, in the caller's transaction. PostgreSQL
    builds them itself in one statement (`pages_in_sql.keep`); elsewhere this module does, in
    six reads and one upsert (INSERT ... ON CONFLICT DO UPDATE, new row or not)."""
    if connection.vendor == "postgresql":
        pages_in_sql.keep(application_ids)
    else:
        _write(_truth().filter(pk__in=application_ids))


def rebuild() -> int:
    """Every row anew from the applications, by ranges of their ids, each range in one short
    transaction (its rows deleted and written again). On PostgreSQL the database builds the rows
    (`pages_in_sql`, about a hundred times faster at the country's size); elsewhere this module."""
    if connection.vendor == "postgresql":
        return pages_in_sql.rebuild()
    return rebuild_in_python()


def rebuild_in_python() -> int:
    return id_ranges.rebuild(
        ApplicationPage, BATCH, lambda low, high: _write(_truth().filter(pk__gt=low, pk__lte=high))
    )


def refresh_service(service_id: int) -> int:
    """The pages of one service's applications written again (what the catalogue says of it
    changed), a range of them per transaction."""
    if connection.vendor == "postgresql":
        versions = pages_in_sql.Versions()

        def write(low: int, high: int) -> int:
            return pages_in_sql.write(pages_in_sql.OF_SERVICE, [service_id, low, high], versions)

    else:

        def write(low: int, high: int) -> int:
            return _write(_truth().filter(service_id=service_id, pk__gt=low, pk__lte=high))

    return id_ranges.refresh_service(service_id, BATCH, write)


def _write(applications: Any) -> int:
    rows = [_row(a) for a in applications.order_by("pk")]
    ApplicationPage.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["application"], update_fields=_UPDATED
    )
    return len(rows)


def rows() -> list[dict[str, Any]]:
    """Every row in a stable order, without surrogate keys (what events kept against a rebuild)."""
    fields = ("reference", "application_id", "viewers", "category", "content")
    return [dict(row) for row in ApplicationPage.objects.order_by("application_id").values(*fields)]


# --- Kept by the events ---------------------------------------------------------------------------


@listen(*APPLICATION_STEPS, ApplicationAssigned, DocumentIssued, PaymentRefunded, at_once=True, together=True)
def keep_pages(events: list[DomainEvent]) -> None:
    """Once per application among the events announced together, after all of them."""
    keep_all(list(dict.fromkeys(_application_of(e) for e in events)))


def _application_of(event: DomainEvent) -> int:
    return int(event.payload()["application_id"])  # every event listened to names its application


# What changes the page without a step of the state machine (and so without an event): a line of
# history that is no step (the agency's progress, delivery to its system, one party's consent, a
# draft saved), a decision written after its step, a document's file made ready later. Lines
# written together with the steps' events (`moving.together`) are bulk inserts and send no signal:
# their events keep it. A captured payment shows through the step it leads to.
_FOLLOWED = {  # lines always followed in their transaction by an event this module listens to
    HistoryEvent.Kind.PAID,  # the step to review (or the decision)
    HistoryEvent.Kind.REGISTER_UPDATED,  # the approval's completion
    HistoryEvent.Kind.DOCUMENT_ISSUED,  # document.issued
    HistoryEvent.Kind.REFUNDED,  # payment.refunded
    HistoryEvent.Kind.CONSENT_DECLINED,  # the cancellation
    HistoryEvent.Kind.TAKEN,  # application.assigned
    HistoryEvent.Kind.REASSIGNED,  # application.assigned
}


@receiver(post_save, sender=HistoryEvent, dispatch_uid="applications.pages.history")
def _history_line(sender: type, instance: HistoryEvent, created: bool, **kwargs: Any) -> None:
    if created and not instance.to_state and instance.kind not in _FOLLOWED:  # a step's: its event
        keep(instance.application_id)


@receiver(post_save, sender=Decision, dispatch_uid="applications.pages.decision")
def _decided(sender: type, instance: Decision, **kwargs: Any) -> None:
    if instance.outcome == Decision.Outcome.REJECTED:  # an approval's completion follows, announced
        keep(instance.application_id)


@receiver(post_save, sender=IssuedDocument, dispatch_uid="applications.pages.document")
def _document_changed(sender: type, instance: IssuedDocument, created: bool, **kwargs: Any) -> None:
    if not created:  # a new one is announced (DocumentIssued)
        keep(instance.application_id)
