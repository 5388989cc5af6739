"""Issue 19's stories in a real browser on a 360-pixel phone: the newborn journey in Arabic, started
by the Ministry of Health's system through the agency API and followed by both parents; the married
journey in English, with a step that does not apply and its reason. Every page fits the screen and
axe-core finds nothing serious."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
import time
import urllib.request
import uuid
from base64 import b64encode

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ROOT, SERVED
from tests.e2e.helpers import HttpClient, civil_id, log_in, serious, tiny_png

OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
NEWBORN_AR = "رحلة المولود الجديد"


@pytest.fixture(scope="module")
def server(own_server: str) -> str:
    """A server of its own (with its task worker): the parents' inboxes and applications are counted."""
    return own_server


def clean(page) -> None:  # type: ignore[no-untyped-def]
    overflow = page.evaluate(OVERFLOW)
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow} px on a 360 px phone"
    assert serious(page) == [], page.url


def phone_in(browser, server: str, language: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=server, viewport={"width": 360, "height": 740}, is_mobile=True)
    context.add_cookies([{"name": "sahl_language", "value": language, "url": server}])
    return context.new_page()


def agency_call(server: str, agency: str, path: str, body: dict) -> dict:
    """What the agency's own system does: a credential (issued by Sahl's operators), a token by
    client credentials, then a write with its Idempotency-Key."""
    issued = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "agency_credentials", "--agency", agency, "--new"],
        env=SERVED[server],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    found = dict(line.split("=", 1) for line in issued.split() if "=" in line)
    basic = b64encode(f"{found['client_id']}:{found['client_secret']}".encode()).decode()
    token_request = urllib.request.Request(  # noqa: S310 (the test's own server)
        f"{server}/api/v1/agency/token",
        data=b"grant_type=client_credentials",
        headers={"Authorization": f"Basic {basic}", "Content-Type": "application/x-www-form-urlencoded"},
    )
    with urllib.request.urlopen(token_request, timeout=30) as answer:  # noqa: S310
        token = json.loads(answer.read())["access_token"]
    write = urllib.request.Request(  # noqa: S310
        f"{server}/api/v1/agency{path}",
        data=json.dumps(body).encode(),
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Idempotency-Key": str(uuid.uuid4()),
        },
    )
    with urllib.request.urlopen(write, timeout=30) as answer:  # noqa: S310
        assert answer.status == 201
        return dict(json.loads(answer.read()))


def journey_messages(client: HttpClient, name: str) -> list[str]:
    """The inbox's messages about a journey, by their subjects."""
    inbox = client.get("/inbox").text
    return [s for s in re.findall(r'href="/inbox/\d+"[^>]*>(.*?)</a>', inbox, re.S) if name in s]


def wait_for(check, seconds: float = 30):  # type: ignore[no-untyped-def]
    """The task worker runs what the events queued; wait until it has."""
    deadline = time.monotonic() + seconds
    while True:
        found = check()
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.3)


def test_the_newborn_journey_in_arabic_on_a_phone(browser, server):
    # 1. The hospital's birth notification reaches Sahl through the Ministry of Health's system.
    born = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    recorded = agency_call(
        server,
        "moh",
        "/registers/births",
        {
            "notification_number": "B-E2E-0001",
            "hospital": "maternity",
            "mother_civil_id": civil_id("mother"),
            "father_civil_id": civil_id("father"),
            "name_ar": "لولوة أحمد المطيري",
            "name_en": "Lulwa Ahmad Al-Mutairi",
            "sex": "F",
            "birth_date": born,
        },
    )
    assert recorded["nationality"] == "KW"

    # 2. Both parents get one message about it.
    father_http, mother_http = HttpClient(server).log_in("father"), HttpClient(server).log_in("mother")
    assert wait_for(lambda: journey_messages(father_http, NEWBORN_AR)), "no message to the father"
    assert wait_for(lambda: journey_messages(mother_http, NEWBORN_AR)), "no message to the mother"
    assert len(journey_messages(father_http, NEWBORN_AR)) == 1
    assert len(journey_messages(mother_http, NEWBORN_AR)) == 1

    # 3. The father opens the journey from his message: the birth certificate is issued already.
    father = phone_in(browser, server, "ar")
    log_in(father, "father", "/inbox")
    father.get_by_role("link", name=re.compile(NEWBORN_AR)).first.click()
    father.wait_for_url(re.compile(r"/inbox/.+"))  # the message itself, loaded, before it is measured
    clean(father)
    father.get_by_role("link", name="افتح الرحلة").click()
    father.wait_for_url(re.compile(r"/my-journeys/J-[A-Z0-9]{10}$"))
    expect(father.locator("html")).to_have_attribute("lang", "ar")
    expect(father.locator("h1")).to_have_text(NEWBORN_AR)
    expect(father.locator("#step-birth_certificate .state")).to_contain_text("أُنجزت")
    clean(father)
    father.goto("/wallet/")
    expect(father.locator("main")).to_contain_text("شهادة الميلاد")
    father.go_back()

    # 4. He confirms the child allowance with one tap, on a summary of what is sent.
    offer = father.locator("#step-child_allowance")
    expect(offer).to_contain_text("لولوة أحمد المطيري")
    offer.get_by_role("button").click()
    expect(father.locator("#step-child_allowance .state")).to_contain_text(re.compile("أُنجزت|قيد الإنجاز"))

    # 5. He applies for the passport: the form is filled in with the child already.
    father.locator("#step-passport").get_by_role("link").click()
    expect(father.locator("select[name=for_whom]")).to_have_value("child")
    expect(father.locator("select[name=child_civil_id]")).to_have_value(recorded["child_civil_id"])
    clean(father)
    for document in ("nationality_certificate", "personal_photo"):
        father.locator(f"input[name={document}]").set_input_files(
            files=[{"name": "photo.png", "mimeType": "image/png", "buffer": tiny_png()}]
        )
    father.locator("button[name=submit]").click()
    expect(father).to_have_url(re.compile(r"/applications/\d{4}-\d+$"))

    # 6. The journey's page shows each step's state and the progress (the worker follows the
    # application within moments of its submission).
    link = _journey_link(father_http)
    assert wait_for(lambda: "قيد الإنجاز" in _step_state(father_http, link, "passport"))
    father.goto(link)
    expect(father.locator("#step-passport .state")).to_contain_text("قيد الإنجاز")
    expect(father.locator("#step-residency .state")).to_contain_text("لا تنطبق")
    expect(father.locator("#step-residency .reason")).to_contain_text("كويتي")
    expect(father.locator("#progress")).to_contain_text("من 6")
    clean(father)

    # 7. The mother sees the same journey.
    mother = phone_in(browser, server, "ar")
    log_in(mother, "mother", "/my-journeys")
    mother.get_by_role("link", name=NEWBORN_AR).click()
    expect(mother.locator("#step-child_allowance .state")).to_contain_text(re.compile("أُنجزت|قيد الإنجاز"))
    expect(mother.locator("#step-passport .state")).to_contain_text("قيد الإنجاز")
    expect(mother.locator("#history")).to_contain_text("الأب")  # who did what
    clean(mother)


def _step_state(client: HttpClient, link: str, key: str) -> str:
    page = client.get(link).text
    found = re.search(rf'id="step-{key}".*?<p class="state">(.*?)</p>', page, re.S)
    return found.group(1) if found else ""


def _journey_link(client: HttpClient) -> str:
    found = re.search(r'href="(/my-journeys/J-[A-Z0-9]{10})"', client.get("/my-journeys").text)
    return found.group(1) if found else ""


def test_the_married_journey_in_english_with_a_step_that_does_not_apply(browser, server):
    agency_call(
        server,
        "moj",
        "/registers/marriages",
        {
            "contract_number": "MC-E2E-0001",
            "husband_civil_id": civil_id("groom"),
            "wife_civil_id": civil_id("bride"),
            "married_on": dt.date.today().isoformat(),
        },
    )
    groom_http = HttpClient(server).log_in("groom")
    link = wait_for(lambda: _journey_link(groom_http))
    assert link, "the married journey did not start"

    groom = phone_in(browser, server, "en")
    log_in(groom, "groom", "/")
    expect(groom.locator("#my-journeys")).to_contain_text("The married journey")
    clean(groom)
    groom.goto(link)
    expect(groom.locator("html")).to_have_attribute("lang", "en")
    expect(groom.locator("h1")).to_have_text("The married journey")
    residency = groom.locator("#step-spouse_residency")
    expect(residency.locator(".state")).to_have_text("Does not apply")
    expect(residency.locator(".reason")).to_contain_text("The wife is Kuwaiti")
    social = groom.locator("#step-social_allowance")
    expect(social.locator(".state")).to_have_text("Offered to you")
    social.get_by_role("button").click()
    expect(groom.locator("#step-social_allowance .state")).to_have_text("Done")
    expect(groom.locator("#history")).to_contain_text("Confirmed the offer")
    clean(groom)

    bride = phone_in(browser, server, "en")
    log_in(bride, "bride", link)
    expect(bride.locator("#step-social_allowance .state")).to_have_text("Done")
    expect(bride.locator("#history")).to_contain_text("Husband")
    clean(bride)
