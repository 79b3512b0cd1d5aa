"""The reporter's word on a fix: a rating of 1 to 5, and reopening what was not really fixed."""

from __future__ import annotations

from sqlalchemy import select

from core import db
from core.changes import new_event, record_change, record_status_change
from core.errors import ApiError
from core.models import Complaint, ComplaintEvent
from core.types import Actor

# Ratings this low say the fix did not hold: the complaint goes back for review.
REOPENING_RATINGS = (1, 2)
REOPENABLE = ("resolved", "closed")


def is_reporter(actor: Actor, complaint: Complaint) -> bool:
    """Its reporter, or the reporter of a duplicate merged into it."""
    if actor.user_id is None:
        return False
    if complaint.reporter_id == actor.user_id:
        return True
    # Following is not enough: voters ("me too") follow too, but only reporters rate a fix.
    merged_duplicate = select(Complaint.id).where(
        Complaint.merged_into_id == complaint.id, Complaint.reporter_id == actor.user_id
    )
    return db.session().scalar(merged_duplicate.limit(1)) is not None


def rate_resolution(
    complaint: Complaint, actor: Actor, stars: int, comment: str | None
) -> ComplaintEvent:
    """Record the reporter's rating; 1 or 2 stars reopen the complaint for review."""
    _require_reporter(actor, complaint)
    _refuse_merged(complaint)
    if complaint.status not in REOPENABLE:
        raise ApiError(409, "not_resolved", "Only a resolved complaint can be rated.")
    old_status = complaint.status
    complaint.rating = stars
    reopen = stars in REOPENING_RATINGS
    note = f"Rated {stars}/5." + (f" {comment}" if comment else "")
    if reopen:
        note += " Reopened for review."
    event = new_event(
        complaint,
        actor,
        "rated",
        from_status=old_status if reopen else None,
        to_status="open" if reopen else None,
        note=note,
    )
    return _commit(complaint, event, reopen)


def reopen_complaint(complaint: Complaint, actor: Actor, reason: str) -> ComplaintEvent:
    """The reporter says the problem is still there: the complaint is open again."""
    _require_reporter(actor, complaint)
    _refuse_merged(complaint)
    if complaint.status not in REOPENABLE:
        raise ApiError(
            409,
            "invalid_transition",
            "A %(state)s complaint is not closed.",
            state=complaint.status,
        )
    old_status = complaint.status
    event = new_event(
        complaint, actor, "status", from_status=old_status, to_status="open", note=reason
    )
    return _commit(complaint, event, reopen=True)


def _commit(complaint: Complaint, event: ComplaintEvent, reopen: bool) -> ComplaintEvent:
    if reopen:
        record_status_change(complaint, event, event.note)
    else:
        record_change(complaint, event)
    return event


def _require_reporter(actor: Actor, complaint: Complaint) -> None:
    if actor.is_anonymous:
        raise ApiError(401, "unauthorized", "Sign in first.")
    if not is_reporter(actor, complaint):
        raise ApiError(403, "forbidden", "Only the people who reported it can do this.")


def _refuse_merged(complaint: Complaint) -> None:
    # Its reporters follow the kept case now; reopening the duplicate would split the work.
    if complaint.merged_into_id is not None:
        raise ApiError(
            409,
            "merged",
            "Complaint #%(id)s was merged into #%(kept)s; rate or reopen that one.",
            id=complaint.id,
            kept=complaint.merged_into_id,
        )
