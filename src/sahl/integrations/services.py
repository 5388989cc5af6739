"""Use cases of integrations: connecting an agency's system, and delivering its applications to it.

Delivering goes through the outbox (the `agency` channel in `channels.py`): a delivery is written
when an application of the system's lane (`rules.lane`) reaches the agency (this app listens,
`receivers.py`), or, for the open ones that waited while no system was connected, when one is
connected (`hand_over`); it is sent outside any transaction with a stable event id the agency
de-duplicates on, retried with backoff behind a breaker per agency, and on the operators' outbox
page when it fails for good. An application is delivered once: one with a delivery on record is
never posted again."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from sahl.applications import deciding, moving
from sahl.applications.models import Application, HistoryEvent
from sahl.applications.states import TRANSITIONS
from sahl.applications.states import State as State_
from sahl.catalogue.models import Agency, ServiceVersion
from sahl.catalogue.services import definition_of
from sahl.core.errors import NotFound
from sahl.integrations import signatures
from sahl.integrations.documents import application_document, with_document_relations
from sahl.integrations.models import ClientCredential, Connection, SigningKey
from sahl.integrations.rules import Verdict, lane
from sahl.outbox import services as outbox
from sahl.outbox.models import Delivery

log = logging.getLogger(__name__)
# The open applications a newly connected system is handed (backoffice.queue's WORKABLE), and how
# many are posted per transaction.
WAITING = (State_.IN_REVIEW, State_.ACTION_NEEDED)
HAND_OVER_BATCH = 500
# Deliveries to agencies have keys derived from the application (their event id): the listener and
# a hand-over that both see an application undelivered post the one delivery.
DELIVERY_KEYS = uuid.UUID("5a3b7c1e-2f4d-4e8a-9b6c-0d1e2f3a4b5c")


def now() -> dt.datetime:
    """The clock of deliveries (fault tests move it)."""
    return timezone.now()


# --- Onboarding ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewCredential:
    client_id: str
    client_secret: str  # shown once, never stored


def connect(
    agency: Agency,
    endpoint: str,
    *,
    timeout: float = 10.0,
    max_attempts: int = 12,
    take_over_backoffice: bool | None = None,
) -> Connection:
    """Connect (or update) an agency's system; it gets a signing key if it has none. Then the open
    applications of its lane that waited while no system was connected are delivered to it
    (`hand_over`). `take_over_backoffice` None keeps the agency's choice as it was."""
    defaults: dict[str, Any] = {
        "endpoint": endpoint,
        "timeout_seconds": timeout,
        "max_attempts": max_attempts,
        "active": True,
    }
    if take_over_backoffice is not None:
        defaults["takes_over_backoffice"] = take_over_backoffice
    with transaction.atomic():
        connection, _ = Connection.objects.update_or_create(agency=agency, defaults=defaults)
        if not connection.keys.filter(retired_at__isnull=True).exists():
            _add_key(connection)
    hand_over(agency)
    return connection


def set_take_over(agency: Agency, take_over: bool) -> Connection:
    """The agency's choice: its system works its back-office services' applications too (listed,
    read, decided and delivered as its `agency_api` ones), or no longer. Taking over hands the
    open ones to a connected system at once. NotFound without a connection record."""
    if not Connection.objects.filter(agency=agency).update(takes_over_backoffice=take_over):
        raise NotFound("page.not_found")
    if take_over:
        hand_over(agency)
    log.info("agency back-office take-over set", extra={"agency": agency.code, "take_over": take_over})
    return Connection.objects.get(agency=agency)


def disconnect(agency: Agency) -> None:
    """The agency's new applications go to the shared back office again (deliveries on record stay)."""
    Connection.objects.filter(agency=agency).update(active=False)


def _add_key(connection: Connection) -> SigningKey:
    pair = signatures.new_key(connection.agency.code)
    return SigningKey.objects.create(
        connection=connection, kid=pair.kid, private_pem=pair.private_pem, public_raw=pair.public_raw
    )


def rotate_key(agency: Agency) -> SigningKey:
    """A new signing key signs from now on; the old one stays published until `retire_keys`."""
    connection = Connection.objects.get(agency=agency)
    return _add_key(connection)


def retire_keys(agency: Agency, keep: str) -> int:
    return (
        SigningKey.objects.filter(connection__agency=agency, retired_at__isnull=True)
        .exclude(kid=keep)
        .update(retired_at=now())
    )


def public_keys(agency_code: str) -> list[SigningKey]:
    return list(
        SigningKey.objects.filter(connection__agency__code=agency_code, retired_at__isnull=True).order_by(
            "created_at"
        )
    )


def new_credential(agency: Agency) -> NewCredential:
    client_id = f"{agency.code}-{secrets.token_hex(6)}"
    secret = secrets.token_urlsafe(32)
    ClientCredential.objects.create(agency=agency, client_id=client_id, secret_hash=make_password(secret))
    return NewCredential(client_id, secret)


def revoke_credential(client_id: str) -> None:
    updated = ClientCredential.objects.filter(client_id=client_id, revoked_at__isnull=True).update(
        revoked_at=now()
    )
    if not updated:
        raise NotFound("page.not_found")


def connection_for(agency_id: int) -> Connection | None:
    return Connection.objects.filter(agency_id=agency_id, active=True).first()


def waiting_deliveries(agency: Agency) -> int:
    """How many deliveries to the agency's system wait to be sent (queued or being retried)."""
    return outbox.waiting(f"agency:{agency.code}")


# --- The system's lane --------------------------------------------------------------------------


def lane_of(agency: Agency) -> tuple[str, ...]:
    """The processing modes of the applications the agency's system works (`rules.lane`)."""
    takes_over = Connection.objects.filter(agency=agency, takes_over_backoffice=True).exists()
    return lane(takes_over)


def lane_versions(agency: Agency, modes: tuple[str, ...]) -> QuerySet[ServiceVersion]:
    """The published versions of the agency's services processed in those modes. An application
    keeps the mode of the version it was filed under, as it keeps everything else of it."""
    return ServiceVersion.objects.filter(service__agency=agency, definition__processing__in=modes)


# --- Sending ------------------------------------------------------------------------------------


def send_to_agency(application: Application) -> Delivery | None:
    """Put the application in the outbox for its agency's system, or None when the agency has no
    connected system or the application is not in its lane (the back office works it), or no
    longer open when the listener hears of it (withdrawn meanwhile: the conformance kit's test
    application is, when its own delivery failed). One that has a delivery on record (handed over
    when the system was connected, or the conformance kit's own) gives that one. Called in the
    transaction of a listener."""
    if application.state not in WAITING:
        return None
    connection = connection_for(application.agency_id)
    if connection is None:
        return None
    if definition_of(application.version).processing not in lane(connection.takes_over_backoffice):
        return None
    existing = outbox.latest(_topic(application.reference), "agency")
    return existing or _post(connection, application.pk, application.reference)


def _topic(reference: str) -> str:
    return f"application:{reference}"


def _post(connection: Connection, application_id: int, reference: str) -> Delivery:
    return outbox.post(
        "agency",
        destination=f"agency:{connection.agency.code}",
        topic=_topic(reference),
        payload={"application_id": application_id},
        key=uuid.uuid5(DELIVERY_KEYS, reference),
        max_attempts=connection.max_attempts,
        timeout_seconds=connection.timeout_seconds,
    )


def hand_over(agency: Agency) -> int:
    """Deliver to the agency's connected system the open applications of its lane (in review, or
    waiting for the person's answer) that no system has received: those filed while none was
    connected, or before the agency took its back-office services over. Oldest first, through the
    outbox as a new application is (never HTTP here), a batch per transaction; one with a delivery
    on record is skipped, so connecting again delivers nothing twice. How many were posted."""
    connection = connection_for(agency.pk)
    if connection is None:
        return 0
    versions = lane_versions(agency, lane(connection.takes_over_backoffice)).values("pk")
    waiting = Application.objects.filter(agency=agency, state__in=WAITING, version__in=versions)
    after, posted = 0, 0
    while True:
        with transaction.atomic():
            batch = list(
                waiting.filter(pk__gt=after).order_by("pk").values_list("pk", "reference")[:HAND_OVER_BATCH]
            )
            if not batch:
                break
            known = outbox.for_topics([_topic(reference) for _, reference in batch])
            for pk, reference in batch:
                if not any(d.channel == "agency" for d in known[_topic(reference)]):
                    _post(connection, pk, reference)
                    posted += 1
        after = batch[-1][0]
    if posted:
        log.info(
            "waiting applications handed to the agency's system",
            extra={"agency": agency.code, "count": posted},
        )
    return posted


def payload(application_id: int, event_id: str, occurred_at: dt.datetime) -> dict[str, Any]:
    """The delivery body (docs/agency-api.md, section 1)."""
    application = with_document_relations(Application.objects.all()).get(pk=application_id)
    return {
        "event_id": event_id,
        "type": "application.submitted",
        "occurred_at": timezone.localtime(occurred_at).isoformat(timespec="seconds"),
        "agency": application.agency.code,
        "application": application_document(application),
    }


def delivered(application_id: int, verdict: Verdict) -> None:
    """The agency's system took the application: its history says so, and a rejection at once
    rejects it. Inside the outbox's transaction that records the delivery as sent."""
    application = Application.objects.select_for_update().get(pk=application_id)
    moving.record(application, HistoryEvent.Kind.DELIVERED, None, verdict.reference or verdict.answer)
    if verdict.answer == "rejected" and State_.REJECTED in TRANSITIONS[State_(application.state)]:
        deciding.reject(application, None, f"{verdict.reason_ar} | {verdict.reason_en}")
