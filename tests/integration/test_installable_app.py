"""The portal as an installable app (ADR 0055), as the server serves it: the manifest in the page's
language, the service worker at the root keeping only the person's own pages, the offline page in
both languages, and a logout that tells the browser to forget what Sahl kept in it."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_manifest_is_arabic_and_right_to_left_unless_english_is_chosen():
    arabic = Client().get("/manifest.webmanifest")
    assert arabic["Content-Type"] == "application/manifest+json"
    app = json.loads(arabic.content)
    assert (app["lang"], app["dir"], app["short_name"], app["scope"]) == ("ar", "rtl", "سهل", "/")
    assert [icon["purpose"] for icon in app["icons"]] == ["any", "any", "maskable"]
    english = Client()
    english.cookies["sahl_language"] = "en"
    app = json.loads(english.get("/manifest.webmanifest").content)
    assert (app["lang"], app["dir"], app["name"]) == ("en", "ltr", "Sahl government services")


def test_every_page_links_the_manifest_and_the_worker():
    page = Client().get("/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert 'data-worker="/sw.js"' in page and 'data-viewer=""' in page
    assert re.search(r'<script src="/static/ui/app(\.[0-9a-f]+)?\.js" defer>', page)


def test_the_worker_is_served_from_the_root_and_keeps_only_the_persons_own_pages():
    worker = Client().get("/sw.js")
    assert worker["Content-Type"].startswith("text/javascript") and worker["Cache-Control"] == "no-cache"
    text = worker.content.decode()
    kept = json.loads(re.search(r"const PAGES = (\[.*\]);", text).group(1))
    assert kept == ["/", "/applications", "/inbox"]  # never the back office, the API or another page
    assert 'if (request.method !== "GET") return;' in text  # never a POST
    assert "Content-Security-Policy" in worker.headers


def test_the_offline_page_is_kept_in_both_languages_and_names_no_one(login, demo):
    for language, title in (("ar", "أنت غير متصل بالإنترنت"), ("en", "You are offline")):
        page = Client().get(f"/offline?lang={language}")
        assert page["Content-Language"] == language
        assert f'<html lang="{language}"' in page.content.decode() and title in page.content.decode()


def test_a_logged_in_page_tells_the_worker_who_it_is_for_by_a_mark_that_names_no_one(login, demo):
    marks = {}
    for key in ("father", "mother"):
        page = login(demo[key]).get("/applications").content.decode()
        marks[key] = re.search(r'data-viewer="([0-9a-f]*)"', page).group(1)
        assert marks[key] and demo[key] not in marks[key]
    assert marks["father"] != marks["mother"]


def test_logging_out_clears_the_sites_data_on_the_browser(login, demo):
    client = login(demo["father"])
    assert "Clear-Site-Data" not in client.get("/").headers
    answer = client.post("/accounts/logout/")
    assert answer.status_code == 302 and answer["Clear-Site-Data"] == '"cache", "storage"'
    assert "Clear-Site-Data" not in Client().post("/accounts/logout/").headers  # nobody was logged in
