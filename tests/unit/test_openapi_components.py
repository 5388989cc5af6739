"""One component name, one schema: ninja keeps the last of two schemas that share a name and
documents every use of the other with its shape; Sahl's document refuses to be built instead, and
says which name. Its errors are problem details, typed as such."""

from __future__ import annotations

import pytest
from ninja import Router, Schema

from sahl.core.api_schemas import Problem, errors
from sahl.core.openapi import ComponentClash, SahlAPI


def _api(*routers: Router) -> SahlAPI:
    api = SahlAPI(urls_namespace="components-test")
    for router in routers:
        api.add_router("/", router)
    return api


def _catalogue_router() -> Router:
    class DocumentOut(Schema):
        code: str
        required: bool

    router = Router()

    @router.get("/services/{code}/documents", response=list[DocumentOut], summary="documents to attach")
    def needed(request, code: str) -> list[DocumentOut]:  # pragma: no cover (never called)
        return []

    return router


def _applications_router() -> Router:
    class DocumentOut(Schema):
        id: int
        download: str

    router = Router()

    @router.get("/applications/{reference}/documents", response=list[DocumentOut], summary="issued")
    def issued(request, reference: str) -> list[DocumentOut]:  # pragma: no cover (never called)
        return []

    return router


def test_two_different_schemas_under_one_name_stop_the_document():
    api = _api(_catalogue_router(), _applications_router())
    with pytest.raises(ComponentClash) as refused:
        api.get_openapi_schema(path_prefix="")
    assert refused.value.name == "DocumentOut"


def test_the_same_schema_used_twice_is_one_component():
    document = _api(_catalogue_router()).get_openapi_schema(path_prefix="")
    assert "DocumentOut" in document["components"]["schemas"]


def test_a_declared_error_is_a_problem_of_its_own_media_type_and_every_operation_can_fail():
    class Thing(Schema):
        name: str

    router = Router()

    @router.get("/things/{code}", response={200: Thing} | errors(404), summary="a thing")
    def thing(request, code: str) -> Thing:  # pragma: no cover (never called)
        return Thing(name=code)

    operation = _api(router).get_openapi_schema(path_prefix="")["paths"]["/things/{code}"]["get"]
    problem = {"application/problem+json": {"schema": {"$ref": f"#/components/schemas/{Problem.__name__}"}}}
    assert operation["responses"][404]["content"] == problem
    assert {400, 404, 500, 503} <= set(operation["responses"])  # input, its lookup, Sahl's own failures
    assert all(operation["responses"][status]["content"] == problem for status in (400, 500, 503))
    assert {"$ref": "#/components/parameters/AcceptLanguage"} in operation["parameters"]
