"""The OpenAPI document clients read: committed as docs/openapi.json (`make openapi` writes it), the
same as the one served, a valid OpenAPI 3.1 document, and complete: every operation described,
every parameter described, the errors and the headers each one meets declared."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db
COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"
PROBLEM = "application/problem+json"
# Every write that files or reports something once per Idempotency-Key.
IDEMPOTENT = {
    ("post", "/api/v1/applications"),
    ("post", "/api/v1/agency/applications/{reference}/status"),
    ("post", "/api/v1/agency/applications/{reference}/information-requests"),
    ("post", "/api/v1/agency/applications/{reference}/decision"),
    ("post", "/api/v1/agency/applications/{reference}/documents"),
    ("post", "/api/v1/agency/registers/vehicles/{plate}"),
    ("post", "/api/v1/agency/registers/births"),
    ("post", "/api/v1/agency/registers/marriages"),
    ("post", "/api/v1/companies/{number}/renewals"),
    ("post", "/api/v1/agency/registers/companies/{number}/licence-cancellation"),
}


@pytest.fixture(scope="module")
def served() -> dict:
    from django.test import Client

    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(document: dict) -> list[tuple[str, str, dict]]:
    return [
        (method, path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
    ]


def parameters(document: dict, operation: dict) -> list[dict]:
    """The operation's parameters, references resolved."""
    shared = document["components"]["parameters"]
    return [
        shared[p["$ref"].rsplit("/", 1)[1]] if "$ref" in p else p for p in operation.get("parameters", [])
    ]


def test_the_committed_document_is_the_served_one(served):
    committed = json.loads(COMMITTED.read_text())
    assert committed == served, (
        "docs/openapi.json is not what the API serves: run `make openapi` and commit it"
    )


def test_the_committed_document_is_written_in_a_stable_order():
    text = COMMITTED.read_text()
    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False), (
        "docs/openapi.json is not pretty-printed with sorted keys: run `make openapi`"
    )


def test_it_is_a_valid_openapi_3_1_document(served):
    assert served["openapi"].startswith("3.1")
    validate(served)


def test_every_operation_and_parameter_is_described(served):
    for method, path, operation in operations(served):
        assert operation.get("summary") and operation.get("description"), f"{method} {path}: describe it"
        for parameter in parameters(served, operation):
            assert parameter.get("description"), f"{method} {path}: describe parameter {parameter['name']}"


def test_every_error_is_a_declared_problem(served):
    for method, path, operation in operations(served):
        responses = {int(status): response for status, response in operation["responses"].items()}
        assert {500, 503} <= set(responses), f"{method} {path}: Sahl's own failures are not declared"
        assert any(400 <= s < 500 for s in responses), f"{method} {path}: no client error declared"
        for status, response in responses.items():
            if status >= 400:
                assert list(response["content"]) == [PROBLEM], (
                    f"{method} {path} {status}: not problem details"
                )
                schema = response["content"][PROBLEM]["schema"]["$ref"].rsplit("/", 1)[1]
                required = set(served["components"]["schemas"][schema]["required"])
                assert {"type", "title", "status", "code", "messages"} <= required, f"{schema} is no problem"
            if status in (429, 503):
                assert "Retry-After" in response["headers"], f"{method} {path} {status}: Retry-After"


def test_the_headers_operations_read_are_declared(served):
    for method, path, operation in operations(served):
        names = {p["name"]: p for p in parameters(served, operation) if p["in"] == "header"}
        assert "Accept-Language" in names, f"{method} {path}"
        key = names.get("Idempotency-Key")
        if (method, path) in IDEMPOTENT:
            assert key is not None and key["required"], f"{method} {path}: Idempotency-Key"
        else:
            assert key is None, f"{method} {path} declares an Idempotency-Key it does not read"
        session = {"SessionAuth": []} in operation.get("security", [])
        if session and method in ("post", "put", "patch", "delete"):
            assert "X-CSRFToken" in names, f"{method} {path}: the CSRF header of a session's write"
    schemes = served["components"]["securitySchemes"]
    assert schemes["AgencyToken"] == schemes["AgencyToken"] | {"type": "http", "scheme": "bearer"}
    assert schemes["AgencyClient"] == schemes["AgencyClient"] | {"type": "http", "scheme": "basic"}
    assert schemes["SessionAuth"]["in"] == "cookie"
    assert all(scheme.get("description") for scheme in schemes.values())
