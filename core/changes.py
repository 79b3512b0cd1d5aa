"""Changing a stored complaint: its status, notes, handing it on, correcting its place, and
what smartcity itself changes on a schedule (breaches, escalations, auto-closing)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm.exc import StaleDataError

from core import db, live, sla
from core.catalog import catalog
from core.complaints import announce, route
from core.errors import ApiError
from core.models import Complaint, ComplaintEvent, Involvement, utcnow
from core.notifications import notify_reporters, status_message
from core.plugins import hooks
from core.serialize import complaint_payload
from core.types import SYSTEM, Actor

ALLOWED_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "open": ("acknowledged", "in_progress", "waiting", "resolved", "rejected", "closed"),
    "acknowledged": ("in_progress", "waiting", "resolved", "rejected", "closed"),
    "in_progress": ("acknowledged", "waiting", "resolved", "rejected", "closed"),
    "waiting": ("acknowledged", "in_progress", "resolved", "rejected", "closed"),
    "resolved": ("closed", "open", "in_progress"),
    "closed": ("open",),
    "rejected": ("open",),
}


def new_event(complaint: Complaint, actor: Actor, kind: str, **values: Any) -> ComplaintEvent:
    values.setdefault("at", utcnow())
    return ComplaintEvent(
        complaint_id=complaint.id,
        kind=kind,
        actor_id=actor.user_id,
        actor_role=actor.role,
        **values,
    )


# --- changes ---------------------------------------------------------------------------------


def require_right(actor: Actor, complaint: Complaint, action: str) -> None:
    if actor.is_anonymous:
        raise ApiError(401, "unauthorized", "Sign in first.")
    if not hooks().can_change_complaint(actor=actor, complaint=complaint, action=action):
        raise ApiError(
            403, "forbidden", "You may not do this (%(action)s) on this complaint.", action=action
        )


def update_complaint(
    complaint: Complaint, actor: Actor, status: str | None, note: str | None, note_public: bool
) -> ComplaintEvent:
    """Change status and/or add a note, as one event in the complaint's history."""
    old_status = complaint.status
    if status is not None and status != old_status:
        require_right(actor, complaint, f"status:{status}")
        _check_transition(complaint, status, note, note_public)
    else:
        status = None
        if note is None:
            raise ApiError(
                409, "no_change", "The complaint is already %(state)s.", state=old_status
            )
        require_right(actor, complaint, "note")
    kind = "status" if status else "note"
    event = new_event(
        complaint,
        actor,
        kind,
        from_status=old_status if status else None,
        to_status=status,
        note=note,
        public=note_public if note else True,
    )
    if status:
        record_status_change(complaint, event, note if note_public else None)
    else:
        record_change(complaint, event)
    return event


def record_change(complaint: Complaint, event: ComplaintEvent) -> None:
    """Commit a change that leaves the status as it is, and tell the complaint's rooms."""
    commit_change(complaint, event)
    announce(complaint, "complaint.updated")


def record_status_change(
    complaint: Complaint, event: ComplaintEvent, public_note: str | None
) -> None:
    """Move to ``event.to_status`` and commit with its event; then tell the reporters, the
    rooms and the plugins."""
    old_status = complaint.status
    set_status(complaint, event.to_status or old_status, event.at)
    notify_reporters(complaint, "status", status_message(complaint, public_note))
    record_change(complaint, event)
    hooks().notify(
        "complaint_status_changed", complaint=complaint, event=event, old_status=old_status
    )


def _check_transition(complaint: Complaint, status: str, note: str | None, public: bool) -> None:
    old_status = complaint.status
    if status not in ALLOWED_TRANSITIONS[old_status]:
        raise ApiError(
            409,
            "invalid_transition",
            "A complaint that is %(old)s cannot become %(new)s.",
            old=old_status,
            new=status,
        )
    ends_unfixed = status == "rejected" or (status == "closed" and old_status != "resolved")
    if ends_unfixed and not (note and public):
        raise ApiError(
            422,
            "public_reason_required",
            "Say publicly why the complaint ends without a fix (a public note).",
        )
    category = catalog().categories.get(complaint.category_code)
    if status == "resolved" and category and category.field_work and not _has_proof(complaint):
        raise ApiError(
            422,
            "after_photo_required",
            "Attach a photo of the fixed spot, taken since the complaint was assigned, first.",
        )


def _has_proof(complaint: Complaint) -> bool:
    return any(
        media.kind == "after" and media.created_at >= complaint.assigned_at
        for media in complaint.photos
    )


def set_status(complaint: Complaint, status: str, now: datetime) -> None:
    """Move to a status, keeping the timestamps and the SLA clock in step."""
    old_status = complaint.status
    complaint.status = status
    if old_status == "open" and status != "open" and complaint.acknowledged_at is None:
        complaint.acknowledged_at = now
    if status == "resolved":
        complaint.resolved_at = now
    if status == "open" and old_status in ("resolved", "closed", "rejected"):
        complaint.reopen_count += 1
        # A fix that did not hold is no proof for the next one.
        complaint.assigned_at = now
        complaint.resolved_at = None
        category = catalog().categories.get(complaint.category_code)
        if category is not None:
            sla.restart_resolution(complaint, category, now)
    sla.follow_status(complaint, old_status, now)


def forward_complaint(
    complaint: Complaint, actor: Actor, agency: str | None, unit: str | None, reason: str
) -> ComplaintEvent:
    """Hand a complaint on with a reason: to another agency (coordination), or to a unit of
    its own agency (disposition). Both sides see it happen live."""
    agency = agency or complaint.agency_code
    old_agency, old_unit = complaint.agency_code, complaint.unit_code
    moving = agency != old_agency
    require_right(actor, complaint, "forward" if moving else "dispose")
    if actor.role not in ("staff", "head", "admin"):
        raise ApiError(403, "forbidden", "Only staff and heads hand complaints on.")
    target = catalog().agencies.get(agency)
    if target is None:
        raise ApiError(
            400, "validation_failed", "Some fields are invalid.", {"agency": ["Unknown agency."]}
        )
    if unit is not None and target.unit(unit) is None:
        units = ", ".join(known.code for known in target.units) or "none"
        raise ApiError(
            400,
            "validation_failed",
            "Some fields are invalid.",
            {"unit": [f"{target.name} has no unit {unit!r} (its units: {units})."]},
        )
    if not moving and unit == old_unit:
        raise ApiError(409, "no_change", "The complaint is already there.")
    event = new_event(
        complaint,
        actor,
        "forwarded" if moving else "disposed",
        from_agency=old_agency,
        to_agency=agency,
        from_unit=old_unit,
        to_unit=unit,
        note=reason,
    )
    complaint.agency_code, complaint.unit_code = agency, unit
    category = catalog().categories.get(complaint.category_code)
    # A new agency's clock starts now; a unit of the same agency works to the agency's
    # deadlines, and proof its people already took still counts.
    if moving and category is not None:
        sla.start_clock(complaint, category, event.at)
    commit_change(complaint, event)
    if moving:
        announce(complaint, "complaint.forwarded", extra_rooms=(f"agency:{old_agency}",))
        hooks().notify(
            "complaint_forwarded", complaint=complaint, event=event, old_agency=old_agency
        )
    else:
        announce(complaint, "complaint.updated")
    return event


def _set_involved(complaint: Complaint, codes: tuple[str, ...]) -> None:
    """The agencies working beside the owner: keep those still named, add the new ones."""
    wanted = [code for code in dict.fromkeys(codes) if code != complaint.agency_code]
    kept = [item for item in complaint.involved if item.agency_code in wanted]
    known = {item.agency_code for item in kept}
    complaint.involved = kept + [Involvement(agency_code=c) for c in wanted if c not in known]


def commit_change(complaint: Complaint, event: ComplaintEvent) -> None:
    """Commit a change and its event (the complaint counts as updated then), unless someone
    else changed the complaint meanwhile."""
    complaint.updated_at = event.at
    session = db.session()
    session.add(event)
    try:
        session.commit()
    except StaleDataError as error:
        session.rollback()
        raise ApiError(
            409, "changed_meanwhile", "Someone changed this complaint a moment ago; reload it."
        ) from error


def relocate_complaint(
    complaint: Complaint,
    actor: Actor,
    point: tuple[float, float],
    address: str | None,
    note: str | None,
) -> ComplaintEvent:
    """Correct a complaint's location and route it again; a new owner gets it live."""
    require_right(actor, complaint, "relocate")
    category = catalog().categories.get(complaint.category_code)
    if category is None:
        raise ApiError(409, "unknown_category", "The complaint's category is no longer offered.")
    old_point, old_agency = (complaint.lat, complaint.lon), complaint.agency_code
    decision = route(
        category,
        complaint.description,
        point,
        address or complaint.address,
        complaint.attributes,
        complaint.created_at,
    )
    moved = f"Location corrected from {old_point[0]:.5f}, {old_point[1]:.5f} to "
    moved += f"{point[0]:.5f}, {point[1]:.5f}. {decision.reason}."
    event = new_event(
        complaint,
        actor,
        "relocated",
        from_agency=old_agency,
        to_agency=decision.agency,
        note=f"{moved} {note}" if note else moved,
        public=False,
    )
    complaint.lat, complaint.lon = point
    complaint.address = address or complaint.address
    complaint.agency_code, complaint.unit_code = decision.agency, decision.unit
    _set_involved(complaint, decision.involved)
    if decision.agency != old_agency:
        sla.start_clock(complaint, category, event.at)
    complaint.routing_agency = decision.agency
    complaint.routing_rule = decision.rule
    complaint.routing_reason = decision.reason
    complaint.district = decision.district
    commit_change(complaint, event)
    if decision.agency == old_agency:
        announce(complaint, "complaint.updated")
    else:
        announce(complaint, "complaint.forwarded", extra_rooms=(f"agency:{old_agency}",))
        hooks().notify(
            "complaint_forwarded", complaint=complaint, event=event, old_agency=old_agency
        )
    return event


# --- on a schedule (the routing plugin's SLA watch calls these) -------------------------------


def mark_overdue(complaint: Complaint, deadline: str, now: datetime) -> ComplaintEvent:
    """Record that a deadline ("acknowledge" or "resolve") passed; tell the agency's heads.

    Raises ``ApiError`` 409 ``changed_meanwhile`` when another worker got there
    first, so a breach is announced once however many workers watch.
    """
    due = complaint.acknowledge_due_at if deadline == "acknowledge" else complaint.expected_at
    event = new_event(
        complaint,
        SYSTEM,
        "sla_breached",
        note=f"Not {deadline}d by {due.isoformat() if due else 'its deadline'}.",
        public=False,
        at=now,
    )
    complaint.overdue = deadline
    commit_change(complaint, event)
    due_at = due.isoformat() if due else None
    _alert(complaint, [f"head:{complaint.agency_code}", "city"], deadline=deadline, due_at=due_at)
    return event


def escalate(
    complaint: Complaint, escalation: str, rooms: list[str], note: str, now: datetime
) -> ComplaintEvent:
    """Record an escalation rule firing (``escalation`` names it) and alert ``rooms``."""
    event = new_event(
        complaint, SYSTEM, "escalated", note=f"{escalation}: {note}", public=False, at=now
    )
    commit_change(complaint, event)
    _alert(complaint, rooms, deadline="escalation", escalation=escalation)
    return event


def _alert(complaint: Complaint, rooms: list[str], **details: str | None) -> None:
    """``sla.breached`` to ``rooms``: what was missed, and the complaint without personal data."""
    payload = complaint_payload(complaint, personal=False)
    live.publish(rooms, "sla.breached", {**details, "complaint": payload})


def auto_close(complaint: Complaint, now: datetime) -> ComplaintEvent:
    """Close a resolved complaint its reporter has not reopened within the configured days."""
    event = new_event(
        complaint,
        SYSTEM,
        "status",
        from_status=complaint.status,
        to_status="closed",
        note="Closed automatically: resolved and not reopened.",
        at=now,
    )
    record_status_change(complaint, event, None)
    return event
