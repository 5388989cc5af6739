"""The counters made again from the truth (`manage.py rebuild_statistics`, after a restore, a bulk
load or a change to how something is counted): accounts from the users, decisions and completions
from the applications' history, payments from the event log's captures, journeys from the journeys,
reports from the reports' history. Each source is read once in primary-key order in chunks, and
every row is keyed by the functions the listeners use (`counting`), so a rebuild equals what the
events kept (tests/integration/test_statistics.py checks it). The new rows replace the old ones in
one short transaction at the end."""

from __future__ import annotations

from collections import Counter as Tally
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import F, Sum

from sahl.applications.models import Application, HistoryEvent
from sahl.applications.states import State
from sahl.complaints.models import Event as ComplaintStep
from sahl.events.models import Event
from sahl.events.types import PaymentCaptured
from sahl.identity.models import User
from sahl.journeys.models import Journey
from sahl.stats import counting
from sahl.stats.counting import Key
from sahl.stats.models import Counter, Kind

CHUNK = 5_000


def counted() -> tuple[Tally[Key], Tally[Key]]:
    """Every counter's count and amount, from the truth."""
    counts: Tally[Key] = Tally()
    amounts: Tally[Key] = Tally()
    for (joined,) in _read(User.objects.values_list("date_joined")):
        counts[counting.account_key(joined)] += 1
    # Every step into a decision or to completed (assignments repeat the state: left out).
    steps = (
        HistoryEvent.objects.filter(to_state__in=[State.APPROVED, State.REJECTED, State.COMPLETED])
        .exclude(from_state=F("to_state"))
        .values_list(
            "at", "to_state", "application__agency__code", "application__service__code",
            "application__submitted_at", "application__due_on",
        )
    )  # fmt: skip
    for at, to_state, agency, service, submitted_at, due_on in _read(steps):
        if to_state == State.COMPLETED:
            counts[counting.completed_key(at, agency, service)] += 1
        else:
            counts[counting.decided_key(at, agency, submitted_at, due_on)] += 1
    captures = Event.objects.filter(type=PaymentCaptured.type).values_list("occurred_at", "payload")
    agency_of: dict[int, str] = {}
    for chunk in _chunks(_read(captures)):
        wanted = {int(p["application_id"]) for _, p in chunk} - set(agency_of)
        agency_of.update(Application.objects.filter(pk__in=wanted).values_list("pk", "agency__code"))
        for at, payload in chunk:
            key = counting.payment_key(at, agency_of[int(payload["application_id"])])
            counts[key] += 1
            amounts[key] += int(payload["amount_fils"])
    for started_at, code in _read(Journey.objects.values_list("started_at", "code")):
        counts[counting.journey_started_key(started_at, code)] += 1
    finished = Journey.objects.filter(finished_at__isnull=False).values_list(
        "finished_at", "code", "happened_on"
    )
    for finished_at, code, happened_on in _read(finished):
        counts[counting.journey_completed_key(finished_at, code, happened_on)] += 1
    complaints = ComplaintStep.objects.filter(kind__in=["filed", "resolved"]).values_list("at", "kind")
    for at, kind in _read(complaints):
        counted_as = Kind.COMPLAINTS_FILED if kind == "filed" else Kind.COMPLAINTS_RESOLVED
        counts[counting.complaint_key(counted_as, at)] += 1
    return counts, amounts


def rebuild() -> int:
    """Replace every counter with what the truth says; returns the rows written."""
    # Read in one transaction: outside one, Django's streaming cursor is declared WITH HOLD, and
    # PostgreSQL then copies the whole result to temporary files before the first row (the
    # country's 108 million history rows filled the disk). Inside, it streams, and every table is
    # read as of one moment.
    with transaction.atomic():
        counts, amounts = counted()
    rows = [
        Counter(
            kind=k.kind, month=k.month, agency=k.agency, subject=k.subject, days=k.days, level=int(k.level),
            count=n, amount_fils=amounts[k],
        )
        for k, n in counts.items()
        if n
    ]  # fmt: skip
    with transaction.atomic():
        Counter.objects.all().delete()
        Counter.objects.bulk_create(rows, batch_size=1_000)
    return len(rows)


def rows() -> list[dict[str, Any]]:
    """Every key with something counted, its slots added up, in a stable order (the read model's
    comparison: the kept counters spread a key over slots, the rebuild writes slot 0)."""
    key = ("kind", "month", "agency", "subject", "days", "level")
    summed = (
        Counter.objects.values(*key)
        .annotate(count=Sum("count"), amount_fils=Sum("amount_fils"))
        .order_by(*key)
    )
    return [dict(row) for row in summed if row["count"] or row["amount_fils"]]


def _read(query: Any) -> Iterable[Any]:
    return query.order_by("pk").iterator(chunk_size=CHUNK)


def _chunks(items: Iterable[Any]) -> Iterable[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
