"""Complaints: who may see what, intake and routing, their live announcements, and lists."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import gettext
from sqlalchemy import Select, or_, select
from sqlalchemy.exc import IntegrityError

from core import db, live, sla
from core.catalog import catalog
from core.errors import ApiError
from core.models import Complaint, Involvement, Media, utcnow
from core.photos import CheckedPhoto, store_photo
from core.plugins import hooks
from core.serialize import complaint_payload, public_payload
from core.types import Actor, CategorySpec, RoutingDecision


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
        raise ApiError(404, "not_found", "No complaint %(id)s that you may see.", id=complaint_id)
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
            {"category": [gettext("Unknown category %(code)r.", code=intake.fields["category"])]},
        )
    _check_attributes(category, intake.fields.get("attributes") or {})
    _check_asset(category, intake.fields.get("asset_id"))
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
            problems[code] = [
                gettext(
                    "Category %(category)r has no question %(code)r.",
                    category=category.code,
                    code=code,
                )
            ]
        elif not ATTRIBUTE_CHECKS[spec.get("datatype", "string")](value, spec):
            problems[code] = [
                gettext("Expected a %(datatype)s answer.", datatype=spec.get("datatype", "string"))
            ]
    for code, spec in specs.items():
        if spec.get("required") and code not in answers:
            problems[code] = [gettext("This question must be answered.")]
    if problems:
        raise ApiError(
            400, "validation_failed", "Some fields are invalid.", {"attributes": problems}
        )


def _check_asset(category: CategorySpec, asset_id: str | None) -> None:
    """An asset named must be one a plugin knows for the category."""
    if asset_id is None or hooks().find_asset(category=category.code, asset_id=asset_id):
        return
    message = gettext(
        "No asset %(asset)r for category %(category)r.",
        asset=asset_id,
        category=category.code,
    )
    raise ApiError(400, "validation_failed", "Some fields are invalid.", {"asset_id": [message]})


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
        asset_id=fields.get("asset_id"),
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
    ``category``, ``district``, ``q``: every word in the description, ``since``), unordered:
    the one query behind lists, exports and figures."""
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
    if "district" in args:
        query = query.where(Complaint.district.in_(args["district"]))
    for word in args.get("q", "").split():
        query = query.where(Complaint.description.icontains(word, autoescape=True))
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
