""" "Who looked at my data": accessible in Arabic and English, in a real browser, with a
caseworker's read of the father's application on it."""

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import HttpClient, civil_id, serious


@pytest.fixture(scope="module")
def server(own_server: str) -> str:
    """The father files a passport renewal here: other modules must still find him without one."""
    return own_server


@pytest.fixture(scope="module")
def scene(server: str) -> dict:
    father = HttpClient(server).log_in("father")
    reference = father.apply(
        "moi.passport-renewal", {"passport_number": f"K{civil_id('father')[-8:]}", "delivery": "kiosk"}
    )
    father.pay(reference)
    caseworker = HttpClient(server).log_in("caseworker")
    assert caseworker.get(f"/backoffice/cases/{reference}").status == 200
    return {"father": father, "reference": reference}


def browse_as(page, server: str, client: HttpClient, language: str) -> None:
    cookies = [{"name": c.name, "value": c.value or "", "url": server} for c in client.jar]
    page.context.add_cookies([*cookies, {"name": "sahl_language", "value": language, "url": server}])


@pytest.mark.presentation  # accessibility and layout: the same on every database
@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_access_log_has_no_serious_accessibility_problems(page, server, scene, language):
    browse_as(page, server, scene["father"], language)
    answer = page.goto("/account/access-log")
    assert answer is not None and answer.status == 200
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("#reads")).to_contain_text(scene["reference"])
    expect(page.locator("#reads")).to_contain_text(
        "وزارة الداخلية" if language == "ar" else "Ministry of Interior"
    )
    expect(page.locator("#security li").first).to_be_visible()
    assert serious(page) == []
