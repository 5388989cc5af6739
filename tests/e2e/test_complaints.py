"""A person reports a broken traffic light in Arabic from the browser: the device's location, a
photo (its GPS position is removed from the stored file) and a voice note recorded in the page
(Chromium's fake microphone). The Ministry of Interior's caseworker resolves it; the person sees
the resolution and rates it."""

import io
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import FLAGS
from tests.e2e.helpers import log_in, open_until, serious

SALMIYA = {"latitude": 29.3375, "longitude": 48.0758}


@pytest.fixture(scope="module")
def server(own_server: str) -> str:
    return own_server


@pytest.fixture(scope="module")
def media_browser(browser, chromium_path):
    """Chromium with a fake microphone that needs no permission prompt (launched by the session's
    Playwright: a second sync Playwright in the same thread is not allowed)."""
    flags = [*FLAGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]
    media = browser.browser_type.launch(executable_path=chromium_path, headless=True, args=flags)
    yield media
    media.close()


def photo_with_gps() -> bytes:
    """A JPEG whose EXIF says where it was taken (Salmiya)."""
    from PIL import Image

    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (29.0, 20.0, 15.0), 3: "E", 4: (48.0, 4.0, 33.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_a_report_with_location_photo_and_voice_is_resolved_and_rated(media_browser, server):
    context = media_browser.new_context(
        base_url=server, locale="ar-KW", geolocation=SALMIYA, permissions=["geolocation", "microphone"]
    )
    page = context.new_page()
    log_in(page, "father", "/complaints/new")
    assert serious(page) == []

    page.locator("select[name=topic]").select_option("traffic-signal")
    page.locator("textarea[name=description]").fill("الإشارة المرورية عند التقاطع مطفأة منذ الصباح")
    page.get_by_role("button", name="استخدم موقعي").click()
    expect(page.locator("#locate-status")).to_have_text("حُدّد الموقع.")
    page.locator("input[name=photos]").set_input_files(
        {"name": "signal.jpg", "mimeType": "image/jpeg", "buffer": photo_with_gps()}
    )
    page.get_by_role("button", name="سجّل").click()
    expect(page.locator("#record-status")).to_contain_text("جارٍ التسجيل")
    page.wait_for_timeout(2000)
    page.get_by_role("button", name="أوقف").click()
    expect(page.locator("#record-status")).to_contain_text("سُجّلت الرسالة الصوتية")
    page.get_by_role("button", name="أرسل البلاغ").click()
    page.wait_for_url(re.compile(r"/complaints/C-\d{4}-\d{7}$"))
    reference = page.url.rsplit("/", 1)[-1]
    expect(page.locator("#status")).to_have_text("مستلم")
    expect(page.locator("#media a")).to_have_count(2)  # the photo and the voice note
    assert serious(page) == []

    # The stored photo carries no GPS position (nor any EXIF at all).
    from PIL import Image

    link = page.locator("#media a").first.get_attribute("href")
    stored = page.request.get(f"{server}{link}")
    assert stored.headers["content-disposition"].startswith("attachment")
    assert "sandbox" in stored.headers["content-security-policy"]
    assert not Image.open(io.BytesIO(stored.body())).getexif()

    # The Ministry of Interior's caseworker takes it on and resolves it.
    staff_context = media_browser.new_context(base_url=server, locale="en-GB")
    staff = staff_context.new_page()
    staff_context.add_cookies([{"name": "sahl_language", "value": "en", "url": server}])
    log_in(staff, "caseworker", "/backoffice/complaints")
    staff.locator(f"a[href='/backoffice/complaints/{reference}']").click()
    staff.get_by_role("button", name="Take it on").click()
    staff.locator("textarea[name=note]").fill("The controller was replaced; the light works again.")
    staff.get_by_role("button", name="Resolve").click()
    expect(staff.locator("#status")).to_have_text("Resolved")

    # The person sees the resolution and rates it.
    page.reload()
    expect(page.locator("#timeline")).to_contain_text("The controller was replaced")
    page.locator("input[name=stars][value='5']").check()
    page.get_by_role("button", name="قيّم").click()
    expect(page.locator("#status")).to_have_text("مغلق")
    open_until(page, "/inbox", reference)
    context.close()
    staff_context.close()


@pytest.mark.presentation  # accessibility and layout: the same on every database
@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_report_pages_are_accessible_on_a_phone(phone, server, language):
    phone.context.add_cookies([{"name": "sahl_language", "value": language, "url": server}])
    answer = phone.goto("/complaints/statistics")  # public: no login
    assert answer is not None and answer.status == 200
    expect(phone.locator("#by-agency")).to_be_visible()
    assert serious(phone) == []
    log_in(phone, "mother", "/complaints/new")
    expect(phone.locator("html")).to_have_attribute("lang", language)
    for path in ("/complaints/new", "/complaints"):
        phone.goto(path)
        assert serious(phone) == [], path
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{path} scrolls sideways on a phone ({width}px)"


# Issue 17, points 12-15, in each party's browser on a phone. Each language's walk happens at its own
# spot in Salmiya, over a kilometre from the other's, so that neither is offered the other's report.
SPOTS = {"ar": SALMIYA, "en": {"latitude": 29.3275, "longitude": 48.0758}}
WORDS = {
    "ar": {
        "topic": "قيادة متهورة أو استعراض",
        "place": "السالمية",
        "staff_waiting": "بانتظار رد مقدم البلاغ",
        "citizen_waiting": "بانتظار ردك",
        "forwarded": "أُحيل البلاغ",
        "foreign": re.compile("[A-Za-z]"),
    },
    "en": {
        "topic": "Reckless driving or stunts",
        "place": "Salmiya",
        "staff_waiting": "Waiting for the reporter's answer",
        "citizen_waiting": "Waiting for your answer",
        "forwarded": "was forwarded to",
        "foreign": re.compile("[\u0600-\u06ff]"),
    },
}


def _on_a_phone(browser, server: str, language: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=server, viewport={"width": 360, "height": 740}, is_mobile=True)
    context.add_cookies([{"name": "sahl_language", "value": language, "url": server}])
    return context, context.new_page()


def _fits_and_is_accessible(page, what: str) -> None:  # type: ignore[no-untyped-def]
    assert serious(page) == [], what
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{what} scrolls sideways on a phone ({width}px)"


def _file(page, description: str, spot: dict[str, float]) -> None:  # type: ignore[no-untyped-def]
    page.goto("/complaints/new")
    page.locator("#topic").select_option("reckless-driving")
    page.locator("#description").fill(description)
    page.locator("#latitude").fill(str(spot["latitude"]))
    page.locator("#longitude").fill(str(spot["longitude"]))
    page.locator("#report-form button[type=submit]").click()


@pytest.mark.parametrize("language", ["ar", "en"])
def test_each_party_reads_a_report_in_its_own_words_on_a_phone(browser, server, language):
    from django.utils import timezone

    words = WORDS[language]
    contexts = []
    father_context, father = _on_a_phone(browser, server, language)
    expat_context, expat = _on_a_phone(browser, server, language)
    staff_context, staff = _on_a_phone(browser, server, language)
    contexts += [father_context, expat_context, staff_context]

    # The father reports cars racing at night, in words of his own.
    log_in(father, "father", "/complaints")
    private = f"My neighbour Khalid races every night {language}"
    _file(father, private, SPOTS[language])
    father.wait_for_url(re.compile(r"/complaints/C-\d{4}-\d{7}$"))
    reference = father.url.rsplit("/", 1)[-1]

    # 15. The expat reports the same nearby: the offer names topic, place and date, not his words.
    log_in(expat, "expat", "/complaints")
    _file(expat, "Cars racing on the street at night", SPOTS[language])
    offer = expat.locator("#nearby")
    expect(offer).to_be_visible()
    expect(offer).to_contain_text(words["topic"])
    expect(offer).to_contain_text(words["place"])
    expect(offer).to_contain_text(timezone.localdate().isoformat())
    assert "Khalid" not in expat.content() and expat.locator("#nearby a[href*='/media/']").count() == 0
    _fits_and_is_accessible(expat, "the offer to join")

    # 14. The caseworker asks the reporter; staff read that it waits for the reporter, not for them.
    log_in(staff, "caseworker", "/backoffice/complaints")
    staff.goto(f"/backoffice/complaints/{reference}")
    staff.locator("#question").fill("Which street, and at what time?")
    staff.locator("form:has(input[value=ask]) button[type=submit]").click()
    expect(staff.locator("#status")).to_have_text(words["staff_waiting"])
    assert words["citizen_waiting"] not in staff.locator("main").inner_text()
    _fits_and_is_accessible(staff, "the case page")
    staff.goto("/backoffice/complaints")
    expect(staff.locator("#queue")).to_contain_text(words["staff_waiting"])
    assert words["citizen_waiting"] not in staff.locator("main").inner_text()
    _fits_and_is_accessible(staff, "the queue")
    father.goto(f"/complaints/{reference}")
    expect(father.locator("#status")).to_have_text(words["citizen_waiting"])  # he is the one asked
    _fits_and_is_accessible(father, "the reporter's page")

    # 13. It belongs to another agency: forwarded, the caseworker lands on the queue, told so.
    staff.goto(f"/backoffice/complaints/{reference}")
    staff.locator("#forward-reason").fill("Speeding in a residential street is the municipality's")
    staff.locator("form:has(input[value=forward]) button[type=submit]").click()
    staff.wait_for_url(re.compile(r"/backoffice/complaints$"))
    expect(staff.locator(".flash")).to_contain_text(words["forwarded"])
    expect(staff.locator(".flash")).to_contain_text(reference)
    expect(staff.locator("h1")).to_be_visible()
    _fits_and_is_accessible(staff, "the queue after forwarding")

    # 12. The public figures name the area and its governorate in the page's language only.
    father.goto("/complaints/statistics")
    by_area = father.locator("#by-area").inner_text()
    assert words["place"] in by_area and not re.search(r"\d{5,}", by_area), by_area
    assert not words["foreign"].search(by_area + father.locator("#by-governorate").inner_text())
    _fits_and_is_accessible(father, "the statistics")
    for context in contexts:
        context.close()
