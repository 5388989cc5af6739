"""Where a complaint is: Kuwait's governorates and areas, from polygons shipped in the repository.

No database: the three GeoJSON files in `data/geo/` (Who's On First, CC0; see its SOURCE.md and
docs/data-sources.md) are read once into shapely geometries, prepared (GEOS indexes their edges),
and a point is tested against a whole layer (the six governorates, one governorate's areas) in one
vectorised call (STRtree was measured and is slower for so few shapes: ADR 0016). A point exactly
on an edge is inside neither polygon that shares it (`contains`); on a border between governorates
it goes, like a sliver, to the nearest (the first listed: both are 0 m away).

How a point is resolved:

1. Coordinates that are not finite or not on the globe, and points outside the country outline
   (the sea, Iraq, Saudi Arabia) raise `OutsideKuwait`. The country outline is the authority on
   "in Kuwait"; it follows the coast more closely than the governorates do.
2. The governorate is the governorate polygon that holds the point. The outline and the six
   governorates are separate WOF records that do not line up exactly (about 0.2 % of the area
   differs, in slivers along the coast and borders). A point on land by the outline that falls
   in such a sliver is still somewhere in Kuwait, and it is in a governorate: the nearest one
   (by distance to its boundary) is where it almost certainly is, so it gets that one instead
   of being refused.
3. The area is the area polygon, of that governorate, that holds the point. WOF has polygons for
   only 106 areas, so many places (Salmiya, Wafra...) have no area: the place then names only
   its governorate (`area` is None).

Area codes are WOF ids as text, the same codes as `registry/data/areas.json`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, overload

from sahl.core.arabic import normalize
from sahl.core.bilingual import BilingualText
from sahl.core.errors import BadInput

if TYPE_CHECKING:  # shapely and numpy (some 20 MB a process) load with the first shape, not at start
    import numpy as np
    import numpy.typing as npt
    from shapely.geometry.base import BaseGeometry

    Shapes = npt.NDArray[np.object_]  # an array of prepared shapely geometries, tested in one call

_DATA = Path(__file__).parent / "data" / "geo"
EARTH_RADIUS_M = 6_371_008.8  # mean radius (IUGG)

# WOF has no Arabic name for these areas (SOURCE.md); these were written for Sahl.
ARABIC_NAMES_ADDED: dict[str, str] = {
    "421181319": "الرابية",  # Ar Rabiyah
    "85907245": "ضاحية عبد الله السالم",  # Abdullah As Salem
    "85903023": "العديلية",  # Al Adiliyah
    "421184191": "الدسمة",  # Dasma
    "85904189": "دسمان",  # Dasman
    "421189041": "المنصورية",  # Mansouriya
    "421205053": "شرق",  # Sharq
}

Point = tuple[float, float]  # (latitude, longitude) in decimal degrees
T = TypeVar("T")


class OutsideKuwait(BadInput):
    """The point is not on land in Kuwait (or is no point on Earth at all)."""

    def __init__(self) -> None:
        super().__init__("complaint.location_outside")


@dataclass(frozen=True)
class Place:
    """What a point resolves to. `area` is None where the data has no area polygon there."""

    governorate: str  # ISO 3166-2, e.g. "KW-HA"
    governorate_name: BilingualText
    area: str | None  # WOF id as text, e.g. "421189039"
    area_name: BilingualText | None


@dataclass(frozen=True)
class Governorate:
    code: str
    name: BilingualText


@dataclass(frozen=True)
class Area:
    code: str
    name: BilingualText
    governorate: str


# --- geometry -------------------------------------------------------------------------------------


def _shape(geometry: dict[str, Any]) -> BaseGeometry:
    """A GeoJSON Polygon or MultiPolygon (x = longitude, y = latitude), prepared for point tests."""
    import shapely.geometry

    if geometry["type"] not in ("Polygon", "MultiPolygon"):
        raise ValueError(f"not a polygon: {geometry['type']}")
    shape = shapely.geometry.shape(geometry)
    shapely.prepare(shape)
    return shape


def _first_holding(shapes: Shapes, lat: float, lon: float) -> int | None:
    """The index of the first shape that holds the point (its boundary excluded), or None."""
    import shapely

    holding: list[bool] = shapely.contains_xy(shapes, lon, lat).tolist()
    return holding.index(True) if True in holding else None


def _nearest(shapes: Shapes, lat: float, lon: float) -> int:
    """The index of the shape nearest to the point. Distances are measured on a local flat
    projection (longitudes shrunk by the cosine of the latitude): fine at this scale, and much
    truer than raw degrees, where a degree of longitude is 13 % shorter than a degree of latitude here."""
    import numpy as np
    import shapely

    shrink = np.array([math.cos(math.radians(lat)), 1.0])
    flat = shapely.transform(shapes, lambda xy: (xy - (lon, lat)) * shrink)
    return int(np.argmin(shapely.distance(flat, shapely.Point(0.0, 0.0))))


# --- data -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Feature:
    code: str
    name: BilingualText
    governorate: str
    shape: BaseGeometry


@dataclass(frozen=True)
class _Layer:
    """Features with their shapes side by side, so that one call tests a point against them all."""

    features: tuple[_Feature, ...]
    shapes: Shapes

    @classmethod
    def of(cls, features: Iterable[_Feature]) -> _Layer:
        import numpy as np

        items = tuple(features)
        shapes = np.empty(len(items), dtype=object)
        shapes[:] = [feature.shape for feature in items]
        return cls(items, shapes)


def _features(filename: str) -> list[dict[str, Any]]:
    document = json.loads((_DATA / filename).read_text(encoding="utf-8"))
    features: list[dict[str, Any]] = document["features"]
    return features


@cache
def _country() -> BaseGeometry:
    (feature,) = _features("kuwait-country.geojson")
    return _shape(feature["geometry"])


@cache
def _governorates() -> dict[str, _Feature]:
    result = {}
    for feature in _features("kuwait-governorates.geojson"):
        p = feature["properties"]
        name = BilingualText(ar=p["name_ar"], en=p["name_en"])
        result[p["code"]] = _Feature(p["code"], name, p["code"], _shape(feature["geometry"]))
    return result


# WOF names its polygon 421190475 "Abu Fateira", but it covers Salmiya (29.31-29.35 N, 48.03-48.10 E);
# the real Abu Fatira is in Mubarak Al-Kabeer. The geometry is kept, the name corrected.
NAME_CORRECTIONS = {"421190475": BilingualText(ar="السالمية", en="Salmiya")}


def area_bounds(code: str) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) of an area's polygon, e.g. to draw points inside it."""
    for features in _areas().values():
        for feature in features:
            if feature.code == code:
                min_lon, min_lat, max_lon, max_lat = feature.shape.bounds
                return min_lat, max_lat, min_lon, max_lon
    raise KeyError(code)


@cache
def _areas() -> dict[str, list[_Feature]]:
    """Areas by governorate code."""
    result: dict[str, list[_Feature]] = {code: [] for code in _governorates()}
    for feature in _features("kuwait-areas.geojson"):
        p = feature["properties"]
        code = str(p["wof_id"])
        name = BilingualText(ar=p["name_ar"] or ARABIC_NAMES_ADDED[code], en=p["name_en"])
        name = NAME_CORRECTIONS.get(code, name)
        result[p["governorate"]].append(_Feature(code, name, p["governorate"], _shape(feature["geometry"])))
    return result


@cache
def _governorate_layer() -> _Layer:
    return _Layer.of(_governorates().values())


@cache
def _area_layers() -> dict[str, _Layer]:
    """Each governorate's areas: a point is looked for only among those of its governorate."""
    return {code: _Layer.of(features) for code, features in _areas().items()}


def _arabic_order(name: BilingualText) -> tuple[str, str]:
    return normalize(name.ar), name.ar


@cache
def governorates() -> tuple[Governorate, ...]:
    """The six governorates, sorted by Arabic name (hamza and taa marbuta forms folded)."""
    items = (Governorate(f.code, f.name) for f in _governorates().values())
    return tuple(sorted(items, key=lambda g: (_arabic_order(g.name), g.code)))


@cache
def areas() -> tuple[Area, ...]:
    """Every area that has a polygon, sorted by Arabic name (hamza and taa marbuta forms folded)."""
    items = (Area(f.code, f.name, f.governorate) for fs in _areas().values() for f in fs)
    return tuple(sorted(items, key=lambda a: (_arabic_order(a.name), a.code)))


@dataclass(frozen=True)
class Outline:
    """A governorate's or an area's polygon with its names, as a map draws it (complaints.maps)."""

    code: str
    name: BilingualText
    governorate: str
    shape: BaseGeometry


def country_bounds() -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) of the country outline, islands included."""
    min_lon, min_lat, max_lon, max_lat = _country().bounds
    return min_lat, max_lat, min_lon, max_lon


def governorate_outlines() -> tuple[Outline, ...]:
    """The six governorates' polygons, in the order `resolve` tests them."""
    return tuple(Outline(f.code, f.name, f.governorate, f.shape) for f in _governorates().values())


def area_outlines() -> tuple[Outline, ...]:
    """Every area's polygon (106: not every place has one; see the module docstring)."""
    return tuple(Outline(f.code, f.name, f.governorate, f.shape) for fs in _areas().values() for f in fs)


# --- resolving ------------------------------------------------------------------------------------


def _on_globe(lat: float, lon: float) -> bool:
    return math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180


def resolve(lat: float, lon: float) -> Place:
    """The governorate and area of a point on land in Kuwait; `OutsideKuwait` for anything else.
    Decimals (as the database keeps coordinates) are fine."""
    import shapely

    lat, lon = float(lat), float(lon)
    if not _on_globe(lat, lon) or not shapely.contains_xy(_country(), lon, lat):
        raise OutsideKuwait
    governorates = _governorate_layer()
    found = _first_holding(governorates.shapes, lat, lon)
    if found is None:  # a sliver between the outline and the governorates (module docstring)
        found = _nearest(governorates.shapes, lat, lon)
    holding = governorates.features[found]
    areas = _area_layers()[holding.code]
    found = _first_holding(areas.shapes, lat, lon)
    area = None if found is None else areas.features[found]
    return Place(
        governorate=holding.code,
        governorate_name=holding.name,
        area=area.code if area else None,
        area_name=area.name if area else None,
    )


# --- distances ------------------------------------------------------------------------------------


def distance_m(a: Point, b: Point) -> float:
    """Great-circle distance in metres between two (lat, lon) points (haversine, mean Earth radius)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def bounding_box(lat: float, lon: float, radius_m: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) holding every point within `radius_m` of (lat, lon):
    the cheap prefilter for a database query, refined with `within`. Near a pole or across the
    antimeridian the longitudes widen to the whole globe (still a box that holds the circle)."""
    lat, lon, radius_m = float(lat), float(lon), float(radius_m)
    if not _on_globe(lat, lon) or not math.isfinite(radius_m) or radius_m < 0:
        raise ValueError("a point on the globe and a finite radius of zero or more are required")
    angle = radius_m / EARTH_RADIUS_M
    min_lat, max_lat = lat - math.degrees(angle), lat + math.degrees(angle)
    if min_lat <= -90 or max_lat >= 90 or angle >= math.pi / 2:
        return max(min_lat, -90.0), min(max_lat, 90.0), -180.0, 180.0
    # The widest longitude of a circle on a sphere (J. P. Matuschek, "Finding points within a
    # distance of a latitude/longitude using bounding coordinates").
    spread = math.degrees(math.asin(min(1.0, math.sin(angle) / math.cos(math.radians(lat)))))
    min_lon, max_lon = lon - spread, lon + spread
    if min_lon < -180 or max_lon > 180:
        return min_lat, max_lat, -180.0, 180.0
    return min_lat, max_lat, min_lon, max_lon


@overload
def within(center: Point, radius_m: float, points: Iterable[Point]) -> list[Point]: ...
@overload
def within(center: Point, radius_m: float, points: Iterable[T], *, key: Callable[[T], Point]) -> list[T]: ...
def within(
    center: Point, radius_m: float, points: Iterable[Any], *, key: Callable[[Any], Point] | None = None
) -> list[Any]:
    """The items within `radius_m` metres of `center`, nearest first (ties keep their order).
    `key` gives an item's (lat, lon), e.g. `key=lambda c: (float(c.latitude), float(c.longitude))`."""
    position = key or (lambda point: point)
    near = [
        (d, i, item) for i, item in enumerate(points) if (d := distance_m(center, position(item))) <= radius_m
    ]
    return [item for _, _, item in sorted(near, key=lambda entry: entry[:2])]


# --- typed input ----------------------------------------------------------------------------------

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_SIGNS = str.maketrans({"−": "-", "–": "-", "٫": ".", ",": "."})  # minus sign, en dash, Arabic decimal
_DECIMAL = re.compile(r"([+-]?)([0-9]{1,3}(?:\.[0-9]{1,15})?)°?\s*([NSEW]?)", re.ASCII | re.IGNORECASE)
_MARKS = re.compile("[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")  # direction marks browsers paste


def _degrees(text: object, hemispheres: str, limit: float) -> float:
    if not isinstance(text, str) or len(text) > 40:
        raise BadInput("complaint.location_invalid")
    match = _DECIMAL.fullmatch(_MARKS.sub("", text).translate(_DIGITS).translate(_SIGNS).strip())
    if match is None:
        raise BadInput("complaint.location_invalid")
    sign, number, hemisphere = match.groups()
    if hemisphere and (sign or hemisphere.upper() not in hemispheres):
        raise BadInput("complaint.location_invalid")  # "-29 N", or a longitude letter on a latitude
    value = float(number)
    if sign == "-" or hemisphere.upper() == hemispheres[1]:
        value = -value
    if not -limit <= value <= limit:
        raise BadInput("complaint.location_invalid")
    return value


def parse_coordinates(text_lat: object, text_lon: object) -> Point:
    """(lat, lon) from what a person types or a browser sends: decimal degrees with "." or the
    Arabic decimal separator, Western or Arabic-Indic digits, an optional sign, degree mark or
    hemisphere letter (29.37N, 47.97 E). Anything else is `BadInput("complaint.location_invalid")`.
    Whether the point is in Kuwait is `resolve`'s business."""
    return _degrees(text_lat, "NS", 90.0), _degrees(text_lon, "EW", 180.0)
