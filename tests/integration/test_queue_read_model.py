"""The caseworkers' queue is read from its prepared rows (ADR 0046): a change shows on the queue's
next read, another agency never sees the case, the page of cases is one query on those rows, and a
submission's listener writes one statement (none when the case never reaches the queue)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sahl.applications.models import Application
from sahl.backoffice import queue
from sahl.backoffice.models import QueueEntry
from sahl.events import read_models
from sahl.registry.models import Passport
from tests.integration.conftest import apply, paid

pytestmark = pytest.mark.django_db
PASSPORT = "moi.passport-renewal"


def _file_passport(login, demo):
    father = login(demo["father"], "en")
    number = Passport.objects.get(holder__civil_id=demo["father"]).number
    return father, paid(father, apply(father, PASSPORT, {"passport_number": number, "delivery": "kiosk"}))


def _queue(client, query: str = "") -> str:
    response = client.get(f"/backoffice/{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_a_new_case_shows_at_once_and_a_decided_one_goes(login, demo):
    caseworker = login(demo["caseworker"], "en")
    _, reference = _file_passport(login, demo)
    page = _queue(caseworker)
    assert reference in page
    assert "Passport renewal" in page and "In review at the agency" in page
    assert caseworker.post(f"/backoffice/cases/{reference}/take").status_code == 302
    assert reference in _queue(caseworker, "?mine=1")  # taking is announced: the row knows who has it
    caseworker.post(f"/backoffice/cases/{reference}/request-information", {"message": "a clearer photo"})
    assert "Action needed from you" in _queue(caseworker, "?state=action_needed")
    assert reference not in _queue(caseworker, "?state=in_review")
    Application.objects.filter(reference=reference).update(state="in_review")  # as if answered
    read_models.rebuild(["backoffice_queue"])
    assert caseworker.post(f"/backoffice/cases/{reference}/approve").status_code == 302
    assert reference not in _queue(caseworker)
    assert not QueueEntry.objects.filter(reference=reference).exists()
    # Decided cases are still found through the status filter, read from the applications.
    assert reference in _queue(caseworker, "?state=completed")


def test_a_withdrawn_case_leaves_the_queue(login, demo):
    caseworker = login(demo["caseworker"], "en")
    father, reference = _file_passport(login, demo)
    assert reference in _queue(caseworker)
    father.post(f"/applications/{reference}/withdraw", {"reason": "travel cancelled"})
    assert Application.objects.get(reference=reference).state == "withdrawn"
    assert reference not in _queue(caseworker)


def test_another_agencys_caseworker_never_sees_the_case(login, demo):
    _, reference = _file_passport(login, demo)
    paci = login(demo["paci-staff"], "en")
    assert reference not in _queue(paci)
    assert reference not in _queue(paci, f"?service={PASSPORT}")
    entry = QueueEntry.objects.get(reference=reference)
    assert entry.agency.code == "moi"


def test_the_page_of_cases_is_one_read_of_the_queue_rows(login, demo):
    caseworker = login(demo["caseworker"], "en")
    _, reference = _file_passport(login, demo)
    _queue(caseworker)  # warm: the agency's services for the filter are kept with the catalogue
    with CaptureQueriesContext(connection) as queries:
        assert reference in _queue(caseworker)
    read = [q["sql"] for q in queries.captured_queries]
    assert sum("backoffice_queueentry" in sql for sql in read) == 1, read
    assert not [sql for sql in read if "applications_application" in sql or "catalogue_service" in sql]


def test_a_submission_writes_one_statement_for_the_queue_and_an_automatic_one_none(login, demo):
    father, _ = _file_passport(login, demo)  # logged in, the form's key made
    number = Passport.objects.get(holder__civil_id=demo["father"]).number
    Application.objects.filter(subject_civil_id=demo["father"]).update(state="withdrawn")
    with CaptureQueriesContext(connection) as queries:
        paid(father, apply(father, PASSPORT, {"passport_number": number, "delivery": "kiosk"}))
    written = [q["sql"] for q in queries.captured_queries if "backoffice_queueentry" in q["sql"]]
    assert len(written) == 1 and written[0].startswith("INSERT"), written
    expat = login(demo["expat"], "en")
    with CaptureQueriesContext(connection) as queries:
        apply(expat, "moi.vehicle-registration-renewal", {"plate_number": "45-20002"})
    assert not [q for q in queries.captured_queries if "backoffice_queueentry" in q["sql"]]


def test_the_rebuild_writes_what_the_events_kept(login, demo):
    caseworker = login(demo["caseworker"], "en")
    _, first = _file_passport(login, demo)
    caseworker.post(f"/backoffice/cases/{first}/take")
    kept = queue.rows()
    assert [r["reference"] for r in kept] == [first] and kept[0]["assignee_name_en"]
    QueueEntry.objects.all().delete()
    assert read_models.rebuild(["backoffice_queue"]) == {"backoffice_queue": 1}
    assert queue.rows() == kept


def test_an_undated_case_sorts_last_and_the_next_page_is_one_query(login, demo):
    caseworker = login(demo["caseworker"], "en")
    _, reference = _file_passport(login, demo)
    dated = Application.objects.get(reference=reference)
    undated = Application.objects.get(pk=dated.pk)
    undated.pk, undated.reference, undated.due_on = None, "SAHL-2026-900001", None
    undated.save()  # written by hand, past the events: the rows are rebuilt from the tables
    read_models.rebuild(["backoffice_queue"])
    assert QueueEntry.objects.get(reference=undated.reference).due_sort == dt.date.max
    page = _queue(caseworker)
    assert page.index(reference) < page.index(undated.reference)
    first = caseworker.get("/api/v1/backoffice/cases?limit=1")
    assert [c["reference"] for c in first.json()] == [reference]
    after = first["Link"].split("<", 1)[1].split(">", 1)[0]
    with CaptureQueriesContext(connection) as queries:
        following = caseworker.get(after)
    assert [c["reference"] for c in following.json()] == [undated.reference]
    assert "Link" not in following
    assert sum("backoffice_queueentry" in q["sql"] for q in queries.captured_queries) == 1


def test_the_first_page_compiled_once_reads_what_the_orm_reads(login, demo):
    """The unfiltered first page is a compiled read (core.compiled): the same rows, in the same
    order, with the same cursor, as the ORM's query behind every other page."""
    from sahl.backoffice import services
    from sahl.identity.models import StaffMembership

    _, reference = _file_passport(login, demo)
    second = Application.objects.get(reference=reference)
    second.pk, second.reference = None, "2026-0999999"  # a second case, due the same day
    second.save()
    read_models.rebuild(["backoffice_queue"])
    membership = StaffMembership.objects.select_related("user").get(user__civil_id=demo["caseworker"])
    for size in (1, 2, 50):
        page = services._first_page(membership, size)
        orm = list(services._entries(membership.user, services.QueueFilter(), membership)[: size + 1])
        fields = services.QUEUE_FIELDS
        assert [[getattr(e, f) for f in fields] for e in page.cases] == [
            [getattr(e, f) for f in fields] for e in orm[:size]
        ]
        assert bool(page.after) == (len(orm) > size)
    assert QueueEntry.objects.filter(agency_id=membership.agency_id).count() >= 2, "a page of one has a next"


def test_a_queue_line_has_the_entrys_columns_in_order():
    from sahl.backoffice import services

    assert services.QueueLine._fields == services.QUEUE_FIELDS


def test_a_line_kept_from_an_earlier_page_shows_every_change_to_its_case(login, demo, monkeypatch):
    """Lines are kept by what they show (ui.rows.KeptRows): the same case taken, in the other
    language, or past its due date is another line, never the one kept before."""
    import re

    from sahl.backoffice import views

    caseworker = login(demo["caseworker"], "en")
    _, reference = _file_passport(login, demo)

    def line(page: str) -> str:
        found = re.search(rf"<tr[^>]*>\s*<td[^>]*><a [^>]*><bdi[^>]*>{reference}</bdi>.*?</tr>", page, re.S)
        assert found, page
        return found.group(0)

    before = line(_queue(caseworker))
    assert line(_queue(caseworker)) == before and "overdue" not in before
    name = caseworker.get("/backoffice/").wsgi_request.user.name_en
    assert name not in before
    assert caseworker.post(f"/backoffice/cases/{reference}/take").status_code == 302
    assert name in line(_queue(caseworker))
    arabic = login(demo["caseworker"], "ar")
    assert "جواز" in line(_queue(arabic)) and "Passport" not in line(_queue(arabic))
    due = Application.objects.get(reference=reference).due_on
    monkeypatch.setattr(views.clock, "today", lambda: due + dt.timedelta(days=1))
    assert 'class="overdue"' in line(_queue(caseworker))
