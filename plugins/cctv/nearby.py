"""Which cameras see a point: the nearest within a radius, those whose field of view covers it
first; and which stand along a line. Every question names who asks, so a restricted camera is
never revealed."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select, true

from core import db
from core.geo import degrees_around, distance_to_lines_m, geometry_lines, haversine_m
from core.types import Actor
from plugins.cctv.models import Camera


@dataclass(frozen=True)
class NearbyCamera:
    camera: Camera
    distance_m: float
    covers: bool


def visible_cameras(actor: Actor) -> ColumnElement[bool]:
    """Public cameras for everyone; staff cameras for an agency's people; restricted ones for
    the owning agency; all for admins."""
    if actor.role == "admin":
        return true()
    if actor.agency and actor.role in ("officer", "staff", "head"):
        return or_(Camera.visibility.in_(("public", "staff")), Camera.agency_code == actor.agency)
    return Camera.visibility == "public"


def may_see(actor: Actor, camera: Camera) -> bool:
    """``visible_cameras`` for one camera already loaded (the snapshot path asks this on every
    request; a test holds the two to the same answers)."""
    if actor.role == "admin":
        return True
    if actor.agency and actor.role in ("officer", "staff", "head"):
        return camera.visibility in ("public", "staff") or camera.agency_code == actor.agency
    return camera.visibility == "public"


def bearing_deg(origin: tuple[float, float], target: tuple[float, float]) -> float:
    """Initial compass bearing from origin to target, 0-360 (0 north, 90 east)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*origin, *target))
    east = math.sin(lon2 - lon1) * math.cos(lat2)
    north = math.cos(lat1) * math.sin(lat2) - math.sin(lat1) * math.cos(lat2) * math.cos(
        lon2 - lon1
    )
    return math.degrees(math.atan2(east, north)) % 360


def covers(camera: Camera, point: tuple[float, float], distance_m: float, range_m: float) -> bool:
    """The point is within the camera's range and inside its field of view (a camera without
    a heading or field of view covers nothing: it is only near)."""
    if camera.heading is None or camera.fov_deg is None or distance_m > range_m:
        return False
    if distance_m < 1:
        return True
    off_axis = abs(
        (bearing_deg((camera.lat, camera.lon), point) - camera.heading + 180) % 360 - 180
    )
    return off_axis <= camera.fov_deg / 2


def nearest_cameras(
    actor: Actor, point: tuple[float, float], k: int, radius_m: float, range_m: float
) -> list[NearbyCamera]:
    """Up to ``k`` cameras the actor may see within ``radius_m``: covering ones first, each group
    nearest first."""
    lat_span, lon_span = degrees_around(point, radius_m)
    candidates = db.session().scalars(
        select(Camera).where(
            and_(
                Camera.lat.between(point[0] - lat_span, point[0] + lat_span),
                Camera.lon.between(point[1] - lon_span, point[1] + lon_span),
            ),
            visible_cameras(actor),
        )
    )
    found = []
    for camera in candidates:
        distance = haversine_m(point, (camera.lat, camera.lon))
        if distance <= radius_m:
            found.append(NearbyCamera(camera, distance, covers(camera, point, distance, range_m)))
    found.sort(key=lambda item: (not item.covers, item.distance_m, item.camera.id))
    return found[:k]


Box = tuple[float, float, float, float]  # south, north, west, east


def cameras_along(
    actor: Actor, geometries: list[dict[str, Any]], within_m: float
) -> list[list[NearbyCamera]]:
    """For each GeoJSON Point, LineString or MultiLineString, the cameras the actor may see within
    ``within_m`` of it, nearest first (``covers`` is about a point: False here). One query for
    them all, over the box around every geometry; each geometry then measures the cameras in its
    own box."""
    if not geometries:
        return []
    every_lines = [geometry_lines(geometry) for geometry in geometries]
    boxes = [_box_around(lines, within_m) for lines in every_lines]
    candidates = list(
        db.session().scalars(
            select(Camera).where(
                Camera.lat.between(min(box[0] for box in boxes), max(box[1] for box in boxes)),
                Camera.lon.between(min(box[2] for box in boxes), max(box[3] for box in boxes)),
                visible_cameras(actor),
            )
        )
    )
    return [
        _near_lines(candidates, lines, box, within_m)
        for lines, box in zip(every_lines, boxes, strict=True)
    ]


def _box_around(lines: list[list[tuple[float, float]]], within_m: float) -> Box:
    latitudes = [lat for line in lines for lat, _ in line]
    longitudes = [lon for line in lines for _, lon in line]
    # The margin in longitude is widest at the latitude farthest from the equator.
    widest = max(abs(min(latitudes)), abs(max(latitudes)))
    lat_span, lon_span = degrees_around((widest, 0.0), within_m)
    return (
        min(latitudes) - lat_span,
        max(latitudes) + lat_span,
        min(longitudes) - lon_span,
        max(longitudes) + lon_span,
    )


def _near_lines(
    candidates: list[Camera], lines: list[list[tuple[float, float]]], box: Box, within_m: float
) -> list[NearbyCamera]:
    south, north, west, east = box
    found = []
    for camera in candidates:
        if not (south <= camera.lat <= north and west <= camera.lon <= east):
            continue
        distance = distance_to_lines_m((camera.lat, camera.lon), lines)
        if distance <= within_m:
            found.append(NearbyCamera(camera, distance, covers=False))
    found.sort(key=lambda item: (item.distance_m, item.camera.id))
    return found
