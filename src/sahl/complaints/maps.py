"""The map of Kuwait on the complaint pages: an SVG drawn by Sahl from the governorate and area
outlines that `geo` reads, with no tile server (nothing leaves Sahl, nothing to license or to go down).

The projection is equirectangular: longitude and latitude are scaled linearly, longitudes shrunk by
the cosine of the country's middle latitude so that a kilometre is about as long east-west as
north-south (Kuwait spans 1.6 degrees of latitude: the error is under 1 % at its edges). It is its
own exact inverse, so the browser (complaints/map.js, from the numbers on the <svg>) turns a tap
into the same latitude and longitude the server would, and `geo.resolve` then decides the area when
the report is filed, as for a typed or a device's point.

The outlines are simplified (about 30 m, a pixel of a phone at the closest zoom) and written as path
data once per process; a page only chooses the window, what is highlighted and where the marker is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING

from sahl.complaints import geo
from sahl.core.bilingual import BilingualText
from sahl.core.errors import BadInput

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

WIDTH = 1000  # the drawing's width in SVG units; its height follows from the projection
MARGIN = 0.02  # degrees of sea around the country's outline
SIMPLIFY = 0.0003  # degrees (about 30 m): smaller than a pixel of a phone at CLOSE zoom
CLOSE = 8  # how much a place's map zooms in on its marker (a window about 25 km wide)
MARKER = 18.0  # the marker's radius in units of the whole map (a few pixels on a phone)
# Someone who joined another person's report sees its place to 3 decimals of a degree (about 100 m),
# as Open311's public answers give it: near enough to know the spot, not enough to point at a home.
SHARED_DECIMALS = 3


@dataclass(frozen=True)
class Projection:
    """Equirectangular: x grows east from `west`, y grows south from `north`, both in SVG units."""

    west: float
    north: float
    x_scale: float  # units per degree of longitude
    y_scale: float  # units per degree of latitude

    def point(self, lat: float, lon: float) -> tuple[float, float]:
        return (float(lon) - self.west) * self.x_scale, (self.north - float(lat)) * self.y_scale

    def position(self, x: float, y: float) -> tuple[float, float]:
        """The (lat, lon) drawn at (x, y): the inverse of `point`."""
        return self.north - y / self.y_scale, self.west + x / self.x_scale


@cache
def _box() -> tuple[float, float, float, float]:
    """(south, north, west, east): Kuwait's outline with a margin of sea, rounded outwards to the
    hundredth of a degree."""
    min_lat, max_lat, min_lon, max_lon = geo.country_bounds()
    return (
        math.floor((min_lat - MARGIN) * 100) / 100,
        math.ceil((max_lat + MARGIN) * 100) / 100,
        math.floor((min_lon - MARGIN) * 100) / 100,
        math.ceil((max_lon + MARGIN) * 100) / 100,
    )


@cache
def projection() -> Projection:
    south, north, west, east = _box()
    x_scale = WIDTH / (east - west)
    y_scale = x_scale / math.cos(math.radians((south + north) / 2))
    return Projection(west=west, north=north, x_scale=x_scale, y_scale=y_scale)


@dataclass(frozen=True)
class Shape:
    code: str
    name: BilingualText
    governorate: str
    d: str  # SVG path data


@dataclass(frozen=True)
class Drawing:
    projection: Projection
    width: int
    height: int
    governorates: tuple[Shape, ...]
    areas: tuple[Shape, ...]
    names: dict[str, BilingualText]  # governorates' and areas' names by code


def _path(shape: BaseGeometry, where: Projection) -> str:
    """Path data of a (Multi)Polygon: one closed subpath per ring (holes fill even-odd)."""
    import shapely

    simple = shapely.simplify(shape, SIMPLIFY, preserve_topology=True)
    polygons = getattr(simple, "geoms", [simple])
    rings = [
        ring
        for polygon in polygons
        if not polygon.is_empty
        for ring in (polygon.exterior, *polygon.interiors)
    ]
    parts = []
    for ring in rings:
        points = (where.point(lat, lon) for lon, lat in ring.coords[:-1])
        parts.append("M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in points) + "Z")
    return "".join(parts)


@cache
def drawing() -> Drawing:
    where = projection()
    height = math.ceil(where.point(_box()[0], where.west)[1])

    def shapes(outlines: tuple[geo.Outline, ...]) -> tuple[Shape, ...]:
        return tuple(Shape(o.code, o.name, o.governorate, _path(o.shape, where)) for o in outlines)

    governorates, areas = shapes(geo.governorate_outlines()), shapes(geo.area_outlines())
    names = {s.code: s.name for s in (*governorates, *areas)}
    return Drawing(where, WIDTH, height, governorates, areas, names)


@dataclass(frozen=True)
class MapView:
    """What one page draws: the window (`view_box`), the highlighted governorate and area, the marker."""

    drawing: Drawing
    view_box: str
    marker: tuple[str, str] | None  # cx, cy
    marker_radius: str
    governorate: str
    area: str
    close: int = CLOSE  # how much the picker zooms in around a tap

    @property
    def place_name(self) -> BilingualText | None:
        """ "Salmiya, Hawalli", or the governorate alone where the point has no area polygon."""
        names = self.drawing.names
        governorate = names.get(self.governorate)
        if governorate is None:
            return None
        area = names.get(self.area)
        if area is None:
            return governorate
        return BilingualText(ar=f"{area.ar}، {governorate.ar}", en=f"{area.en}, {governorate.en}")


def _number(value: float) -> str:
    return f"{value:.1f}"


def whole(latitude: str = "", longitude: str = "") -> MapView:
    """The whole country, for picking a place; with the marker and the place's outlines when the
    form already holds a point in Kuwait (typed, or sent back with an error)."""
    board = drawing()
    marker, governorate, area = None, "", ""
    if latitude.strip() and longitude.strip():
        try:
            lat, lon = geo.parse_coordinates(latitude, longitude)
            place = geo.resolve(lat, lon)
        except BadInput:
            pass  # the form says what is wrong with it; the map just has no marker
        else:
            x, y = board.projection.point(lat, lon)
            marker, governorate, area = (_number(x), _number(y)), place.governorate, place.area or ""
    return MapView(board, f"0 0 {board.width} {board.height}", marker, _number(MARKER), governorate, area)


def close_to(
    lat: float | Decimal, lon: float | Decimal, governorate: str, area: str, *, exact: bool = True
) -> MapView:
    """A window CLOSE times smaller than the country, centred on the point as far as the map's edges
    allow, for a report's page: the marker and the report's governorate and area highlighted. Not
    `exact`, the marker stands at the point rounded to SHARED_DECIMALS."""
    board = drawing()
    lat, lon = float(lat), float(lon)
    if not exact:
        lat, lon = round(lat, SHARED_DECIMALS), round(lon, SHARED_DECIMALS)
    x, y = board.projection.point(lat, lon)
    width, height = board.width / CLOSE, board.height / CLOSE
    left = min(max(x - width / 2, 0.0), board.width - width)
    top = min(max(y - height / 2, 0.0), board.height - height)
    box = " ".join(_number(v) for v in (left, top, width, height))
    return MapView(board, box, (_number(x), _number(y)), _number(MARKER / CLOSE), governorate, area)
