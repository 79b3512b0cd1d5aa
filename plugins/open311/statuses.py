"""Statuses in Open311's words: GeoReport's open/closed, and mySociety's finer vocabulary of
service request updates, both ways."""

from __future__ import annotations

from core.models import OPEN_STATUSES

CLOSED_STATUSES = ("resolved", "closed", "rejected")

# smartcity -> GeoReport v2 (a merged duplicate is closed already).
GEOREPORT_STATUS = {
    **dict.fromkeys(OPEN_STATUSES, "open"),
    **dict.fromkeys(CLOSED_STATUSES, "closed"),
}
GEOREPORT_FILTER = {"open": OPEN_STATUSES, "closed": CLOSED_STATUSES}

# smartcity -> mySociety's updates (a merge into another complaint: DUPLICATE).
UPDATE_STATUS = {
    "open": "OPEN",
    "acknowledged": "INVESTIGATING",
    "in_progress": "IN_PROGRESS",
    "waiting": "ACTION_SCHEDULED",
    "resolved": "FIXED",
    "closed": "CLOSED",
    "rejected": "NO_FURTHER_ACTION",
}
DUPLICATE = "DUPLICATE"

# mySociety's updates -> smartcity; None keeps the status (the update is a public note).
# OPEN and FOR_TRIAGE reopen a finished complaint and leave an open one as it is.
RECEIVED_STATUS: dict[str, str | None] = {
    "OPEN": "open",
    "REOPEN": "open",
    "FOR_TRIAGE": "open",
    "INVESTIGATING": "acknowledged",
    "IN_PROGRESS": "in_progress",
    "ACTION_SCHEDULED": "waiting",
    "INTERNAL_REFERRAL": None,
    "FIXED": "resolved",
    "CLOSED": "closed",
    "DUPLICATE": "closed",
    "NOT_COUNCILS_RESPONSIBILITY": "rejected",
    "NO_FURTHER_ACTION": "rejected",
}


def received_status(update_status: str, current: str) -> str | None:
    """The status an update moves the complaint to, or None to leave it."""
    target = RECEIVED_STATUS[update_status]
    if target == current or (target == "open" and current in OPEN_STATUSES):
        return None
    return target
