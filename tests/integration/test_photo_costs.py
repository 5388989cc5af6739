"""Photos cost nothing until every cheap check has passed (ADR 0025): on the report form, through
Open311 and with a caseworker's photo of the fix, a wrong field is answered without decoding any
photo, and a photo of more than 24 megapixels is refused from its header in the person's language.
Decoding is watched at Pillow's decode edge (`ImageFile.load`), never timed."""

import html
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sahl.catalogue.models import Agency
from sahl.complaints.models import Complaint, Media
from sahl.core.messages import message
from sahl.identity.models import User
from sahl.identity.services import appoint_staff
from sahl.open311 import clients
from tests.photo_files import solid_png, watching_decodes

pytestmark = pytest.mark.django_db
SALMIYA = {"latitude": "29.3375", "longitude": "48.0758"}
HUGE = (6300, 6300)  # 39.7 megapixels in about 131 KB: 0.5-2 s of CPU and 460 MB to decode and store
HEAVY = (4800, 4800)  # 23 megapixels: allowed, and the dearest kind of photo to decode


def png_upload(size: tuple[int, int], name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, solid_png(*size), content_type="image/png")


def report(**fields) -> dict:
    return {"topic": "pothole", "description": "A deep pothole in the right lane", **SALMIYA, **fields}


def alert_of(response) -> str:
    return html.unescape(response.content.decode().split('role="alert">', 1)[1].split("</div>", 1)[0])


def test_a_6300_by_6300_png_is_refused_in_the_persons_language_without_being_decoded(
    login, demo, monkeypatch
):
    father = login(demo["father"])  # Arabic
    with watching_decodes(monkeypatch) as decodes:
        answer = father.post("/complaints/new", report(photos=[png_upload((64, 64)), png_upload(HUGE)]))
    assert answer.status_code == 400
    assert message("complaint.photo_too_many_pixels", "ar", limit=24) in alert_of(answer)
    assert decodes.sizes == []  # not even the small photo before it
    assert not Complaint.objects.filter(reporter__civil_id=demo["father"]).exists()
    assert not Media.objects.exists()


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"description": "short"}, "complaint.description"),
        ({"topic": "no-such-topic"}, "complaint.topic_unknown"),
        ({"latitude": "29.40", "longitude": "48.30"}, "complaint.location_outside"),  # at sea
        ({"latitude": "north", "longitude": "48.0758"}, "complaint.location_invalid"),
    ],
    ids=["description", "topic", "place", "coordinates"],
)
def test_a_wrong_field_with_heavy_photos_is_answered_without_decoding_them(
    login, demo, monkeypatch, fields, code
):
    father = login(demo["father"], "en")
    photos = [png_upload(HEAVY, f"{n}.png") for n in range(5)]
    with watching_decodes(monkeypatch) as decodes:
        answer = father.post("/complaints/new", report(photos=photos, **fields))
    assert answer.status_code == 400
    assert message(code, "en") in alert_of(answer)
    assert decodes.sizes == []
    assert not Complaint.objects.filter(reporter__civil_id=demo["father"]).exists()


def test_a_heavy_photo_on_a_right_form_is_decoded_once_and_kept(login, demo, monkeypatch):
    father = login(demo["father"], "en")
    with watching_decodes(monkeypatch) as decodes:
        answer = father.post("/complaints/new", report(photos=[png_upload(HEAVY)]))
    assert answer.status_code == 302
    assert decodes.sizes == [HEAVY]
    (kept,) = Complaint.objects.get(reporter__civil_id=demo["father"]).media.all()
    assert kept.kind == Media.Kind.PHOTO and kept.content_type == "image/jpeg"


def test_the_duplicate_check_comes_before_the_photos_are_decoded(login, demo, monkeypatch):
    father, expat = login(demo["father"], "en"), login(demo["expat"], "en")
    assert father.post("/complaints/new", report()).status_code == 302
    with watching_decodes(monkeypatch) as decodes:
        offered = expat.post("/complaints/new", report(photos=[png_upload(HEAVY)]))
    assert offered.status_code == 200 and "Join this report" in offered.content.decode()
    assert decodes.sizes == []  # the person may join instead: nothing decoded for nothing


# --- Open311 ------------------------------------------------------------------------------------


@pytest.fixture
def api_key() -> str:
    return clients.issue_client("city-app").key


def open311_post(key: str, language: str, *photos: tuple[int, int], **fields: str):
    form = {
        "api_key": key,
        "jurisdiction_id": "sahl.gov.kw",
        "service_code": "pothole",
        "lat": SALMIYA["latitude"],
        "long": SALMIYA["longitude"],
        "description": "A deep pothole in the right lane, cars swerve around it",
        **fields,
    }
    uploads = []
    for n, size in enumerate(photos):
        upload = io.BytesIO(solid_png(*size))
        upload.name = f"{n}.png"
        uploads.append(upload)
    return Client().post(
        "/open311/v2/requests.json", form | {"media": uploads}, headers={"Accept-Language": language}
    )


def description_of(response) -> str:
    (error,) = response.json()
    assert error["code"] == response.status_code
    return error["description"]


def test_open311_refuses_a_6300_by_6300_png_in_the_clients_language_without_decoding_it(api_key, monkeypatch):
    with watching_decodes(monkeypatch) as decodes:
        arabic = open311_post(api_key, "ar", HUGE)
        english = open311_post(api_key, "en", (64, 64), HUGE)
    assert arabic.status_code == english.status_code == 400
    assert description_of(arabic) == message("complaint.photo_too_many_pixels", "ar", limit=24)
    assert description_of(english) == message("complaint.photo_too_many_pixels", "en", limit=24)
    assert decodes.sizes == []
    assert not Complaint.objects.filter(source__startswith="open311:").exists()


def test_open311_answers_a_wrong_field_with_heavy_photos_without_decoding_them(api_key, monkeypatch):
    with watching_decodes(monkeypatch) as decodes:
        long = open311_post(
            api_key, "en", HEAVY, HEAVY, description="x" * 2001
        )  # no attributes: not caught before
        unknown = open311_post(api_key, "en", HEAVY, service_code="no-such-service")
    assert long.status_code == 400 and description_of(long) == message("complaint.description", "en")
    assert unknown.status_code == 400 and "no-such-service" in description_of(unknown)
    assert decodes.sizes == []
    right = open311_post(api_key, "en", HEAVY)
    assert right.status_code == 200, right.content
    assert Complaint.objects.filter(source__startswith="open311:").count() == 1


# --- A caseworker's photo of the fix -----------------------------------------------------------------


def test_a_resolution_without_a_note_is_refused_before_its_photo_is_decoded(login, demo, monkeypatch):
    father = login(demo["father"], "en")
    reference = father.post("/complaints/new", report(topic="traffic-signal"))["Location"].rsplit("/", 1)[1]
    appoint_staff(User.objects.get(civil_id=demo["caseworker"]), Agency.objects.get(code="moi"), "caseworker")
    staff = login(demo["caseworker"], "en")
    case = f"/backoffice/complaints/{reference}"
    with watching_decodes(monkeypatch) as decodes:
        empty = staff.post(case, {"action": "resolve", "note": "", "photo": png_upload(HEAVY)})
        huge = staff.post(
            case, {"action": "resolve", "note": "Filled and levelled", "photo": png_upload(HUGE)}
        )
    assert empty.status_code == 400 and message("complaint.resolution_required", "en") in alert_of(empty)
    assert huge.status_code == 400
    assert message("complaint.photo_too_many_pixels", "en", limit=24) in alert_of(huge)
    assert decodes.sizes == []
    assert Complaint.objects.get(reference=reference).state == "received"
    done = staff.post(
        case, {"action": "resolve", "note": "Filled and levelled", "photo": png_upload((640, 480))}
    )
    assert done.status_code == 302 and Complaint.objects.get(reference=reference).state == "resolved"
