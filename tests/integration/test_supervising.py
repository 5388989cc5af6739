"""A supervisor (or the agency's administrator) sees the team's load and overdue cases, and gives a
case to another caseworker of the agency (issue 22 part 1)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sahl.applications.models import Application
from sahl.backoffice import queue
from sahl.backoffice.models import QueueEntry
from sahl.identity import staff
from sahl.identity.models import User
from tests.integration.conftest import apply, paid

pytestmark = pytest.mark.django_db
ANSWERS = {
    "accident_date": "2026-01-15",
    "governorate": "KW-HA",
    "report_number": "HA-2026-0042",
    "plate_number": "3-77120",
    "purpose": "insurance",
}


@pytest.fixture
def team(login, demo):
    """Two cases in the ministry's queue, one taken by the demo caseworker; the groom is a supervisor
    and the bride a second caseworker."""
    mother = login(demo["mother"], "en")
    taken = paid(mother, apply(mother, "moi.traffic-accident-certificate", ANSWERS))
    waiting = paid(mother, apply(mother, "moi.traffic-accident-certificate", ANSWERS))
    caseworker = login(demo["caseworker"], "en")
    assert caseworker.post(f"/backoffice/cases/{taken}/take").status_code == 302
    staff.appoint(None, demo["groom"], "supervisor", "moi")
    staff.appoint(None, demo["bride"], "caseworker", "moi")
    return {"taken": taken, "waiting": waiting, "caseworker": caseworker}


def overdue(reference: str) -> None:
    """The case's service-level due date passed (as days go by): the queue's row follows."""
    application = Application.objects.get(reference=reference)
    Application.objects.filter(pk=application.pk).update(due_on=application.due_on - dt.timedelta(days=30))
    queue.keep(application.pk, application.state)


def test_the_supervisor_sees_each_caseworkers_open_and_overdue_cases(login, demo, team):
    overdue(team["taken"])
    supervisor = login(demo["groom"], "en")
    page = supervisor.get("/backoffice/team").content.decode()
    caseworker = User.objects.get(civil_id=demo["caseworker"])
    row = page[page.index(caseworker.name_en) :].split("</tr>")[0]
    assert '<td data-label="Open cases">1</td>' in row and "<strong>1</strong>" in row
    bride = page[page.index("Dana Fahad Al-Shammari") :].split("</tr>")[0]
    assert '<td data-label="Open cases">0</td>' in bride
    nobody = page[page.index("Not taken yet") :].split("</tr>")[0]
    assert '<td data-label="Open cases">1</td>' in nobody
    assert f'href="/backoffice/?caseworker={caseworker.pk}"' in page
    theirs = supervisor.get(f"/backoffice/?caseworker={caseworker.pk}").content.decode()
    assert team["taken"] in theirs and team["waiting"] not in theirs
    assert login(demo["moi-admin"], "en").get("/backoffice/team").status_code == 200  # the administrator too
    assert team["caseworker"].get("/backoffice/team").status_code == 404  # not a caseworker's page
    assert login(demo["father"], "en").get("/backoffice/team").status_code == 404


def test_the_team_page_runs_the_same_queries_however_large_the_team(login, demo, team):
    supervisor = login(demo["groom"], "en")
    supervisor.get("/backoffice/team")
    with CaptureQueriesContext(connection) as before:
        assert supervisor.get("/backoffice/team").status_code == 200
    for key in ("delegate", "expat", "fines"):
        staff.appoint(None, demo[key], "caseworker", "moi")
    with CaptureQueriesContext(connection) as after:
        assert supervisor.get("/backoffice/team").status_code == 200
    assert len(after) == len(before) <= 4  # the session, the team, the queue's rows counted (+ a savepoint)


def test_a_supervisor_gives_a_case_to_another_caseworker_who_can_decide_it(login, demo, team):
    supervisor = login(demo["groom"], "en")
    # Another caseworker's case: the supervisor says why they open it (the applicant sees it).
    supervisor.post(f"/backoffice/cases/{team['taken']}/purpose", {"purpose": "Balancing the team's load"})
    page = supervisor.get(f"/backoffice/cases/{team['taken']}").content.decode()
    assert 'id="reassign"' in page
    assert (
        'id="reassign"' not in team["caseworker"].get(f"/backoffice/cases/{team['taken']}").content.decode()
    )
    bride = User.objects.get(civil_id=demo["bride"])
    moved = supervisor.post(f"/backoffice/cases/{team['taken']}/reassign", {"caseworker": str(bride.pk)})
    assert moved.status_code == 302
    application = Application.objects.get(reference=team["taken"])
    assert application.assigned_to == bride
    step = application.history.order_by("-pk").first()
    assert (step.kind, step.actor.civil_id) == ("reassigned", demo["groom"])
    assert QueueEntry.objects.get(application=application).assignee == bride
    assert login(demo["bride"], "en").post(f"/backoffice/cases/{team['taken']}/approve").status_code == 302
    assert Application.objects.get(pk=application.pk).state in ("approved", "completed")


def test_giving_a_case_is_refused_to_caseworkers_outside_the_agency_and_changes_nothing(login, demo, team):
    supervisor = login(demo["groom"], "en")
    caseworker = User.objects.get(civil_id=demo["caseworker"])
    paci = User.objects.get(civil_id=demo["paci-staff"])
    for value in (str(paci.pk), "nobody", "", "99999999999999999999"):
        refused = supervisor.post(f"/backoffice/cases/{team['taken']}/reassign", {"caseworker": value})
        assert refused.status_code == 400
        assert "Choose a caseworker of your agency from the list" in refused.content.decode()
    refused = team["caseworker"].post(
        f"/backoffice/cases/{team['waiting']}/reassign", {"caseworker": str(caseworker.pk)}
    )
    assert refused.status_code == 404  # a caseworker gives no case
    staff.appoint(None, demo["delegate"], "supervisor", "paci")
    other = login(demo["delegate"], "en")
    assert (
        other.post(f"/backoffice/cases/{team['taken']}/reassign", {"caseworker": str(paci.pk)}).status_code
        == 404
    )
    assert Application.objects.get(reference=team["taken"]).assigned_to == caseworker
    assert Application.objects.get(reference=team["waiting"]).assigned_to is None
