"""A logged-in request knows the person, their staff membership and whom they act for without a query
(identity.kept, mandates.kept, ADR 0044), and every change to them counts from the very next request."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sahl.catalogue.models import Agency
from sahl.identity.models import StaffMembership, User
from sahl.mandates.models import Mandate
from tests.conftest import DEMO_PASSWORD
from tests.integration.conftest import apply, paid, run_tasks
from tests.integration.test_mandates import ADDRESS, RENEWAL, act_for, grant

pytestmark = pytest.mark.django_db
ABOUT_THE_LOGIN = ("django_session", "identity_user", "identity_staffmembership", "mandates_mandate")


def tables_read(client: Client, path: str, status: int = 200) -> list[str]:
    """The login's tables the request read (the page's own reads are not counted)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == status, path
    return [t for q in queries.captured_queries for t in ABOUT_THE_LOGIN if f'"{t}"' in q["sql"]]


@pytest.fixture
def cached_sessions(settings):
    """Sessions as in production: read from the cache (Redis there, the test's memory cache here)."""
    settings.SESSION_ENGINE = "sahl.identity.session_store"


def test_a_warm_request_reads_nothing_about_the_login(cached_sessions, login, demo):
    caseworker = login(demo["caseworker"], "en")
    page = caseworker.get("/backoffice/")  # the first page after the login is warm already
    assert page.status_code == 200 and "Cases" in page.content.decode()  # the menu knows the role
    assert tables_read(caseworker, "/agencies") == []
    with CaptureQueriesContext(connection) as queries:
        assert caseworker.get("/agencies").status_code == 200
    assert len(queries) == 0  # nothing at all: the session, the person, the menu, the page are kept


def test_acting_for_someone_is_known_without_a_query_until_the_mandate_is_revoked(login, demo):
    giver, holder, reference = grant(login, demo)
    assert act_for(holder, demo["expat"]).status_code == 302
    page = holder.get("/applications")
    assert "You are acting for" in page.content.decode()
    assert tables_read(holder, "/agencies") == ["django_session"]  # no user, no mandate

    mandate = Mandate.objects.get(application_reference=reference)
    assert giver.post(f"/powers-of-attorney/{mandate.pk}/revoke", {"reason": "car sold"}).status_code == 302

    refused = holder.get(f"/services/{RENEWAL}/apply")
    assert refused.status_code == 403 and "has ended" in refused.content.decode()


def test_a_mandate_ends_by_the_clock_without_being_changed(login, demo, monkeypatch):
    _, holder, reference = grant(login, demo)
    act_for(holder, demo["expat"])
    assert tables_read(holder, "/agencies") == ["django_session"]
    last_day = Mandate.objects.get(application_reference=reference).valid_until

    monkeypatch.setattr("sahl.mandates.services.today", lambda: last_day + dt.timedelta(days=1))

    refused = holder.get("/applications")
    assert refused.status_code == 403 and "has ended" in refused.content.decode()
    assert holder.get("/applications").status_code == 200  # himself again


def test_a_removed_membership_closes_the_agencys_pages_at_once(login, demo):
    caseworker = login(demo["caseworker"], "en")
    assert tables_read(caseworker, "/agencies") == ["django_session"]

    StaffMembership.objects.filter(user__civil_id=demo["caseworker"]).delete()

    assert caseworker.get("/backoffice/").status_code == 404
    assert "Cases" not in caseworker.get("/applications").content.decode()


def test_a_deactivated_person_is_logged_out_on_the_next_request(login, demo):
    father = login(demo["father"], "en")
    assert tables_read(father, "/agencies") == ["django_session"]

    person = User.objects.get(civil_id=demo["father"])
    person.is_active = False
    person.save(update_fields=["is_active"])

    response = father.get("/applications")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_people_changed_by_a_bulk_update_are_read_again_on_their_next_request(login, demo):
    """An update of many rows sends no post_save: the people it changed are forgotten all the same
    (an operator made staff; a person deactivated by a script)."""
    father, clerk = login(demo["father"], "en"), login(demo["paci-staff"], "en")
    assert tables_read(father, "/agencies") == ["django_session"]
    assert clerk.get("/operators/reconciliation").status_code == 404  # kept: not an operator

    User.objects.filter(civil_id=demo["paci-staff"]).update(is_staff=True)
    User.objects.filter(civil_id=demo["father"]).update(is_active=False)

    assert clerk.get("/operators/reconciliation").status_code == 200
    response = father.get("/applications")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_password_changed_in_one_session_ends_the_others(login, demo):
    here, there = login(demo["father"], "en"), login(demo["father"], "en")
    assert tables_read(there, "/agencies") == ["django_session"]

    changed = here.post(
        "/accounts/password/change/",
        {
            "oldpassword": DEMO_PASSWORD,
            "password1": "a-new-long-passphrase-9",
            "password2": "a-new-long-passphrase-9",
        },
    )

    assert changed.status_code == 302
    assert here.get("/applications").status_code == 200  # the session that changed it goes on
    response = there.get("/applications")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_header_counts_a_message_that_arrives_between_two_pages(login, demo):
    father = login(demo["father"], "en")
    reference = paid(father, apply(father, ADDRESS, {"language": "en"}))
    assert tables_read(father, "/agencies") == ["django_session"]

    run_tasks()  # the worker tells him his certificate is ready

    unread = User.objects.get(civil_id=demo["father"]).unread_messages
    assert unread > 0
    page = father.get(f"/applications/{reference}").content.decode()
    assert f'badge-action_needed">{unread}<' in page


def test_memberships_and_mandates_changed_by_a_bulk_update_are_read_again(login, demo):
    """A bulk update sends no post_save: a membership moved to another agency, or powers of attorney
    revoked by a script, are seen on the very next request all the same."""
    _, holder, reference = grant(login, demo)
    act_for(holder, demo["expat"])
    caseworker = login(demo["caseworker"], "en")
    assert tables_read(caseworker, "/agencies") == ["django_session"]
    assert tables_read(holder, "/agencies") == ["django_session"]
    assert caseworker.get("/backoffice/").status_code == 200

    paci = Agency.objects.get(code="paci")
    StaffMembership.objects.filter(user__civil_id=demo["caseworker"]).update(agency=paci)
    Mandate.objects.filter(application_reference=reference).update(revoked_at=timezone.now())

    queue = caseworker.get("/backoffice/").content.decode()
    assert "Public Authority for Civil Information" in queue and "Ministry of Interior" not in queue
    refused = holder.get(f"/services/{RENEWAL}/apply")
    assert refused.status_code == 403 and "has ended" in refused.content.decode()


def test_the_header_links_to_every_route_as_reverse_does(login, demo):
    """The header's links are reversed once per process (ui.context.NAV): an operator, a caseworker
    and an agency administrator, who see them all between them, find each route's own path, in both
    languages."""
    from django.urls import reverse

    from sahl.ui.context import NAV

    for language in ("ar", "en"):
        pages = [
            login(demo[who], language).get("/applications").content.decode()
            for who in ("operator", "caseworker", "moi-admin")
        ]
        for name in NAV:
            if name != "account_login":  # logged in: the log-out form instead
                assert any(f'"{reverse(name)}"' in page for page in pages), (language, name)
