"""Telling residents what became of what they reported: one message per reporter and follower."""

from __future__ import annotations

from sqlalchemy import select

from core import db
from core.models import Complaint, Follower, Notification, utcnow


def reporter_ids(complaint: Complaint) -> list[int]:
    """Its reporter (unless anonymous) and the reporters of the duplicates merged into it."""
    session = db.session()
    # Pending changes flush at commit, where a concurrent change is caught, not here.
    with session.no_autoflush:
        followers = list(
            session.scalars(select(Follower.user_id).where(Follower.complaint_id == complaint.id))
        )
    ids = [complaint.reporter_id] if complaint.reporter_id else []
    return ids + [user_id for user_id in followers if user_id not in ids]


def notify_reporters(complaint: Complaint, kind: str, message: str) -> None:
    """Queue a message to every reporter in the caller's transaction (it commits them)."""
    now = utcnow()
    db.session().add_all(
        Notification(
            user_id=user_id, complaint_id=complaint.id, kind=kind, message=message, created_at=now
        )
        for user_id in reporter_ids(complaint)
    )


def status_message(complaint: Complaint, public_note: str | None) -> str:
    words = {
        "open": "is open again",
        "acknowledged": "was acknowledged",
        "in_progress": "is being worked on",
        "waiting": "is waiting on a third party",
        "resolved": "was resolved",
        "closed": "was closed",
        "rejected": "was rejected",
    }
    message = f"Complaint #{complaint.id} {words.get(complaint.status, complaint.status)}."
    return f"{message} {public_note}" if public_note else message
