"""Filing is throttled per person and per source (ADR 0025): reports one person files ("complaint":
20 per 10 minutes), whatever is filed from one address ("filing.source": reports, applications and
Open311 requests together) and what one Open311 client files ("open311.client"). Past a limit the
answer is 429 with Retry-After, in the person's language and each door's own format, nothing is
filed and no photo is read. Time is simulated (the `clock` fixture); small limits are set where a
test would otherwise send hundreds of requests."""

import html
import io
import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from limits import parse_many

from sahl.complaints.models import Complaint
from sahl.identity import throttle
from sahl.identity.models import RateCount, User
from sahl.open311 import clients
from tests.integration.test_throttle import REDIS_URL
from tests.photo_files import solid_png, watching_decodes
from tests.redis_here import redis_or_skip

pytestmark = pytest.mark.django_db
PLACES = [("29.3375", "48.0758"), ("29.2700", "47.9700"), ("29.0900", "48.0800"), ("29.3600", "47.9900")]
TOPICS = ["pothole", "traffic-signal", "rubbish", "street-light"]


def report(n: int = 0, **fields) -> dict:
    """A right report; different `n`, a different problem in a different place (no duplicates)."""
    latitude, longitude = PLACES[n % len(PLACES)]
    text = f"Report number {n}: please send someone to look at it"
    return {
        "topic": TOPICS[n % len(TOPICS)],
        "description": text,
        "latitude": latitude,
        "longitude": longitude,
    } | fields


def alert_of(response) -> str:
    return html.unescape(response.content.decode().split('role="alert">', 1)[1].split("</div>", 1)[0])


def reports_of(civil_id: str) -> int:
    return Complaint.objects.filter(reporter__civil_id=civil_id).count()


def small_limit(monkeypatch, name: str, rate: str) -> None:
    monkeypatch.setitem(throttle.LIMITS, name, tuple(parse_many(rate)))


@pytest.fixture
def shared_cache(settings):
    """Redis as the throttle's storage, as with SAHL_CACHE_URL (test_throttle's fixture)."""
    client = redis_or_skip(REDIS_URL)
    settings.SAHL_CACHE_URL = REDIS_URL
    return client


def test_twenty_reports_in_ten_minutes_then_429_in_the_persons_language_before_any_photo_is_read(
    login, demo, clock, monkeypatch
):
    father = login(demo["father"])  # Arabic
    for n in range(20):  # each try counts, a wrong one too
        assert father.post("/complaints/new", report(n, description="short")).status_code == 400

    photo = SimpleUploadedFile("big.png", solid_png(4800, 4800), content_type="image/png")
    with watching_decodes(monkeypatch) as decodes:
        refused = father.post("/complaints/new", report(photos=[photo]))
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 600
    text = alert_of(refused)
    assert "قدّمت بلاغات كثيرة" in text and re.search(r"بعد الساعة \d\d:\d\d", text)
    assert decodes.sizes == [] and reports_of(demo["father"]) == 0

    father.cookies["sahl_language"] = "en"
    english = father.post("/complaints/new", report())
    assert english.status_code == 429
    assert re.search(r"You can file again after \d\d:\d\d", alert_of(english))

    # Another person at the same address files as usual...
    assert login(demo["expat"]).post("/complaints/new", report(1)).status_code == 302
    # ...and ten minutes later, so does the father.
    clock.advance(minutes=10)
    assert father.post("/complaints/new", report(2)).status_code == 302
    assert reports_of(demo["father"]) == 1


@pytest.fixture
def api_key() -> str:
    return clients.issue_client("city-app").key


def open311_form(key: str, n: int = 0) -> dict:
    latitude, longitude = PLACES[n % len(PLACES)]
    return {
        "api_key": key,
        "jurisdiction_id": "sahl.gov.kw",
        "service_code": "pothole",
        "lat": latitude,
        "long": longitude,
        "description": f"A deep pothole in the right lane, request {n}",
    }


def test_one_source_files_a_limited_number_whoever_files_and_through_whichever_door(
    login, demo, clock, monkeypatch, api_key
):
    small_limit(monkeypatch, "filing.source", "3 per 10 minutes")
    here, elsewhere = {"REMOTE_ADDR": "10.20.30.40"}, {"REMOTE_ADDR": "10.20.30.41"}
    for n, who in enumerate(("father", "mother", "expat")):  # three people behind one address
        assert login(demo[who]).post("/complaints/new", report(n), **here).status_code == 302

    # A fourth person at that address: the report form says so in their language.
    owner = login(demo["owner"])
    page = owner.post("/complaints/new", report(3), **here)
    assert page.status_code == 429 and 0 < int(page["Retry-After"]) <= 600
    assert "من شبكتك" in alert_of(page)

    # The applications API from that address: problem details.
    father = login(demo["father"], "en")
    api = father.post(
        "/api/v1/applications",
        {"service": "moi.passport-renewal", "answers": "{}"},
        HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex,
        **here,
    )
    assert api.status_code == 429 and api["Content-Type"] == "application/problem+json"
    assert 0 < int(api["Retry-After"]) <= 600
    problem = api.json()
    assert problem["code"] == "filing.too_many_from_source" and problem["status"] == 429
    assert re.search(r"You can file again after \d\d:\d\d", problem["title"])

    # Open311 from that address: the spec's error format, before the body or the key is read.
    open311 = Client().post(
        "/open311/v2/requests.json", open311_form(api_key), headers={"Accept-Language": "en"}, **here
    )
    assert open311.status_code == 429 and 0 < int(open311["Retry-After"]) <= 600
    (error,) = open311.json()
    assert error["code"] == 429 and "from your network" in error["description"]

    filed = Complaint.objects.count()
    assert owner.post("/complaints/new", report(3), **elsewhere).status_code == 302  # another address
    clock.advance(minutes=10)
    assert login(demo["fines"]).post("/complaints/new", report(0, file_anyway="1"), **here).status_code == 302
    assert Complaint.objects.count() == filed + 2


def test_an_open311_client_files_a_limited_number_then_429_in_the_clients_language(
    monkeypatch, clock, api_key
):
    small_limit(monkeypatch, "open311.client", "2 per 10 minutes")
    city = Client()
    for n in range(2):
        assert city.post("/open311/v2/requests.json", open311_form(api_key, n)).status_code == 200
    media = io.BytesIO(solid_png(4800, 4800))
    media.name = "pothole.png"
    with watching_decodes(monkeypatch) as decodes:
        refused = city.post(
            "/open311/v2/requests.xml",
            open311_form(api_key, 2) | {"media": media},
            headers={"Accept-Language": "ar"},
        )
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 600
    assert "أرسل هذا التطبيق طلبات كثيرة" in refused.content.decode()
    assert "<code>429</code>" in refused.content.decode()
    assert decodes.sizes == []
    assert Complaint.objects.filter(source="open311:city-app").count() == 2

    other = clients.issue_client("another-app").key  # another client is not held back
    assert city.post("/open311/v2/requests.json", open311_form(other, 3)).status_code == 200
    clock.advance(minutes=10)
    assert city.post("/open311/v2/requests.json", open311_form(api_key, 4)).status_code == 200


def test_with_a_shared_cache_every_worker_counts_the_same_source_in_redis(
    login, demo, monkeypatch, shared_cache
):
    small_limit(monkeypatch, "filing.source", "2 per 10 minutes")
    address = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.7"  # its own key in a shared Redis
    people = [User.objects.get(civil_id=demo[who]) for who in ("father", "mother", "expat")]
    try:
        first, second, third = (login(demo[who]) for who in ("father", "mother", "expat"))
        assert first.post("/complaints/new", report(0), REMOTE_ADDR=address).status_code == 302
        assert second.post("/complaints/new", report(1), REMOTE_ADDR=address).status_code == 302
        assert third.post("/complaints/new", report(2), REMOTE_ADDR=address).status_code == 429
        assert not RateCount.objects.exists()  # counted in Redis, not in the database
        assert any(shared_cache.scan_iter("sahl-throttle:*"))
    finally:
        throttle.clear("filing.source", throttle.source_of(address))
        for person in people:
            throttle.clear("complaint", str(person.pk))
