"""The outbox's engine: one task per attempt at a delivery.

Claim (a committed transaction: the row is `sending`) -> send, outside any transaction -> record
the outcome under the row lock again. A worker that dies mid-send leaves the claim behind; the sweep
(or the next attempt) records that cut-off attempt and sends again only where the other side
de-duplicates (the channel says)."""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from sahl.core import outside, queue
from sahl.outbox import channels, rules
from sahl.outbox.channels import Channel, Failed, Outcome, Retry, Sent, Uncertain
from sahl.outbox.models import Attempt, Delivery, Destination

log = logging.getLogger("sahl.outbox")
State = Delivery.State
ENDED = (State.SENT, State.FAILED, State.UNCERTAIN)


def now() -> dt.datetime:
    """The outbox's clock (fault tests move it)."""
    return timezone.now()


def grace() -> float:
    """Seconds beyond an attempt's timeout before its claim counts as a dead worker's."""
    return float(settings.SAHL_OUTBOX_CLAIM_GRACE)


def enqueue(delivery: Delivery, at: dt.datetime | None = None) -> None:
    """Queue an attempt (in the caller's transaction) and remember its task."""
    delivery.task_id = queue.enqueue(deliver, delivery.pk, at=at)
    Delivery.objects.filter(pk=delivery.pk).update(task_id=delivery.task_id)


@task()
def deliver(delivery_id: int) -> str:
    """One attempt at one delivery (a retry queues its own task)."""
    return attempt(delivery_id)


@dataclass(frozen=True)
class Claim:
    delivery_id: int
    at: dt.datetime
    channel: Channel
    prepared: Any


def attempt(delivery_id: int) -> str:
    """One attempt; returns what happened (for logs and tests)."""
    claim = _claim(delivery_id)
    if isinstance(claim, str):
        return claim
    outside.leaving(f"the {claim.channel.name} channel")
    started = time.monotonic()
    try:
        outcome = claim.channel.send(claim.prepared)
    except outside.CallInsideTransaction:
        raise
    except Exception as error:
        reason = f"unexpected {type(error).__name__}"
        outcome = Retry(reason) if claim.channel.resend_when_cut_off else Uncertain(reason)
    return _record(claim, outcome, int((time.monotonic() - started) * 1000))


def _claim(delivery_id: int) -> Claim | str:
    moment = now()
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().filter(pk=delivery_id).first()
        if delivery is None:
            return "missing"
        if delivery.state in ENDED:
            return str(delivery.state)
        channel = channels.channel(delivery.channel)
        if delivery.state == State.SENDING:
            if not rules.claim_is_stale(delivery.claimed_at, delivery.timeout_seconds, moment, grace()):
                return "busy"
            cut_off(delivery, channel, moment)
            if delivery.state == State.UNCERTAIN:
                return str(delivery.state)
        if delivery.next_attempt_at and delivery.next_attempt_at > moment:
            return "not yet"  # its own task waits for that time
        destination = _destination(delivery.destination)
        if destination.open_until and destination.open_until > moment:
            delivery.next_attempt_at = destination.open_until
            delivery.save(update_fields=["next_attempt_at", "updated_at"])
            Attempt.objects.create(
                delivery=delivery, outcome=Attempt.Outcome.SKIPPED, error="circuit breaker open"
            )
            enqueue(delivery, destination.open_until)  # in this transaction: never lost
            return "breaker open"
        delivery.state, delivery.claimed_at = State.SENDING, moment
        delivery.attempts += 1
        delivery.save(update_fields=["state", "claimed_at", "attempts", "updated_at"])
        prepared = channel.prepare(delivery)
    return Claim(delivery.pk, moment, channel, prepared)


def cut_off(delivery: Delivery, channel: Channel, moment: dt.datetime) -> None:
    """Record the attempt a dead worker left unfinished; send again only where that is safe."""
    Attempt.objects.create(
        delivery=delivery, outcome=Attempt.Outcome.CUT_OFF, error="the worker stopped mid-attempt"
    )
    delivery.claimed_at = None
    if channel.resend_when_cut_off and delivery.attempts < delivery.max_attempts:
        delivery.state, delivery.next_attempt_at = State.RETRYING, moment
        delivery.save(update_fields=["state", "claimed_at", "next_attempt_at", "updated_at"])
        return
    delivery.state, delivery.last_error = State.UNCERTAIN, "cut off mid-attempt"
    delivery.save(update_fields=["state", "claimed_at", "last_error", "updated_at"])
    channel.settled(delivery)
    log.warning("delivery uncertain: not resent automatically", extra={"delivery": delivery.pk})


def _destination(name: str, lock: bool = False) -> Destination:
    found = Destination.objects.filter(name=name)
    row = (found.select_for_update() if lock else found).first()
    if row is None:
        try:
            with transaction.atomic():
                row = Destination.objects.create(name=name)
        except IntegrityError:  # created by another worker meanwhile
            row = (found.select_for_update() if lock else found).get()
    return row


def _record(claim: Claim, outcome: Outcome, duration_ms: int) -> str:
    moment = now()
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().get(pk=claim.delivery_id)
        if delivery.state != State.SENDING or delivery.claimed_at != claim.at:
            return str(delivery.state)  # recovered or handled by an operator meanwhile: theirs stands
        if isinstance(outcome, Retry) and delivery.attempts >= delivery.max_attempts:
            outcome = Failed(
                f"gave up after {delivery.attempts} attempts: {outcome.error}", outcome.status_code
            )
        kind = {Sent: Attempt.Outcome.SENT, Retry: Attempt.Outcome.RETRY, Failed: Attempt.Outcome.FAILED}.get(
            type(outcome), Attempt.Outcome.UNCERTAIN
        )
        error = "" if isinstance(outcome, Sent) else outcome.error[:300]
        Attempt.objects.create(
            delivery=delivery,
            outcome=kind,
            status_code=outcome.status_code,
            error=error,
            duration_ms=duration_ms,
        )
        destination = _destination(delivery.destination, lock=True)
        delivery.claimed_at = None
        if isinstance(outcome, Sent):
            delivery.state, delivery.sent_at, delivery.next_attempt_at = State.SENT, moment, None
            delivery.result, delivery.last_error = outcome.result, ""
            destination.failures_in_a_row, destination.open_until = 0, None
        elif isinstance(outcome, Failed) and outcome.answered:  # the destination is well: no breaker
            delivery.state, delivery.next_attempt_at, delivery.last_error = State.FAILED, None, error
            destination.failures_in_a_row, destination.open_until = 0, None
        elif isinstance(outcome, Uncertain):
            delivery.state, delivery.last_error = State.UNCERTAIN, error
        else:
            destination.failures_in_a_row += 1
            pause = rules.breaker_pause(destination.failures_in_a_row)
            destination.open_until = moment + dt.timedelta(seconds=pause) if pause else None
            delivery.last_error = error
            if isinstance(outcome, Failed):
                delivery.state, delivery.next_attempt_at = State.FAILED, None
            else:
                delivery.state = State.RETRYING
                delivery.next_attempt_at = moment + dt.timedelta(seconds=rules.retry_delay(delivery.attempts))
                enqueue(delivery, delivery.next_attempt_at)
        delivery.save()
        destination.save(update_fields=["failures_in_a_row", "open_until"])
        if delivery.state in ENDED:
            claim.channel.settled(delivery)
    log.info(
        "outbox attempt",
        extra={
            "delivery": delivery.pk,
            "channel": delivery.channel,
            "outcome": str(kind),
            "status_code": outcome.status_code,
            "duration_ms": duration_ms,
        },
    )
    return str(delivery.state)
