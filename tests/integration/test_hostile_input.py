"""Hostile text and numbers are a 400, never a 500 (issue 16, points 2 and 8), on every address.

Every URL pattern (walked from the resolver) and every API operation (read from the OpenAPI
document) is driven with what PostgreSQL or Python cannot take: NUL characters, lone surrogates
(%ED%A0%80 in an address, "\\ud800" in JSON), numbers wider than a 64-bit column and JSON nested
deeper than the parser's recursion, in path segments, query parameters, form fields, headers and
JSON bodies, anonymously and as a logged-in citizen. No answer is a 5xx; a refusal is a 400 in the
format of its address (problem details under /api/, Open311's under /open311/, the page elsewhere).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_from_bytes

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter
from django.urls.resolvers import RegexPattern, RoutePattern
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from sahl.api_urls import api
from sahl.core.bounds import DB_INT_MAX

pytestmark = pytest.mark.django_db

# --- What is hostile -----------------------------------------------------------------------------
# In an address, query string or urlencoded form: bytes, percent-encoded as they travel.
HOSTILE_BYTES = [
    b"\x00",
    b"a\x00b",
    b"\xed\xa0\x80",  # a lone surrogate, U+D800, as UTF-8 would write it (it is not UTF-8)
    b"x\xed\xb0\x80",  # a lone low surrogate
    b"\xff\xfe",  # no UTF-8 at all
    b"\xc0\x80",  # an overlong NUL
]
HUGE_NUMBERS = [
    str(DB_INT_MAX + 1),
    str(2**64),
    "9" * 30,
    "-" + str(DB_INT_MAX + 2),
    "1" * 5000,  # past Python's 4300 digits for int()
]
# In a JSON document: text Python holds but PostgreSQL or UTF-8 cannot.
HOSTILE_TEXT = ["\x00", "civil\x00id", "\ud800", "a\udfffb"]
HOSTILE_JSON_NUMBERS = [DB_INT_MAX + 1, 2**64, -(2**63) - 1, 10**30]
TOO_DEEP = "[" * 100_000 + "]" * 100_000  # far past the JSON parser's recursion
WHOLE_BODIES = [
    TOO_DEEP,
    '{"a":' * 50_000 + "1" + "}" * 50_000,
    '{"\\u0000": 1}',
    '"\\ud800"',
    "1" * 5000,
    "[1e999]",
    "NaN",
]
ORDINARY_HEADERS = {"Accept-Language": "en", "Idempotency-Key": "hostile-input-0001"}
FIELD_NAMES = [
    "q", "page", "offset", "limit", "next", "before", "after", "state", "service", "reason", "answer",
    "email", "phone", "subject", "description", "code", "login", "password", "idempotency_key",
    "civil_id", "subject", "note", "message", "lat", "long", "service_code", "api_key", "age", "data",
]  # fmt: skip

hostile_bytes = st.one_of(
    st.sampled_from(HOSTILE_BYTES),
    st.sampled_from(HUGE_NUMBERS).map(str.encode),
    st.builds(
        lambda before, bad, after: before.encode() + bad + after.encode(),
        st.text("abc019-", max_size=4),
        st.sampled_from(HOSTILE_BYTES),
        st.text("abc019-", max_size=4),
    ),
)
huge_or_hostile = st.one_of(st.sampled_from(HUGE_NUMBERS).map(str.encode), hostile_bytes)
# Multipart fields are text the test client encodes as UTF-8: NUL and huge numbers travel there.
hostile_form_text = st.one_of(
    st.sampled_from(["\x00", "a\x00", "2900\x001010017"]), st.sampled_from(HUGE_NUMBERS)
)
hostile_json_value = st.one_of(
    st.sampled_from(HOSTILE_TEXT),
    st.sampled_from(HOSTILE_JSON_NUMBERS),
    st.builds(lambda t: {"x": [t]}, st.sampled_from(HOSTILE_TEXT)),
    st.just(json.loads("[" * 40 + "]" * 40)),  # deeper than any document Sahl takes
)

# --- Every URL pattern ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    template: str  # with {name} where a converter or group takes a value
    numbers: frozenset[str]  # the names an int converter takes


def routes() -> list[Route]:
    found: list[Route] = []

    def walk(patterns: list[Any], prefix: str, numbers: frozenset[str]) -> Iterator[Route]:
        for entry in patterns:
            template, ints = _template(entry.pattern)
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, prefix + template, numbers | ints)
            elif isinstance(entry, URLPattern):
                yield Route(prefix + template, numbers | ints)

    for route in walk(get_resolver().url_patterns, "/", frozenset()):
        if route not in found:
            found.append(route)
    return found


def _template(pattern: Any) -> tuple[str, frozenset[str]]:
    if isinstance(pattern, RoutePattern):
        text = str(pattern)
        ints = frozenset(n for n, c in pattern.converters.items() if isinstance(c, IntConverter))
        return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", text), ints
    assert isinstance(pattern, RegexPattern)
    text = str(pattern.regex.pattern).removeprefix("^").removesuffix("$")
    # A group of alternatives takes its first one (a format: json); any other group a value.
    text = re.sub(r"\(\?P<\w+>(\w+)(?:\|\w+)*\)", r"\1", text)
    text = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", text)
    text = text.replace(".*", "x").replace("\\.", ".").replace("\\", "")
    return text, frozenset()


# --- Every API operation ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # /api/v1/things/{id}
    path_params: tuple[str, ...]
    numbers: frozenset[str]  # the path parameters that are integers
    query: tuple[str, ...]
    integer_query: frozenset[str]
    headers: tuple[str, ...]
    body_type: str  # "", "application/json", a form type
    fields: tuple[str, ...]


def operations() -> list[Operation]:
    document = api.get_openapi_schema()
    components = document.get("components", {})
    schemas, shared = components.get("schemas", {}), components.get("parameters", {})
    found = []
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            params = [
                shared[p["$ref"].rsplit("/", 1)[-1]] if "$ref" in p else p
                for p in operation.get("parameters", [])
            ]
            content = operation.get("requestBody", {}).get("content", {})
            body_type = next(iter(content), "")
            schema = content.get(body_type, {}).get("schema", {}) if body_type else {}
            schema = schemas.get(schema.get("$ref", "").rsplit("/", 1)[-1], schema)
            found.append(
                Operation(
                    method=method.upper(),
                    path=path,
                    path_params=tuple(p["name"] for p in params if p["in"] == "path"),
                    numbers=frozenset(
                        p["name"]
                        for p in params
                        if p["in"] == "path" and p["schema"].get("type") == "integer"
                    ),
                    query=tuple(p["name"] for p in params if p["in"] == "query"),
                    integer_query=frozenset(
                        p["name"] for p in params if p["in"] == "query" and _integer(p.get("schema", {}))
                    ),
                    headers=tuple(p["name"] for p in params if p["in"] == "header"),
                    body_type=body_type,
                    fields=tuple(schema.get("properties", {})),
                )
            )
    return found


def _integer(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "integer" or any(_integer(s) for s in schema.get("anyOf", []))


ROUTES = routes()
OPERATIONS = operations()


# --- The answers ---------------------------------------------------------------------------------


# Addresses for other systems that answer in their protocol's JSON (the gateway's callback, OpenID
# for Verifiable Credential Issuance and for Verifiable Presentations, OAuth's token and revocation
# endpoints, the simulated gateway's API), and the page script that registers a device for push.
MACHINE_ADDRESSES = (
    "/payments/callback",
    "/wallet/oid4vci/",
    "/wallet/login/",
    "/oauth/",
    "/sim/knet/api/",
    "/account/notifications/devices",
)


def wrong_answer(response: Any, path: str, sent_json: bool = False) -> str:
    """What is wrong with the answer to a hostile request, or ""."""
    if response.status_code >= 500:
        return f"answered {response.status_code}"
    if response.status_code != 400:
        return ""
    content_type = response.get("Content-Type", "")
    if path.startswith("/api/"):
        ok = content_type.startswith("application/problem+json") and response.json()["status"] == 400
    elif path.startswith("/open311/"):
        ok = content_type.startswith(("application/json", "text/xml", "application/xml"))
    elif path.startswith(MACHINE_ADDRESSES) or sent_json:  # allauth answers a JSON post in JSON
        ok = content_type.startswith(("application/json", "text/html"))
    else:
        ok = content_type.startswith("text/html")
    return "" if ok else f"refused as {content_type}"


class Visitor:
    """A client whose every request is undone: its own savepoint (a refused value may have failed
    PostgreSQL's transaction), and its cookies as they were (a hostile POST to the logout page)."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.client.raise_request_exception = False  # a 500 is counted, with the others
        self.cookies = {key: morsel.value for key, morsel in client.cookies.items()}
        self.wrong: list[str] = []

    def send(self, method: str, path: str, what: str, **kwargs: Any) -> None:
        point = transaction.savepoint()
        try:
            response = self.client.generic(method, path, **kwargs)
        finally:
            transaction.savepoint_rollback(point)
            for key, value in self.cookies.items():
                self.client.cookies[key] = value
        sent_json = kwargs.get("content_type") == "application/json"
        if wrong := wrong_answer(response, path.split("?", 1)[0], sent_json):
            self.wrong.append(f"{what} {path[:120]!r}: {wrong}")

    def assert_no_wrong_answer(self) -> None:
        wrong, self.wrong = self.wrong, []
        assert not wrong, "\n".join(wrong)


def _quoted(raw: bytes) -> str:
    return quote_from_bytes(raw, safe="")


def _query(draw: Any, names: list[str] | tuple[str, ...], numbers: frozenset[str] = frozenset()) -> str:
    pairs = [(name.encode(), draw(huge_or_hostile if name in numbers else hostile_bytes)) for name in names]
    if draw(st.booleans()):
        pairs.append((draw(hostile_bytes), b"1"))  # a hostile name
    return "&".join(f"{_quoted(k)}={_quoted(v)}" for k, v in pairs)


def _multipart(draw: Any, names: list[str] | tuple[str, ...]) -> bytes:
    data: dict[str, Any] = {name: draw(hostile_form_text) for name in names}
    if draw(st.booleans()):
        data["file"] = SimpleUploadedFile("photo\x00.png", b"\x89PNG\r\n", content_type="image/png")
    return encode_multipart(BOUNDARY, data)


def _json_body(draw: Any, names: list[str] | tuple[str, ...]) -> str:
    if draw(st.integers(0, 3)) == 0:
        return draw(st.sampled_from(WHOLE_BODIES))
    fields = {name: draw(hostile_json_value) for name in names or ("x",)}
    return json.dumps(fields)  # "\ud800" travels as its escape, as a client sends it


@pytest.fixture(params=["anonymous", "citizen"])
def visitor(request, login, demo) -> Visitor:
    return Visitor(Client() if request.param == "anonymous" else login(demo["father"], "en"))


@pytest.fixture
def real_values(demo) -> dict[str, list[str]]:
    """Values that find something, so that a hostile form or query reaches the view behind them."""
    from sahl.applications.models import Application
    from sahl.catalogue.models import Agency, Category, Service

    references = list(
        Application.objects.filter(applicant__civil_id=demo["father"]).values_list("reference", flat=True)[:3]
    )
    return {
        "code": [*Service.objects.values_list("code", flat=True)[:2], *Agency.objects.values_list("code", flat=True)[:1], *Category.objects.values_list("code", flat=True)[:1]],
        "reference": references or ["2026-0000001"],
        "agency": list(Agency.objects.values_list("code", flat=True)[:1]),
    }  # fmt: skip


def _fill(draw: Any, template: str, numbers: frozenset[str], real: dict[str, list[str]], clean: bool) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if clean or draw(st.integers(0, 3)) == 0:  # now and then a value that finds something
            choices = real.get(name) or (["1"] if name in numbers or name.endswith("id") else ["x"])
            return quote_from_bytes(draw(st.sampled_from(choices)).encode(), safe="")
        if name in numbers:
            return draw(st.sampled_from(HUGE_NUMBERS[:3]))
        return _quoted(draw(hostile_bytes))

    return re.sub(r"\{(\w+)\}", value, template)


# Bounded: every address and operation in every example (an address is read or posted to), a few
# examples (hypothesis varies which hostile value goes where and how), no deadline (a request is a request), no example database on disk, no
# shrinking (an example drives every address; its failure lists each wrong answer with its address).
HOSTILE = settings(
    max_examples=3,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@HOSTILE
@given(data=st.data())
def test_no_address_answers_hostile_text_or_numbers_with_a_server_error(visitor, real_values, data):
    draw = data.draw
    for route in ROUTES:
        if not draw(st.booleans()):
            # The address itself hostile, with a hostile query.
            path = _fill(draw, route.template, route.numbers, real_values, clean=False)
            query = _query(draw, draw(st.lists(st.sampled_from(FIELD_NAMES), min_size=1, max_size=3)))
            visitor.send("GET", f"{path}?{query}", f"GET {route.template}")
            continue
        # An address that finds something, with a hostile body: urlencoded, multipart or JSON.
        path = _fill(draw, route.template, route.numbers, real_values, clean=True)
        names = draw(st.lists(st.sampled_from(FIELD_NAMES), min_size=1, max_size=4))
        kind = draw(
            st.sampled_from(["application/x-www-form-urlencoded", MULTIPART_CONTENT, "application/json"])
        )
        if kind == MULTIPART_CONTENT:
            body = _multipart(draw, names)
        elif kind == "application/json":
            body = _json_body(draw, names).encode()
        else:
            body = _query(draw, names).encode()
        visitor.send("POST", path, f"POST {route.template} ({kind})", data=body, content_type=kind)
    visitor.assert_no_wrong_answer()


@settings(HOSTILE, max_examples=5)  # an operation is cheaper than a page
@given(data=st.data())
def test_no_api_operation_answers_hostile_parameters_or_bodies_with_a_server_error(
    visitor, real_values, data
):
    draw = data.draw
    for op in OPERATIONS:
        path = _fill(draw, op.path, op.numbers, real_values, clean=not draw(st.booleans()))
        query = _query(draw, op.query, op.integer_query) if op.query else ""
        url = f"{path}?{query}" if query else path
        # Now and then hostile headers (refused before the body is read), else ordinary ones.
        hostile_headers = draw(st.integers(0, 3)) == 0
        headers = {
            name: draw(st.sampled_from(["\x00", "key\x00"]))
            if hostile_headers
            else ORDINARY_HEADERS.get(name, "")
            for name in op.headers
        }
        kwargs: dict[str, Any] = {"headers": headers}
        if op.body_type == "application/json":
            kwargs |= {"data": _json_body(draw, op.fields), "content_type": "application/json"}
        elif op.body_type == "multipart/form-data":
            kwargs |= {"data": _multipart(draw, op.fields), "content_type": MULTIPART_CONTENT}
        elif op.body_type:
            kwargs |= {"data": _query(draw, op.fields).encode(), "content_type": op.body_type}
        visitor.send(op.method, url, f"{op.method} {op.path}", **kwargs)
    visitor.assert_no_wrong_answer()


# --- The classes behind the property: bounded numbers, the addresses of the issue, the last line ---


def _integers(schema: dict[str, Any], schemas: dict[str, Any], where: str) -> Iterator[tuple[str, dict]]:
    """Every integer a request schema takes, with where it is."""
    if "$ref" in schema:
        schema = schemas[schema["$ref"].rsplit("/", 1)[-1]]
    if schema.get("type") == "integer":
        yield where, schema
    for option in schema.get("anyOf", []) + schema.get("allOf", []):
        yield from _integers(option, schemas, where)
    for name, member in schema.get("properties", {}).items():
        yield from _integers(member, schemas, f"{where}.{name}")
    if isinstance(schema.get("items"), dict):
        yield from _integers(schema["items"], schemas, f"{where}[]")


def test_every_integer_the_api_takes_is_bounded_by_what_a_column_holds():
    """A new parameter or body field typed a bare `int` fails here: use core.bounds (Id, PageNumber,
    Offset) or a Field with ge/le."""
    document = api.get_openapi_schema()
    components = document.get("components", {})
    schemas, shared = components.get("schemas", {}), components.get("parameters", {})
    unbounded = []
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            for param in operation.get("parameters", []):
                param = shared[param["$ref"].rsplit("/", 1)[-1]] if "$ref" in param else param
                found = _integers(param.get("schema", {}), schemas, f"{param['in']} {param['name']}")
                unbounded += [f"{method.upper()} {path} {where}" for where, s in found if not _bounded(s)]
            for content in operation.get("requestBody", {}).get("content", {}).values():
                found = _integers(content.get("schema", {}), schemas, "body")
                unbounded += [f"{method.upper()} {path} {where}" for where, s in found if not _bounded(s)]
    assert not unbounded, unbounded


def _bounded(schema: dict[str, Any]) -> bool:
    low = schema.get("minimum", schema.get("exclusiveMinimum"))
    high = schema.get("maximum", schema.get("exclusiveMaximum"))
    return low is not None and high is not None and low >= -DB_INT_MAX - 1 and high <= DB_INT_MAX


@pytest.mark.parametrize(
    "address",
    [
        "/api/v1/services?offset=9223372036854775808",
        "/api/v1/inbox?page=" + "9" * 30,
        "/api/v1/inbox/" + "9" * 30,
        "/api/v1/services/%00",
        "/api/v1/services?agency=%ED%A0%80",
        "/api/v1/search?q=a%00",
        "/api/v1/agency/keys/%00",
        "/api/v1/applications?limit=" + "9" * 30,
    ],
)
def test_the_api_refuses_what_the_attack_found_with_problem_details(login, demo, address):
    for client in (Client(), login(demo["father"], "en")):
        response = client.get(address)
        assert response.status_code in (400, 401), (address, response.status_code)
        assert response["Content-Type"] == "application/problem+json"
        if response.status_code == 400:
            assert response.json()["type"] == "urn:sahl:problem:request.bad"


@pytest.mark.parametrize(
    "address",
    [
        "/services/%00",
        "/services/%ED%A0%80",
        "/verify/%00",
        "/complaints/%00",
        "/inbox?page=" + "9" * 30,
        "/inbox/" + "9" * 30,
        "/search?q=%00",
        "/vct/%00",
        "/accounts/login/?next=%00",
    ],
)
def test_pages_refuse_what_the_attack_found_with_the_error_page_in_the_persons_language(login, demo, address):
    english = login(demo["father"], "en")
    arabic = Client()
    arabic.cookies["sahl_language"] = "ar"
    for client, language in ((english, "en"), (arabic, "ar")):
        response = client.get(address)
        if response.status_code == 302:  # an anonymous visitor sent to log in first
            continue
        assert response.status_code == 400, (address, response.status_code)
        assert response["Content-Type"].startswith("text/html")
        assert f'<html lang="{language}"' in response.content.decode()


def test_a_form_field_holding_nul_is_refused_before_any_view_reads_it(login, demo):
    father = login(demo["father"], "en")
    urlencoded = father.post("/account/notifications", {"email": "a\x00@example.com"})
    assert urlencoded.status_code == 400
    multipart = father.post(
        "/complaints/new",
        {"description": "a pothole\x00", "photo": SimpleUploadedFile("p.png", b"x", "image/png")},
    )
    assert multipart.status_code == 400
    assert "The request is not valid." in multipart.content.decode()


def test_open311_refuses_hostile_text_in_its_own_format():
    response = Client().get("/open311/v2/requests/%00.json")
    assert response.status_code == 400
    assert response.json() == [{"code": 400, "description": "The request is not valid."}]
    response = Client().get("/open311/v2/requests.xml?service_request_id=%ED%A0%80")
    assert response.status_code == 400
    assert response["Content-Type"].startswith(("text/xml", "application/xml"))
    assert b"<code>400</code>" in response.content


def test_an_offset_the_database_refuses_is_a_400_not_a_500(monkeypatch):
    """The last line, for a list a future endpoint forgets to bound: PostgreSQL's "bigint out of
    range" and SQLite's "datatype mismatch" are both the refusal of a bad request."""
    from sahl.catalogue.models import Service

    def past_the_column(query: str, *_: object, **__: object) -> list[Service]:
        with transaction.atomic():
            return list(Service.objects.order_by("pk")[DB_INT_MAX + 1 : DB_INT_MAX + 2])

    monkeypatch.setattr("sahl.catalogue.services.search", past_the_column)
    api = Client().get("/api/v1/search", {"q": "passport"})
    assert api.status_code == 400 and api["Content-Type"] == "application/problem+json"
    page = Client().get("/search", {"q": "passport"})
    assert page.status_code == 400 and page["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("body", [TOO_DEEP, '{"a": "\\u0000"}', '{"a": "\\ud800"}', "[" + "1" * 5000 + "]"])
def test_json_other_systems_send_is_read_bounded_too(login, demo, body):
    """The gateway's callback, a wallet's credential request (and the JWTs inside), the simulated
    gateway and the form answers of the filing API parse their JSON as the API does."""
    raw = Client(raise_request_exception=False)
    for path, headers in (
        ("/payments/callback", {}),
        ("/wallet/oid4vci/credential", {"Authorization": "Bearer x"}),
        ("/sim/knet/api/payments", {}),
    ):
        response = raw.post(path, body, content_type="application/json", headers=headers)
        assert 400 <= response.status_code < 500, (path, response.status_code)
    from sahl.catalogue.models import Service

    father = login(demo["father"], "en")
    filed = father.post(
        "/api/v1/applications",
        {"service": Service.objects.values_list("code", flat=True)[0], "answers": body},
        headers={"Idempotency-Key": "hostile-answers-0001"},
    )
    assert filed.status_code == 400 and filed["Content-Type"] == "application/problem+json"


def test_a_json_web_token_nested_past_the_parser_is_malformed_not_a_crash():
    from sahl.wallet.jose import JoseError, b64url, parse

    token = f"{b64url(TOO_DEEP.encode())}.{b64url(b'{}')}.sig"
    with pytest.raises(JoseError):
        parse(token, "JWT")
