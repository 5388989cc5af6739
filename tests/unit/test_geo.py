"""Where a complaint is: governorates and areas of Kuwait from the shipped polygons (no database)."""

import json
import math
from decimal import Decimal
from functools import cache
from itertools import pairwise
from pathlib import Path

import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from sahl.complaints import geo
from sahl.core.arabic import normalize
from sahl.core.bilingual import BilingualText
from sahl.core.errors import BadInput
from sahl.core.messages import message

DATA = Path(geo.__file__).parent / "data" / "geo"


@cache
def features(name):
    return json.loads((DATA / f"kuwait-{name}.geojson").read_text(encoding="utf-8"))["features"]


def polygons(geometry):
    return [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]


def plain_contains(geometry, lat, lon):
    """A reference ray cast over every edge, with no bands and no boxes."""
    for polygon in polygons(geometry):
        crossings = 0
        for ring in polygon:
            for (x1, y1), (x2, y2) in pairwise(ring):
                if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
                    crossings += 1
        if crossings % 2:
            return True
    return False


def interior_point(geometry):
    """(lat, lon) in the middle of the widest span of the largest outer ring at its middle latitude."""
    outer = max((polygon[0] for polygon in polygons(geometry)), key=len)
    ys = [y for _, y in outer]
    lat = (min(ys) + max(ys)) / 2
    xs = sorted(
        x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
        for (x1, y1), (x2, y2) in pairwise(outer)
        if (y1 > lat) != (y2 > lat)
    )
    west, east = max(zip(xs[::2], xs[1::2], strict=True), key=lambda span: span[1] - span[0])
    return lat, (west + east) / 2


def bbox(geometry):
    points = [point for polygon in polygons(geometry) for ring in polygon for point in ring]
    return (
        min(p[1] for p in points),
        max(p[1] for p in points),
        min(p[0] for p in points),
        max(p[0] for p in points),
    )


GOVERNORATE_BOXES = {f["properties"]["code"]: bbox(f["geometry"]) for f in features("governorates")}
COUNTRY_BOX = bbox(features("country")[0]["geometry"])


# --- known places ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lat", "lon", "governorate", "area"),
    [
        (29.3759, 47.9774, "KW-KU", "Sharq"),  # Kuwait City centre
        (29.3717, 47.9917, "KW-KU", "Al Murqab"),  # Liberation Tower
        (29.3897, 48.0028, "KW-KU", "Dasman"),  # Kuwait Towers
        (29.3375, 48.0283, "KW-HA", "Hawally"),  # Hawalli
        (29.3339, 48.0758, "KW-HA", None),  # Salmiya (WOF calls its polygon "Abu Fateira", see report)
        (29.3214, 48.0267, "KW-HA", "Jabriya"),
        (29.3375, 47.6581, "KW-JA", "Waha"),  # Jahra city
        (29.0769, 48.0839, "KW-AH", "Ahmadi"),
        (29.1733, 48.1214, "KW-AH", "Al-Fintas"),
        (29.2775, 47.9586, "KW-FA", "Farwaniya"),
        (29.2408, 47.9719, "KW-FA", "Kuwait International Airport"),
        (29.1925, 48.0650, "KW-MU", "Al-Qurain"),
        (29.1850, 48.0780, "KW-MU", "Mubarak Al-Kabeer"),
    ],
)
def test_well_known_places_resolve_to_their_governorate_and_area(lat, lon, governorate, area):
    place = geo.resolve(lat, lon)
    assert place.governorate == governorate
    if area is not None:
        assert place.area_name is not None and place.area_name.en == area


def test_coordinates_as_the_database_keeps_them_resolve_too():
    assert geo.resolve(Decimal("29.375900"), Decimal("47.977400")).governorate == "KW-KU"
    assert geo.bounding_box(Decimal("29.3759"), Decimal("47.9774"), 500) == geo.bounding_box(
        29.3759, 47.9774, 500
    )


@pytest.mark.parametrize(
    ("lat", "lon", "governorate"),
    [
        (28.5639, 47.9300, "KW-AH"),  # Wafra
        (29.4400, 48.3300, "KW-KU"),  # Failaka island
        (29.8000, 48.2500, "KW-JA"),  # Bubiyan island
        (30.0000, 47.7000, "KW-JA"),  # Abdali farms
    ],
)
def test_places_without_an_area_polygon_name_only_their_governorate(lat, lon, governorate):
    place = geo.resolve(lat, lon)
    assert (place.governorate, place.area, place.area_name) == (governorate, None, None)
    assert place.governorate_name.ar and place.governorate_name.en


@pytest.mark.parametrize("feature", features("governorates"), ids=lambda f: f["properties"]["code"])
def test_a_point_inside_each_governorate_polygon_resolves_to_it(feature):
    lat, lon = interior_point(feature["geometry"])
    place = geo.resolve(lat, lon)
    assert place.governorate == feature["properties"]["code"]
    assert place.governorate_name == BilingualText(
        feature["properties"]["name_ar"], feature["properties"]["name_en"]
    )


@pytest.mark.parametrize("feature", features("areas"), ids=lambda f: f["properties"]["name_en"])
def test_a_point_inside_each_area_polygon_resolves_to_it_and_its_governorate(feature):
    properties = feature["properties"]
    place = geo.resolve(*interior_point(feature["geometry"]))
    assert (place.governorate, place.area) == (properties["governorate"], str(properties["wof_id"]))
    name = geo.NAME_CORRECTIONS.get(str(properties["wof_id"]))
    assert place.area_name is not None and place.area_name.en == (name.en if name else properties["name_en"])


def test_the_polygon_wof_calls_abu_fateira_is_named_salmiya_where_it_lies():
    place = geo.resolve(29.3375, 48.0758)  # Salmiya, on Salem Al-Mubarak Street
    assert place.area_name == BilingualText("السالمية", "Salmiya")


@pytest.mark.parametrize(
    ("lat", "lon", "governorate"),
    [
        (29.34311, 48.09920, "KW-HA"),  # Salmiya's shore: 12 m from Hawalli, 7 km from the capital
        (29.36409, 47.72767, "KW-JA"),  # Jahra bay: 100 m from Jahra, 7 km from the capital
    ],
)
def test_land_between_the_outline_and_the_governorates_goes_to_the_nearest_governorate(lat, lon, governorate):
    assert plain_contains(features("country")[0]["geometry"], lat, lon)
    assert not any(plain_contains(f["geometry"], lat, lon) for f in features("governorates"))
    assert geo.resolve(lat, lon).governorate == governorate


# --- refused --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lat", "lon"),
    [
        (29.40, 48.20),  # the Gulf, east of Kuwait City
        (29.50, 48.50),  # the Gulf, further out
        (29.37, 48.02),  # Kuwait Bay, off the Towers
        (30.5085, 47.7804),  # Basra, Iraq
        (30.0300, 47.9500),  # Umm Qasr, Iraq, just over the border
        (28.4328, 45.9708),  # Hafar al-Batin, Saudi Arabia
        (28.4392, 48.4913),  # Khafji, Saudi Arabia
        (0.0, 0.0),
        (math.nan, 47.9),
        (29.3, math.inf),
        (-math.inf, 47.9),
        (91.0, 47.9),
        (29.3, 181.0),
        (-90.5, -180.5),
    ],
)
def test_points_outside_kuwait_or_off_the_globe_are_refused(lat, lon):
    with pytest.raises(geo.OutsideKuwait) as refused:
        geo.resolve(lat, lon)
    assert isinstance(refused.value, BadInput)
    assert refused.value.code == "complaint.location_outside"


def test_the_refusal_says_why_in_both_languages():
    assert message("complaint.location_outside", "en") == (
        "This place is outside Kuwait (or at sea); choose a place on land in Kuwait."
    )
    assert "الكويت" in message("complaint.location_outside", "ar")
    assert "29.3759" in message("complaint.location_invalid", "en")
    assert "29.3759" in message("complaint.location_invalid", "ar")


# --- names and lists ------------------------------------------------------------------------------

ADDED = {
    "Ar Rabiyah": "الرابية",
    "Abdullah As Salem": "ضاحية عبد الله السالم",
    "Al Adiliyah": "العديلية",
    "Dasma": "الدسمة",
    "Dasman": "دسمان",
    "Mansouriya": "المنصورية",
    "Sharq": "شرق",
}


def test_the_seven_areas_without_an_arabic_name_in_wof_get_one():
    missing = {f["properties"]["name_en"] for f in features("areas") if not f["properties"]["name_ar"]}
    assert missing == set(ADDED)  # the shipped files stay as WOF made them
    by_english = {area.name.en: area for area in geo.areas()}
    assert {name: by_english[name].name.ar for name in ADDED} == ADDED


def test_governorates_are_the_six_with_both_names_in_arabic_order():
    listed = geo.governorates()
    assert {g.code for g in listed} == {"KW-KU", "KW-HA", "KW-FA", "KW-AH", "KW-JA", "KW-MU"}
    assert all(g.name.ar.strip() and g.name.en.strip() for g in listed)
    assert [normalize(g.name.ar) for g in listed] == sorted(normalize(g.name.ar) for g in listed)
    assert [g.name.ar for g in listed][:2] == ["الأحمدي", "الجهراء"]


def test_areas_are_the_106_with_both_names_a_governorate_and_arabic_order():
    listed = geo.areas()
    assert len(listed) == len({a.code for a in listed}) == 106
    assert all(a.name.ar.strip() and a.name.en.strip() for a in listed)
    assert {a.governorate for a in listed} == {g.code for g in geo.governorates()}
    assert [normalize(a.name.ar) for a in listed] == sorted(normalize(a.name.ar) for a in listed)


def test_area_codes_are_the_registers_codes():
    registry = json.loads((Path(geo.__file__).parents[1] / "registry" / "data" / "areas.json").read_text())
    ours = {a.code: a.governorate for a in geo.areas()}
    assert all(ours[a["code"]] == a["governorate"] for a in registry["areas"])


# --- properties -----------------------------------------------------------------------------------

in_country_box = st.tuples(
    st.floats(COUNTRY_BOX[0], COUNTRY_BOX[1]), st.floats(COUNTRY_BOX[2], COUNTRY_BOX[3])
)


@settings(max_examples=400, deadline=None)
@given(in_country_box)
def test_every_resolved_point_lies_in_its_governorates_box_and_its_area_belongs_to_it(point):
    try:
        place = geo.resolve(*point)
    except geo.OutsideKuwait:
        assert not plain_contains(features("country")[0]["geometry"], *point)
        return
    min_lat, max_lat, min_lon, max_lon = GOVERNORATE_BOXES[place.governorate]
    assert min_lat <= point[0] <= max_lat and min_lon <= point[1] <= max_lon
    if place.area is not None:
        assert next(a for a in geo.areas() if a.code == place.area).governorate == place.governorate


@settings(max_examples=300, deadline=None)
@given(in_country_box)
def test_resolving_agrees_with_a_plain_ray_cast_over_whole_polygons(point):
    inside = plain_contains(features("country")[0]["geometry"], *point)
    holding = [
        f["properties"]["code"] for f in features("governorates") if plain_contains(f["geometry"], *point)
    ]
    if not inside:
        with pytest.raises(geo.OutsideKuwait):
            geo.resolve(*point)
    elif holding:
        assert geo.resolve(*point).governorate in holding


def test_holes_and_multipolygons_count_right():
    square = [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]
    hole = [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]]
    island = [[20, 0], [22, 0], [22, 2], [20, 2], [20, 0]]
    shape = geo._shape({"type": "MultiPolygon", "coordinates": [[square, hole], [island]]})
    assert shapely.contains_xy(shape, 2, 2) and shapely.contains_xy(shape, 21, 1)
    assert not shapely.contains_xy(shape, 5, 5)  # in the hole
    assert not shapely.contains_xy(shape, 15, 1)  # between the parts
    assert not shapely.contains_xy(shape, -1, 5)
    with pytest.raises(ValueError, match="not a polygon"):
        geo._shape({"type": "Point", "coordinates": [1, 1]})


# --- distances ------------------------------------------------------------------------------------


def test_haversine_matches_known_distances():
    # Nashville (BNA) to Los Angeles (LAX): 2,886.4 km on a sphere of radius 6,372.8 km.
    assert geo.distance_m((36.12, -86.67), (33.94, -118.40)) == pytest.approx(2_886_444, rel=1e-3)
    assert geo.distance_m((0.0, 0.0), (1.0, 0.0)) == pytest.approx(geo.EARTH_RADIUS_M * math.pi / 180)
    towers, liberation = (29.3897, 48.0028), (29.3717, 47.9917)
    assert geo.distance_m(towers, liberation) == pytest.approx(2_272, abs=5)
    assert geo.distance_m(towers, liberation) == geo.distance_m(liberation, towers)
    assert geo.distance_m(towers, towers) == 0


def destination(lat, lon, bearing, distance):
    """The point `distance` metres from (lat, lon) on `bearing` degrees (spherical Earth)."""
    angle, theta, phi1, lambda1 = distance / geo.EARTH_RADIUS_M, *map(math.radians, (bearing, lat, lon))
    phi2 = math.asin(math.sin(phi1) * math.cos(angle) + math.cos(phi1) * math.sin(angle) * math.cos(theta))
    lambda2 = lambda1 + math.atan2(
        math.sin(theta) * math.sin(angle) * math.cos(phi1), math.cos(angle) - math.sin(phi1) * math.sin(phi2)
    )
    return math.degrees(phi2), (math.degrees(lambda2) + 540) % 360 - 180


@given(
    st.floats(-85, 85),
    st.floats(-179, 179),
    st.floats(0, 50_000),
    st.floats(0, 360),
)
def test_the_bounding_box_holds_the_whole_circle(lat, lon, radius, bearing):
    min_lat, max_lat, min_lon, max_lon = geo.bounding_box(lat, lon, radius)
    edge_lat, edge_lon = destination(lat, lon, bearing, radius)
    slack = 1e-9  # degrees, about 0.1 mm: the rounding of `destination` itself
    assert min_lat <= lat <= max_lat and min_lon <= lon <= max_lon
    assert min_lat - slack <= edge_lat <= max_lat + slack and min_lon - slack <= edge_lon <= max_lon + slack


def test_the_bounding_box_is_tight_enough_for_kuwait():
    min_lat, max_lat, min_lon, max_lon = geo.bounding_box(29.3759, 47.9774, 1000)
    assert max_lat - min_lat == pytest.approx(2 * 1000 / 111_195, rel=1e-3)
    assert max_lon - min_lon == pytest.approx(
        2 * 1000 / (111_195 * math.cos(math.radians(29.3759))), rel=1e-3
    )
    assert geo.bounding_box(89.99, 10, 5000)[2:] == (-180.0, 180.0)  # past the pole
    with pytest.raises(ValueError, match="radius"):
        geo.bounding_box(29.3, 47.9, -1)


def test_within_keeps_the_points_inside_the_radius_nearest_first():
    center = (29.3759, 47.9774)
    near, nearer, far = (
        destination(*center, 90, 400),
        destination(*center, 180, 100),
        destination(*center, 0, 600),
    )
    assert geo.within(center, 500, [near, far, nearer]) == [nearer, near]
    complaints = [{"id": 1, "at": far}, {"id": 2, "at": near}]
    assert geo.within(center, 500, complaints, key=lambda c: c["at"]) == [complaints[1]]
    assert geo.within(center, 500, []) == []


# --- what people type -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lat", "lon", "expected"),
    [
        ("29.3759", "47.9774", (29.3759, 47.9774)),
        (" 29.3759 ", "\t47.9774\n", (29.3759, 47.9774)),
        ("٢٩٫٣٧٥٩", "٤٧٫٩٧٧٤", (29.3759, 47.9774)),  # Arabic-Indic digits, Arabic decimal separator
        ("٢٩.٣٧٥٩", "٤٧.٩٧٧٤", (29.3759, 47.9774)),
        ("۲۹.۳۷۵۹", "۴۷.۹۷۷۴", (29.3759, 47.9774)),  # Eastern Arabic-Indic (Persian) digits
        ("29,3759", "47,9774", (29.3759, 47.9774)),
        ("\u200f29.3759", "47.9774\u200e", (29.3759, 47.9774)),  # direction marks from a paste
        ("29.3759°", "47.9774°", (29.3759, 47.9774)),
        ("29.3759 N", "47.9774E", (29.3759, 47.9774)),
        ("33.8688S", "151.2093 e", (-33.8688, 151.2093)),
        ("-33.8688", "−70.5", (-33.8688, -70.5)),  # U+2212 minus sign
        ("+29", "48", (29.0, 48.0)),
        ("29.375912345678", "47.977412345678", (29.375912345678, 47.977412345678)),  # a browser's precision
        ("90", "-180", (90.0, -180.0)),
    ],
)
def test_coordinates_are_read_as_people_and_browsers_write_them(lat, lon, expected):
    assert geo.parse_coordinates(lat, lon) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("lat", "lon"),
    [
        ("", "47.9774"),
        ("29.3759", "   "),
        ("abc", "47.9774"),
        ("29.37.59", "47.9774"),
        ("1e1", "47.9774"),
        ("nan", "47.9774"),
        ("29.3759", "inf"),
        ("0x1d", "47.9774"),
        ("91", "47.9774"),
        ("29.3759", "180.5"),
        ("29°22'33\"", "47°58'39\""),  # degrees-minutes-seconds
        ("29.3759E", "47.9774N"),  # hemisphere letters swapped
        ("-29.3759N", "47.9774"),
        ("29.3759", "47.9774 W W"),
        ("29. 3759", "47.9774"),
        ("٢٩..٣", "47.9774"),
        ("2" * 50, "47.9774"),
        (None, "47.9774"),
        (29.3759, "47.9774"),
    ],
)
def test_anything_else_is_refused_with_a_clear_message(lat, lon):
    with pytest.raises(BadInput) as refused:
        geo.parse_coordinates(lat, lon)
    assert refused.value.code == "complaint.location_invalid"
