"""Segments' statuses: what a segment reads now (stale ones read unknown), setting one, the
cameras along a segment (from whichever plugin has cameras, through the ``cameras_along`` hook),
and the status suggested by recent traffic complaints and the cameras' tags along it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from core import db
from core.catalog import catalog
from core.geo import degrees_around, distance_to_lines_m, geometry_lines
from core.live import publish
from core.models import Complaint
from core.plugins import hooks
from core.types import Actor, CameraSighting
from plugins.transport.agency import CATEGORY_CODES
from plugins.transport.models import STATUSES, UNKNOWN, RoadSegment
from plugins.transport.settings import transport_state

# Everyone hears a change: the public room's visitors, admins in the city room, and every
# agency's staff at their consoles (who are not in the public room).
PUBLIC_ROOMS = ("public", "city")
LIVE_EVENT = "transport.segment"
# Complaints along a segment in the window: fewer than PADAT_FROM → lancar, then padat, then macet.
PADAT_FROM = 1
MACET_FROM = 3


def current_status(segment: RoadSegment, now: datetime) -> str:
    expires = segment.status_expires_at
    if segment.status == UNKNOWN or expires is None or expires <= now:
        return UNKNOWN
    return segment.status


def segment_payload(
    segment: RoadSegment, now: datetime, cameras: list[CameraSighting] | None = None
) -> dict[str, Any]:
    """A segment as everyone sees it; a stale status reads unknown, when it was set stays.
    ``cameras``, when given, are the ones along it as the asker may see them: never in a live
    event, which goes to everyone."""
    status = current_status(segment, now)
    payload: dict[str, Any] = {
        "id": segment.id,
        "name": segment.name,
        "geometry": json.loads(segment.geometry),
        "bbox": [segment.min_lon, segment.min_lat, segment.max_lon, segment.max_lat],
        "status": status,
        "status_source": segment.status_source if status != UNKNOWN else None,
        "status_set_at": _iso(segment.status_set_at),
        "status_expires_at": _iso(segment.status_expires_at) if status != UNKNOWN else None,
    }
    if cameras is not None:
        payload["cameras"] = [camera.as_dict() for camera in cameras]
    return payload


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


# --- the cameras along a segment ---------------------------------------------------------------


def cameras_along(segments: list[RoadSegment], actor: Actor) -> list[list[CameraSighting]]:
    """For each segment, the cameras within ``camera_m`` of it that the actor may see, nearest
    first; none when no plugin has cameras. One question for them all."""
    found: list[list[CameraSighting]] = hooks().cameras_along(
        geometries=[json.loads(segment.geometry) for segment in segments],
        within_m=transport_state().settings.camera_m,
        actor=actor,
    )
    return found


def cameras_known() -> bool:
    """Whether some plugin answers for cameras (the page hides its cameras otherwise)."""
    return bool(hooks().pm.hook.cameras_along.get_hookimpls())


# --- the suggestion ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CameraVote:
    """A camera along the segment whose operators tagged it with a status word."""

    camera: CameraSighting
    tag: str  # as the operators wrote it
    status: str  # the status word it names


@dataclass(frozen=True)
class Suggestion:
    status: str
    complaints: int
    # What the complaints alone suggest, and what each tagged camera says.
    complaints_status: str
    camera_votes: tuple[CameraVote, ...]
    since: datetime
    near_m: float
    camera_m: float
    categories: tuple[str, ...]


def suggest(segment: RoadSegment, actor: Actor) -> Suggestion:
    """The worse of what the recent traffic complaints within ``near_m`` of the segment's line
    say and what the cameras along it the actor may see are tagged with."""
    state = transport_state()
    settings = state.settings
    since = state.now() - timedelta(minutes=settings.suggest_minutes)
    lines = _lines(segment)
    count = sum(
        1
        for complaint in _candidates(segment, since, settings.near_m, settings.suggest_categories)
        if distance_to_lines_m((complaint.lat, complaint.lon), lines) <= settings.near_m
    )
    [cameras] = cameras_along([segment], actor)
    votes = tuple(vote for camera in cameras if (vote := camera_vote(camera)))
    complaints_status = status_for(count)
    return Suggestion(
        status=worst([complaints_status, *(vote.status for vote in votes)]),
        complaints=count,
        complaints_status=complaints_status,
        camera_votes=votes,
        since=since,
        near_m=settings.near_m,
        camera_m=settings.camera_m,
        categories=settings.suggest_categories,
    )


def camera_vote(camera: CameraSighting) -> CameraVote | None:
    """The worst status word among the camera's tags (in any case), if it has one."""
    named = [
        CameraVote(camera, tag, tag.strip().lower())
        for tag in camera.tags
        if tag.strip().lower() in STATUSES
    ]
    return max(named, key=lambda vote: STATUSES.index(vote.status), default=None)


def worst(statuses: list[str]) -> str:
    """The worst of the statuses (``STATUSES`` run from lancar to macet)."""
    return max(statuses, key=STATUSES.index)


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
    return geometry_lines(json.loads(segment.geometry))
