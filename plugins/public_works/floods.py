"""The flood view's data: the flood reports of the last hours that the visitor may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from core import db
from core.complaints import visible_complaints
from core.models import Complaint
from core.types import Actor
from plugins.public_works.agency import FLOODING, WATER_DEPTH

# Not water in the street: a rejected report was a mistake, a merged one is counted in the
# report it joined.
NOT_SHOWN_STATUSES = ("rejected",)
# A wet week across the city is a few hundred reports: the map shows them all, never more.
MAX_FLOODS = 1000


@dataclass(frozen=True)
class FloodWindow:
    hours: int
    since: datetime
    until: datetime


def flood_window(hours: int, now: datetime) -> FloodWindow:
    return FloodWindow(hours, now - timedelta(hours=hours), now)


def recent_floods(actor: Actor, window: FloodWindow) -> list[Complaint]:
    """The flood reports the actor may see, made in the window, newest first."""
    query = (
        visible_complaints(actor)
        .where(
            Complaint.category_code == FLOODING,
            Complaint.created_at >= window.since,
            Complaint.status.not_in(NOT_SHOWN_STATUSES),
            Complaint.merged_into_id.is_(None),
        )
        .order_by(Complaint.created_at.desc(), Complaint.id.desc())
        .limit(MAX_FLOODS)
    )
    return list(db.session().scalars(query))


def water_depth_cm(attributes: dict[str, Any] | None) -> float | None:
    """The depth the reporter gave on the form, None when not given (or not a depth)."""
    depth = (attributes or {}).get(WATER_DEPTH)
    if isinstance(depth, bool) or not isinstance(depth, int | float) or depth < 0:
        return None
    return float(depth)


def flood_payload(complaint: Complaint) -> dict[str, Any]:
    return {
        "id": complaint.id,
        "lat": complaint.lat,
        "lon": complaint.lon,
        "address": complaint.address,
        "depth_cm": water_depth_cm(complaint.attributes),
        "status": complaint.status,
        "created_at": complaint.created_at.isoformat(),
    }
