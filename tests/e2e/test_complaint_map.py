"""Issue 17, point 16: a map for places. On a 360 px phone, in Arabic and in English, a person taps the
map of Kuwait inside an area, taps again closer in, and files the report; the caseworker of the
agency sees the place marked on the same map, its area outlined. The map is Sahl's own drawing:
no request leaves the machine. Every page is axe clean and fits the screen."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from sahl.complaints import geo, maps
from tests.e2e.helpers import log_in, serious

# CI: SQLite; the browser does the work (the map) (tests/ci_sides.py).
pytestmark = pytest.mark.told_on_sqlite

# Each language's walk is in an area of its own, with a topic of its own: neither is offered the
# other's report to join.
WALKS = {
    "ar": {"area": "Salmiya", "name": "السالمية", "governorate": "حولي", "topic": "traffic-signal"},
    "en": {"area": "Jabriya", "name": "Jabriya", "governorate": "Hawalli", "topic": "reckless-driving"},
}
LOOPBACK = {"localhost", "127.0.0.1"}


@pytest.fixture(scope="module")
def server(own_server: str) -> str:
    return own_server


def _area(english_name: str) -> geo.Outline:
    (area,) = [a for a in geo.area_outlines() if a.name.en == english_name]
    return area


def _screen(page, x: float, y: float) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Where the browser draws the map's point (x, y) on the screen, as the map is shown right now."""
    return page.evaluate(
        """([x, y]) => {
            const svg = document.getElementById("map");
            const p = new DOMPoint(x, y).matrixTransform(svg.getScreenCTM());
            return {x: p.x, y: p.y};
        }""",
        [x, y],
    )


def _drawn_under(page, spot: dict[str, float]) -> str:  # type: ignore[no-untyped-def]
    """The code of the outline drawn at a point of the screen (the marker lets taps through)."""
    return page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).dataset.code || ''", [spot["x"], spot["y"]]
    )


def _fits_and_is_accessible(page, what: str) -> None:  # type: ignore[no-untyped-def]
    assert serious(page) == [], what
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{what} scrolls sideways on a phone ({width}px)"


@pytest.mark.parametrize("language", ["ar", "en"])
def test_a_place_tapped_on_the_map_reaches_the_caseworker_on_the_same_map(browser, server, language):
    walk = WALKS[language]
    area = _area(walk["area"])
    target = area.shape.point_on_surface()  # a point well inside the area
    x, y = maps.projection().point(target.y, target.x)
    hosts: set[str] = set()
    contexts = []
    for _ in range(2):
        context = browser.new_context(
            base_url=server, viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
        )
        context.add_cookies([{"name": "sahl_language", "value": language, "url": server}])
        context.on("request", lambda request: hosts.add(urlsplit(request.url).hostname or request.url))
        contexts.append(context)
    reporter, staff = (context.new_page() for context in contexts)

    log_in(reporter, "father", "/complaints/new")
    expect(reporter.locator("html")).to_have_attribute("lang", language)
    picker = reporter.locator("#map-picker")
    expect(picker).to_be_visible()
    _fits_and_is_accessible(reporter, "the filing page with its map")

    # A tap on the sea marks nothing; a first tap on land zooms in around it.
    whole = reporter.locator("#map").get_attribute("viewBox")
    reporter.locator("#map").scroll_into_view_if_needed()
    sea = _screen(reporter, *maps.projection().point(29.34, 48.75))
    reporter.touchscreen.tap(sea["x"], sea["y"])
    expect(reporter.locator("#map-status")).not_to_be_empty()
    expect(reporter.locator("#latitude")).to_have_value("")
    expect(reporter.locator("#map")).to_have_attribute("viewBox", whole or "")
    spot = _screen(reporter, x, y)
    reporter.touchscreen.tap(spot["x"], spot["y"])
    expect(reporter.locator("#map")).not_to_have_attribute("viewBox", whole or "")
    expect(reporter.locator("#map-whole")).to_be_visible()
    # A second tap, closer in, exactly where the area is drawn.
    spot = _screen(reporter, x, y)
    assert _drawn_under(reporter, spot) == area.code
    reporter.touchscreen.tap(spot["x"], spot["y"])
    expect(reporter.locator("#map-status")).to_contain_text(f"{walk['name']}")
    expect(reporter.locator(f"#map .areas path[data-code='{area.code}']")).to_have_class("picked")
    picked = (
        float(reporter.locator("#latitude").input_value()),
        float(reporter.locator("#longitude").input_value()),
    )
    assert picked == pytest.approx((target.y, target.x), abs=0.002)  # within a pixel of the zoomed map
    _fits_and_is_accessible(reporter, "the filing page, a place picked")
    reporter.locator("#map-whole").click()  # back to the whole country, the mark kept
    expect(reporter.locator("#map")).to_have_attribute("viewBox", whole or "")
    expect(reporter.locator("#map-whole")).to_be_hidden()
    expect(reporter.locator("#map-marker")).to_be_visible()

    reporter.locator("#topic").select_option(walk["topic"])
    reporter.locator("#description").fill(f"Cars racing past the school every afternoon ({language})")
    reporter.locator("#report-form button[type=submit]").click()
    reporter.wait_for_url(re.compile(r"/complaints/C-\d{4}-\d{7}$"))
    reference = reporter.url.rsplit("/", 1)[-1]
    place = f"{walk['name']}{'، ' if language == 'ar' else ', '}{walk['governorate']}"
    expect(reporter.locator("#place-map figcaption")).to_contain_text(place)
    _fits_and_is_accessible(reporter, "the reporter's page")

    # The Ministry of Interior's caseworker sees the place on the same map, marked and outlined.
    log_in(staff, "caseworker", "/backoffice/complaints")
    staff.goto(f"/backoffice/complaints/{reference}")
    marker = staff.locator("#map-marker")
    expect(marker).to_be_visible()
    marker.scroll_into_view_if_needed()
    expected = maps.projection().point(*picked)
    drawn = (float(marker.get_attribute("cx") or "nan"), float(marker.get_attribute("cy") or "nan"))
    assert drawn == pytest.approx(expected, abs=0.05)
    box = marker.bounding_box()
    assert box is not None
    centre = {"x": box["x"] + box["width"] / 2, "y": box["y"] + box["height"] / 2}
    assert centre == pytest.approx(_screen(staff, *expected), abs=1)  # shown where it was tapped
    assert _drawn_under(staff, centre) == area.code
    expect(staff.locator(f"#map .areas path[data-code='{area.code}']")).to_have_class("picked")
    expect(staff.locator("#place-map figcaption")).to_contain_text(place)
    _fits_and_is_accessible(staff, "the case page")

    assert hosts <= LOOPBACK, f"requests left the machine: {hosts - LOOPBACK}"
    for context in contexts:
        context.close()
