"""The dispatch API: officers report where they are and whether they are free; staff find the
nearest free ones."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import Response, jsonify, request
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from core import db, live
from core.auth import current_actor, require_roles
from core.complaints import get_visible_or_404
from core.errors import ApiError
from core.models import User
from core.types import Actor
from plugins.dispatch.models import SELF_CHOSEN_STATES, Assignment, Offer, Officer, TrackPoint
from plugins.dispatch.offers import (
    answer_offer,
    assignment_payload,
    dispatch_complaint,
    offer_payload,
    ranked_candidates,
)
from plugins.dispatch.pings import (
    Fix,
    check_fix,
    fix_from_api,
    fix_from_osmand,
    fix_from_traccar_json,
)
from plugins.dispatch.positions import Position
from plugins.dispatch.state import dispatch_state

api = Blueprint(
    "dispatch", __name__, description="Field officers: duty, positions, nearest, offers."
)

MAX_NEAREST = 50
MAX_TRACK_POINTS = 5000


class OfficerUpdateSchema(Schema):
    state = fields.String(validate=validate.OneOf(SELF_CHOSEN_STATES))
    device_id = fields.String(
        allow_none=True,
        validate=validate.Length(min=4, max=100),
        metadata={"description": "the identifier Traccar Client sends as id"},
    )


class NearestArgsSchema(Schema):
    lat = fields.Float(required=True, validate=validate.Range(min=-90, max=90))
    lon = fields.Float(required=True, validate=validate.Range(min=-180, max=180))
    agency = fields.String(metadata={"description": "default: your own"})
    k = fields.Integer(load_default=5, validate=validate.Range(min=1, max=MAX_NEAREST))


class DispatchSchema(Schema):
    officer_id = fields.Integer(
        allow_none=True, metadata={"description": "default: the nearest free officer"}
    )


class TrackArgsSchema(Schema):
    since = fields.AwareDateTime(metadata={"description": "default: the last 24 hours"})
    until = fields.AwareDateTime()


def officer_row(user_id: int) -> Officer:
    """The officer's dispatch row, made on first use (every officer starts off duty)."""
    session = db.session()
    officer = session.get(Officer, user_id)
    if officer is None:
        now = dispatch_state().now()
        officer = Officer(user_id=user_id, state="off_duty", state_changed_at=now)
        session.add(officer)
    return officer


def officer_payload(officer: Officer, user: User) -> dict[str, Any]:
    state = dispatch_state()
    position = state.positions.get(officer.user_id)
    now = state.now()
    fresh = position is not None and now - position.at <= state.settings.max_position_age
    return {
        "officer_id": officer.user_id,
        "name": user.display_name or user.email,
        "agency": user.agency_code,
        "unit": user.unit_code,
        "state": officer.state,
        "device_id": officer.device_id,
        "position": _position_payload(position, now) if position else None,
        "position_known": fresh,
    }


def _position_payload(position: Position, now: Any) -> dict[str, Any]:
    return {
        "lat": position.lat,
        "lon": position.lon,
        "at": position.at.isoformat(),
        "age_s": round((now - position.at).total_seconds(), 1),
        "accuracy_m": position.accuracy_m,
        "speed_mps": position.speed_mps,
        "bearing_deg": position.bearing_deg,
        "battery_pct": position.battery_pct,
    }


def store_position(officer_id: int, agency: str, fix: Fix) -> Position:
    """Keep a checked fix: in the position store, as a track sample when one is due, and on
    the agency's consoles when the officer's stream interval has passed."""
    state = dispatch_state()
    now = state.now()
    # A shallow copy: dataclasses.asdict deep-copies, a tenth of a ping's own time.
    measured = dict(vars(check_fix(fix, now, state.settings.max_position_age)))
    del measured["device_id"]
    position = Position(officer_id=officer_id, agency=agency, **measured)
    state.positions.update(position)
    state.tracks.note(position)
    if state.stream_gate.allow(officer_id, now):
        shown = {"officer_id": officer_id, "position": _position_payload(position, now)}
        live.publish(f"agency:{agency}", "officer.position", shown)
    return position


def signed_in_officer(actor: Actor | None = None) -> tuple[int, str]:
    """The signed-in officer's user id and agency."""
    actor = actor or current_actor()
    if actor.user_id is None or actor.role != "officer" or not actor.agency:
        raise ApiError(403, "forbidden", "Only an agency's officers do this.")
    return actor.user_id, actor.agency


@api.put("/officers/me/position")
@api.doc(security=[{"bearer": []}])
@require_roles("officer")
def put_my_position() -> Response:
    """Where I am now: ``lat``, ``lon``, optional ``accuracy``, ``timestamp``, ``speed``,
    ``bearing``, ``battery``. No database write: positions live in the position store."""
    officer_id, agency = signed_in_officer()
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(
            400, "invalid_json", "Send a JSON object with Content-Type application/json."
        )
    now = dispatch_state().now()
    position = store_position(officer_id, agency, fix_from_api(body, now))
    return jsonify(_position_payload(position, now))


@api.route("/osmand", methods=["GET", "POST"])
@api.doc(security=[{}])
def osmand() -> Response:
    """Traccar Client's OsmAnd protocol (point the app's server URL here): the query string
    or form of ``id``, ``lat``, ``lon``, ``timestamp``, ``speed`` (knots), ``bearing``,
    ``accuracy``, ``batt``; or Traccar Client 9's JSON body. The device id must be an
    officer's (``PUT /api/v1/dispatch/officers/me`` with ``device_id``)."""
    now = dispatch_state().now()
    body = request.get_json(silent=True) if request.is_json else None
    if isinstance(body, dict) and "location" in body:
        fix = fix_from_traccar_json(body, now)
    else:
        fix = fix_from_osmand({**request.args.to_dict(), **request.form.to_dict()}, now)
    if not fix.device_id:
        fields_ = {"id": ["The device identifier is required."]}
        raise ApiError(400, "validation_failed", "The position report is not valid.", fields_)
    officer = db.session().scalar(select(Officer).where(Officer.device_id == fix.device_id))
    user = db.session().get(User, officer.user_id) if officer else None
    if officer is None or user is None or not user.active or user.role != "officer":
        raise ApiError(
            404, "unknown_device", "No officer uses the device %(device)r.", device=fix.device_id
        )
    store_position(user.id, user.agency_code or "", fix)
    return jsonify({"ok": True})


@api.put("/officers/me")
@api.arguments(OfficerUpdateSchema)
@api.doc(security=[{"bearer": []}])
@require_roles("officer")
def update_me(changes: dict[str, Any]) -> Response:
    """Go on or off duty (``available``, ``busy``, ``off_duty``) and register the Traccar
    Client device id that reports my position."""
    officer_id, agency = signed_in_officer()
    user = db.session().get(User, officer_id)
    if user is None:
        raise ApiError(401, "unauthorized", "Sign in again.")
    officer = officer_row(user.id)
    if "device_id" in changes:
        taken = db.session().scalar(
            select(Officer).where(
                Officer.device_id == changes["device_id"], Officer.user_id != user.id
            )
        )
        if changes["device_id"] and taken is not None:
            raise ApiError(409, "device_taken", "Another officer registered that device.")
        officer.device_id = changes["device_id"]
    if "state" in changes and changes["state"] != officer.state:
        if officer.state not in SELF_CHOSEN_STATES:
            raise ApiError(
                409, "on_assignment", "You are %(state)s: finish it first.", state=officer.state
            )
        officer.state, officer.state_changed_at = changes["state"], dispatch_state().now()
    db.session().commit()
    payload = officer_payload(officer, user)
    live.publish(f"agency:{agency}", "officer.updated", payload)
    return jsonify(payload)


@api.get("/officers/nearest")
@api.arguments(NearestArgsSchema, location="query", as_kwargs=True)
@api.doc(security=[{"bearer": []}])
@require_roles("staff", "head", "admin")
def nearest(lat: float, lon: float, k: int, agency: str | None = None) -> Response:
    """The ``k`` nearest available officers of the agency whose position is current, nearest
    first, with the distance in metres and the position's age. With ``[dispatch]
    workload_penalty_m`` set, each complaint an officer accepted in the workload window counts
    as that many metres more (``workload`` says how many)."""
    agency = _staff_agency(agency)
    now = dispatch_state().now()
    return jsonify(
        [
            {
                "officer_id": candidate.officer_id,
                "name": candidate.name,
                "state": "available",
                "distance_m": round(candidate.distance_m, 1),
                "workload": candidate.workload,
                "position": _position_payload(candidate.position, now),
            }
            for candidate in ranked_candidates(agency, (lat, lon), k)
        ]
    )


def _staff_agency(asked: str | None) -> str:
    """The agency a staff member may look into: their own (admins: any they name)."""
    actor = current_actor()
    agency = asked or actor.agency
    if agency is None:
        raise ApiError(
            400, "validation_failed", "Some fields are invalid.", {"agency": ["Name one."]}
        )
    if actor.role != "admin" and agency != actor.agency:
        raise ApiError(403, "forbidden", "You may see only your own agency's officers.")
    return agency


class AgencyArgsSchema(Schema):
    agency = fields.String(metadata={"description": "default: your own"})


@api.get("/officers")
@api.arguments(AgencyArgsSchema, location="query", as_kwargs=True)
@api.doc(security=[{"bearer": []}])
@require_roles("staff", "head", "admin")
def list_officers(agency: str | None = None) -> Response:
    """The agency's officers with their duty state and last position (for the console's map)."""
    agency = _staff_agency(agency)
    rows = db.session().execute(
        select(Officer, User)
        .join(User, User.id == Officer.user_id)
        .where(User.agency_code == agency, User.active.is_(True))
        .order_by(User.id)
    )
    return jsonify([officer_payload(officer, user) for officer, user in rows])


@api.get("/officers/me")
@api.doc(security=[{"bearer": []}])
@require_roles("officer")
def show_me() -> Response:
    """My duty state and position, the offer waiting for my answer and the complaint I am on."""
    officer_id, _agency = signed_in_officer()
    session = db.session()
    user = session.get(User, officer_id)
    assert user is not None
    open_offer = session.scalar(
        select(Offer).where(Offer.officer_id == officer_id, Offer.answer.is_(None))
    )
    assignment = session.scalar(
        select(Assignment).where(
            Assignment.officer_id == officer_id, Assignment.state.in_(("accepted", "on_site"))
        )
    )
    return jsonify(
        {
            **officer_payload(officer_row(officer_id), user),
            "offer": offer_payload(open_offer) if open_offer else None,
            "assignment": assignment_payload(assignment) if assignment else None,
        }
    )


@api.get("/officers/<int:officer_id>/track")
@api.arguments(TrackArgsSchema, location="query", as_kwargs=True)
@api.doc(security=[{"bearer": []}])
@require_roles("staff", "head", "admin")
def track(
    officer_id: int, since: datetime | None = None, until: datetime | None = None
) -> Response:
    """Where the officer was: one sample per ``[dispatch] track_sample_seconds``, oldest first
    (at most 5,000; kept ``track_keep_days``)."""
    user = db.session().get(User, officer_id)
    if user is None or user.role != "officer":
        raise ApiError(404, "not_found", "No such officer.")
    _staff_agency(user.agency_code)
    until = until or dispatch_state().now()
    since = since or until - timedelta(days=1)
    points = db.session().scalars(
        select(TrackPoint)
        .where(TrackPoint.officer_id == officer_id, TrackPoint.at >= since, TrackPoint.at <= until)
        .order_by(TrackPoint.at)
        .limit(MAX_TRACK_POINTS)
    )
    return jsonify(
        [
            {
                "at": point.at.isoformat(),
                "lat": point.lat,
                "lon": point.lon,
                "accuracy_m": point.accuracy_m,
            }
            for point in points
        ]
    )


@api.post("/complaints/<int:complaint_id>")
@api.arguments(DispatchSchema)
@api.doc(security=[{"bearer": []}])
@require_roles("staff", "head", "admin")
def dispatch(changes: dict[str, Any], complaint_id: int) -> tuple[Response, int]:
    """Offer the complaint to the nearest free officer of its agency, or to ``officer_id``.
    409 ``already_dispatched`` when an offer is out or an officer is on it;
    409 ``no_officer_available`` when nobody free has a current position."""
    actor = current_actor()
    complaint = get_visible_or_404(complaint_id, actor)
    offer = dispatch_complaint(complaint, actor, changes.get("officer_id"))
    assert offer is not None
    assignment = db.session().get(Assignment, complaint_id)
    assert assignment is not None
    return jsonify(assignment_payload(assignment, offer)), 201


@api.get("/complaints/<int:complaint_id>")
@api.doc(security=[{"bearer": []}])
@require_roles("staff", "head", "admin")
def show_dispatch(complaint_id: int) -> Response:
    """Who is sent to the complaint, and every offer made for it, newest first."""
    actor = current_actor()
    get_visible_or_404(complaint_id, actor)
    session = db.session()
    assignment = session.get(Assignment, complaint_id)
    offers = session.scalars(
        select(Offer).where(Offer.complaint_id == complaint_id).order_by(Offer.id.desc())
    )
    return jsonify(
        {
            "assignment": assignment_payload(assignment) if assignment else None,
            "offers": [offer_payload(offer) for offer in offers],
        }
    )


@api.post("/offers/<int:offer_id>/accept")
@api.doc(security=[{"bearer": []}])
@require_roles("officer")
def accept(offer_id: int) -> Response:
    """Take the offered complaint: it goes in progress and I am en route."""
    return jsonify(offer_payload(answer_offer(offer_id, current_actor(), accept=True)))


@api.post("/offers/<int:offer_id>/decline")
@api.doc(security=[{"bearer": []}])
@require_roles("officer")
def decline(offer_id: int) -> Response:
    """Refuse the offered complaint: the next nearest officer is asked."""
    return jsonify(offer_payload(answer_offer(offer_id, current_actor(), accept=False)))
