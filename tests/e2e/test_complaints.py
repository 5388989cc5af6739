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
