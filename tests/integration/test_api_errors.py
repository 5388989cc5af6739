"""Every error under /api/ is RFC 9457 problem details (application/problem+json) with a stable
`type`, a `title` in the request's language and, where the status calls for one, its header
(WWW-Authenticate, Allow, Retry-After): whatever raised it, Sahl's code, ninja, Django or the
database going away. Pages keep the error page, in the person's language."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from sahl.catalogue import services as catalogue
from sahl.core.messages import message
from sahl.core.problems import OUTAGE_RETRY_AFTER, type_of
from sahl.identity import throttle
from sahl.identity.models import User
from sahl.registry.models import Passport
from tests.integration.test_applications_api import create

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


def assert_problem(response, status: int, code: str, language: str, **params: object) -> dict[str, Any]:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["type"] == type_of(code) and body["status"] == status and body["code"] == code
    assert body["title"] == message(code, language, **params)
    return body


def test_bad_parameters_and_a_body_that_is_not_json_are_400(login, demo):
    anonymous = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert_problem(anonymous.get("/api/v1/services", {"limit": "many"}), 400, "request.bad", "en")
    father = login(demo["father"], "ar")
    broken = father.put("/api/v1/me/acting-as", "{not json", content_type="application/json")
    assert_problem(broken, 400, "request.bad", "ar")
    # Refused by Django itself before the API reads the form (more fields than it parses).
    fields = {f"field{i}": "x" for i in range(1001)} | {"service": "moi.passport-renewal", "answers": "{}"}
    too_many = father.post("/api/v1/applications", fields, HTTP_IDEMPOTENCY_KEY="k-400")
    assert_problem(too_many, 400, "request.bad", "ar")


def test_no_session_is_a_401_with_a_challenge_naming_the_login(client):
    response = client.get("/api/v1/applications", HTTP_ACCEPT_LANGUAGE="en")
    assert_problem(response, 401, "request.login_required", "en")
    assert response["WWW-Authenticate"].startswith('Cookie realm="sahl"')
    assert 'form-action="/accounts/login/"' in response["WWW-Authenticate"]
    write = client.put(
        "/api/v1/me/notification-settings", "{}", "application/json", HTTP_ACCEPT_LANGUAGE="ar"
    )
    assert_problem(write, 401, "request.login_required", "ar")


def test_the_agency_token_endpoints_oauth_errors_are_problems_that_keep_their_oauth_members(client):
    response = client.post(
        "/api/v1/agency/token", {"grant_type": "client_credentials"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    body = assert_problem(response, 401, "oauth.invalid_client", "en")
    assert body["error"] == "invalid_client"  # RFC 6749 section 5.2, for OAuth clients
    assert response["WWW-Authenticate"].startswith("Basic") and response["Cache-Control"] == "no-store"


def test_acting_for_a_stranger_is_a_403_problem(login, demo):
    father = login(demo["father"], "ar")
    refused = father.put("/api/v1/me/acting-as", {"subject": demo["expat"]}, content_type="application/json")
    assert_problem(refused, 403, "mandate.refused", "ar")


def test_a_sessions_unsafe_call_without_its_csrf_token_is_a_403_problem(login, demo):
    session = login(demo["father"], "en").cookies
    browser = Client(enforce_csrf_checks=True)
    browser.cookies = session
    browser.get("/")  # the page sets the CSRF cookie, as in a browser
    body = {"subject": demo["father"]}
    refused = browser.put("/api/v1/me/acting-as", body, content_type="application/json")
    assert_problem(refused, 403, "request.csrf", "en")
    token = browser.cookies["csrftoken"].value
    allowed = browser.put(
        "/api/v1/me/acting-as", body, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert allowed.status_code == 200 and allowed.json()["subject"] == demo["father"]
    # A page's form without its token: the error page in the person's language, not Django's English one.
    page = browser.post("/acting-as", {"subject": demo["father"]})
    assert page.status_code == 403 and page["Content-Type"].startswith("text/html")
    assert message("request.csrf", "en") in page.content.decode()


def test_unknown_addresses_and_another_persons_application_are_404_problems(login, demo):
    anonymous = Client(HTTP_ACCEPT_LANGUAGE="en")
    for path in ("/api/v1/nowhere", "/api/v2/services", "/api/"):
        assert_problem(anonymous.get(path), 404, "request.not_found", "en")
    assert anonymous.get("/nowhere")["Content-Type"].startswith("text/html")  # a page stays a page
    expat = login(demo["expat"], "ar")
    filed = create(expat, "moi.vehicle-registration-renewal", {"plate_number": "45-20002"}, "k-404")
    assert filed.status_code == 201, filed.content
    father = login(demo["father"], "ar")
    assert_problem(
        father.get(f"/api/v1/applications/{filed.json()['reference']}"), 404, "application.not_found", "ar"
    )


def test_a_method_the_address_does_not_take_is_a_405_problem_with_allow(client):
    response = client.delete("/api/v1/agencies", HTTP_ACCEPT_LANGUAGE="en")
    assert_problem(response, 405, "request.method_not_allowed", "en")
    assert "GET" in response["Allow"]


def test_a_key_reused_for_another_request_is_a_409_problem(login, demo):
    father = login(demo["father"], "en")
    passport = Passport.objects.get(holder__civil_id=demo["father"]).number
    first = create(
        father, "moi.passport-renewal", {"passport_number": passport, "delivery": "kiosk"}, "k-409"
    )
    assert first.status_code == 201, first.content
    other = create(
        father, "moi.passport-renewal", {"passport_number": passport, "delivery": "courier"}, "k-409"
    )
    assert_problem(other, 409, "idempotency.conflict", "en")


def test_a_body_over_the_limit_is_a_413_problem(login, demo):
    father = login(demo["father"], "en")
    huge = json.dumps({"subject": demo["father"], "padding": "x" * (3 * 1024 * 1024)})
    response = father.put("/api/v1/me/acting-as", huge, content_type="application/json")
    assert_problem(response, 413, "request.too_large", "en", limit=2)


def test_answers_that_fail_the_services_form_are_a_422_problem_naming_the_field(login, demo):
    expat = login(demo["expat"], "en")
    tampered = create(expat, "moi.vehicle-registration-renewal", {"plate_number": "12-10001"}, "k-422")
    body = assert_problem(tampered, 422, "application.form_invalid", "en")
    assert body["fields"]["plate_number"]["en"] == "Choose one of the records registered in your name."


def test_filing_past_the_throttle_is_a_429_problem_with_retry_after(login, demo):
    father = login(demo["father"], "en")
    person = str(User.objects.get(civil_id=demo["father"]).pk)
    while throttle.allowed("filing", person):
        throttle.record("filing", person)
    passport = Passport.objects.get(holder__civil_id=demo["father"]).number
    response = create(
        father, "moi.passport-renewal", {"passport_number": passport, "delivery": "kiosk"}, "k-429"
    )
    assert response.status_code == 429 and response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["type"] == type_of("application.too_many") and body["title"].startswith("You have filed many")
    assert 0 < int(response["Retry-After"]) <= 600


def test_an_unexpected_exception_is_a_500_problem_that_tells_nothing_of_it(monkeypatch):
    def broken(key: str, make: Callable[[], bytes]) -> bytes:
        raise RuntimeError("row of 288031400029: answers {'name': 'Fatima'}")

    monkeypatch.setattr(catalogue, "kept_answer", broken)
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="ar")
    response = client.get("/api/v1/agencies")
    assert_problem(response, 500, "server.error", "ar")
    text = response.content.decode()
    assert "Traceback" not in text and "RuntimeError" not in text
    assert "288031400029" not in text and "Fatima" not in text


# --- A database outage -----------------------------------------------------------------------------


@pytest.fixture
def outage(monkeypatch) -> Iterator[Callable[[Callable[[], Any]], Any]]:
    """`outage(call)` runs `call` while the database does not answer: a new connection goes to a
    closed loopback port (PostgreSQL) or to a file that cannot be opened (SQLite). It runs in a
    thread of its own, whose connection is a new one; the test's connection and transaction stay."""
    if connection.vendor == "sqlite":
        monkeypatch.setitem(connection.settings_dict, "NAME", "/nonexistent-sahl-outage/sahl.sqlite3")
    else:
        with socket.socket() as probe:  # a port nothing listens on: the connection is refused
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        monkeypatch.setitem(connection.settings_dict, "HOST", "127.0.0.1")
        monkeypatch.setitem(connection.settings_dict, "PORT", str(port))
    with ThreadPoolExecutor(max_workers=1) as pool:
        yield lambda call: pool.submit(call).result()


def test_a_database_outage_is_a_503_with_retry_after_on_the_api_pages_and_health(login, demo, outage):
    person = login(demo["father"], "ar")
    person.raise_request_exception = False
    anonymous = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
    api, page, own_page, own_api, health = outage(
        lambda: (
            anonymous.get("/api/v1/search", {"q": "passport"}),
            anonymous.get("/search", {"q": "passport"}),
            person.get("/applications"),
            person.get("/api/v1/applications"),
            anonymous.get("/health"),
        )
    )
    assert_problem(api, 503, "server.unavailable", "en")
    assert_problem(own_api, 503, "server.unavailable", "ar")
    for response in (api, own_api, page, own_page, health):
        assert response.status_code == 503 and response["Retry-After"] == str(OUTAGE_RETRY_AFTER)
    assert page["Content-Type"].startswith("text/html") and 'lang="en"' in page.content.decode()
    assert message("server.unavailable", "en") in page.content.decode()
    assert 'lang="ar"' in own_page.content.decode()
    assert message("server.unavailable", "ar") in own_page.content.decode()
    assert health.json()["database"] == "unreachable"
    # The database answers again: so does everything.
    assert anonymous.get("/api/v1/search", {"q": "passport"}).status_code == 200
