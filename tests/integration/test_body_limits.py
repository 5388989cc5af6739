"""Request bodies over their route's limit are refused with 413 before they are read: problem
details under /api/, the error page in the person's language elsewhere, Open311's own format there.
Routes that take files declare their limit; every other route takes 2 MB. A body sent without a
length (chunked) is refused at the limit, and under it reaches the view. The real server, with a
2 GB body, is in tests/e2e/test_large_bodies.py."""

from __future__ import annotations

import io
from urllib.parse import urlencode

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.utils.html import escape

from sahl.applications.rules import ANSWER_MAX_BODY, MAX_BODY
from sahl.complaints.media import PHOTO_MAX_BYTES
from sahl.complaints.media_uploads import MAX_REQUEST_BYTES
from sahl.core.messages import message
from sahl.core.problems import CONTENT_TYPE, type_of
from sahl.open311 import rules as open311_rules
from sahl.ui.body_limits import LINE, BodyLimitMiddleware, limit_for
from tests.conftest import DEMO_PASSWORD

MB = 1024 * 1024
DEFAULT = 2 * MB
MULTIPART = "multipart/form-data; boundary=zzz"


@pytest.mark.parametrize(
    ("method", "path", "limit"),
    [
        ("POST", "/accounts/login/", DEFAULT),
        ("POST", "/no/such/page", DEFAULT),
        ("PUT", "/api/v1/me/acting-as", DEFAULT),
        ("GET", "/api/v1/applications", DEFAULT),  # the list: the same path as filing, another method
        ("POST", "/services/moi.passport-renewal/apply", MAX_BODY),
        ("POST", "/applications/2026-0000001/respond", ANSWER_MAX_BODY),
        ("POST", "/api/v1/applications", MAX_BODY),
        ("POST", "/api/v1/applications/2026-0000001/response", ANSWER_MAX_BODY),
        ("POST", "/api/v1/agency/applications/2026-0000001/documents", 11 * MB),
        ("POST", "/complaints/new", MAX_REQUEST_BYTES),
        ("POST", "/backoffice/complaints/C-2026-000001", PHOTO_MAX_BYTES + MB),
        ("POST", "/open311/v2/requests.json", open311_rules.MAX_BODY),
    ],
)
def test_each_route_has_the_limit_it_needs(method, path, limit):
    assert limit_for(RequestFactory().generic(method, path))[0].max_bytes == limit


def test_the_upload_limits_are_the_documented_maxima():
    assert MAX_BODY == 101 * MB  # 10 documents of at most 10 MB, and the fields
    assert ANSWER_MAX_BODY == 11 * MB
    assert MAX_REQUEST_BYTES == 61 * MB  # 5 photos and a voice note of 10 MB each, and the fields
    assert open311_rules.MAX_BODY == 51 * MB


def declaring(length: int, **extra: str) -> dict[str, str]:
    """A request that declares `length` bytes and carries 1 KB: reading past it fails the test."""
    return {"CONTENT_LENGTH": str(length), **extra}


def test_the_login_page_refuses_a_body_over_2_mb_with_the_error_page_in_the_persons_language(db):
    for language, text in (("en", "The request is larger than the limit (2 MB)"), ("ar", 'lang="ar"')):
        client = Client()
        client.cookies["sahl_language"] = language
        response = client.post("/accounts/login/", b"x" * 1024, MULTIPART, **declaring(DEFAULT + 1))
        assert response.status_code == 413
        assert response["Content-Type"].startswith("text/html")
        assert text in response.content.decode()
        assert message("request.too_large", language, limit=2) in response.content.decode()
    at_the_limit = Client().post(
        "/accounts/login/", urlencode({"login": "x"}), "application/x-www-form-urlencoded"
    )
    assert at_the_limit.status_code == 200  # the form again, with its error


@pytest.mark.parametrize(
    ("path", "limit"),
    [("/api/v1/applications", 101), ("/api/v1/me/acting-as", 2), ("/api/v1/no-such-operation", 2)],
)
def test_the_api_refuses_a_body_over_the_routes_limit_with_a_413_problem(db, path, limit):
    anonymous = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = anonymous.post(path, b"x" * 1024, MULTIPART, **declaring(limit * MB + 1))
    assert response.status_code == 413 and response["Content-Type"] == CONTENT_TYPE
    body = response.json()
    assert body["type"] == type_of("request.too_large") and body["code"] == "request.too_large"
    assert body["status"] == 413 and body["title"] == message("request.too_large", "en", limit=limit)


def test_an_upload_over_2_mb_reaches_the_routes_that_take_files(login, demo):
    """The document itself is read and judged by the route (here: there is no such application)."""
    father = login(demo["father"], "en")
    document = io.BytesIO(b"%PDF-1.4 " + b"x" * (3 * MB))
    document.name = "answer.pdf"
    answered = father.post("/api/v1/applications/2026-9999999/response", {"document": document})
    assert answered.status_code == 404 and answered.json()["code"] == "application.not_found"
    document.seek(0)
    portal = father.post("/applications/2026-9999999/respond", {"document": document})
    assert portal.status_code == 404
    too_large = father.post(
        "/api/v1/applications/2026-9999999/response", b"x" * 1024, MULTIPART, **declaring(ANSWER_MAX_BODY + 1)
    )
    assert too_large.status_code == 413 and too_large.json()["title"].endswith(
        "(11 MB); nothing was changed."
    )


class Counted(io.BytesIO):
    """A body as a server hands it out; counts what was read of it."""

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.taken = getattr(self, "taken", 0) + len(data)
        return data


def chunked(client: Client, path: str, body: Counted, content_type: str, **extra: str) -> HttpResponse:
    """A POST without Content-Length, ended by the server (gunicorn says so: wsgi.input_terminated)."""
    return client.generic(  # no data: the test client adds no CONTENT_LENGTH
        "POST",
        path,
        CONTENT_TYPE=content_type,
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": body, "wsgi.input_terminated": True},
        **extra,
    )


def test_a_body_without_a_length_is_refused_at_the_limit_and_the_rest_is_not_read(db):
    body = Counted(b"x" * (20 * MB))
    response = chunked(Client(HTTP_ACCEPT_LANGUAGE="en"), "/api/v1/me/acting-as", body, "application/json")
    assert response.status_code == 413 and response.json()["code"] == "request.too_large"
    assert body.taken <= DEFAULT + 64 * 1024


def test_a_body_without_a_length_under_the_limit_reaches_the_view(login, demo):
    """Django alone takes such a body for an empty one: the person would not be logged in."""
    form = urlencode({"login": demo["expat"], "password": DEMO_PASSWORD}).encode()
    client = Client()
    response = chunked(client, "/accounts/login/", Counted(form), "application/x-www-form-urlencoded")
    assert response.status_code == 302 and "_auth_user_id" in client.session


def unended(client: Client, path: str, body: Counted, content_type: str) -> HttpResponse:
    """A POST without Content-Length that the server does not end (uWSGI's HTTP socket, runserver)."""
    return client.generic(
        "POST", path, CONTENT_TYPE=content_type, HTTP_TRANSFER_ENCODING="chunked", **{"wsgi.input": body}
    )


def test_a_body_without_a_length_the_server_does_not_end_is_left_unread_and_answered_411(db):
    """Read, it would block; left alone, Django would take it for none (a login form answered as
    if empty, an API call as if it sent nothing). It is refused, unread, in the person's language."""
    body = Counted(b"x" * (5 * MB))
    page = unended(Client(HTTP_ACCEPT_LANGUAGE="en"), "/accounts/login/", body, MULTIPART)
    assert getattr(body, "taken", 0) == 0
    assert page.status_code == 411
    assert escape(message("request.length_required", "en")) in page.content.decode()
    arabic = unended(Client(), "/accounts/login/", Counted(b"x"), MULTIPART).content.decode()
    assert escape(message("request.length_required", "ar")) in arabic and "Content-Length" in arabic

    api = unended(
        Client(HTTP_ACCEPT_LANGUAGE="en"), "/api/v1/me/acting-as", Counted(b"{}"), "application/json"
    )
    problem = api.json()
    assert api.status_code == 411 and api["Content-Type"] == "application/problem+json"
    assert problem["code"] == "request.length_required" and problem["type"] == type_of(
        "request.length_required"
    )
    assert problem["messages"]["ar"] == message("request.length_required", "ar")


def test_a_body_hands_out_a_line_without_newlines_64_kb_at_a_time():
    """Django reads what is left of a multipart body line by line; a body without newline bytes
    would otherwise be one line held whole."""
    seen: dict[str, int] = {}

    def view(request):  # type: ignore[no-untyped-def]
        seen["line"] = len(request.readline())
        seen["rest"] = len(request.read())
        return HttpResponse()

    request = RequestFactory().post("/accounts/login/", b"x" * MB, content_type=MULTIPART)
    BodyLimitMiddleware(view)(request)
    assert seen == {"line": LINE, "rest": MB - LINE}
