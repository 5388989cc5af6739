"""The portal as an installable app (ADR 0055): its manifest and service worker, a push shown as a
notification by the worker, and the person's applications readable offline, marked "as of" when
they were saved, in the page's language. On the shared server: it files one application of its own
for a person the other stories leave alone, and changes nothing else."""

from __future__ import annotations

import json
import re
import time

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import HttpClient, serious, until

pytestmark = [
    pytest.mark.service_workers,  # the worker is what these tests are about
    pytest.mark.told_on_sqlite,  # CI: SQLite; the browser does the work (installing the app, its service worker)
]

PERSON = "bride"  # no other story on the shared server logs her in
ACCIDENT = {
    "accident_date": "2026-01-15",
    "governorate": "KW-HA",
    "report_number": "HA-2026-0777",
    "plate_number": "3-77121",
    "purpose": "insurance",
}
READY = "navigator.serviceWorker.ready.then((r) => Boolean(r.active) && navigator.serviceWorker.controller !== null)"
SAVED = "caches.open('sahl-pages-v1').then((c) => c.match('{path}')).then(Boolean)"
AS_OF = {
    "ar": "أنت غير متصل بالإنترنت: تظهر هذه الصفحة كما كانت في",
    "en": "You are offline: this page is as it was on",
}


@pytest.fixture(scope="module")
def person(server: str) -> dict:
    client = HttpClient(server).log_in(PERSON)
    return {"reference": client.apply("moi.traffic-accident-certificate", ACCIDENT)}


def browse_as(context, server: str, language: str) -> None:
    """The person's own session in this browser (each test logs in afresh: one logs out)."""
    client = HttpClient(server).log_in(PERSON)
    cookies = [{"name": c.name, "value": c.value or "", "url": server} for c in client.jar]
    context.add_cookies([*cookies, {"name": "sahl_language", "value": language, "url": server}])


def installed(page, path: str) -> None:  # type: ignore[no-untyped-def]
    """Open `path` until the portal's worker controls it and has saved it."""
    page.goto(path)
    until(page, READY)
    page.reload()  # now through the worker, which saves the person's page
    until(page, SAVED.format(path=path))


def test_the_manifest_and_the_worker_are_served_and_the_worker_installs(page, server):
    page.goto("/")
    manifest_link = page.locator("link[rel=manifest]").get_attribute("href")
    manifest = page.request.get(manifest_link)
    assert manifest.headers["content-type"] == "application/manifest+json"
    app = manifest.json()
    assert (app["lang"], app["dir"], app["name"], app["start_url"], app["display"]) == (
        "ar",
        "rtl",
        "سهل للخدمات الحكومية",
        "/",
        "standalone",
    )
    assert {icon["sizes"] for icon in app["icons"]} == {"192x192", "512x512"}
    assert any(icon["purpose"] == "maskable" for icon in app["icons"])
    for icon in app["icons"]:
        assert page.request.get(icon["src"]).headers["content-type"] == "image/png"
    worker = page.request.get("/sw.js")
    assert worker.headers["content-type"].startswith("text/javascript")
    assert worker.headers["cache-control"] == "no-cache"
    until(page, READY)
    scope = page.evaluate("navigator.serviceWorker.ready.then((r) => r.scope)")
    assert scope == f"{server}/"


def test_a_push_is_shown_as_a_notification_in_the_messages_language(browser, server, person):
    context = browser.new_context(base_url=server, locale="ar-KW")
    try:
        context.grant_permissions(["notifications"], origin=server)
        browse_as(context, server, "ar")
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        registrations: list[dict] = []
        cdp.on(
            "ServiceWorker.workerRegistrationUpdated",
            lambda event: registrations.extend(event["registrations"]),
        )
        cdp.send("ServiceWorker.enable")
        page.goto("/account/notifications")
        until(page, READY)
        deadline = time.monotonic() + 10
        while not any(r["scopeURL"] == f"{server}/" for r in registrations) and time.monotonic() < deadline:
            page.wait_for_timeout(100)
        registration = next(r for r in registrations if r["scopeURL"] == f"{server}/")
        pushed = {
            "title": "طلبت الجهة معلومات إضافية",
            "url": f"/applications/{person['reference']}",
            "lang": "ar",
            "tag": "message-1",
        }
        cdp.send(
            "ServiceWorker.deliverPushMessage",
            {"origin": server, "registrationId": registration["registrationId"], "data": json.dumps(pushed)},
        )
        shown = "navigator.serviceWorker.ready.then((r) => r.getNotifications()).then((n) => n.length > 0)"
        until(page, shown, seconds=10)
        [notification] = page.evaluate(
            "navigator.serviceWorker.ready.then((r) => r.getNotifications())"
            ".then((n) => n.map((x) => ({title: x.title, body: x.body, dir: x.dir, lang: x.lang, tag: x.tag, data: x.data})))"
        )
        assert notification == {
            "title": "سهل",
            "body": pushed["title"],
            "dir": "rtl",
            "lang": "ar",
            "tag": "message-1",
            "data": {"url": pushed["url"]},
        }
        # The settings page offers to turn notifications on here, accessibly, in both languages
        expect(page.locator("#push-on")).to_be_visible()
        assert serious(page) == []
        context.add_cookies([{"name": "sahl_language", "value": "en", "url": server}])
        page.reload()
        expect(page.locator("#push-on")).to_have_text("Turn on notifications on this device")
        assert serious(page) == []
    finally:
        context.close()


@pytest.mark.parametrize("language", ["ar", "en"])
def test_offline_the_installed_portal_shows_the_persons_applications_as_of_when_saved(
    browser, server, person, language
):
    context = browser.new_context(base_url=server, locale="ar-KW")
    try:
        browse_as(context, server, language)
        page = context.new_page()
        installed(page, "/applications")

        context.set_offline(True)
        served = page.goto("/applications")
        assert "script-src 'self'" in served.headers["content-security-policy"]  # the page's own policy
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.get_by_role("link", name=person["reference"])).to_be_visible()
        banner = page.locator("#saved-copy")
        expect(banner).to_be_visible()
        expect(banner).to_contain_text(AS_OF[language])
        assert re.search(r"\d{1,2}:\d{2}", banner.inner_text())  # the time it was saved

        # A page never saved: the offline page, in the language of the person's pages
        page.goto("/agencies")
        expect(page.locator("h1")).to_have_text(
            "أنت غير متصل بالإنترنت" if language == "ar" else "You are offline"
        )
        expect(page.locator("html")).to_have_attribute("lang", language)

        # Logging out (online again) forgets the saved pages on this browser
        context.set_offline(False)
        page.goto("/")
        page.locator("form[action='/accounts/logout/'] button").click()
        page.wait_for_url(re.compile(r"/$"))
        until(page, "caches.has('sahl-pages-v1').then((kept) => !kept)", seconds=10)
    finally:
        context.close()
