"""Use cases of integrations: connecting an agency, delivering applications to its system exactly
once as far as it can tell (stable event ids, retries, a breaker, a dead-letter list), and the
operators' view of deliveries.

A delivery is written, and its task enqueued, in the transaction that sends the application to
the agency: nothing acknowledged is lost. Each attempt claims the delivery under a row lock,
calls the agency outside any transaction, then records the verdict under the lock again."""

from __future__ import annotations

import datetime as dt
import json
import logging
import secrets
import time
from dataclasses import dataclass
from typing import Any

import httpx
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from sahl.applications.models import Application, HistoryEvent
from sahl.applications.states import TRANSITIONS
from sahl.applications.states import State as State_
from sahl.catalogue.models import Agency
from sahl.core.errors import Conflict, NotFound
from sahl.identity.models import User
from sahl.integrations import rules, signatures
from sahl.integrations.documents import application_document, with_document_relations
from sahl.integrations.models import Attempt, ClientCredential, Connection, Delivery, SigningKey
from sahl.integrations.rules import Outcome, Verdict

log = logging.getLogger(__name__)
State = Delivery.State
CLAIM_GRACE = 60  # seconds beyond the timeout after which a claim is taken to be a dead worker's


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
    """Called in the transaction that sends an `agency_api` application to its agency: a delivery
    and its task, or None when the agency has no connected system (the back office works it)."""
    connection = connection_for(application.agency_id)
    if connection is None:
        return None
    delivery = Delivery.objects.create(application=application, connection=connection, next_attempt_at=now())
    _enqueue(delivery)
    return delivery


def _enqueue(delivery: Delivery, at: dt.datetime | None = None) -> None:
    from sahl.integrations.tasks import deliver

    if at is None or at <= timezone.now():
        deliver.enqueue(delivery.pk)
    else:
        deliver.using(run_after=at).enqueue(delivery.pk)


@dataclass(frozen=True)
class Call:
    delivery_id: int
    url: str
    body: bytes
    headers: dict[str, str]
    timeout: float


def attempt(delivery_id: int) -> str:
    """One attempt at a delivery; returns what happened (for logs and tests)."""
    call = _claim(delivery_id)
    if isinstance(call, str):
        return call
    started = time.monotonic()
    status, body, error = _post(call)
    verdict = rules.judge(status, body, error)
    return _record(call.delivery_id, verdict, status, int((time.monotonic() - started) * 1000))


def _claim(delivery_id: int) -> Call | str:
    moment = now()
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update()
            .select_related("connection__agency")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.state in (State.DELIVERED, State.DEAD):
            return "nothing to do"
        connection = delivery.connection
        grace = dt.timedelta(seconds=connection.timeout_seconds + CLAIM_GRACE)
        if delivery.claimed_at and moment - delivery.claimed_at < grace:
            return "another attempt is in progress"
        if delivery.next_attempt_at and delivery.next_attempt_at > moment:
            return "not due yet"
        if connection.open_until and connection.open_until > moment:
            delivery.next_attempt_at = connection.open_until
            delivery.save(update_fields=["next_attempt_at"])
            Attempt.objects.create(delivery=delivery, outcome="skipped", error="circuit breaker open")
            _enqueue(delivery, connection.open_until)  # in this transaction: never lost
            return "breaker open"
        delivery.claimed_at = moment
        delivery.attempts += 1
        delivery.save(update_fields=["claimed_at", "attempts"])
        key = connection.keys.filter(retired_at__isnull=True).order_by("-created_at").first()
        assert key is not None, "a connection always has a signing key"
        body = json.dumps(payload(delivery), ensure_ascii=False, sort_keys=True).encode()
    pair = signatures.KeyPair(key.kid, key.private_pem, key.public_raw)
    headers = signatures.sign(
        "POST",
        connection.endpoint,
        body,
        str(delivery.event_id),
        pair,
        int(time.time()),  # the wall clock: the agency checks it against its own
    )
    return Call(delivery.pk, connection.endpoint, body, headers, connection.timeout_seconds)


def _post(call: Call) -> tuple[int | None, bytes, str]:
    """POST with connect and read timeouts, no redirects, the answer cut at MAX_BODY."""
    timeout = httpx.Timeout(call.timeout, connect=min(3.0, call.timeout))
    try:
        with (
            httpx.Client(timeout=timeout, follow_redirects=False) as client,
            client.stream("POST", call.url, content=call.body, headers=call.headers) as response,
        ):
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                chunks.append(chunk)
                size += len(chunk)
                if size > rules.MAX_BODY:
                    break
            return response.status_code, b"".join(chunks), ""
    except httpx.TimeoutException:
        return None, b"", "timed out"
    except httpx.HTTPError as error:
        return None, b"", f"network error: {type(error).__name__}"


def _record(delivery_id: int, verdict: Verdict, status: int | None, duration_ms: int) -> str:
    moment = now()
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().select_related("application").get(pk=delivery_id)
        connection = Connection.objects.select_for_update().get(pk=delivery.connection_id)
        delivery.claimed_at = None
        outcome = verdict.outcome
        if outcome is Outcome.RETRY and delivery.attempts >= connection.max_attempts:
            outcome = Outcome.DEAD
        Attempt.objects.create(
            delivery=delivery,
            status_code=status,
            outcome=outcome,
            error=verdict.error,
            duration_ms=duration_ms,
        )
        if outcome is Outcome.DELIVERED:
            _delivered(delivery, verdict, moment)
            connection.failures_in_a_row, connection.open_until = 0, None
        else:
            connection.failures_in_a_row += 1
            pause = rules.breaker_pause(connection.failures_in_a_row)
            connection.open_until = moment + dt.timedelta(seconds=pause) if pause else None
            delivery.last_error = verdict.error[:300]
            if outcome is Outcome.DEAD:
                delivery.state, delivery.next_attempt_at = State.DEAD, None
            else:
                delivery.state = State.RETRYING
                delivery.next_attempt_at = moment + dt.timedelta(seconds=rules.retry_delay(delivery.attempts))
                _enqueue(delivery, delivery.next_attempt_at)
        delivery.save()
        connection.save(update_fields=["failures_in_a_row", "open_until"])
    log.info(
        "agency delivery attempt",
        extra={
            "delivery": delivery_id,
            "outcome": str(outcome),
            "status_code": status,
            "duration_ms": duration_ms,
        },
    )
    return str(outcome)


def _delivered(delivery: Delivery, verdict: Verdict, moment: dt.datetime) -> None:
    from sahl.applications import services as applications

    delivery.state, delivery.next_attempt_at, delivery.delivered_at = State.DELIVERED, None, moment
    delivery.answer, delivery.agency_reference = verdict.answer, verdict.reference
    application = Application.objects.select_for_update().get(pk=delivery.application_id)
    note = verdict.reference or verdict.answer
    applications.record(application, HistoryEvent.Kind.DELIVERED, None, note)
    if verdict.answer == "rejected" and State_.REJECTED in TRANSITIONS[State_(application.state)]:
        applications.reject(application, None, f"{verdict.reason_ar} | {verdict.reason_en}")


def payload(delivery: Delivery) -> dict[str, Any]:
    """The delivery body (docs/agency-api.md, section 1)."""
    application = with_document_relations(Application.objects.all()).get(pk=delivery.application_id)
    return {
        "event_id": str(delivery.event_id),
        "type": "application.submitted",
        "occurred_at": timezone.localtime(delivery.created_at).isoformat(timespec="seconds"),
        "agency": application.agency.code,
        "application": application_document(application),
    }


def due(limit: int = 500) -> list[int]:
    """Deliveries whose attempt is due now, or whose worker died mid-attempt (the sweep)."""
    moment = now()
    stale = moment - dt.timedelta(seconds=CLAIM_GRACE)
    found = Delivery.objects.filter(state__in=(State.WAITING, State.RETRYING), next_attempt_at__lte=moment)
    found = found.exclude(claimed_at__gt=stale)
    return list(found.order_by("next_attempt_at").values_list("pk", flat=True)[:limit])


def sweep() -> int:
    """Enqueue an attempt for every due delivery (safe to run on several machines: attempts claim
    under a lock). Catches deliveries whose worker was killed, and retries after an outage."""
    ids = due()
    for pk in ids:
        from sahl.integrations.tasks import deliver

        deliver.enqueue(pk)
    return len(ids)


# --- Operators ----------------------------------------------------------------------------------


def _operator(user: User) -> None:
    if not user.is_staff:  # operators of the platform only; for anyone else the page does not exist
        raise NotFound("page.not_found")


def deliveries(operator: User, state: str = "", agency: str = "") -> list[Delivery]:
    """Deliveries to agencies' systems, newest first (dead ones: the dead-letter list)."""
    _operator(operator)
    found = Delivery.objects.select_related("application", "connection__agency").order_by(
        "-created_at", "-pk"
    )
    if state:
        found = found.filter(state=state)
    if agency:
        found = found.filter(connection__agency__code=agency)
    return list(found[:200])


def replay(operator: User, delivery_id: int) -> Delivery:
    """Send a dead delivery again (same event id: the agency de-duplicates)."""
    _operator(operator)
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().filter(pk=delivery_id).first()
        if delivery is None:
            raise NotFound("page.not_found")
        if delivery.state != State.DEAD:
            raise Conflict("delivery.not_dead")
        delivery.state, delivery.attempts, delivery.next_attempt_at = State.WAITING, 0, now()
        delivery.save(update_fields=["state", "attempts", "next_attempt_at"])
        _enqueue(delivery)
    return delivery


def delivery_of(application: Application) -> Delivery | None:
    return application.deliveries.order_by("-created_at").first()
