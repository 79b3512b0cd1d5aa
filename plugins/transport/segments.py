"""Segments' statuses: what a segment reads now (stale ones read unknown), setting one, and the
status suggested by recent traffic complaints along it."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

from sqlalchemy import select

from core import db
from core.catalog import catalog
from core.geo import degrees_around
from core.live import publish
from core.models import Complaint
from core.types import Actor
from plugins.transport.agency import CATEGORY_CODES
from plugins.transport.models import UNKNOWN, RoadSegment
from plugins.transport.settings import transport_state

# Everyone hears a change: the public room's visitors, admins in the city room, and every
# agency's staff at their consoles (who are not in the public room).
PUBLIC_ROOMS = ("public", "city")
LIVE_EVENT = "transport.segment"
# Complaints along a segment in the window: fewer than PADAT_FROM → lancar, then padat, then macet.
PADAT_FROM = 1
MACET_FROM = 3
EARTH_RADIUS_M = 6_371_000.0


def current_status(segment: RoadSegment, now: datetime) -> str:
    expires = segment.status_expires_at
    if segment.status == UNKNOWN or expires is None or expires <= now:
        return UNKNOWN
    return segment.status


def segment_payload(segment: RoadSegment, now: datetime) -> dict[str, Any]:
    """A segment as everyone sees it; a stale status reads unknown, when it was set stays."""
    status = current_status(segment, now)
    return {
        "id": segment.id,
        "name": segment.name,
        "geometry": json.loads(segment.geometry),
        "bbox": [segment.min_lon, segment.min_lat, segment.max_lon, segment.max_lat],
        "status": status,
        "status_source": segment.status_source if status != UNKNOWN else None,
        "status_set_at": _iso(segment.status_set_at),
        "status_expires_at": _iso(segment.status_expires_at) if status != UNKNOWN else None,
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def owning_agencies() -> set[str]:
    """The agencies owning the traffic categories (Dishub in the demo city) set statuses."""
    categories = catalog().categories
    return {categories[code].agency for code in CATEGORY_CODES if code in categories}


def may_set_status(actor: Actor) -> bool:
    if actor.role == "admin":
        return True
    return actor.role in ("staff", "head") and actor.agency in owning_agencies()


def set_status(segment: RoadSegment, status: str, source: str, actor: Actor) -> dict[str, Any]:
    """Set and announce a segment's status; ``unknown`` clears it. Returns the payload sent."""
    state = transport_state()
    now = state.now()
    segment.status = status
    segment.status_set_at = now
    segment.set_by_id = actor.user_id
    if status == UNKNOWN:
        segment.status_source = None
        segment.status_expires_at = None
    else:
        segment.status_source = source
        segment.status_expires_at = now + timedelta(minutes=state.settings.status_minutes)
    db.session().commit()
    payload = segment_payload(segment, now)
    agency_rooms = [f"agency:{code}" for code in catalog().agencies]
    publish([*PUBLIC_ROOMS, *agency_rooms], LIVE_EVENT, payload)
    return payload


# --- the suggestion ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    status: str
    complaints: int
    since: datetime
    near_m: float
    categories: tuple[str, ...]


def suggest(segment: RoadSegment) -> Suggestion:
    """Count the recent traffic complaints within ``near_m`` of the segment's line."""
    state = transport_state()
    settings = state.settings
    since = state.now() - timedelta(minutes=settings.suggest_minutes)
    lines = _lines(segment)
    count = sum(
        1
        for complaint in _candidates(segment, since, settings.near_m, settings.suggest_categories)
        if distance_to_lines_m((complaint.lat, complaint.lon), lines) <= settings.near_m
    )
    return Suggestion(
        status=status_for(count),
        complaints=count,
        since=since,
        near_m=settings.near_m,
        categories=settings.suggest_categories,
    )


def status_for(complaints: int) -> str:
    if complaints >= MACET_FROM:
        return "macet"
    if complaints >= PADAT_FROM:
        return "padat"
    return "lancar"


def _candidates(
    segment: RoadSegment, since: datetime, near_m: float, categories: tuple[str, ...]
) -> list[Complaint]:
    """The complaints in the segment's bounding box grown by ``near_m``: few enough to measure."""
    middle = ((segment.min_lat + segment.max_lat) / 2, (segment.min_lon + segment.max_lon) / 2)
    lat_margin, lon_margin = degrees_around(middle, near_m)
    query = select(Complaint).where(
        Complaint.category_code.in_(categories),
        Complaint.created_at >= since,
        Complaint.status != "rejected",
        Complaint.merged_into_id.is_(None),
        Complaint.lat.between(segment.min_lat - lat_margin, segment.max_lat + lat_margin),
        Complaint.lon.between(segment.min_lon - lon_margin, segment.max_lon + lon_margin),
    )
    return list(db.session().scalars(query))


def _lines(segment: RoadSegment) -> list[list[tuple[float, float]]]:
    """The segment's lines as (lat, lon) points."""
    geometry = json.loads(segment.geometry)
    lines = (
        [geometry["coordinates"]] if geometry["type"] == "LineString" else geometry["coordinates"]
    )
    return [[(point[1], point[0]) for point in line] for line in lines]


def distance_to_lines_m(
    point: tuple[float, float], lines: list[list[tuple[float, float]]]
) -> float:
    """Metres from the point to the nearest piece of the lines (flat around the point: fine for
    the hundred metres asked about)."""
    return min(
        _distance_to_piece_m(point, start, end) for line in lines for start, end in pairwise(line)
    )


def _distance_to_piece_m(
    point: tuple[float, float], start: tuple[float, float], end: tuple[float, float]
) -> float:
    scale_lon = math.cos(math.radians(point[0]))

    def flat(place: tuple[float, float]) -> tuple[float, float]:
        north = math.radians(place[0] - point[0]) * EARTH_RADIUS_M
        east = math.radians(place[1] - point[1]) * EARTH_RADIUS_M * scale_lon
        return east, north

    (ax, ay), (bx, by) = flat(start), flat(end)
    length_squared = (bx - ax) ** 2 + (by - ay) ** 2
    along = 0.0 if length_squared == 0 else -(ax * (bx - ax) + ay * (by - ay)) / length_squared
    along = min(1.0, max(0.0, along))
    return math.hypot(ax + along * (bx - ax), ay + along * (by - ay))
