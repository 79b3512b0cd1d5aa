"""The dispatch API: officers report where they are and whether they are free; staff find the
nearest free ones."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import Response, jsonify, request
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from core import db
from core.auth import current_actor, require_roles
from core.errors import ApiError
from core.models import User, utcnow
from plugins.dispatch.models import SELF_CHOSEN_STATES, Officer
from plugins.dispatch.pings import (
    Fix,
    check_fix,
    fix_from_api,
    fix_from_osmand,
    fix_from_traccar_json,
)
from plugins.dispatch.positions import Position
from plugins.dispatch.state import dispatch_state

api = Blueprint("dispatch", __name__, description="Field officers: duty, positions, nearest.")

MAX_NEAREST = 50


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


def officer_row(user_id: int) -> Officer:
    """The officer's dispatch row, made on first use (every officer starts off duty)."""
    session = db.session()
    officer = session.get(Officer, user_id)
    if officer is None:
        officer = Officer(user_id=user_id, state="off_duty", state_changed_at=utcnow())
        session.add(officer)
    return officer


def officer_payload(officer: Officer, user: User) -> dict[str, Any]:
    state = dispatch_state()
    position = state.positions.get(officer.user_id)
    now = utcnow()
    fresh = position is not None and now - position.at <= state.max_position_age
    return {
        "officer_id": officer.user_id,
        "name": user.display_name or user.email,
        "agency": user.agency_code,
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


def _store(officer_id: int, agency: str, fix: Fix) -> Position:
    state = dispatch_state()
    measured = asdict(check_fix(fix, utcnow(), state.max_position_age))
    del measured["device_id"]
    position = Position(officer_id=officer_id, agency=agency, **measured)
    state.positions.update(position)
    return position


def _signed_in_officer() -> tuple[int, str]:
    """The signed-in officer's user id and agency."""
    actor = current_actor()
    if actor.user_id is None or actor.role != "officer" or not actor.agency:
        raise ApiError(403, "forbidden", "Only an agency's officers report positions.")
    return actor.user_id, actor.agency


@api.put("/officers/me/position")
@api.doc(security=[{"bearer": []}])
@require_roles("officer")
def put_my_position() -> Response:
    """Where I am now: ``lat``, ``lon``, optional ``accuracy``, ``timestamp``, ``speed``,
    ``bearing``, ``battery``. No database write: positions live in the position store."""
    officer_id, agency = _signed_in_officer()
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(
            400, "invalid_json", "Send a JSON object with Content-Type application/json."
        )
    position = _store(officer_id, agency, fix_from_api(body, utcnow()))
    return jsonify(_position_payload(position, utcnow()))


@api.route("/osmand", methods=["GET", "POST"])
@api.doc(security=[{}])
def osmand() -> Response:
    """Traccar Client's OsmAnd protocol (point the app's server URL here): the query string
    or form of ``id``, ``lat``, ``lon``, ``timestamp``, ``speed`` (knots), ``bearing``,
    ``accuracy``, ``batt``; or Traccar Client 9's JSON body. The device id must be an
    officer's (``PUT /api/v1/dispatch/officers/me`` with ``device_id``)."""
    now = utcnow()
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
        raise ApiError(404, "unknown_device", f"No officer uses the device {fix.device_id!r}.")
    _store(user.id, user.agency_code or "", fix)
    return jsonify({"ok": True})


@api.put("/officers/me")
@api.arguments(OfficerUpdateSchema)
@api.doc(security=[{"bearer": []}])
@require_roles("officer")
def update_me(changes: dict[str, Any]) -> Response:
    """Go on or off duty (``available``, ``busy``, ``off_duty``) and register the Traccar
    Client device id that reports my position."""
    officer_id, _agency = _signed_in_officer()
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
            raise ApiError(409, "on_assignment", f"You are {officer.state}: finish it first.")
        officer.state, officer.state_changed_at = changes["state"], utcnow()
    db.session().commit()
    return jsonify(officer_payload(officer, user))


@api.get("/officers/nearest")
@api.arguments(NearestArgsSchema, location="query", as_kwargs=True)
@api.doc(security=[{"bearer": []}])
@require_roles("staff", "head", "admin")
def nearest(lat: float, lon: float, k: int, agency: str | None = None) -> Response:
    """The ``k`` nearest available officers of the agency whose position is current, nearest
    first, with the distance in metres and the position's age."""
    actor = current_actor()
    agency = agency or actor.agency
    if agency is None:
        raise ApiError(
            400, "validation_failed", "Some fields are invalid.", {"agency": ["Name one."]}
        )
    if actor.role != "admin" and agency != actor.agency:
        raise ApiError(403, "forbidden", "You may find only your own agency's officers.")
    available = db.session().execute(
        select(Officer.user_id, User.display_name, User.email)
        .join(User, User.id == Officer.user_id)
        .where(Officer.state == "available", User.agency_code == agency, User.active.is_(True))
    )
    names = {row.user_id: row.display_name or row.email for row in available}
    state = dispatch_state()
    now = utcnow()
    found = state.positions.nearest(agency, (lat, lon), k, now, state.max_position_age, names)
    return jsonify(
        [
            {
                "officer_id": item.position.officer_id,
                "name": names[item.position.officer_id],
                "state": "available",
                "distance_m": round(item.distance_m, 1),
                "position": _position_payload(item.position, now),
            }
            for item in found
        ]
    )
