"""The map of Kuwait drawn from the shipped outlines (complaints.maps): the projection and its inverse,
and a tap inside a drawn area landing in that area once `geo.resolve` reads the point back."""

import re

import pytest
import shapely
from hypothesis import given
from hypothesis import strategies as st

from sahl.complaints import geo, maps


def drawn(d: str) -> shapely.Geometry:
    """The shape a path of the drawing outlines, in SVG units (its rings even-odd, as drawn)."""
    rings = [
        [tuple(map(float, pair.split())) for pair in ring.split("L")] for ring in re.findall(r"M([^MZ]+)Z", d)
    ]
    shape = shapely.Polygon()
    for ring in rings:
        shape = shape.symmetric_difference(shapely.Polygon(ring).buffer(0))
    return shape


def test_the_projection_fits_kuwait_into_the_drawing_with_true_proportions():
    where, board = maps.projection(), maps.drawing()
    min_lat, max_lat, min_lon, max_lon = geo.country_bounds()
    for lat, lon in ((min_lat, min_lon), (max_lat, max_lon), (min_lat, max_lon), (max_lat, min_lon)):
        x, y = where.point(lat, lon)
        assert 0 < x < board.width and 0 < y < board.height
    # Kuwait City (north-east) is drawn right of and above Nuwaiseeb (south-east corner)
    assert where.point(29.3759, 47.9774)[1] < where.point(28.55, 48.4)[1]
    # a kilometre east-west is as long as a kilometre north-south, within 1 %
    east = where.point(29.3, 47.9 + 1 / 111.32 / 0.8722)[0] - where.point(29.3, 47.9)[0]
    north = where.point(29.3, 47.9)[1] - where.point(29.3 + 1 / 111.32, 47.9)[1]
    assert east == pytest.approx(north, rel=0.01)


@given(st.floats(28.5, 30.1), st.floats(46.5, 48.8))
def test_the_projection_is_its_own_exact_inverse(lat, lon):
    where = maps.projection()
    back = where.position(*where.point(lat, lon))
    assert back == pytest.approx((lat, lon), abs=1e-9)


@pytest.mark.parametrize("area", geo.area_outlines(), ids=lambda a: a.code)
def test_a_tap_inside_a_drawn_area_is_filed_in_that_area(area):
    """The simplified outline as drawn, its inner point read back as the browser does (six decimals):
    the server resolves it to the very area that was highlighted."""
    (shape,) = [s for s in maps.drawing().areas if s.code == area.code]
    x, y = shapely.get_coordinates(drawn(shape.d).point_on_surface())[0]
    lat, lon = maps.projection().position(x, y)
    place = geo.resolve(round(lat, 6), round(lon, 6))
    assert (place.area, place.governorate) == (area.code, area.governorate)


@pytest.mark.parametrize("governorate", geo.governorate_outlines(), ids=lambda g: g.code)
def test_a_tap_inside_a_drawn_governorate_is_filed_in_it(governorate):
    (shape,) = [s for s in maps.drawing().governorates if s.code == governorate.code]
    outline = drawn(shape.d)
    biggest = max(getattr(outline, "geoms", [outline]), key=lambda part: part.area)
    x, y = shapely.get_coordinates(biggest.point_on_surface())[0]
    assert geo.resolve(*maps.projection().position(x, y)).governorate == governorate.code


def test_a_place_page_zooms_in_on_its_marker_and_stays_inside_the_map():
    board = maps.drawing()
    view = maps.close_to(29.3375, 48.0758, "KW-HA", "421190475")
    left, top, width, height = map(float, view.view_box.split())
    x, y = map(float, view.marker)
    assert (width, height) == pytest.approx((board.width / maps.CLOSE, board.height / maps.CLOSE), abs=0.1)
    assert left < x < left + width and top < y < top + height
    assert (x, y) == pytest.approx(maps.projection().point(29.3375, 48.0758), abs=0.05)
    assert view.place_name is not None and view.place_name.en == "Salmiya, Hawalli"
    # Ras Al-Subiya's far north-east: the window is pushed back inside the map's edge
    edge = maps.close_to(30.12, 48.77, "KW-JA", "")
    left, top, _, _ = map(float, edge.view_box.split())
    assert top == 0 and left + width == pytest.approx(board.width, abs=0.1)
    assert edge.place_name is not None and edge.place_name.en == "Al Jahrah"


def test_the_picking_map_marks_a_point_already_typed_and_ignores_nonsense():
    marked = maps.whole("29.3375", "48.0758")
    assert marked.marker is not None and (marked.governorate, marked.area) == ("KW-HA", "421190475")
    assert marked.view_box == f"0 0 {maps.WIDTH} {maps.drawing().height}"
    for latitude, longitude in (("", ""), ("29.40", "48.30"), ("north", "east"), ("29.3", "")):
        empty = maps.whole(latitude, longitude)
        assert empty.marker is None and (empty.governorate, empty.area) == ("", "")
