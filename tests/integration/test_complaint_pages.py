"""Complaints through the pages a person and a caseworker use (the test client, real forms)."""

import re

import pytest

from sahl.catalogue.models import Agency
from sahl.complaints.models import Complaint
from sahl.identity.models import User
from sahl.identity.services import appoint_staff
from tests.integration.conftest import run_tasks

pytestmark = pytest.mark.django_db
SALMIYA = {"latitude": "29.3375", "longitude": "48.0758"}


def file(client, topic="traffic-signal", text="The traffic light at the crossing is dark", **extra):
    return client.post("/complaints/new", {"topic": topic, "description": text, **SALMIYA, **extra})


def test_a_person_files_a_report_and_follows_it(login, demo):
    father = login(demo["father"], "en")
    form = father.get("/complaints/new")
    assert (
        form.status_code == 200
        and form["Permissions-Policy"] == "camera=(), microphone=(self), geolocation=(self)"
    )
    assert "I do not know which agency" in form.content.decode()
    filed = file(father)
    assert filed.status_code == 302
    reference = filed["Location"].rsplit("/", 1)[1]
    page = father.get(f"/complaints/{reference}").content.decode()
    assert "Ministry of Interior" in page and "General Traffic Department" in page and "Received" in page
    assert reference in father.get("/complaints").content.decode()
    run_tasks()  # the worker writes the message about the filed report
    inbox = father.get("/inbox").content.decode()
    assert reference in inbox  # "we received your report"
    assert login(demo["mother"], "en").get(f"/complaints/{reference}").status_code == 404


def test_bad_places_and_topics_are_refused_in_the_persons_language(login, demo):
    father = login(demo["father"])  # Arabic
    at_sea = father.post(
        "/complaints/new",
        {
            "topic": "pothole",
            "description": "حفرة كبيرة في الطريق",
            "latitude": "29.40",
            "longitude": "48.30",
        },
    )
    assert at_sea.status_code == 400 and "خارج الكويت" in at_sea.content.decode()
    nonsense = file(father, topic="no-such-topic")
    assert nonsense.status_code == 400 and "اختر موضوع البلاغ" in nonsense.content.decode()
    assert not Complaint.objects.filter(reporter__civil_id=demo["father"]).exists()


def test_a_second_report_of_the_same_problem_nearby_is_offered_to_join(login, demo):
    father, expat = login(demo["father"], "en"), login(demo["expat"], "en")
    reference = file(father, "rubbish", "Rubbish piling up behind the co-op")["Location"].rsplit("/", 1)[1]
    offered = file(expat, "rubbish", "Bags of rubbish everywhere near the co-op")
    assert offered.status_code == 200 and reference in offered.content.decode()
    assert "Join this report" in offered.content.decode()
    assert expat.post(f"/complaints/{reference}/join").status_code == 302
    assert expat.get(f"/complaints/{reference}").status_code == 200
    mine_anyway = file(expat, "rubbish", "Another pile of rubbish, not the same one", file_anyway="1")
    assert mine_anyway.status_code == 302


def test_the_agency_resolves_it_and_the_reporter_rates_it(login, demo):
    father = login(demo["father"], "en")
    reference = file(father)["Location"].rsplit("/", 1)[1]
    appoint_staff(User.objects.get(civil_id=demo["caseworker"]), Agency.objects.get(code="moi"), "caseworker")
    staff = login(demo["caseworker"], "en")
    assert reference in staff.get("/backoffice/complaints").content.decode()
    assert staff.post(f"/backoffice/complaints/{reference}", {"action": "acknowledge"}).status_code == 302
    empty = staff.post(f"/backoffice/complaints/{reference}", {"action": "resolve", "note": ""})
    assert empty.status_code == 400 and "Write what was done" in empty.content.decode()
    done = staff.post(
        f"/backoffice/complaints/{reference}", {"action": "resolve", "note": "Controller replaced"}
    )
    assert done.status_code == 302
    page = father.get(f"/complaints/{reference}").content.decode()
    assert "Controller replaced" in page and "How was it handled?" in page
    assert father.post(f"/complaints/{reference}/rate", {"stars": "5"}).status_code == 302
    assert Complaint.objects.get(reference=reference).rating == 5
    other_agency = login(demo["paci-staff"], "en")
    assert other_agency.get(f"/backoffice/complaints/{reference}").status_code == 404


def test_the_public_statistics_show_counts_and_no_personal_data(client, login, demo):
    father = login(demo["father"], "en")
    file(father)
    client.cookies["sahl_language"] = "en"
    page = client.get("/complaints/statistics").content.decode()
    from sahl.complaints import geo

    hawalli = next(g.name.en for g in geo.governorates() if g.code == "KW-HA")
    assert "Ministry of Interior" in page and f"{hawalli}: 1" in page
    assert demo["father"] not in page and "Ahmad" not in page and "traffic light at the crossing" not in page


@pytest.mark.parametrize(
    ("field", "name", "content", "english"),
    [
        ("photos", "cat.jpg", b"<html><script>alert(1)</script></html>", "photo"),
        (
            "photos",
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "photo",
        ),
        ("voice", "note.webm", b"", "voice"),  # three hours: made below
    ],
    ids=["html named jpg", "svg with a script", "a three-hour voice note"],
)
def test_bad_media_are_refused_in_both_languages_and_nothing_is_filed(
    login, demo, field, name, content, english
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    if field == "voice":
        from tests.unit.test_complaint_media import made_wav

        content = made_wav(3 * 3600, rate=8)  # a tiny rate keeps three hours small
    for language, needle in (("en", english), ("ar", "")):
        client = login(demo["father"], language)
        upload = SimpleUploadedFile(
            name, content, content_type="image/jpeg" if field == "photos" else "audio/webm"
        )
        answer = client.post(
            "/complaints/new",
            {"topic": "pothole", "description": "A big pothole in the street here", **SALMIYA, field: upload},
        )
        assert answer.status_code == 400
        alert = answer.content.decode().split('role="alert">', 1)[1].split("</div>", 1)[0]
        if needle:
            assert needle in alert.lower()
        else:
            assert re.search("[\u0621-\u064a]{3}", alert), alert  # written in Arabic
    assert not Complaint.objects.filter(reporter__civil_id=demo["father"]).exists()
