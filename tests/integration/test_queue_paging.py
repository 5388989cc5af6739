"""A caseworker's queue comes 50 cases at a time, most urgent first, by keyset, in the page and the API."""

import datetime as dt

import pytest
from django.utils import timezone

from sahl.applications.models import Application
from sahl.catalogue.models import Service
from sahl.events import read_models
from sahl.identity.models import User

pytestmark = pytest.mark.django_db


def _case(service, applicant, number: int, state: str, due: dt.date | None, submitted: dt.datetime):
    return Application(
        reference=f"SAHL-2026-{800000 + number}",
        service=service,
        version=service.current_version,
        agency=service.agency,
        applicant=applicant,
        subject_civil_id=applicant.civil_id,
        state=state,
        form_data={},
        fee_fils=0,
        due_on=due,
        submitted_at=submitted,
    )


@pytest.fixture
def crowded(demo):
    """130 open cases at the Ministry of Interior, many due the same day and some submitted at the same
    moment (the tie-breaks), 12 approved at once without a due date, and a citizen's draft."""
    owner = User.objects.get(civil_id=demo["owner"])
    service = Service.objects.get(code="moi.passport-renewal")
    today, moment = timezone.localdate(), timezone.now().replace(microsecond=0)
    rows = [
        _case(
            service,
            owner,
            i,
            ("in_review", "action_needed")[i % 2],
            today + dt.timedelta(days=i // 10),
            moment - dt.timedelta(minutes=i // 3),
        )
        for i in range(130)
    ]
    rows += [
        _case(service, owner, 200 + i, "approved", None, moment - dt.timedelta(minutes=i // 2))
        for i in range(12)
    ]
    rows.append(_case(service, owner, 300, "draft", None, None))
    Application.objects.bulk_create(rows)
    read_models.rebuild(["backoffice_queue"])  # written past the events, as seed_scale does


def _in_order(**where) -> list[str]:
    cases = Application.objects.filter(agency__code="moi", **where)
    far = dt.date.max
    return [a.reference for a in sorted(cases, key=lambda a: (a.due_on or far, a.submitted_at, a.pk))]


def _walk(client, path: str, marker: str) -> list[str]:
    seen = []
    for _ in range(10):
        html = client.get(path).content.decode()
        seen += [part.split("<")[0] for part in html.split('class="code">')[1:] if part.startswith("SAHL-")]
        if marker not in html:
            return seen
        path = "/backoffice/" + html.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0]
        path = path.replace("&amp;", "&")
    raise AssertionError("more pages than cases")


def test_the_queue_lists_50_then_the_next_ones_without_gaps_or_repeats(login, demo, crowded):
    caseworker = login(demo["caseworker"], "en")
    expected = _in_order(state__in=["in_review", "action_needed"])
    assert len(expected) >= 130
    first = caseworker.get("/backoffice/").content.decode()
    assert first.count("<tr") == 51  # the heading and 50 cases
    assert _walk(caseworker, "/backoffice/", "More cases") == expected


def test_a_state_filter_pages_through_undated_cases_last_and_keeps_the_filter(login, demo, crowded):
    caseworker = login(demo["caseworker"], "en")
    expected = _in_order(state="approved")
    assert sum(1 for r in expected if r.startswith("SAHL-2026-8002")) == 12
    seen = _walk(caseworker, "/backoffice/?state=approved&service=moi.passport-renewal", "More cases")
    assert seen == [
        r for r in expected if Application.objects.get(reference=r).service.code == "moi.passport-renewal"
    ]


def test_drafts_never_reach_the_queue(login, demo, crowded):
    caseworker = login(demo["caseworker"], "en")
    assert "SAHL-2026-800300" not in caseworker.get("/backoffice/?state=draft").content.decode()
    assert "SAHL-2026-800300" not in str(caseworker.get("/api/v1/backoffice/cases?state=draft").json())


def test_the_api_gives_a_link_to_the_next_page(login, demo, crowded):
    caseworker = login(demo["caseworker"], "en")
    seen, path = [], "/api/v1/backoffice/cases?limit=45&overdue=0"
    while path:
        response = caseworker.get(path)
        assert response.status_code == 200
        seen += [c["reference"] for c in response.json()]
        link = response.headers.get("Link", "")
        path = link.split(">")[0].lstrip("<") if link else ""
    assert seen == _in_order(state__in=["in_review", "action_needed"])


def test_a_tampered_cursor_is_refused_in_the_persons_language(login, demo, crowded):
    caseworker = login(demo["caseworker"], "ar")
    response = caseworker.get("/api/v1/backoffice/cases?after=tomorrow~1~1")
    assert response.status_code == 400 and "رابط هذه الصفحة" in response.json()["title"]
    assert caseworker.get("/backoffice/?after=2026-01-01~noon~3").status_code == 400
