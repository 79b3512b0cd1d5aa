"""Likely duplicates of a report, and merging them: one case that keeps every reporter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select

from core import db
from core.catalog import catalog
from core.changes import commit_change, new_event, require_right, set_status
from core.complaints import announce, visible_complaints
from core.errors import ApiError
from core.geo import degrees_around, haversine_m
from core.models import OPEN_STATUSES, Complaint, ComplaintEvent, Follower
from core.notifications import notify_reporters, reporter_ids
from core.plugins import hooks
from core.types import Actor

MAX_OFFERED = 10
CANDIDATES_READ = 50


@dataclass(frozen=True)
class Candidate:
    """A likely duplicate, as much of it as a resident needs to recognise it: no personal data."""

    id: int
    category: str
    description: str
    status: str
    lat: float
    lon: float
    created_at: datetime
    asset_id: str | None
    distance_m: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "category": self.category,
            "description": self.description,
            "status": self.status,
            "lat": self.lat,
            "lon": self.lon,
            "created_at": self.created_at.isoformat(),
            "asset_id": self.asset_id,
            "distance_m": round(self.distance_m, 1),
        }


def likely_duplicates(
    actor: Actor,
    category_code: str,
    point: tuple[float, float],
    now: datetime,
    asset_id: str | None = None,
) -> list[Candidate]:
    """Open complaints the actor may see, of the same category, within the category's radius,
    reported within its window: nearest first, at most ten.

    With an ``asset_id`` (the streetlight or drain picked), reports about that asset come
    first wherever they were placed, and reports about another asset are not offered: the
    next streetlight out is not the same problem.

    Reads a bounded handful of rows' columns, never whole complaints: a flood reported a
    thousand times at one spot costs each new report the same as the first.
    """
    category = catalog().categories.get(category_code)
    if category is None:
        return []
    lat_span, lon_span = degrees_around(point, category.duplicate_radius_m)
    nearby_clause = and_(
        Complaint.lat.between(point[0] - lat_span, point[0] + lat_span),
        Complaint.lon.between(point[1] - lon_span, point[1] + lon_span),
    )
    if asset_id is not None:
        same_asset = Complaint.asset_id == asset_id
        nearby_clause = or_(same_asset, and_(Complaint.asset_id.is_(None), nearby_clause))
    query = visible_complaints(actor).where(
        Complaint.category_code == category_code,
        Complaint.status.in_(OPEN_STATUSES),
        nearby_clause,
        Complaint.created_at >= now - timedelta(hours=category.duplicate_window_hours),
    )
    columns = query.with_only_columns(
        Complaint.id,
        Complaint.category_code,
        Complaint.description,
        Complaint.status,
        Complaint.lat,
        Complaint.lon,
        Complaint.created_at,
        Complaint.asset_id,
    ).limit(CANDIDATES_READ)
    found = [
        Candidate(
            id=row.id,
            category=row.category_code,
            description=row.description,
            status=row.status,
            lat=row.lat,
            lon=row.lon,
            created_at=row.created_at,
            asset_id=row.asset_id,
            distance_m=haversine_m(point, (row.lat, row.lon)),
        )
        for row in db.session().execute(columns)
    ]
    kept = [
        candidate
        for candidate in found
        if (asset_id is not None and candidate.asset_id == asset_id)
        or candidate.distance_m <= category.duplicate_radius_m
    ]
    ranked = sorted(kept, key=lambda found: (found.asset_id != asset_id, found.distance_m))
    return ranked[:MAX_OFFERED]


def merge_complaint(
    duplicate: Complaint, actor: Actor, keeper: Complaint, reason: str | None
) -> ComplaintEvent:
    """Fold ``duplicate`` into ``keeper``: the duplicate closes pointing at it, and its
    reporters follow the kept case from now on (told of every status change)."""
    require_right(actor, duplicate, "merge")
    require_right(actor, keeper, "note")
    if duplicate.id == keeper.id:
        raise ApiError(409, "no_change", "A complaint cannot be merged into itself.")
    if keeper.merged_into_id is not None or keeper.status not in OPEN_STATUSES:
        raise ApiError(409, "invalid_transition", "Merge into an open case that was not merged.")
    if duplicate.merged_into_id is not None:
        raise ApiError(
            409, "no_change", "Already merged into #%(id)s.", id=duplicate.merged_into_id
        )
    if duplicate.category_code != keeper.category_code:
        raise ApiError(409, "invalid_transition", "Only complaints of one category can merge.")
    note = f"Merged into #{keeper.id}" + (f": {reason}" if reason else ".")
    event = new_event(
        duplicate,
        actor,
        "merged",
        from_status=duplicate.status,
        to_status="closed",
        note=note,
    )
    _adopt_reporters(keeper, reporter_ids(duplicate))
    duplicate.merged_into_id = keeper.id
    set_status(duplicate, "closed", event.at)
    keeper.updated_at = event.at
    notify_reporters(
        duplicate,
        "merged",
        f"Complaint #{duplicate.id} is the same problem as #{keeper.id}; "
        f"you will hear of its progress there.",
    )
    db.session().add(
        new_event(
            keeper, actor, "merged", note=f"Complaint #{duplicate.id} merged in.", at=event.at
        )
    )
    commit_change(duplicate, event)
    announce(duplicate, "complaint.updated")
    announce(keeper, "complaint.updated")
    hooks().notify(
        "complaint_status_changed",
        complaint=duplicate,
        event=event,
        old_status=event.from_status or "open",
    )
    return event


def _adopt_reporters(keeper: Complaint, user_ids: list[int]) -> None:
    session = db.session()
    with session.no_autoflush:
        already = set(
            session.scalars(select(Follower.user_id).where(Follower.complaint_id == keeper.id))
        )
    if keeper.reporter_id:
        already.add(keeper.reporter_id)
    session.add_all(
        Follower(complaint_id=keeper.id, user_id=user_id)
        for user_id in dict.fromkeys(user_ids)
        if user_id not in already
    )
