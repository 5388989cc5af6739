"""The event backbone: an event is written with the change, each subscriber handles it once, a
failing subscriber is retried and holds up nobody, and operators see and retry what keeps failing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.db import transaction
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from sahl.events import rules, tasks
from sahl.events import services as events
from sahl.events.models import Event, Handling
from sahl.events.registry import listen
from sahl.events.types import DomainEvent, event_type
from sahl.registry.models import Person
from tests.integration.conftest import apply, reference_of, run_tasks

pytestmark = pytest.mark.django_db


@event_type
@dataclass(frozen=True)
class Probed(DomainEvent):
    """An event of the tests' own, with subscribers that count and fail on request."""

    type = "test.probed"
    number: int

    @property
    def subject(self) -> str:
        return f"probe:{self.number}"


CALLS: dict[str, list[int]] = {"steady": [], "flaky": [], "at_once": []}
FAILURES: dict[int, int] = {}  # how many more times `flaky` fails for an event number


@listen(Probed)
def steady(event: Probed) -> None:
    CALLS["steady"].append(event.number)


@listen(Probed)
def flaky(event: Probed) -> None:
    CALLS["flaky"].append(event.number)
    if FAILURES.get(event.number, 0) > 0:
        FAILURES[event.number] -= 1
        first = Person.objects.order_by("pk").values("pk")[:1]
        Person.objects.filter(pk__in=first).update(name_en="Written by a failing subscriber")
        raise RuntimeError("a subscriber's bug, with 288031400029 in its text")


@listen(Probed, at_once=True)
def right_away(event: Probed) -> None:
    CALLS["at_once"].append(event.number)


@pytest.fixture(autouse=True)
def _calls():
    for calls in CALLS.values():
        calls.clear()
    FAILURES.clear()


def announce(number: int) -> Event:
    with transaction.atomic():
        return events.announce(Probed(number=number))


def handling(event: Event, subscriber) -> Handling:
    return Handling.objects.get(event=event, subscriber=f"{subscriber.__module__}.{subscriber.__qualname__}")


def test_an_event_is_written_with_a_handling_for_each_subscriber_and_a_task_for_them():
    event = announce(1)
    assert event.type == "test.probed" and event.payload == {"number": 1} and event.subject == "probe:1"
    assert CALLS["at_once"] == [1]  # inside the announcing transaction
    assert CALLS["steady"] == [] and CALLS["flaky"] == []  # after commit, from the queue
    rows = Handling.objects.filter(event=event)
    assert {h.state for h in rows} == {"pending"} and rows.count() == 2
    # One task runs both (ADR 0073), each in a transaction of its own: `flaky` failing would not
    # undo `steady` (test_a_failing_subscriber_is_retried_and_does_not_hold_up_the_others).
    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY, id__in=[h.task_id for h in rows])
    assert waiting.count() == 1
    run_tasks()
    assert CALLS["steady"] == [1] and CALLS["flaky"] == [1]
    assert {h.state for h in Handling.objects.filter(event=event)} == {"done"}


def test_a_large_announcement_is_shared_among_tasks_of_at_most_fifty_handlings():
    """A company's hundreds of steps at once are not one long task no second worker could share."""
    with transaction.atomic():
        events.announce_all([Probed(number=n) for n in range(100, 160)])  # 120 handlings
    rows = Handling.objects.filter(event__type="test.probed")
    sizes = sorted(
        len(DBTaskResult.objects.get(id=task_id).args_kwargs["args"][0])
        for task_id in set(rows.values_list("task_id", flat=True))
    )
    assert sizes == [20, 50, 50] and tasks.TOGETHER == 50
    run_tasks()
    assert sorted(CALLS["steady"]) == list(range(100, 160)) and sorted(CALLS["flaky"]) == list(
        range(100, 160)
    )
    assert set(rows.values_list("state", flat=True)) == {"done"}


def announce_then_fail() -> None:
    with transaction.atomic():
        events.announce(Probed(number=2))
        raise ZeroDivisionError


def test_a_rolled_back_change_announces_nothing():
    with pytest.raises(ZeroDivisionError):
        announce_then_fail()
    assert not Event.objects.filter(type="test.probed").exists()
    assert not Handling.objects.exists()


def test_announcing_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match="inside the transaction"):
        events.announce(Probed(number=3))


def test_a_failing_subscriber_is_retried_and_does_not_hold_up_the_others(caplog):
    FAILURES[4] = 1
    event = announce(4)
    run_tasks()
    assert CALLS["steady"] == [4]
    failing = handling(event, flaky)
    assert failing.state == "failing" and failing.attempts == 1 and failing.last_error == "RuntimeError"
    assert failing.next_attempt_at is not None
    assert DBTaskResult.objects.filter(id=failing.task_id, status=TaskResultStatus.READY).exists()
    assert "288031400029" not in caplog.text  # the exception's class is logged, never its text
    # Its writes were rolled back with it, and the others' stand.
    assert not Person.objects.filter(name_en="Written by a failing subscriber").exists()
    assert handling(event, steady).state == "done"
    # Its retry runs once it is due.
    Handling.objects.filter(pk=failing.pk).update(next_attempt_at=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    assert tasks.run(failing.pk) == "done"
    failing.refresh_from_db()
    assert failing.state == "done" and failing.attempts == 2
    assert CALLS["flaky"] == [4, 4] and CALLS["steady"] == [4]


def test_a_replayed_event_is_handled_once_per_subscriber():
    event = announce(5)
    done = handling(event, steady)
    for _ in range(3):  # the task delivered again, the sweep, a second worker...
        tasks.run(done.pk)
    run_tasks()
    tasks.run(done.pk)
    assert CALLS["steady"] == [5] and CALLS["flaky"] == [5]


def test_a_subscriber_that_keeps_failing_waits_for_an_operator(login, demo):
    FAILURES[6] = rules.MAX_ATTEMPTS + 1
    event = announce(6)
    stuck = handling(event, flaky)
    for _ in range(rules.MAX_ATTEMPTS):
        Handling.objects.filter(pk=stuck.pk).update(next_attempt_at=None)
        tasks.run(stuck.pk)
    stuck.refresh_from_db()
    assert stuck.state == "gave_up" and stuck.attempts == rules.MAX_ATTEMPTS
    assert tasks.run(stuck.pk) == "gave_up"  # no more tries by itself

    operator = login(demo["operator"], "en")
    page = operator.get("/operators/events").content.decode()
    assert "test.probed" in page and "probe:6" in page and "RuntimeError" in page
    assert login(demo["father"], "en").get("/operators/events").status_code == 404
    assert login(demo["father"], "en").post(f"/operators/events/{stuck.pk}/retry").status_code == 404
    FAILURES[6] = 0  # the cause was fixed
    assert operator.post(f"/operators/events/{stuck.pk}/retry").status_code == 302
    run_tasks()
    stuck.refresh_from_db()
    assert stuck.state == "done" and stuck.attempts == 1


def test_the_sweep_queues_a_handling_whose_task_was_lost_once():
    event = announce(7)
    lost = handling(event, steady)
    DBTaskResult.objects.filter(id=lost.task_id).delete()  # e.g. a queue emptied by hand
    for _ in range(10):
        events.sweep()
    waiting = [
        r
        for r in DBTaskResult.objects.filter(status=TaskResultStatus.READY)
        if r.task_path.endswith("events.tasks.handle_event")
        and r.args_kwargs["args"] == [str(lost.event_id), lost.subscriber]
    ]
    assert len(waiting) == 1
    run_tasks()
    assert CALLS["steady"] == [7]


def test_an_application_announces_its_steps_with_identifiers_only(login, demo):
    expat = login(demo["expat"], "en")
    reference = reference_of(apply(expat, "moi.vehicle-registration-renewal", {"plate_number": "45-20002"}))
    found = Event.objects.filter(subject=f"application:{reference}").order_by("occurred_at")
    assert [e.type for e in found] == ["application.submitted", "application.moved"]  # then: payment due
    for event in found:
        assert set(event.payload) == {
            "application_id", "reference", "history_id", "kind", "from_state", "to_state", "service_id"
        }  # fmt: skip
        assert demo["expat"] not in str(event.payload)


def test_a_document_nearing_its_expiry_is_announced_once_per_person_with_identifiers_only(demo):
    from django.utils import timezone

    from sahl.identity.models import User
    from sahl.journeys.models import Reminder
    from sahl.journeys.sweep import sweep
    from sahl.registry.models import Passport

    today = timezone.localdate()
    passport = Passport.objects.filter(holder__civil_id=demo["father"]).get()
    Passport.objects.filter(pk=passport.pk).update(expires_on=today + dt.timedelta(days=60))

    sweep(today)
    sweep(today)  # a second run (or machine) announces nothing more

    reminder = Reminder.objects.get(record=f"passport:{passport.pk}", civil_id=demo["father"], outcome="told")
    (event,) = Event.objects.filter(type="reminder.due", subject=f"reminder:{reminder.pk}")
    assert event.payload == {
        "reminder_id": reminder.pk,
        "user_id": User.objects.get(civil_id=demo["father"]).pk,
        "document": "passport",
        "expires_on": (today + dt.timedelta(days=60)).isoformat(),
        "days_before": 60,
        "renew": "moi.passport-renewal",
        "for_child": False,
        # A person's reminder: what a company's names (issue 20) is empty.
        "company": "",
        "permits": 0,
        "residencies": 0,
        "amount_fils": 0,
    }
    assert demo["father"] not in str(event.payload)


def test_a_task_queued_by_its_handlings_id_before_adr_0070_still_runs_it_once():
    """Tasks name their handling by the event and the subscriber now; one queued by the handling's
    id by the version before may still wait in the queue when the new version starts."""
    event = announce(8)
    old = handling(event, steady)
    DBTaskResult.objects.filter(id=old.task_id).delete()
    with transaction.atomic():
        old.task_id = str(tasks.handle.enqueue(old.pk).id)
        old.save(update_fields=["task_id"])
    run_tasks()
    assert CALLS["steady"] == [8]
    assert handling(event, steady).state == "done"
    assert tasks.run(old.pk) == "done"  # and never twice
    assert CALLS["steady"] == [8]


@event_type
@dataclass(frozen=True)
class Counted(DomainEvent):
    """An event of the tests' own whose subscriber acts on even numbers only (`when`)."""

    type = "test.counted"
    number: int

    @property
    def subject(self) -> str:
        return f"counted:{self.number}"


EVEN: list[int] = []


@listen(Counted, when=lambda event: event.number % 2 == 0)
def even_only(event: Counted) -> None:
    EVEN.append(event.number)


def test_a_subscriber_is_queued_only_for_the_events_it_takes():
    EVEN.clear()
    with transaction.atomic():
        odd, even = events.announce_all([Counted(number=1), Counted(number=2)])
    assert not Handling.objects.filter(event=odd).exists()  # no handling, no task, no run
    assert Handling.objects.filter(event=even).count() == 1
    run_tasks()
    assert EVEN == [2]


def test_a_handling_queued_before_its_subscriber_had_when_is_done_without_running_it():
    EVEN.clear()
    with transaction.atomic():
        odd = events.announce(Counted(number=3))
        queued = Handling.objects.create(
            event=odd, subscriber=f"{even_only.__module__}.{even_only.__qualname__}"
        )
    assert tasks.run(queued.pk) == "done"
    assert EVEN == []


def test_when_is_for_task_subscribers():
    with pytest.raises(ValueError, match="task subscribers"):
        listen(Counted, at_once=True, when=lambda event: True)
