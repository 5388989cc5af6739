"""Issue 18, point 5, in a real browser: an automatic certificate completes at once; the page says
its document is being prepared, and the download link appears without a reload once the task
worker has rendered the PDF. On a 360-pixel phone, in Arabic; axe finds nothing serious, and the
HTML check (test_valid_html, last) reads the page in both states.

The module's server has no worker of its own: the test runs the queued tasks when it chooses, so
"preparing" is seen for certain, never raced by a fast worker."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import _serve, run_tasks
from tests.e2e.helpers import log_in, pdf_text, serious

CERTIFICATE = "moh.child-vaccination-certificate"
PREPARING = "نجهّز مستندك الآن"
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    with _serve(tmp_path_factory.mktemp("documents"), "e2e_documents", worker=False) as base:
        yield base


@pytest.fixture
def phone(browser, server):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        base_url=server, viewport={"width": 360, "height": 740}, is_mobile=True, locale="ar-KW"
    )
    yield context.new_page()
    context.close()


def test_the_certificates_link_appears_without_a_reload(phone, server):
    # Given the father, on his phone, asking for his child's vaccination certificate
    log_in(phone, "father", f"/services/{CERTIFICATE}/apply")
    phone.locator("select[name=child_civil_id]").select_option(index=1)
    phone.locator("select[name=purpose]").select_option("school")
    phone.locator("select[name=language]").select_option("ar")
    phone.locator("button[name=submit]").click()
    expect(phone).to_have_url(re.compile(r"/applications/\d{4}-\d{7}$"))

    # Then it is completed at once, and its document is being prepared, said in a live region
    expect(phone.locator("#status")).to_have_text("منجزة")
    live = phone.locator("#documents-live")
    expect(live).to_have_attribute("aria-live", "polite")
    expect(live).to_contain_text(PREPARING)
    expect(live.locator("a[href*='/documents/']")).to_have_count(0)
    assert phone.evaluate(OVERFLOW) <= 0, "the page scrolls sideways on a 360 px phone"
    assert serious(phone) == []
    phone.evaluate("window.sahlSamePage = true")  # gone if the page were loaded again

    # When the task worker runs
    run_tasks(server)

    # Then the link appears in place, without a reload, and the page stops asking
    link = live.locator("a[href*='/documents/']")
    expect(link).to_have_count(1, timeout=15_000)
    expect(live).not_to_contain_text(PREPARING)
    assert phone.evaluate("window.sahlSamePage") is True
    assert phone.locator("[data-preparing]").count() == 0
    assert phone.evaluate(OVERFLOW) <= 0
    assert serious(phone) == []

    # And the link gives the certificate's PDF
    with phone.expect_download() as download_info:
        link.click()
    data = download_info.value.path().read_bytes()
    assert data.startswith(b"%PDF")
    assert "Child's vaccination certificate" in pdf_text(data)
