"""Use cases of the outbox: post something to send (in the transaction of the change), sweep what a
lost task or a dead worker left behind, and the operators' view with "send again"."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import JSONField, Prefetch, Subquery
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import JSONObject

from sahl.core import queue
from sahl.core.compiled import CompiledRead, all_columns
from sahl.core.errors import Conflict, NotFound
from sahl.outbox import channels, rules, tasks
from sahl.outbox.models import Attempt, Delivery

log = logging.getLogger("sahl.outbox")

State = Delivery.State
ATTENTION = (State.RETRYING, State.FAILED, State.UNCERTAIN)


def post(
    channel: str,
    *,
    destination: str,
    topic: str,
    payload: dict[str, Any],
    address: str = "",
    key: uuid.UUID | None = None,
    max_attempts: int = 10,
    timeout_seconds: float = 10.0,
) -> Delivery:
    """Put a delivery in the outbox with its task, in the caller's transaction. With a `key`, posting
    the same thing twice gives the one delivery (e.g. one refund per payment)."""
    channels.channel(channel)  # an unknown channel fails here, at the change, not in a worker
    if key is not None:
        existing = Delivery.objects.filter(key=key).first()
        if existing is not None:
            return existing
    delivery = Delivery.objects.create(
        key=key or uuid.uuid4(),
        channel=channel,
        destination=destination[:60],
        address=address,
        topic=topic[:60],
        payload=payload,
        max_attempts=max_attempts,
        timeout_seconds=timeout_seconds,
        next_attempt_at=tasks.now(),
    )
    tasks.enqueue(delivery)
    return delivery


def record_sent(
    channel: str,
    *,
    key: uuid.UUID,
    destination: str,
    topic: str,
    payload: dict[str, Any],
    result: dict[str, Any],
    status_code: int | None,
    duration_ms: int,
) -> Delivery:
    """A delivery someone else already made (the agencies' conformance kit sends its test delivery
    itself), kept on record with its one attempt as the worker would have."""
    moment = tasks.now()
    delivery = Delivery.objects.create(
        key=key,
        channel=channel,
        destination=destination[:60],
        topic=topic[:60],
        payload=payload,
        state=State.SENT,
        attempts=1,
        result=result,
        sent_at=moment,
    )
    Attempt.objects.create(
        delivery=delivery, outcome=Attempt.Outcome.SENT, status_code=status_code, duration_ms=duration_ms
    )
    return delivery


def for_topic(topic: str, channel: str = "") -> list[Delivery]:
    """The deliveries about one thing, oldest first (a message's e-mail and SMS, an application's
    deliveries to its agency)."""
    found = Delivery.objects.filter(topic=topic)
    if channel:
        found = found.filter(channel=channel)
    return list(found.order_by("created_at", "pk"))


def for_topics(topics: list[str]) -> dict[str, list[Delivery]]:
    """`for_topic` for many at once (one query)."""
    grouped: dict[str, list[Delivery]] = {topic: [] for topic in topics}
    for delivery in Delivery.objects.filter(topic__in=topics).order_by("created_at", "pk"):
        grouped[delivery.topic].append(delivery)
    return grouped


def latest(topic: str, channel: str) -> Delivery | None:
    found = _LATEST.instances(topic, channel)  # on every application page sent to an agency
    return found[0] if found else None


def latest_answer(topic: Any, channel: str) -> Subquery:
    """The newest delivery's state and the reference the other side answered with, as JSON (or
    NULL), as part of another read: `topic` is an expression of that read (the application page
    reads its agency's delivery with its own row, one round trip instead of two)."""
    newest = Delivery.objects.filter(topic=topic, channel=channel).order_by("-created_at", "-pk")
    answer = JSONObject(state="state", reference=KeyTextTransform("reference", "result"))
    return Subquery(newest.values_list(answer)[:1], output_field=JSONField())


def answered(delivery: Delivery | None) -> dict[str, Any] | None:
    """`latest`'s delivery as `latest_answer` gives it."""
    return {"state": delivery.state, "reference": delivery.result.get("reference")} if delivery else None


_LATEST = CompiledRead(
    Delivery,
    lambda topic, channel: (
        Delivery.objects.filter(topic=topic, channel=channel)
        .order_by("-created_at", "-pk")
        .values_list(*all_columns(Delivery))[:1]
    ),
    2,
)


# --- The sweep ----------------------------------------------------------------------------------


def waiting(destination: str) -> int:
    """How many deliveries to one destination wait to be sent (queued, or to be retried)."""
    return Delivery.objects.filter(destination=destination, state__in=(State.QUEUED, State.RETRYING)).count()


def latest_of_channel(channel: str, limit: int) -> list[Delivery]:
    """The newest deliveries of one channel (the simulators' outbox page shows the e-mails)."""
    return list(Delivery.objects.filter(channel=channel).order_by("-created_at", "-pk")[:limit])


def sweep(limit: int = 500) -> int:
    """Record attempts whose worker died (then send again or leave uncertain, as the channel says),
    and queue due deliveries that have no task waiting. Safe to run on several machines and as often
    as one likes: a delivery whose task is waiting never gets a second one."""
    moment = tasks.now()
    stale = Delivery.objects.filter(
        state=State.SENDING, claimed_at__lt=moment - dt.timedelta(seconds=tasks.grace())
    ).values_list("pk", flat=True)
    for pk in list(stale[:limit]):
        with transaction.atomic():
            delivery = Delivery.objects.select_for_update().get(pk=pk)
            if delivery.state == State.SENDING and rules.claim_is_stale(
                delivery.claimed_at, delivery.timeout_seconds, moment, tasks.grace()
            ):
                tasks.cut_off(delivery, channels.channel(delivery.channel), moment)
    due = list(
        Delivery.objects.filter(state__in=(State.QUEUED, State.RETRYING))
        .exclude(next_attempt_at__gt=moment)
        .order_by("next_attempt_at", "pk")[:limit]
    )
    return queue.requeue_lost(due, tasks.enqueue)


# --- What operators look at (sahl.operators) -------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    channel: str = ""
    destination: str = ""
    state: str = ""
    older_than_minutes: int = 0


def deliveries(filters: Filters, now: dt.datetime | None = None) -> list[Delivery]:
    """The outbox, newest first, by channel, destination, state and age, with each one's attempts."""
    found = Delivery.objects.order_by("-created_at", "-pk").prefetch_related(
        Prefetch("attempt_log", queryset=Attempt.objects.order_by("at", "pk"))
    )
    if filters.channel:
        found = found.filter(channel=filters.channel)
    if filters.destination:
        found = found.filter(destination=filters.destination)
    if filters.state:
        found = found.filter(state=filters.state)
    if filters.older_than_minutes:
        found = found.filter(
            created_at__lt=(now or tasks.now()) - dt.timedelta(minutes=filters.older_than_minutes)
        )
    return list(found[:200])


def destinations() -> list[str]:
    return list(Delivery.objects.order_by("destination").values_list("destination", flat=True).distinct())


def send_again(delivery_id: int, by: int | None = None) -> Delivery:
    """An operator decided a failed or uncertain delivery should go (again), with the same key (an
    agency de-duplicates on it); `by` is the operator's id, for the log."""
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().filter(pk=delivery_id).first()
        if delivery is None:
            raise NotFound("page.not_found")
        if delivery.state not in (State.FAILED, State.UNCERTAIN):
            raise Conflict("delivery.not_dead")
        delivery.state, delivery.attempts, delivery.claimed_at = State.QUEUED, 0, None
        delivery.next_attempt_at = tasks.now()
        delivery.save(update_fields=["state", "attempts", "claimed_at", "next_attempt_at", "updated_at"])
        tasks.enqueue(delivery)
    log.info("delivery queued again by an operator", extra={"delivery": delivery.pk, "operator": by})
    return delivery
