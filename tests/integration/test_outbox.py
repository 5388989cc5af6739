"""The one outbox: its sweep never doubles a waiting task, and nothing leaves Sahl from inside a
database transaction (the adapters refuse, so a future mistake fails here)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from sahl.core import outside
from sahl.core.money import Money
from sahl.integrations.channels import Call, _post
from sahl.notifications import adapters
from sahl.outbox import services as outbox
from sahl.outbox import tasks
from sahl.outbox.models import Delivery
from sahl.payments.adapters import KnetGateway
from sahl.sms.gateways import sms_gateway

pytestmark = pytest.mark.django_db


def post_email(n: int) -> Delivery:
    with transaction.atomic():
        return outbox.post(
            "email",
            destination="email",
            address=f"person{n}@example.test",
            topic=f"message:{n}",
            payload={"subject": "s", "text": "t", "language": "en"},
        )


def waiting_tasks(delivery: Delivery) -> int:
    return sum(
        1
        for r in DBTaskResult.objects.filter(status=TaskResultStatus.READY)
        if r.task_path.endswith("outbox.tasks.deliver") and r.args_kwargs["args"] == [delivery.pk]
    )


def test_the_sweep_run_ten_times_without_a_worker_leaves_one_task_per_due_delivery():
    waiting, lost, also_lost = post_email(1), post_email(2), post_email(3)
    later = post_email(4)  # a retry that is not due yet: its own task waits for its time
    Delivery.objects.filter(pk=later.pk).update(
        state="retrying", next_attempt_at=tasks.now() + dt.timedelta(hours=1)
    )
    # Two deliveries lost their task (a queue emptied by hand, a crash between commit and pick-up).
    DBTaskResult.objects.filter(id__in=[lost.task_id, also_lost.task_id]).delete()

    for _ in range(10):
        outbox.sweep()

    assert [waiting_tasks(d) for d in (waiting, lost, also_lost, later)] == [1, 1, 1, 1]


def test_a_stale_claim_of_an_email_becomes_uncertain_with_its_cut_off_attempt_recorded(monkeypatch):
    delivery = post_email(5)
    claimed = tasks.now() - dt.timedelta(seconds=delivery.timeout_seconds + 120)
    Delivery.objects.filter(pk=delivery.pk).update(state="sending", claimed_at=claimed, attempts=1)
    outbox.sweep()
    delivery.refresh_from_db()
    assert delivery.state == "uncertain"  # it may have gone: never sent twice by itself
    assert [a.outcome for a in delivery.attempt_log.all()] == ["cut_off"]
    assert waiting_tasks(delivery) == 1  # the first one, which will find it uncertain and stop
    assert tasks.attempt(delivery.pk) == "uncertain"


def test_nothing_leaves_sahl_from_inside_a_transaction():
    gateway = KnetGateway("http://127.0.0.1:9", "secret")
    email = adapters.Email("a@example.test", "s", "t", "<x@sahl.localhost>", "en")
    calls = {
        "SMTP": lambda: adapters.send_email(email),
        "SMS": lambda: sms_gateway().send("+96590000000", "t", "sms-x"),
        "gateway": lambda: gateway.refund("P-1", Money(1000)),
        "gateway report": lambda: gateway.report(dt.date(2026, 12, 1)),
        "agency": lambda: _post(Call("http://127.0.0.1:9/", b"{}", {}, 1.0)),
    }
    assert not outside.in_transaction()  # the test's own wrapper stands in for autocommit
    for what, call in calls.items():
        with transaction.atomic(), pytest.raises(outside.CallInsideTransaction):
            call()
        assert what  # each refused before anything went out


def test_a_delivery_posted_twice_with_one_key_is_one_delivery():
    import uuid

    key = uuid.uuid4()
    with transaction.atomic():
        first = outbox.post(
            "refund", destination="gateway", topic="payment:1", payload={"intent_id": 1}, key=key
        )
        again = outbox.post(
            "refund", destination="gateway", topic="payment:1", payload={"intent_id": 1}, key=key
        )
    assert first.pk == again.pk and Delivery.objects.filter(key=key).count() == 1


def test_the_codebase_has_one_delivery_model():
    from django.apps import apps

    assert [m._meta.label for m in apps.get_models() if m.__name__ == "Delivery"] == ["outbox.Delivery"]
