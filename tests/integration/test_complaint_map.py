"""The map of Kuwait on the complaint pages (issue 17, point 16): the filing form's map, a point picked
on it stored with its area, and the report's place marked for its reporter and for the agency's staff.
The map is drawn by Sahl: nothing on these pages comes from another host."""

import gzip
import re
from html.parser import HTMLParser

import pytest

from sahl.catalogue.models import Agency
from sahl.complaints import geo, maps
from sahl.complaints.models import Complaint
from sahl.identity.models import User
from sahl.identity.services import appoint_staff

pytestmark = pytest.mark.django_db
SALMIYA = "421190475"


class Map(HTMLParser):
    """What a page's map draws: the <svg id="map">'s attributes, its marker and its highlighted paths."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.svg: dict[str, str] = {}
        self.marker: dict[str, str] = {}
        self.picked: list[str] = []
        self.paths = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        found = {name: value or "" for name, value in attrs}
        if tag == "svg" and found.get("id") == "map":
            self.svg = found
        elif tag == "circle" and found.get("id") == "map-marker":
            self.marker = found
        elif tag == "path":
            self.paths += 1
            if "picked" in found.get("class", ""):
                self.picked.append(found["data-code"])

    handle_startendtag = handle_starttag

    def marked_at(self) -> tuple[float, float] | None:
        if not self.marker or self.marker.get("visibility") == "hidden":
            return None
        return float(self.marker["cx"]), float(self.marker["cy"])


def inner_point(area: str) -> tuple[str, str]:
    """A point well inside an area, as the page's script writes a tap: six decimals."""
    (outline,) = [a for a in geo.area_outlines() if a.code == area]
    point = outline.shape.point_on_surface()
    return f"{point.y:.6f}", f"{point.x:.6f}"


def file(client, latitude: str, longitude: str):  # type: ignore[no-untyped-def]
    return client.post(
        "/complaints/new",
        {
            "topic": "traffic-signal",
            "description": "The traffic light at the crossing is dark",
            "latitude": latitude,
            "longitude": longitude,
        },
    )


def test_the_filing_page_draws_kuwait_for_picking_and_nothing_comes_from_elsewhere(login, demo):
    page = login(demo["father"], "en").get("/complaints/new")
    html = page.content.decode()
    drawn = Map(html)
    where = maps.projection()
    assert drawn.svg["viewbox"] == f"0 0 {maps.WIDTH} {maps.drawing().height}"  # the whole country
    assert float(drawn.svg["data-west"]) == where.west and float(drawn.svg["data-north"]) == where.north
    assert (
        float(drawn.svg["data-x-scale"]) == where.x_scale
        and float(drawn.svg["data-y-scale"]) == where.y_scale
    )
    assert drawn.svg["aria-hidden"] == "true"  # the latitude and longitude fields say it in words
    assert drawn.paths == 6 + 106 and drawn.picked == [] and drawn.marked_at() is None
    # the map waits for its script; without it the form is as it was (the fields still there)
    assert re.search(r'<div class="place-map" id="map-picker" hidden', html)
    assert 'id="latitude"' in html and 'id="longitude"' in html and "complaints/map.js" in html
    assert "Salmiya" in html and "السالمية" not in html  # the picker names the tapped place
    # no tile server, no CDN: nothing is loaded from another host (a link to follow is not loaded)
    assert not re.search(r"""<(?!a\b)[^>]*\b(?:src|href)=["']?(?:https?:)?//""", html)
    assert '<a href="https://whosonfirst.org/">Who’s On First</a>' in html  # the outlines' source, credited
    svg = re.search(r"<svg id=\"map\".*?</svg>", html, re.S).group(0)
    size = len(gzip.compress(svg.encode(), 9))
    assert size < 60_000, f"the map weighs {size} bytes gzipped"


@pytest.mark.parametrize("language", ["ar", "en"])
def test_a_picked_point_is_stored_with_its_area_and_marked_for_the_reporter_and_staff(login, demo, language):
    father = login(demo["father"], language)
    latitude, longitude = inner_point(SALMIYA)
    filed = file(father, latitude, longitude)
    assert filed.status_code == 302
    reference = filed["Location"].rsplit("/", 1)[1]
    complaint = Complaint.objects.get(reference=reference)
    assert (str(complaint.latitude), str(complaint.longitude)) == (latitude, longitude)
    assert (complaint.governorate, complaint.area) == ("KW-HA", SALMIYA)

    expected = maps.projection().point(float(latitude), float(longitude))
    salmiya = {"ar": "السالمية، حولي", "en": "Salmiya, Hawalli"}[language]
    appoint_staff(User.objects.get(civil_id=demo["caseworker"]), Agency.objects.get(code="moi"), "caseworker")
    staff = login(demo["caseworker"], language)
    for page in (father.get(f"/complaints/{reference}"), staff.get(f"/backoffice/complaints/{reference}")):
        assert page.status_code == 200
        html = page.content.decode()
        drawn = Map(html)
        assert drawn.marked_at() == pytest.approx(expected, abs=0.05)
        assert sorted(drawn.picked) == sorted(["KW-HA", SALMIYA])  # the area outlined, in its governorate
        left, top, width, height = map(float, drawn.svg["viewbox"].split())
        assert left < expected[0] < left + width and top < expected[1] < top + height  # zoomed on it
        assert width == pytest.approx(maps.WIDTH / maps.CLOSE, abs=0.1)
        assert f"{salmiya}." in html
        credit = {"ar": "«هوز أون فيرست»", "en": "Who’s On First"}[language]
        assert f'<a href="https://whosonfirst.org/">{credit}</a>' in html


def test_the_form_sent_back_keeps_the_picked_point_on_the_map(login, demo):
    father = login(demo["father"], "en")
    latitude, longitude = inner_point(SALMIYA)
    refused = father.post(
        "/complaints/new",
        {"topic": "no-such-topic", "description": "short", "latitude": latitude, "longitude": longitude},
    )
    assert refused.status_code == 400
    drawn = Map(refused.content.decode())
    assert drawn.marked_at() == pytest.approx(
        maps.projection().point(float(latitude), float(longitude)), abs=0.05
    )
    assert sorted(drawn.picked) == sorted(["KW-HA", SALMIYA])
    at_sea = Map(file(father, "29.40", "48.30").content.decode())  # refused: the map marks nothing
    assert at_sea.marked_at() is None and at_sea.picked == []


def test_someone_who_joined_sees_the_place_to_about_a_hundred_metres_and_the_reporter_exactly(login, demo):
    father, expat = login(demo["father"], "en"), login(demo["expat"], "en")
    latitude, longitude = "29.331610", "48.071390"  # in Salmiya; rounding moves it about 50 m
    reference = file(father, latitude, longitude)["Location"].rsplit("/", 1)[1]
    assert expat.post(f"/complaints/{reference}/join").status_code == 302
    where = maps.projection()
    exact = where.point(float(latitude), float(longitude))
    shared = where.point(
        round(float(latitude), maps.SHARED_DECIMALS), round(float(longitude), maps.SHARED_DECIMALS)
    )
    assert abs(exact[0] - shared[0]) > 0.1 and abs(exact[1] - shared[1]) > 0.1  # the two are told apart
    assert Map(father.get(f"/complaints/{reference}").content.decode()).marked_at() == pytest.approx(
        exact, abs=0.05
    )
    followed = Map(expat.get(f"/complaints/{reference}").content.decode())
    assert followed.marked_at() == pytest.approx(shared, abs=0.05)
    assert sorted(followed.picked) == sorted(["KW-HA", SALMIYA])
