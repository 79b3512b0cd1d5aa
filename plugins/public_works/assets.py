"""Which assets a report could be about: the nearest of the kinds its category concerns, and
the one a new complaint names."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping

import shapely
from shapely.geometry import shape
from shapely.ops import nearest_points
from sqlalchemy import select

from core import db
from core.geo import degrees_around, distance_to_lines_m, geometry_lines
from core.types import Asset
from plugins.public_works.models import CityAsset

# The categories whose reports are about an asset, and of which kinds; a pothole is anywhere
# on a road, and has none.
CATEGORY_KINDS: Mapping[str, tuple[str, ...]] = {
    "streetlight": ("streetlight",),
    "blocked_drain": ("drain",),
    "flooding": ("drain",),
    "bridge_damage": ("bridge",),
}


def assets_near(
    category: str, point: tuple[float, float], limit: int, radius_m: float
) -> list[Asset]:
    """The assets of the category's kinds within ``radius_m`` of the point, nearest first (then
    by id), at most ``limit``; a line's position is its point nearest to the one asked."""
    kinds = CATEGORY_KINDS.get(category)
    if not kinds or limit < 1:
        return []
    lat_margin, lon_margin = degrees_around(point, radius_m)
    candidates = db.session().scalars(
        select(CityAsset).where(
            CityAsset.kind.in_(kinds),
            CityAsset.min_lat <= point[0] + lat_margin,
            CityAsset.max_lat >= point[0] - lat_margin,
            CityAsset.min_lon <= point[1] + lon_margin,
            CityAsset.max_lon >= point[1] - lon_margin,
        )
    )
    found = []
    for asset in candidates:
        geometry = json.loads(asset.geometry)
        distance = distance_to_lines_m(point, geometry_lines(geometry))
        if distance <= radius_m:
            lat, lon = nearest_position(geometry, point)
            found.append(Asset(asset.id, asset.kind, asset.name, lat, lon, distance))
    found.sort(key=lambda each: (each.distance_m, each.id))
    return found[:limit]


def find_asset(category: str, asset_id: str) -> Asset | None:
    """The asset by its id, at its representative point, if reports of the category can be
    about it; else None."""
    asset = db.session().get(CityAsset, asset_id)
    if asset is None or asset.kind not in CATEGORY_KINDS.get(category, ()):
        return None
    lat, lon = representative_position(json.loads(asset.geometry))
    return Asset(asset.id, asset.kind, asset.name, lat, lon)


# Shapely measures in the plane: the geometry is scaled to metres-like units around the point
# first (a degree of longitude shrinks with the latitude), so "nearest" and "middle" are true
# on the ground, not only in degrees.


def _flat(geometry: dict[str, object], scale_lon: float) -> shapely.Geometry:
    return shapely.transform(shape(geometry), lambda xy: xy * [scale_lon, 1.0])


def nearest_position(
    geometry: dict[str, object], point: tuple[float, float]
) -> tuple[float, float]:
    """(lat, lon) of the geometry's point nearest to ``point``."""
    scale_lon = math.cos(math.radians(point[0]))
    asked = shapely.Point(point[1] * scale_lon, point[0])
    nearest = nearest_points(_flat(geometry, scale_lon), asked)[0]
    return nearest.y, nearest.x / scale_lon


def representative_position(geometry: dict[str, object]) -> tuple[float, float]:
    """(lat, lon) of a point's own position, or of the middle of a line's length."""
    whole = shape(geometry)
    scale_lon = math.cos(math.radians(whole.centroid.y))
    flat = _flat(geometry, scale_lon)
    if isinstance(flat, shapely.Point):
        middle = flat
    else:
        middle = shapely.line_interpolate_point(flat, 0.5, normalized=True)
    return middle.y, middle.x / scale_lon
