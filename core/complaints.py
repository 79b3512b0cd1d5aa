"""The complaint lifecycle: intake, routing, status changes, forwarding, and who may see what."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import Select, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from core import db, live, sla
from core.catalog import catalog
from core.errors import ApiError
from core.models import Complaint, ComplaintEvent, Involvement, Media, utcnow
from core.notifications import notify_reporters, status_message
from core.photos import CheckedPhoto, store_photo
from core.plugins import hooks
from core.serialize import complaint_payload, public_payload
from core.types import SYSTEM, Actor, CategorySpec, RoutingDecision

ALLOWED_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "open": ("acknowledged", "in_progress", "waiting", "resolved", "rejected", "closed"),
    "acknowledged": ("in_progress", "waiting", "resolved", "rejected", "closed"),
    "in_progress": ("acknowledged", "waiting", "resolved", "rejected", "closed"),
    "waiting": ("acknowledged", "in_progress", "resolved", "rejected", "closed"),
    "resolved": ("closed", "open", "in_progress"),
    "closed": ("open",),
    "rejected": ("open",),
}
# Ending a complaint without fixing it is owed to the resident in words they can read.
ENDS_WITHOUT_FIX = ("rejected", "closed")


def media_root() -> Path:
    return Path(current_app.config["SMARTCITY"]["instance_path"]) / "media"


# --- who sees what ---------------------------------------------------------------------------


def visible_complaints(actor: Actor) -> Select[Complaint]:
    """Complaints the actor may see: the plugins' grants OR-ed, their limits AND-ed, one query."""
    grants = hooks().complaint_visibility(actor=actor)
    limits = hooks().complaint_visibility_limits(actor=actor)
    return select(Complaint).where(or_(*grants), *limits)


def visible_complaint(complaint_id: int, actor: Actor) -> Complaint | None:
    query = visible_complaints(actor).where(Complaint.id == complaint_id)
    return db.session().scalar(query)


def get_visible_or_404(complaint_id: int, actor: Actor) -> Complaint:
    complaint = visible_complaint(complaint_id, actor)
    if complaint is None:
        raise ApiError(404, "not_found", f"No complaint {complaint_id} that you may see.")
    return complaint


def sees_personal_data(actor: Actor, complaint: Complaint) -> bool:
    """Reporter identity is for the owning agency's staff, admins and the reporter alone."""
    if actor.role == "admin" or (actor.user_id and actor.user_id == complaint.reporter_id):
        return True
    return actor.agency == complaint.agency_code and actor.role in ("officer", "staff", "head")


# --- intake ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Intake:
    """A validated complaint submission and its checked photos."""

    fields: dict[str, Any]
    photos: tuple[CheckedPhoto, ...] = ()
    idempotency_key: str | None = None

    def fingerprint(self) -> str:
        canonical = json.dumps(self.fields, sort_keys=True, default=str)
        digest = hashlib.sha256(canonical.encode())
        for photo in self.photos:
            digest.update(photo.sha256.encode())
        return digest.hexdigest()


def create_complaint(intake: Intake, actor: Actor) -> tuple[Complaint, bool]:
    """Store a complaint, routed, with its photos; returns (complaint, created).

    A repeated ``Idempotency-Key`` returns the stored complaint instead of a
    second one. Live events and ``complaint_created`` come after the commit.
    """
    session = db.session()
    if intake.idempotency_key:
        earlier = _replay(intake, actor)
        if earlier is not None:
            return earlier, False
    category = catalog().categories.get(intake.fields["category"])
    if category is None:
        raise ApiError(
            400,
            "validation_failed",
            "Some fields are invalid.",
            {"category": [f"Unknown category {intake.fields['category']!r}."]},
        )
    _check_attributes(category, intake.fields.get("attributes") or {})
    decision = _route(intake, category)
    complaint = _new_complaint(intake, actor, category, decision)
    sla.start_clock(complaint, category, complaint.created_at)
    stored_paths = [store_photo(photo, media_root()) for photo in intake.photos]
    complaint.photos = [
        Media(
            path=path,
            content_type=photo.content_type,
            width=photo.width,
            height=photo.height,
            size_bytes=len(photo.data),
            sha256=photo.sha256,
        )
        for photo, path in zip(intake.photos, stored_paths, strict=True)
    ]
    session.add(complaint)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        _remove_files(stored_paths)
        earlier = _replay(intake, actor) if intake.idempotency_key else None
        if earlier is None:
            raise
        return earlier, False
    except BaseException:
        session.rollback()
        _remove_files(stored_paths)
        raise
    _announce_created(complaint)
    return complaint, True


ATTRIBUTE_CHECKS: dict[str, Any] = {
    "string": lambda value, _spec: isinstance(value, str),
    "text": lambda value, _spec: isinstance(value, str),
    "datetime": lambda value, _spec: isinstance(value, str) and _is_iso_datetime(value),
    "number": lambda value, _spec: isinstance(value, int | float) and not isinstance(value, bool),
    "singlevaluelist": lambda value, spec: value in _allowed_values(spec),
    "multivaluelist": lambda value, spec: (
        isinstance(value, list) and all(item in _allowed_values(spec) for item in value)
    ),
}


def _allowed_values(spec: dict[str, Any]) -> list[Any]:
    return [item["key"] if isinstance(item, dict) else item for item in spec.get("values", [])]


def _is_iso_datetime(value: str) -> bool:
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _check_attributes(category: CategorySpec, answers: dict[str, Any]) -> None:
    """The category's extra questions: known codes only, required ones answered, right types."""
    specs = {spec["code"]: spec for spec in category.attributes}
    problems: dict[str, list[str]] = {}
    for code, value in answers.items():
        spec = specs.get(code)
        if spec is None:
            problems[code] = [f"Category {category.code!r} has no question {code!r}."]
        elif not ATTRIBUTE_CHECKS[spec.get("datatype", "string")](value, spec):
            problems[code] = [f"Expected a {spec.get('datatype', 'string')} answer."]
    for code, spec in specs.items():
        if spec.get("required") and code not in answers:
            problems[code] = ["This question must be answered."]
    if problems:
        raise ApiError(
            400, "validation_failed", "Some fields are invalid.", {"attributes": problems}
        )


def _replay(intake: Intake, actor: Actor) -> Complaint | None:
    earlier = db.session().scalar(
        select(Complaint).where(Complaint.idempotency_key == intake.idempotency_key)
    )
    if earlier is None:
        return None
    reporter_id = None if _identity_hidden(intake.fields) else actor.user_id
    if earlier.request_fingerprint != intake.fingerprint() or earlier.reporter_id != reporter_id:
        raise ApiError(
            422,
            "idempotency_key_reused",
            "This Idempotency-Key was already used for a different complaint.",
        )
    return earlier


def _route(intake: Intake, category: CategorySpec) -> RoutingDecision:
    fields = intake.fields
    return route(
        category,
        fields["description"],
        (fields["lat"], fields["lon"]),
        fields.get("address"),
        fields.get("attributes") or {},
        utcnow(),
    )


def route(
    category: CategorySpec,
    description: str,
    point: tuple[float, float],
    address: str | None,
    attributes: dict[str, Any],
    reported_at: datetime,
) -> RoutingDecision:
    """Ask the plugins which agency owns a complaint like this (core's last resort: triage)."""
    draft = catalog().draft(category, description, point, reported_at, address, attributes)
    decision: RoutingDecision = hooks().route_complaint(draft=draft)
    if decision.agency not in catalog().agencies:
        raise RuntimeError(f"routing chose unknown agency {decision.agency!r} ({decision.rule})")
    return decision


def _new_complaint(
    intake: Intake, actor: Actor, category: CategorySpec, decision: RoutingDecision
) -> Complaint:
    fields = intake.fields
    now = utcnow()
    anonymous = _identity_hidden(fields) or actor.is_anonymous
    return Complaint(
        category_code=category.code,
        description=fields["description"].strip(),
        lat=fields["lat"],
        lon=fields["lon"],
        address=fields.get("address"),
        status="open",
        agency_code=decision.agency,
        unit_code=decision.unit,
        involved=[
            Involvement(agency_code=code)
            for code in dict.fromkeys(decision.involved)
            if code != decision.agency
        ],
        routing_agency=decision.agency,
        routing_rule=decision.rule,
        routing_reason=decision.reason,
        district=decision.district,
        public=_is_public(fields, category),
        attributes=fields.get("attributes") or {},
        reporter_id=None if _identity_hidden(fields) else actor.user_id,
        anonymous=anonymous,
        reporter_role="anonymous" if anonymous else actor.role,
        contact_name=fields.get("contact_name"),
        contact_email=fields.get("contact_email"),
        contact_phone=fields.get("contact_phone"),
        idempotency_key=intake.idempotency_key,
        request_fingerprint=intake.fingerprint() if intake.idempotency_key else None,
        created_at=now,
        updated_at=now,
    )


def _identity_hidden(fields: dict[str, Any]) -> bool:
    """Reported anonymously: who sent it is not stored at all."""
    return bool(fields.get("anonymous")) or fields.get("privacy") == "anonymous"


def _is_public(fields: dict[str, Any], category: CategorySpec) -> bool:
    """Confidential when the reporter asks, or always when the category says so (police)."""
    return category.public and fields.get("privacy") != "confidential"


def _remove_files(relative_paths: list[str]) -> None:
    for relative in relative_paths:
        (media_root() / relative).unlink(missing_ok=True)


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
        raise ApiError(403, "forbidden", f"You may not do this ({action}) on this complaint.")


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
            raise ApiError(409, "no_change", f"The complaint is already {old_status}.")
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
        complaint.updated_at = event.at
        commit_change(event)
        announce(complaint, "complaint.updated")
    return event


def record_status_change(
    complaint: Complaint, event: ComplaintEvent, public_note: str | None
) -> None:
    """Move to ``event.to_status`` and commit with its event; then tell the reporters, the
    rooms and the plugins."""
    old_status = complaint.status
    set_status(complaint, event.to_status or old_status, event.at)
    notify_reporters(complaint, "status", status_message(complaint, public_note))
    complaint.updated_at = event.at
    commit_change(event)
    announce(complaint, "complaint.updated")
    hooks().notify(
        "complaint_status_changed", complaint=complaint, event=event, old_status=old_status
    )


def _check_transition(complaint: Complaint, status: str, note: str | None, public: bool) -> None:
    old_status = complaint.status
    if status not in ALLOWED_TRANSITIONS[old_status]:
        raise ApiError(
            409, "invalid_transition", f"A complaint that is {old_status} cannot become {status}."
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
    complaint.updated_at = event.at
    commit_change(event)
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


def commit_change(event: ComplaintEvent) -> None:
    """Commit a change and its event, unless someone else changed the complaint meanwhile."""
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
    complaint.updated_at = utcnow()
    commit_change(event)
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
    complaint.overdue, complaint.updated_at = deadline, now
    commit_change(event)
    payload = complaint_payload(complaint, personal=False)
    live.publish(
        [f"head:{complaint.agency_code}", "city"],
        "sla.breached",
        {"deadline": deadline, "due_at": due.isoformat() if due else None, "complaint": payload},
    )
    return event


def escalate(
    complaint: Complaint, escalation: str, rooms: list[str], note: str, now: datetime
) -> ComplaintEvent:
    """Record an escalation rule firing (``escalation`` names it) and alert ``rooms``."""
    event = new_event(
        complaint, SYSTEM, "escalated", note=f"{escalation}: {note}", public=False, at=now
    )
    complaint.updated_at = now
    commit_change(event)
    payload = complaint_payload(complaint, personal=False)
    live.publish(
        rooms,
        "sla.breached",
        {"deadline": "escalation", "escalation": escalation, "complaint": payload},
    )
    return event


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


# --- live events -----------------------------------------------------------------------------


def _announce_created(complaint: Complaint) -> None:
    announce(complaint, "complaint.created")
    hooks().notify("complaint_created", complaint=complaint)


def announce(complaint: Complaint, event: str, extra_rooms: tuple[str, ...] = ()) -> None:
    """Staff rooms get the whole complaint; public rooms get it without personal data."""
    involved = [f"agency:{involvement.agency_code}" for involvement in complaint.involved]
    staff_rooms = [f"agency:{complaint.agency_code}", "city", *involved, *extra_rooms]
    live.publish(staff_rooms, event, complaint_payload(complaint, personal=True))
    public_rooms = [f"complaint:{complaint.id}"]
    if complaint.public:
        public_rooms.append("public")
    live.publish(public_rooms, event, public_payload(complaint))


# --- listing ---------------------------------------------------------------------------------


def filtered_complaints(actor: Actor, args: dict[str, Any]) -> Select[Complaint]:
    """Visible complaints narrowed by the list filters (``bbox``, ``status``, ``agency``,
    ``category``, ``since``), unordered: the one query behind lists, exports and figures."""
    query = visible_complaints(actor)
    if "bbox" in args:
        min_lon, min_lat, max_lon, max_lat = args["bbox"]
        query = query.where(
            Complaint.lat.between(min_lat, max_lat), Complaint.lon.between(min_lon, max_lon)
        )
    if "status" in args:
        query = query.where(Complaint.status.in_(args["status"]))
    if "agency" in args:
        query = query.where(Complaint.agency_code == args["agency"])
    if "category" in args:
        query = query.where(Complaint.category_code == args["category"])
    if "since" in args:
        since: datetime = args["since"]
        query = query.where(Complaint.updated_at >= since)
    return query


def list_complaints(actor: Actor, args: dict[str, Any]) -> tuple[list[Complaint], int | None]:
    """A page of visible complaints, newest first, and the cursor of the next page."""
    query = filtered_complaints(actor, args)
    if args.get("after_id"):
        query = query.where(Complaint.id < args["after_id"])
    limit = args["limit"]
    rows = list(db.session().scalars(query.order_by(Complaint.id.desc()).limit(limit + 1)))
    next_after = rows[limit - 1].id if len(rows) > limit else None
    return rows[:limit], next_after
