"""Default sight and rights: public complaints for all, an agency's own for its people."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, true

from core import hookimpl
from core.models import Complaint
from core.types import Actor

OFFICER_STATUSES = ("in_progress", "resolved")


@hookimpl(trylast=True)
def complaint_visibility(actor: Actor) -> list[ColumnElement[bool]]:
    if actor.role == "admin":
        return [true()]
    grants: list[ColumnElement[Any]] = [Complaint.public.is_(True)]
    if actor.user_id is not None:
        grants.append(Complaint.reporter_id == actor.user_id)
    if actor.agency and actor.role in ("officer", "staff", "head"):
        grants.append(Complaint.agency_code == actor.agency)
    return grants


@hookimpl(trylast=True)
def can_change_complaint(actor: Actor, complaint: Complaint, action: str) -> bool | None:
    if actor.role == "admin":
        return True
    if actor.agency is None or actor.agency != complaint.agency_code:
        return None
    if actor.role in ("staff", "head"):
        return True
    if actor.role == "officer":
        return action == "note" or action.removeprefix("status:") in OFFICER_STATUSES
    return None
