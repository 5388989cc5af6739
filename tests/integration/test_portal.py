"""The public portal in both languages, as a person would use it."""

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def english() -> Client:
    """A second visitor, who chose English."""
    client = Client()
    client.cookies["sahl_language"] = "en"
    return client


def test_the_home_page_is_arabic_right_to_left_by_default(client):
    html = client.get("/").content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "الخدمات الشائعة" in html


def test_the_home_page_in_english_is_left_to_right(english):
    html = english.get("/").content.decode()
    assert '<html lang="en" dir="ltr">' in html
    assert "Popular services" in html


def test_the_statistics_strip_counts_from_the_database(english):
    html = english.get("/").content.decode()
    from sahl.catalogue.models import Service
    from sahl.identity.models import User

    services = Service.objects.filter(is_active=True).count()
    assert re.search(rf"<strong>{services}</strong>\s*services", html)
    assert re.search(rf"<strong>{User.objects.count()}</strong>\s*users", html)


def test_the_language_switch_keeps_the_page(client):
    response = client.post("/language", {"language": "en", "next": "/agencies"})
    assert response.status_code == 302 and response["Location"] == "/agencies"
    assert '<html lang="en"' in client.get("/agencies").content.decode()


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("اصدار جواز", "moi.passport-issuance"),  # written إصدار
        ("تجديد جواز السفر", "moi.passport-renewal"),
        ("البطاقه المدنيه", "paci.civil-id-renewal"),  # written البطاقة المدنية
        ("شهاده ميلاد", "moh.birth-certificate"),
        ("passport renewal", "moi.passport-renewal"),
        ("Civil ID", "paci.civil-id-renewal"),
    ],
)
def test_search_forgives_spelling_and_works_in_both_languages(client, typed, found):
    html = client.get("/search", {"q": typed}).content.decode()
    assert f"/services/{found}" in html


def test_search_finds_by_colloquial_keyword(client):
    assert (
        "/services/moi.vehicle-registration-renewal"
        in client.get("/search", {"q": "الدفتر"}).content.decode()
    )


def test_an_overlong_search_gets_a_clear_error_in_the_persons_language(client, english):
    response = client.get("/search", {"q": "ج" * 10_000})
    assert response.status_code == 400
    assert "نص البحث طويل جداً" in response.content.decode()
    response = english.get("/search", {"q": "a" * 10_000})
    assert response.status_code == 400
    assert "The search text is too long" in response.content.decode()


def test_a_search_that_finds_nothing_says_so(english):
    html = english.get("/search", {"q": "zzzqqq"}).content.decode()
    assert "0 services found" in html


def test_the_service_page_shows_what_a_person_needs(english):
    html = english.get("/services/moi.vehicle-registration-renewal").content.decode()
    assert "Vehicle registration renewal" in html
    assert "KWD 10.000" in html
    assert "Immediately" in html
    assert "Log in to apply" in html


def test_the_service_page_in_arabic_shows_the_fee_in_dinars(client):
    html = client.get("/services/moi.vehicle-registration-renewal").content.decode()
    assert "10.000 د.ك" in html
    assert "تجديد ترخيص المركبة" in html


def test_an_unknown_service_answers_404_in_both_languages(client, english):
    response = client.get("/services/moi.teleportation")
    assert response.status_code == 404
    assert "لم نجد هذه الخدمة" in response.content.decode()
    assert "We could not find this service" in english.get("/services/nope").content.decode()


def test_agencies_and_categories_list_their_services(english):
    html = english.get("/agencies").content.decode()
    assert "Ministry of Interior" in html
    html = english.get("/agencies/paci").content.decode()
    assert "/services/paci.civil-id-renewal" in html
    html = english.get("/categories/traffic").content.decode()
    assert "/services/moi.vehicle-registration-renewal" in html
    assert english.get("/agencies/nasa").status_code == 404


def test_pages_carry_strict_security_headers(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Request-ID"]


def test_pages_make_no_request_to_another_host(client):
    for path in ("/", "/services/moi.passport-renewal", "/accounts/login/", "/api/v1/docs"):
        html = client.get(path).content.decode()
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), path


@pytest.mark.parametrize(
    ("path", "queries"),
    [
        ("/", 6),
        ("/agencies", 1),
        ("/categories/traffic", 2),
        ("/services/moi.passport-renewal", 1),
        # The services' index and their cards, and the published journeys, read once and kept for
        # the catalogue's generation (ADRs 0051, 0063; warm: none).
        ("/search?q=passport", 3),
    ],
)
def test_each_page_runs_a_fixed_number_of_queries(client, django_assert_num_queries, path, queries):
    with django_assert_num_queries(queries):
        assert client.get(path).status_code == 200


def test_every_service_page_opens_in_both_languages(client, english):
    from sahl.catalogue.models import Service

    codes = list(Service.objects.filter(is_active=True).values_list("code", flat=True))
    assert len(codes) >= 254
    for code in codes:
        assert client.get(f"/services/{code}").status_code == 200, code
        assert english.get(f"/api/v1/services/{code}").status_code == 200, code


def test_a_search_shows_ten_services_at_a_time_best_first(english):
    from sahl.catalogue import services

    everything = [s.code for s in services.search("renewal").services]
    assert len(everything) > 10  # the catalogue has dozens of renewals
    first = english.get("/search", {"q": "renewal"}).content.decode()
    shown = re.findall(r'<li class="card">\s*<a href="/services/([^"]+)"', first)
    assert shown == everything[:10]
    assert f"{len(everything)} services found" in first
    assert 'rel="next" href="?q=renewal&amp;page=2"' in first and 'rel="prev"' not in first
    last_page = -(-len(everything) // 10)
    last = english.get("/search", {"q": "renewal", "page": last_page}).content.decode()
    assert (
        re.findall(r'<li class="card">\s*<a href="/services/([^"]+)"', last)
        == everything[(last_page - 1) * 10 :]
    )
    assert 'rel="prev"' in last and 'rel="next"' not in last


@pytest.mark.parametrize("page", ["0", "-1", "abc", "٢", "999", "9" * 40])
def test_a_search_page_that_does_not_exist_is_a_clear_error(client, english, page):
    response = client.get("/search", {"q": "تجديد", "page": page})
    assert response.status_code == 400
    assert "رقم الصفحة غير صحيح" in response.content.decode()
    response = english.get("/search", {"q": "renewal", "page": page})
    assert response.status_code == 400 and "The page number is not valid." in response.content.decode()
