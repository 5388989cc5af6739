"""Use cases of integrations: connecting an agency's system, and delivering its applications to it.

Delivering goes through the outbox (the `agency` channel in `channels.py`): a delivery is written
when the application reaches the agency (this app listens, `receivers.py`), sent outside any
transaction with a stable event id the agency de-duplicates on, retried with backoff behind a
breaker per agency, and on the operators' outbox page when it fails for good."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from sahl.applications import deciding, moving
from sahl.applications.models import Application, HistoryEvent
from sahl.applications.states import TRANSITIONS
from sahl.applications.states import State as State_
from sahl.catalogue.models import Agency
from sahl.core.errors import NotFound
from sahl.integrations import signatures
from sahl.integrations.documents import application_document, with_document_relations
from sahl.integrations.models import ClientCredential, Connection, SigningKey
from sahl.integrations.rules import Verdict
from sahl.outbox import services as outbox
from sahl.outbox.models import Delivery

log = logging.getLogger(__name__)


def now() -> dt.datetime:
    """The clock of deliveries (fault tests move it)."""
    return timezone.now()


# --- Onboarding ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewCredential:
    client_id: str
    client_secret: str  # shown once, never stored


def connect(agency: Agency, endpoint: str, *, timeout: float = 10.0, max_attempts: int = 12) -> Connection:
    """Connect (or update) an agency's system; it gets a signing key if it has none."""
    with transaction.atomic():
        connection, _ = Connection.objects.update_or_create(
            agency=agency,
            defaults={
                "endpoint": endpoint,
                "timeout_seconds": timeout,
                "max_attempts": max_attempts,
                "active": True,
            },
        )
        if not connection.keys.filter(retired_at__isnull=True).exists():
            _add_key(connection)
    return connection


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


# --- Sending ------------------------------------------------------------------------------------


def send_to_agency(application: Application) -> Delivery | None:
    """Put the application in the outbox for its agency's system, or None when the agency has no
    connected system (the back office works it). Called in the transaction of a listener."""
    connection = connection_for(application.agency_id)
    if connection is None:
        return None
    return outbox.post(
        "agency",
        destination=f"agency:{connection.agency.code}",
        topic=f"application:{application.reference}",
        payload={"application_id": application.pk},
        max_attempts=connection.max_attempts,
        timeout_seconds=connection.timeout_seconds,
    )


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
