"""Default sight and rights: public complaints for all, an agency's own (and those it is
involved in) for its people."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, select, true

from core import hookimpl
from core.models import Complaint, Follower, Involvement
from core.types import Actor

OFFICER_STATUSES = ("in_progress", "resolved")


@hookimpl(trylast=True)
def complaint_visibility(actor: Actor) -> list[ColumnElement[bool]]:
    if actor.role == "admin":
        return [true()]
    grants: list[ColumnElement[Any]] = [Complaint.public.is_(True)]
    if actor.user_id is not None:
        grants.append(Complaint.reporter_id == actor.user_id)
        following = select(Follower.complaint_id).where(Follower.user_id == actor.user_id)
        grants.append(Complaint.id.in_(following))
    if actor.agency and actor.role in ("officer", "staff", "head"):
        grants.append(Complaint.agency_code == actor.agency)
        involving = select(Involvement.complaint_id).where(Involvement.agency_code == actor.agency)
        grants.append(Complaint.id.in_(involving))
    return grants


@hookimpl(trylast=True)
def can_change_complaint(actor: Actor, complaint: Complaint, action: str) -> bool | None:
    if actor.role == "admin":
        return True
    if actor.agency is None or actor.role not in ("officer", "staff", "head"):
        return None
    if actor.agency != complaint.agency_code:
        involved = any(item.agency_code == actor.agency for item in complaint.involved)
        return True if involved and action == "note" else None
    if actor.role in ("staff", "head"):
        return True
    return action in ("note", "photo") or action.removeprefix("status:") in OFFICER_STATUSES
