"""Catalogue pages are kept rendered for visitors who are not logged in: no query, each visitor's
own CSRF token, their language, and never a logged-in person's page or a stale catalogue."""

import re
import shutil

import pytest
import yaml
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sahl.catalogue import services
from sahl.catalogue.files import DEFINITIONS

pytestmark = pytest.mark.django_db
CATEGORY = "/categories/traffic"


def visitor(language: str = "ar") -> Client:
    client = Client(enforce_csrf_checks=True)
    client.cookies["sahl_language"] = language
    return client


def token_of(html: str) -> str:
    found = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found[0]


def test_a_kept_page_costs_no_query_and_reads_the_same(client):
    first = visitor().get(CATEGORY)
    with CaptureQueriesContext(connection) as queries:
        again = visitor().get(CATEGORY)
    assert len(queries) == 0
    strip = re.compile(r'value="[^"]+"')
    assert strip.sub("", again.content.decode()) == strip.sub("", first.content.decode())


def test_every_visitor_gets_a_token_of_their_own_that_works():
    first, second = visitor(), visitor()
    first.get("/")
    page = second.get("/")  # served kept
    token = token_of(page.content.decode())
    assert token != token_of(first.get("/").content.decode())
    assert "\x00" not in page.content.decode()
    answer = second.post("/language", {"language": "en", "next": "/", "csrfmiddlewaretoken": token})
    assert answer.status_code == 302 and second.cookies["sahl_language"].value == "en"


def test_each_language_has_its_own_page():
    visitor("ar").get("/agencies")
    english = visitor("en").get("/agencies").content.decode()
    arabic = visitor("ar").get("/agencies").content.decode()
    assert 'lang="en"' in english and "Ministry of Interior" in english
    assert 'lang="ar"' in arabic and "وزارة الداخلية" in arabic


def test_a_logged_in_person_never_gets_the_visitors_page(login, demo, demo_names):
    visitor("en").get("/services/moi.vehicle-registration-renewal")
    father = login(demo["father"], "en")
    page = father.get("/services/moi.vehicle-registration-renewal").content.decode()
    assert demo_names["father"] in page and "Log out" in page


def test_a_visitor_with_a_session_or_a_query_gets_a_fresh_page():
    visitor().get(CATEGORY)
    with_session = visitor()
    with_session.cookies["sessionid"] = "something"
    with CaptureQueriesContext(connection) as queries:
        with_session.get(CATEGORY)
    assert len(queries) > 0
    with CaptureQueriesContext(connection) as queries:
        visitor().get(CATEGORY + "?utm=1")
    assert len(queries) > 0


def test_a_catalogue_load_shows_at_once(tmp_path):
    renewal = "/services/moi.vehicle-registration-renewal"
    assert visitor("en").get(renewal).status_code == 200
    assert "Vehicle registration renewal" in visitor("en").get(CATEGORY).content.decode()
    tree = tmp_path / "definitions"
    shutil.copytree(DEFINITIONS, tree)
    (tree / "moi/vehicle-registration-renewal.yaml").unlink()
    path = tree / "moi/passport-renewal.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["fee"]["amount"] = "7.000"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    services.load_catalogue(tree)
    assert visitor("en").get(renewal).status_code == 404
    assert "Vehicle registration renewal" not in visitor("en").get(CATEGORY).content.decode()
    assert "7.000" in visitor("en").get("/services/moi.passport-renewal").content.decode()
