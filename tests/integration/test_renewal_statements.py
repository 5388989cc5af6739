"""A renewal is filed in a fixed, small number of statements (issue 18, point 6; ADR 0047): its
history, events, handlings and their tasks are written in bulk, the idempotency key is taken by the
constraint, and the statements are counted exactly, on SQLite and on PostgreSQL (which writes the
application's page in one statement). The count
fails when a statement is added: lower it when work removes one, and say why beside it."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from sahl.applications.models import Application, HistoryEvent
from sahl.events import tasks
from sahl.events.models import Event, Handling
from sahl.identity import throttle
from sahl.identity.models import User
from sahl.journeys import followed
from tests.integration.conftest import reference_of, run_tasks
from tests.redis_here import URL as REDIS_URL
from tests.redis_here import redis_or_skip

pytestmark = pytest.mark.django_db
RENEWAL = "moi.vehicle-registration-renewal"
PLATE = "45-20002"  # the expatriate's car, due for renewal


def kind_of(sql: str) -> str:
    """What a statement is for, by the table it names first (for a readable failure)."""
    words = sql.replace('"', " ").split()
    verb = words[0].upper()
    if verb in ("SAVEPOINT", "RELEASE", "ROLLBACK"):
        return "savepoint"
    table = next((w for w in words if "_" in w and w.islower()), "?")
    return f"{verb} {table.split('.')[0]}"


def file_renewal(client, key: str):
    return client.post(f"/services/{RENEWAL}/apply", {"plate_number": PLATE, "idempotency_key": key})


def test_a_renewal_is_filed_in_a_fixed_number_of_statements(login, demo):
    expat = login(demo["expat"])
    with CaptureQueriesContext(connection) as queries:
        reference = reference_of(file_renewal(expat, uuid.uuid4().hex))
    application = Application.objects.get(reference=reference)
    assert application.state == "awaiting_payment"  # it waits for its fee, as the bench's renewal
    kinds = [kind_of(q["sql"]) for q in queries.captured_queries]
    assert len(kinds) == STATEMENTS[connection.vendor], kinds
    # Two steps (submitted, payment due) are two history lines and two events, in one insert each.
    assert HistoryEvent.objects.filter(application=application).count() == 2
    assert Event.objects.filter(subject=f"application:{reference}").count() == 2


# One renewal, the POST that files it (it then waits for its fee), as CaptureQueriesContext counts
# it inside a test (the test's transaction turns the request's BEGIN and COMMIT into a savepoint):
#  1  the session (its user is kept with it, ADR 0044)
#  1  the service with its published version (then kept for the catalogue's generation, ADR 0073)
#  8  the subject's register profile, once (the verdict's, reused by the form: it was read twice);
#     with SAHL_CACHE_URL (production, the bench) it is kept in Redis and costs none
#  1  a draft to resume
#  2  the filing throttle (two limits of two rates): one read of the four counts, one upsert of
#     them all, outside the transaction so that a refused request still counts; Redis in production
#  0  the registers' names of the people on it (ADR 0043): the subject is the only one, and their
#     profile names them (before ADR 0066's day: one read before the transaction)
#  2  savepoint and release (BEGIN and COMMIT outside a test: not statements the log shows)
#  the submission itself, in the transaction:
#     1  the idempotency key, taken by INSERT ... ON CONFLICT DO NOTHING (no savepoint, no read)
#     1  the check that no other renewal of this car is open
#     2  the application's insert, and one update (its reference, state, dates, together)
#     1  the history: one insert of both steps (the events name their lines' ids)
#     2  the services a journey's step files (its listener is queued for those only, ADR 0073):
#        read once, then kept a day in the shared cache
#     the events with what keeps them, on PostgreSQL in one statement (ADR 0070): their insert
#       (both), their handlings', their tasks', and the read models kept at once: the cards of
#       "my applications" (ADR 0042, one upsert for both steps) and the application's page (ADR
#       0043, built by PostgreSQL: INSERT ... SELECT, ADR 0066). Elsewhere 3 inserts, the cards'
#       upsert, and for the page 6 reads of the application and its rows and one upsert: 11
#     1  the key's answer (the reference)
# Before (issue 18): 55, of which 26 in the transaction, with no read model. Before ADR 0070: 26.
STATEMENTS = {"postgresql": 24, "sqlite": 34}


def test_as_production_files_it_a_renewal_is_ten_statements_at_most(settings, login, demo):
    """Issue 18, point 6: the person opened the form (their register profile and login are then
    kept in the shared cache), the filing throttle counts in Redis, sessions are read from the
    cache: what is left is the filing's own statements (the list above, less the cache's)."""
    settings.SAHL_CACHE_URL = REDIS_URL  # the filing throttle's counters (the cache stays in memory)
    redis_or_skip(REDIS_URL)
    settings.SESSION_ENGINE = "sahl.identity.session_store"
    settings.SAHL_REGISTER_PROFILE_SECONDS = 60
    settings.SAHL_KEEP_LOGIN_SECONDS = 300
    expat = login(demo["expat"])
    throttle.clear("filing", str(User.objects.get(civil_id=demo["expat"]).pk))  # a shared Redis
    assert expat.get(f"/services/{RENEWAL}/apply").status_code == 200
    followed.service_ids()  # kept a day: read by the first filing after a deployment
    with CaptureQueriesContext(connection) as queries:
        reference_of(file_renewal(expat, uuid.uuid4().hex))
    # BEGIN and COMMIT: a savepoint inside the test, and no statement of the log outside it.
    kinds = [kind for q in queries.captured_queries if (kind := kind_of(q["sql"])) != "savepoint"]
    assert len(kinds) == AS_PRODUCTION[connection.vendor], "\n".join(kinds)


# a draft to resume; the filing's 7 on PostgreSQL (the key, the check, the insert and the update,
# the history, the events with their handlings, tasks and read models, the answer), 17 elsewhere.
# The service is kept for the catalogue's generation since ADR 0073 (the form read it). Before ADR
# 0070: 13 on PostgreSQL; before ADR 0073: 9.
AS_PRODUCTION = {"postgresql": 8, "sqlite": 18}


def test_a_submissions_handlings_share_one_task_as_enqueue_writes_it_and_the_worker_runs_them(login, demo):
    expat = login(demo["expat"])
    reference = reference_of(file_renewal(expat, uuid.uuid4().hex))
    handlings = list(Handling.objects.filter(event__subject=f"application:{reference}").order_by("pk"))
    assert len(handlings) == 2  # the notifications' listener, on each step
    (task_id,) = {h.task_id for h in handlings}  # one task runs both (ADR 0073)
    row = DBTaskResult.objects.get(id=task_id)
    pairs = [[str(h.event_id), h.subscriber] for h in handlings]
    assert row.args_kwargs == {"args": [pairs], "kwargs": {}}
    # The same row as enqueue() writes for that task, but for the id.
    alone = DBTaskResult.objects.get(id=tasks.handle_events.enqueue(pairs).id)
    columns = ("status", "priority", "task_path", "queue_name", "backend_name", "run_after", "worker_ids")
    assert [getattr(row, c) for c in columns] == [getattr(alone, c) for c in columns]
    alone.delete()
    run_tasks()
    assert set(Handling.objects.filter(pk__in=[h.pk for h in handlings]).values_list("state", flat=True)) == {
        "done"
    }
    assert DBTaskResult.objects.get(id=task_id).return_value == "done done"
    # What follows for the person: the listeners ran, and the reminder to pay is queued by them.
    assert DBTaskResult.objects.filter(task_path="sahl.notifications.sending.remind_to_pay").exists()


def test_the_same_key_twice_files_once_and_answers_the_same(login, demo):
    expat = login(demo["expat"])
    key = uuid.uuid4().hex
    first = reference_of(file_renewal(expat, key))
    counts = (Application.objects.count(), HistoryEvent.objects.count(), Event.objects.count())
    assert reference_of(file_renewal(expat, key)) == first
    assert (Application.objects.count(), HistoryEvent.objects.count(), Event.objects.count()) == counts


CERTIFICATE = "pifss.social-security-certificate"


def test_an_automatic_certificate_is_filed_decided_and_issued_in_a_fixed_number_of_statements(login, demo):
    father = login(demo["father"])
    answers = {"certificate_type": "registration", "addressed_to": "", "idempotency_key": uuid.uuid4().hex}
    with CaptureQueriesContext(connection) as queries:
        reference = reference_of(father.post(f"/services/{CERTIFICATE}/apply", answers))
    assert Application.objects.get(reference=reference).state == "completed"
    kinds = [kind_of(q["sql"]) for q in queries.captured_queries]
    assert len(kinds) == CERTIFICATE_STATEMENTS[connection.vendor], "\n".join(kinds)


# As counted inside a test, without the shared cache (the register profile and the filing throttle
# are in Redis in production and cost no statement there):
#  1  the session;  1  the service;  8  the subject's register profile, for the verdict
#  1  a draft to resume;  2  the filing throttle;  0  the registers' names (the profile names the
#     subject, the only person on it)
#  2  savepoint and release (BEGIN and COMMIT outside a test)
# 20  the filing, approved and completed at once, in the transaction (on PostgreSQL):
#       the idempotency key and its answer; the application's insert and its one update; the
#       decision; the document (8: its holder's register profile, read again, and its insert);
#       the history's insert; the services a journey's step files (2, kept a day: ADR 0073)
#       the wallet: the document read with its application and version, and nothing of the
#         holder's register copies (no effect changed a register: ADR 0066)
#       the statistics: one read of both history lines and one upsert of both counters (`together`)
#       one statement (ADR 0070): the events, their handlings, their tasks (two inserts: the PDF's
#         goes first in the queue), the cards' upsert and the page's (built by PostgreSQL)
#       the page: one read of what an approval's handover needs
#     elsewhere 30: the events, handlings, tasks and cards one statement each, the page 7
# Before (ADR 0066): 56 on PostgreSQL, with the counters in four, the page in seven, the
# holder's register copies brought in step (eight) and the subject's name read apart. Before ADR
# 0070: 40.
CERTIFICATE_STATEMENTS = {"postgresql": 37, "sqlite": 47}
