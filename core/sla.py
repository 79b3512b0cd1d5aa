"""Service levels: each complaint's deadlines, and the clock that stops while it waits."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app

from core.models import OPEN_STATUSES, Complaint
from core.types import CategorySpec


def start_clock(complaint: Complaint, category: CategorySpec, now: datetime) -> None:
    """A new owner got the complaint: its deadlines count from now."""
    complaint.assigned_at = now
    complaint.acknowledge_due_at = now + timedelta(minutes=category.sla_acknowledge_minutes or 0)
    complaint.expected_at = now + timedelta(hours=category.sla_resolve_hours or 0)
    complaint.sla_paused_at = now if complaint.status in pause_statuses() else None
    complaint.overdue = None


def restart_resolution(complaint: Complaint, category: CategorySpec, now: datetime) -> None:
    """A reopened complaint gets a fresh resolution deadline (the reopen itself is counted)."""
    complaint.expected_at = now + timedelta(hours=category.sla_resolve_hours or 0)
    complaint.overdue = None


def pause_statuses() -> tuple[str, ...]:
    return tuple(current_app.config["SMARTCITY"]["sla_pause_statuses"])


def follow_status(complaint: Complaint, old_status: str, now: datetime) -> None:
    """Stop the clock on entering a waiting status; on leaving it, push the deadlines back."""
    waiting = pause_statuses()
    if complaint.status in waiting and old_status not in waiting:
        complaint.sla_paused_at = now
    elif old_status in waiting and complaint.status not in waiting and complaint.sla_paused_at:
        waited = now - complaint.sla_paused_at
        if complaint.acknowledge_due_at:
            complaint.acknowledge_due_at += waited
        if complaint.expected_at:
            complaint.expected_at += waited
        complaint.sla_paused_at = None


def missed_deadline(complaint: Complaint, now: datetime) -> str | None:
    """The deadline the complaint has just missed and not yet been marked for, if any."""
    if complaint.status not in OPEN_STATUSES or complaint.sla_paused_at is not None:
        return None
    if complaint.expected_at and complaint.expected_at <= now and complaint.overdue != "resolve":
        return "resolve"
    unacknowledged = complaint.acknowledged_at is None and complaint.overdue is None
    if unacknowledged and complaint.acknowledge_due_at and complaint.acknowledge_due_at <= now:
        return "acknowledge"
    return None
