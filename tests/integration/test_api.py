"""The public catalogue API, kept as a contract."""

import pytest

pytestmark = pytest.mark.django_db


def test_agencies_come_with_both_languages_and_counts(client):
    agencies = client.get("/api/v1/agencies").json()
    assert len(agencies) >= 25
    moi = next(a for a in agencies if a["code"] == "moi")
    assert moi["name"] == {"ar": "وزارة الداخلية", "en": "Ministry of Interior"}
    assert moi["services"] > 10


def test_services_are_listed_a_page_at_a_time_and_filtered(client):
    page = client.get("/api/v1/services", {"limit": 10}).json()
    assert page["count"] >= 254 and len(page["items"]) == 10
    paci = client.get("/api/v1/services", {"agency": "paci", "limit": 200}).json()
    assert paci["items"] and {s["agency"] for s in paci["items"]} == {"paci"}
    business = client.get("/api/v1/services", {"audience": "business", "limit": 200}).json()
    assert all("business" in s["audience"] for s in business["items"])


def test_one_service_carries_its_form_schema_rules_and_version(client):
    service = client.get("/api/v1/services/moi.vehicle-registration-renewal").json()
    assert service["fee"] == {"amount": "10.000", "currency": "KWD"}
    assert service["form"]["properties"]["plate_number"]["x-prefill"] == "applicant.vehicles"
    assert service["eligibility"][0]["reason"]["ar"]
    assert service["version"] >= 1
    # The renewed registration is valid as long as the register says (its effect certifies it).
    assert service["outputs"] == [{"document": "vehicle_registration", "valid_for": None}]


def test_search_in_arabic_and_english(client):
    arabic = client.get("/api/v1/search", {"q": "اصدار جواز"}).json()
    assert any(
        s["code"] == "moi.passport-renewal" for s in client.get("/api/v1/search", {"q": "جواز"}).json()
    )
    assert isinstance(arabic, list)
    assert any(
        s["code"] == "moi.vehicle-registration-renewal"
        for s in client.get("/api/v1/search", {"q": "dafter"}).json()
    )


def test_an_unknown_service_is_a_404_problem_in_both_languages(client):
    response = client.get("/api/v1/services/moi.teleportation", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 404 and problem["code"] == "service.not_found"
    assert problem["title"].startswith("We could not find this service")
    assert problem["messages"]["ar"].startswith("لم نجد هذه الخدمة")


def test_an_overlong_search_is_a_400_problem(client):
    response = client.get("/api/v1/search", {"q": "x" * 10_000})
    assert response.status_code == 400
    assert response.json()["code"] == "search.too_long"
    assert "200" in response.json()["messages"]["en"]


def test_bad_parameters_are_a_400_problem_naming_the_parameter(client):
    response = client.get("/api/v1/services", {"limit": "many"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["location"] == ["query", "limit"]


def test_the_openapi_document_and_its_docs_page(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    for path in ("/api/v1/agencies", "/api/v1/services", "/api/v1/services/{code}", "/api/v1/search"):
        assert path in spec["paths"]
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200 and b"swagger-ui" in docs.content
