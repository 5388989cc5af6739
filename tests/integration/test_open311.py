"""The Open311 GeoReport v2 endpoint as a client application sees it: discovery, services and their
definitions, POST requests (form-encoded and multipart with a photo) with an API key, GET requests
with the spec's filters, one request, tokens; JSON and XML with the spec's field names; errors in
the spec's format; never a reporter's personal data in a GET answer; and an existing Open311
client library, unchanged, against the live server."""

from __future__ import annotations

import datetime as dt
import io
import json
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import httpx
import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from sahl.catalogue.models import Agency
from sahl.complaints import filing, media, moving
from sahl.complaints.models import Complaint, Media, Topic
from sahl.identity.models import User
from sahl.identity.services import appoint_staff
from sahl.open311 import clients

BASE = "/open311/v2"
SALMIYA = (29.3375, 48.0758)  # Hawalli governorate, on land
AT_SEA = (29.3, 48.3)  # the Gulf, between Kuwait City and Failaka
RIYADH = (24.7136, 46.6753)
SERVICE_FIELDS = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]
REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]
CONTACT = {
    "first_name": "Zainab",
    "last_name": "Qabazard-Testname",
    "email": "zainab.reporter@example.com",
    "phone": "+965 6123 4567",
    "device_id": "device-7f3a",
    "account_id": "acct-99",
}

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_key() -> str:
    return clients.issue_client("city-app").key


def get(path: str, language: str = "", **params: str):
    query = f"?{urlencode(params)}" if params else ""
    headers = {"Accept-Language": language} if language else {}
    return Client().get(f"{BASE}/{path}{query}", headers=headers)


def post_form(fmt: str = "json", language: str = "", **fields: str):
    """As the spec's example: application/x-www-form-urlencoded, no CSRF token, no cookie."""
    headers = {"Accept-Language": language} if language else {}
    return Client(enforce_csrf_checks=True).post(
        f"{BASE}/requests.{fmt}",
        urlencode(fields),
        content_type="application/x-www-form-urlencoded; charset=utf-8",
        headers=headers,
    )


def pothole(api_key: str, **more: str) -> dict[str, str]:
    return {
        "api_key": api_key,
        "jurisdiction_id": "sahl.gov.kw",
        "service_code": "pothole",
        "lat": str(SALMIYA[0]),
        "long": str(SALMIYA[1]),
        "description": "A deep pothole in the right lane, cars swerve around it",
        "attribute[size]": "large",
        "attribute[details]": "Opposite the co-op entrance",
        **more,
    }


def xml_of(response) -> ET.Element:
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(response.content)  # noqa: S314 - Sahl's own answer, parsed in a test


def json_of(response):
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content)


def assert_error(response, status: int, fmt: str = "json") -> str:
    """The spec's error format, with the HTTP status as the code; returns the description."""
    assert response.status_code == status, response.content[:300]
    if fmt == "xml":
        root = xml_of(response)
        assert root.tag == "errors" and [e.tag for e in root] == ["error"]
        assert [c.tag for c in root[0]] == ["code", "description"]
        assert root.findtext("error/code") == str(status)
        return root.findtext("error/description") or ""
    body = json_of(response)
    assert isinstance(body, list) and len(body) == 1 and set(body[0]) == {"code", "description"}
    assert body[0]["code"] == status and body[0]["description"]
    return body[0]["description"]


def filed(reference: str) -> Complaint:
    return Complaint.objects.get(reference=reference)


# --- Discovery and services -----------------------------------------------------------------------


def test_discovery_names_the_endpoint_its_formats_and_how_to_get_a_key():
    body = json_of(get("discovery.json"))
    assert list(body) == ["changeset", "contact", "key_service", "endpoints"]
    (endpoint,) = body["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2") and endpoint["type"] in ("production", "test")
    assert set(endpoint["formats"]) == {"application/xml", "application/json"}
    assert "api_key" in body["key_service"]

    root = xml_of(get("discovery.xml"))
    assert root.tag == "discovery" and root.findtext("changeset") == body["changeset"]
    assert root.findtext("endpoints/endpoint/specification") == "http://wiki.open311.org/GeoReport_v2"
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == endpoint["formats"]


def test_services_are_the_complaint_topics_with_the_specs_fields_in_json_and_xml():
    body = json_of(get("services.json", jurisdiction_id="sahl.gov.kw"))
    leaves = Topic.objects.exclude(agency=None).count()
    assert len(body) == leaves + 1  # every topic with an agency, and "I do not know which agency"
    assert all(list(s) == SERVICE_FIELDS for s in body)
    by_code = {s["service_code"]: s for s in body}
    pothole = by_code["pothole"]
    assert pothole["service_name"] == "Pothole or damaged road" and pothole["group"] == "Roads and traffic"
    assert pothole["metadata"] is True and pothole["type"] == "realtime"
    assert "Ministry" in pothole["description"] and "5 working days" in pothole["description"]
    assert "حفرة" in pothole["keywords"] and "asphalt" in pothole["keywords"]  # routing's words
    assert by_code["unknown"]["group"] is None

    root = xml_of(get("services.xml"))
    assert root.tag == "services" and len(root) == len(body)
    xml_pothole = next(s for s in root if s.findtext("service_code") == "pothole")
    assert [c.tag for c in xml_pothole] == SERVICE_FIELDS
    assert xml_pothole.findtext("metadata") == "true" and xml_pothole.findtext("group") == "Roads and traffic"
    assert next(s for s in root if s.findtext("service_code") == "unknown").find("group").text is None

    arabic = json_of(get("services.json", language="ar"))
    assert (
        next(s for s in arabic if s["service_code"] == "pothole")["service_name"] == "حفرة أو تلف في الطريق"
    )


def test_a_service_definition_lists_its_attributes_in_json_and_xml():
    body = json_of(get("services/traffic-signal.json"))
    assert list(body) == ["service_code", "attributes"] and body["service_code"] == "traffic-signal"
    state, details = body["attributes"]
    assert list(state) == [
        "variable",
        "code",
        "datatype",
        "required",
        "datatype_description",
        "order",
        "description",
        "values",
    ]
    assert state["code"] == "signal_state" and state["datatype"] == "singlevaluelist"
    assert state["required"] is True and state["variable"] is True and state["order"] == 1
    assert {"key": "dark", "name": "All lights off"} in state["values"]
    assert details["code"] == "details" and details["datatype"] == "text" and details["required"] is False
    assert details["order"] == 2 and "values" not in details

    root = xml_of(get("services/traffic-signal.xml"))
    assert root.tag == "service_definition" and root.findtext("service_code") == "traffic-signal"
    attribute = root.find("attributes/attribute")
    assert attribute.findtext("required") == "true" and attribute.findtext("datatype") == "singlevaluelist"
    assert attribute.find("datatype_description").text is None
    keys = [v.findtext("key") for v in attribute.findall("values/value")]
    assert keys == ["dark", "stuck", "flashing", "damaged"]

    # A topic without its own questions still has the optional details.
    assert [a["code"] for a in json_of(get("services/mosque.json"))["attributes"]] == ["details"]


def test_an_unknown_service_or_resource_is_404_in_the_error_format():
    assert "nothing-like-this" in assert_error(get("services/nothing-like-this.json"), 404)
    assert_error(get("services/nothing-like-this.xml"), 404, "xml")
    assert_error(get("no-such-thing.xml"), 404, "xml")
    assert_error(get("services.csv"), 404)


def test_another_jurisdiction_is_not_found_here():
    assert get("services.json", jurisdiction_id="sahl.gov.kw").status_code == 200
    assert get("services.json", jurisdiction_id="SAHL.GOV.KW").status_code == 200
    assert "sahl.gov.kw" in assert_error(get("services.json", jurisdiction_id="sfgov.org"), 404)
    assert_error(get("requests.xml", jurisdiction_id="sfgov.org"), 404, "xml")
    assert_error(get("services/pothole.json", jurisdiction_id="sfgov.org"), 404)


# --- POST requests ---------------------------------------------------------------------------------


def test_a_form_encoded_post_files_a_routed_complaint_and_answers_its_id(api_key):
    response = post_form(**pothole(api_key, **CONTACT))
    assert response.status_code == 200, response.content
    (created,) = json_of(response)
    assert list(created) == ["service_request_id", "service_notice", "account_id"]
    assert created["account_id"] is None and "Ministry" in created["service_notice"]
    complaint = filed(created["service_request_id"])
    assert complaint.reference.startswith("C-") and complaint.source == "open311:city-app"
    assert complaint.agency.code == "mpw" and complaint.governorate == "KW-HA" and complaint.reporter is None
    assert (complaint.contact_name, complaint.contact_email, complaint.contact_phone) == (
        "Zainab Qabazard-Testname",
        "zainab.reporter@example.com",
        "+965 6123 4567",
    )
    assert complaint.description.startswith("A deep pothole in the right lane")
    assert "How big is it?: أكبر من إطار سيارة / Larger than a car tyre" in complaint.description
    assert "Opposite the co-op entrance" in complaint.description
    assert list(complaint.events.values_list("kind", flat=True)) == ["filed", "routed"]

    # The id is immediate; the token the spec allows is issued too, and answers the same id.
    token = response["Open311-Token"]
    assert json_of(get(f"tokens/{token}.json")) == [
        {"service_request_id": complaint.reference, "token": token}
    ]
    root = xml_of(get(f"tokens/{token}.xml"))
    assert root.tag == "service_requests"
    assert root.findtext("request/service_request_id") == complaint.reference
    assert root.findtext("request/token") == token
    assert_error(get("tokens/not-a-token.json"), 404)


def test_a_post_answers_in_xml_too(api_key):
    response = post_form("xml", **pothole(api_key))
    assert response.status_code == 200
    root = xml_of(response)
    assert root.tag == "service_requests" and [c.tag for c in root[0]] == [
        "service_request_id",
        "service_notice",
        "account_id",
    ]
    assert filed(root.findtext("request/service_request_id")).topic.code == "pothole"
    assert root.find("request/account_id").text is None


def jpeg_with_gps() -> bytes:
    from PIL import ExifTags, Image

    image = Image.new("RGB", (64, 48), (200, 120, 40))
    exif = Image.Exif()
    position = exif.get_ifd(ExifTags.IFD.GPSInfo)
    position[ExifTags.GPS.GPSLatitudeRef], position[ExifTags.GPS.GPSLatitude] = "N", (29.0, 20.0, 15.0)
    position[ExifTags.GPS.GPSLongitudeRef], position[ExifTags.GPS.GPSLongitude] = "E", (48.0, 4.0, 33.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_a_multipart_post_carries_a_photo_checked_and_cleaned(api_key):
    raw = jpeg_with_gps()
    assert media.gps_of(raw) is not None  # the photo as sent has a position...
    upload = io.BytesIO(raw)
    upload.name = "pothole.jpg"
    response = Client().post(f"{BASE}/requests.json", pothole(api_key) | {"media": upload})
    assert response.status_code == 200, response.content
    complaint = filed(json_of(response)[0]["service_request_id"])
    (photo,) = complaint.media.all()
    assert photo.kind == Media.Kind.PHOTO and photo.content_type == "image/jpeg"
    stored = photo.file.read()
    assert stored != raw and media.gps_of(stored) is None  # ...the stored one has none

    # Anything else in a media part is refused by content, and nothing is filed.
    before = Complaint.objects.count()
    fake = io.BytesIO(b"<html><script>alert(1)</script></html>")
    fake.name = "photo.jpg"
    refused = Client().post(f"{BASE}/requests.json", pothole(api_key) | {"media": fake})
    assert "not a photo" in assert_error(refused, 400)
    other = io.BytesIO(raw)
    other.name = "x.jpg"
    assert "media" in assert_error(
        Client().post(f"{BASE}/requests.json", pothole(api_key) | {"photo": other}), 400
    )
    assert Complaint.objects.count() == before


def test_a_post_without_a_key_or_with_a_bad_one_is_403_in_the_specs_format(api_key):
    before = Complaint.objects.count()
    fields = pothole(api_key)
    del fields["api_key"]
    assert "api_key" in assert_error(post_form(**fields), 403)
    assert_error(post_form("xml", **fields), 403, "xml")
    wrong = fields | {"api_key": "sahl-o311-not-a-real-key"}
    assert "Invalid api_key" in assert_error(post_form(**wrong), 403)
    assert "Invalid api_key" in assert_error(post_form("xml", **wrong), 403, "xml")
    clients.deactivate_client("city-app")
    assert_error(post_form(**pothole(api_key)), 403)
    assert Complaint.objects.count() == before
    rotated = clients.rotate_key("city-app").key
    assert post_form(**pothole(rotated)).status_code == 200
    assert_error(post_form(**pothole(api_key)), 403)  # the old key stays refused


def test_bad_input_is_400_with_a_clear_description_and_files_nothing(api_key):
    before = Complaint.objects.count()
    assert "'potholes'" in assert_error(post_form(**pothole(api_key, service_code="potholes")), 400)
    assert "service_code" in assert_error(post_form(**pothole(api_key, service_code="")), 400)
    assert "sahl.gov.kw" in assert_error(post_form(**pothole(api_key, jurisdiction_id="other.example")), 404)
    at_sea = pothole(api_key, lat=str(AT_SEA[0]), long=str(AT_SEA[1]))
    assert "outside Kuwait" in assert_error(post_form(**at_sea), 400)
    assert "خارج الكويت" in assert_error(post_form(language="ar", **at_sea), 400)
    abroad = pothole(api_key, lat=str(RIYADH[0]), long=str(RIYADH[1]))
    assert "outside Kuwait" in assert_error(post_form("xml", **abroad), 400, "xml")
    by_address = pothole(api_key, lat="", long="", address_string="Salem Al-Mubarak St, Salmiya")
    assert "coordinates" in assert_error(post_form(**by_address), 400)
    assert "lat and long" in assert_error(post_form(**pothole(api_key, long="")), 400)
    assert "description" in assert_error(post_form(**pothole(api_key, description=" ")), 400)
    assert "one of: small, medium, large" in assert_error(
        post_form(**pothole(api_key, **{"attribute[size]": "huge"})), 400
    )
    assert "not defined" in assert_error(post_form(**pothole(api_key, **{"attribute[colour]": "red"})), 400)
    signal = pothole(api_key, service_code="traffic-signal")
    del signal["attribute[size]"]
    assert "attribute[signal_state] is required" in assert_error(post_form(**signal), 400)
    assert "media_url" in assert_error(
        post_form(**pothole(api_key, media_url="http://example.com/a.jpg")), 400
    )
    assert "email" in assert_error(post_form(**pothole(api_key, email="not-an-address")), 400)
    json_body = Client().post(f"{BASE}/requests.json", pothole(api_key), content_type="application/json")
    assert "x-www-form-urlencoded" in assert_error(json_body, 400)
    assert Complaint.objects.count() == before


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_huge_upload_is_refused_with_413_before_its_body_is_read(api_key, fmt):
    request = Client().post(
        f"{BASE}/requests.{fmt}",
        b"x" * 1024,
        content_type="multipart/form-data; boundary=zzz",
        CONTENT_LENGTH=str(200 * 1024 * 1024),  # what the client declares; 1 KB is really there
    )
    assert "larger than 51 MB" in assert_error(request, 413, fmt)


def test_posts_need_no_csrf_token_and_use_no_cookie(api_key, login, demo):
    browser = login(demo["father"], "en")  # a logged-in browser's cookies change nothing
    browser.handler.enforce_csrf_checks = True
    response = browser.post(
        f"{BASE}/requests.json", urlencode(pothole(api_key)), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert filed(json_of(response)[0]["service_request_id"]).reporter is None
    assert "Set-Cookie" not in response and response["Access-Control-Allow-Origin"] == "*"
    form = "application/x-www-form-urlencoded"
    assert_error(browser.post(f"{BASE}/requests.json", urlencode(pothole("")), content_type=form), 403)


# --- GET requests -------------------------------------------------------------------------------


def portal_complaint(user: User, topic: str = "power-cut", text: str = "No power in our street since noon"):
    return filing.file(user, filing.Report(topic, text, SALMIYA[0], SALMIYA[1], "KW-HA", ""))


def staff(demo, agency: str) -> User:
    user = User.objects.get(civil_id=demo["caseworker"])
    appoint_staff(user, Agency.objects.get(code=agency), "caseworker")
    return user


def ids_of(response) -> list[str]:
    return [r["service_request_id"] for r in json_of(response)]


def test_get_requests_filters_by_status_service_ids_and_dates(api_key, demo):
    father = User.objects.get(civil_id=demo["father"])
    ours = [portal_complaint(father), portal_complaint(father, "pothole", "A pothole by the school gate")]
    resolved = moving.resolve(staff(demo, "mew"), ours[0].reference, "Cable repaired, power back")
    old = portal_complaint(father, "rubbish", "Rubbish has piled up for days here")
    Complaint.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=100))
    mine = {c.reference for c in [*ours, old]}

    everything = ids_of(get("requests.json"))
    assert {c.reference for c in ours} <= set(everything) and old.reference not in everything  # 90 days
    open_now = ids_of(get("requests.json", status="open"))
    assert ours[1].reference in open_now and resolved.reference not in open_now
    assert resolved.reference in ids_of(get("requests.json", status="closed"))
    assert set(ids_of(get("requests.json", status="open,closed"))) >= {c.reference for c in ours}
    assert set(ids_of(get("requests.json", service_code="pothole"))) & mine == {ours[1].reference}
    both = ",".join([ours[1].reference, old.reference, "C-1999-0000000"])
    assert set(ids_of(get("requests.json", service_request_id=both, status="closed"))) == {
        ours[1].reference,
        old.reference,
    }  # ids override every other filter, the 90 days too
    window = {
        "start_date": (timezone.now() - dt.timedelta(days=120)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "end_date": (timezone.now() - dt.timedelta(days=95)).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    assert set(ids_of(get("requests.json", **window))) & mine == {old.reference}
    assert set(ids_of(get("requests.json", start_date=timezone.localdate().isoformat()))) & mine == {
        c.reference for c in ours
    }
    assert ids_of(get("requests.json", page_size="1")) == [everything[0]]
    assert ids_of(get("requests.json", page_size="1", page="2")) == [everything[1]]
    times = [r["requested_datetime"] for r in json_of(get("requests.json"))]
    assert times == sorted(times, reverse=True)  # newest first

    assert "90 days" in assert_error(
        get("requests.json", start_date="2026-01-01T00:00:00Z", end_date="2026-06-01T00:00:00Z"), 400
    )
    assert "w3" in assert_error(get("requests.xml", start_date="yesterday"), 400, "xml")
    assert "open, closed" in assert_error(get("requests.json", status="pending"), 400)
    assert "'nope'" in assert_error(get("requests.json", service_code="pothole,nope"), 400)


def test_one_request_has_the_specs_fields_in_json_and_xml(api_key, demo):
    created = json_of(post_form(**pothole(api_key)))[0]["service_request_id"]
    complaint = filed(created)
    (body,) = json_of(get(f"requests/{created}.json"))
    assert list(body) == REQUEST_FIELDS
    assert body["status"] == "open" and body["service_code"] == "pothole"
    assert body["service_name"] == "Pothole or damaged road"
    assert body["agency_responsible"] == "Ministry of Public Works – Road maintenance sector"
    assert body["status_notes"] == "Sent to Ministry of Public Works."
    assert body["lat"] == round(SALMIYA[0], 3) and body["long"] == round(SALMIYA[1], 3)  # to about 100 m
    assert body["address"].endswith("Hawalli, Kuwait") and body["media_url"] is None
    assert body["requested_datetime"].endswith("+03:00") and body["updated_datetime"].endswith("+03:00")
    requested = dt.datetime.fromisoformat(body["requested_datetime"])
    assert abs(requested - complaint.created_at) < dt.timedelta(seconds=1)
    assert body["expected_datetime"] == f"{complaint.due_on.isoformat()}T23:59:59+03:00"

    root = xml_of(get(f"requests/{created}.xml"))
    assert root.tag == "service_requests" and len(root) == 1
    assert [c.tag for c in root[0]] == REQUEST_FIELDS
    assert root.findtext("request/status") == "open" and root.find("request/media_url").text is None
    assert root.findtext("request/lat") == str(round(SALMIYA[0], 3))

    assert get(f"requests/{created}.json")["Content-Language"] == "en"
    in_arabic = get(f"requests/{created}.json", language="ar-KW,ar;q=0.9,en;q=0.5")
    assert in_arabic["Content-Language"] == "ar"
    arabic = json_of(in_arabic)[0]
    assert arabic["service_name"] == "حفرة أو تلف في الطريق" and arabic["address"].endswith("الكويت")

    assert "C-1999-0000000" in assert_error(get("requests/C-1999-0000000.json"), 404)
    assert_error(get("requests/C-1999-0000000.xml"), 404, "xml")


def test_status_notes_follow_the_public_steps_and_never_quote_the_reporter(demo):
    father = User.objects.get(civil_id=demo["father"])
    complaint = portal_complaint(father)
    handler = staff(demo, "mew")
    moving.ask(handler, complaint.reference, "Which building number exactly?")
    (waiting,) = json_of(get(f"requests/{complaint.reference}.json"))
    assert waiting["status"] == "open" and "question" in waiting["status_notes"]
    assert "building number" not in waiting["status_notes"]
    moving.answer(father, complaint.reference, "Building 12, my flat is 4, call me on 99998888")
    moving.resolve(handler, complaint.reference, "The feeder cable was replaced")
    (done,) = json_of(get(f"requests/{complaint.reference}.json"))
    assert done["status"] == "closed" and done["status_notes"] == "Resolved: The feeder cable was replaced"
    moving.reopen(father, complaint.reference, "It went off again tonight at my flat 4")
    (again,) = json_of(get(f"requests/{complaint.reference}.json"))
    assert again["status"] == "open" and "Reopened" in again["status_notes"]
    body = get(f"requests/{complaint.reference}.json").content.decode()
    assert "99998888" not in body and "flat 4" not in body


def test_no_personal_data_of_reporters_in_any_get_answer(api_key, demo, demo_names):
    by_client = json_of(post_form(**pothole(api_key, **CONTACT)))[0]["service_request_id"]
    token = post_form(**pothole(api_key, **CONTACT))["Open311-Token"]
    father = User.objects.get(civil_id=demo["father"])
    by_person = portal_complaint(father).reference
    secrets = [
        CONTACT["first_name"],
        CONTACT["last_name"],
        CONTACT["email"],
        CONTACT["phone"],
        CONTACT["phone"].replace(" ", ""),
        CONTACT["device_id"],
        CONTACT["account_id"],
        father.civil_id,
        father.name_en,
        father.name_ar,
        demo_names["father"],
        "city-app",  # not even which application filed it
    ]
    answers = []
    for fmt in ("json", "xml"):
        answers += [
            get(f"requests.{fmt}"),
            get(f"requests.{fmt}", service_request_id=f"{by_client},{by_person}"),
            get(f"requests/{by_client}.{fmt}"),
            get(f"requests/{by_person}.{fmt}"),
            get(f"requests/{by_person}.{fmt}", language="ar"),
            get(f"tokens/{token}.{fmt}"),
        ]
    for response in answers:
        assert response.status_code == 200
        text = response.content.decode()
        assert by_client in text or by_person in text or token in text
        for secret in secrets:
            assert secret not in text, f"{secret!r} in {response.request['PATH_INFO']}"


def test_text_is_escaped_in_xml_and_characters_xml_cannot_carry_are_dropped(api_key):
    tricky = 'Broken "kerb" & <b>glass</b> near the </request> sign \x07 here'
    created = json_of(post_form(**pothole(api_key, description=tricky)))[0]["service_request_id"]
    root = xml_of(get(f"requests/{created}.xml"))
    described = root.findtext("request/description")
    assert described.startswith('Broken "kerb" & <b>glass</b> near the </request> sign  here')
    assert b"<b>" not in get(f"requests/{created}.xml").content


def test_get_requests_takes_a_fixed_number_of_queries(api_key, demo, django_assert_max_num_queries):
    father = User.objects.get(civil_id=demo["father"])
    for _ in range(5):
        portal_complaint(father)
    with django_assert_max_num_queries(3):
        assert len(json_of(get("requests.json"))) >= 5


# --- An existing Open311 client library, unchanged -----------------------------------------------


@pytest.fixture
def live_open311(live_server):
    """The live server (a transactional test: its database is emptied afterwards) with the
    catalogue and the complaint topics, and one request filed by a client application."""
    if not Topic.objects.exists():  # another transactional test ran first and emptied it
        call_command("load_catalogue", verbosity=0)
        call_command("load_complaints", verbosity=0)
    key = clients.issue_client("library-test").key
    return live_server.url + BASE, key


def test_the_georeport_library_reads_services_definitions_and_requests(live_open311):
    from georeport import GeoReport

    root, key = live_open311
    # POST with a plain HTTP client as a client application would (georeport only reads).
    with httpx.Client(base_url=root, timeout=10) as http:
        posted = http.post("/requests.json", data=pothole(key, **CONTACT))
        assert posted.status_code == 200, posted.text
        reference = posted.json()[0]["service_request_id"]
        token = posted.headers["Open311-Token"]
        assert http.get(f"/tokens/{token}.json").json()[0]["service_request_id"] == reference
        assert http.get("/discovery.json").json()["endpoints"][0]["url"]

    for fmt in ("json", "xml"):
        client = GeoReport(root, jurisdiction="sahl.gov.kw", output_format=fmt)
        codes = [s["service_code"] for s in client.get_service_list()]
        assert "pothole" in codes and "traffic-signal" in codes
        definition = client.get_service_definition("traffic-signal")
        assert definition["service_code"] == "traffic-signal"
        found = client.get_service_requests(service_request_id=reference)
        (request,) = [found] if isinstance(found, dict) else found  # xmltodict: one item is a dict
        assert request["service_request_id"] == reference and request["status"] == "open"
        assert client.get_service_requests(status="open", service_code="pothole")
        one = client.get_service_request(reference)
        assert one["service_code"] == "pothole" and one["service_name"] == "Pothole or damaged road"
        assert CONTACT["email"] not in json.dumps(one)
