"""Long lists of applications come a page at a time, by keyset, in the page and in the API."""

import datetime as dt

import pytest
from django.utils import timezone

from sahl.applications.models import Application
from sahl.catalogue.models import Service
from sahl.events import read_models
from sahl.identity.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(demo):
    """120 applications of the father: a company's or a busy family's history."""
    father = User.objects.get(civil_id=demo["father"])
    service = Service.objects.get(code="moi.vehicle-registration-renewal")
    version = service.current_version
    start = timezone.now() - dt.timedelta(days=400)
    rows = [
        Application(
            reference=f"SAHL-2025-{900000 + i}",
            service=service,
            version=version,
            agency=service.agency,
            applicant=father,
            subject_civil_id=demo["father"],
            state="completed",
            form_data={},
            fee_fils=0,
        )
        for i in range(120)
    ]
    made = Application.objects.bulk_create(rows)
    for i, application in enumerate(made):  # same time for some, to test the tie-break on the id
        Application.objects.filter(pk=application.pk).update(created_at=start + dt.timedelta(days=i // 2))
    read_models.rebuild()  # written past the events, as seed_scale does: the cards are made from the rows
    return [
        a.reference
        for a in sorted(
            made, key=lambda a: (start + dt.timedelta(days=made.index(a) // 2), a.pk), reverse=True
        )
    ]


def test_the_page_lists_20_then_the_older_ones_without_gaps_or_repeats(login, demo, many):
    father = login(demo["father"], "en")
    assert father.get("/applications").content.decode().count("<tr") == 21  # the heading and 20
    seen, path = [], "/applications"
    for _ in range(10):
        html = father.get(path).content.decode()
        seen += [r for r in many if r in html]
        if "Older applications" not in html:
            break
        path = "/applications?before=" + html.split('href="?before=')[1].split('"')[0]
    assert seen == many and len(set(seen)) == 120


def test_the_api_gives_a_link_to_the_next_page(login, demo, many):
    father = login(demo["father"], "en")
    seen, path = [], "/api/v1/applications?limit=45"
    while path:
        response = father.get(path)
        seen += [a["reference"] for a in response.json()]
        link = response.headers.get("Link", "")
        path = link.split(">")[0].lstrip("<") if link else ""
    assert seen == many


def test_a_tampered_cursor_is_refused_in_the_persons_language(login, demo, many):
    father = login(demo["father"], "ar")
    response = father.get("/api/v1/applications?before=yesterday~1")
    assert response.status_code == 400 and "رابط هذه الصفحة" in response.json()["title"]
    assert father.get("/applications?before=not-a-cursor").status_code == 400
