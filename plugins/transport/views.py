"""The road segments API (their statuses, set and suggested, and the cameras along them) and the
public /transport page."""

from __future__ import annotations

from typing import Any

import flask
from flask import Response, jsonify, render_template
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from core import db
from core.auth import current_actor, require_roles
from core.errors import ApiError
from plugins.transport.models import SOURCES, STATUSES, UNKNOWN, RoadSegment
from plugins.transport.segments import (
    Suggestion,
    cameras_along,
    cameras_known,
    may_set_status,
    segment_payload,
    set_status,
    suggest,
)
from plugins.transport.settings import transport_state

api = Blueprint("transport", __name__, description="Road segments and their traffic status.")
pages = flask.Blueprint(
    "transport_pages",
    __name__,
    url_prefix="/transport",
    template_folder="templates",
    static_folder="static",
)


class StatusSchema(Schema):
    status = fields.String(required=True, validate=validate.OneOf((*STATUSES, UNKNOWN)))
    source = fields.String(load_default="staff", validate=validate.OneOf(SOURCES))


def _segment_or_404(segment_id: str) -> RoadSegment:
    segment = db.session().get(RoadSegment, segment_id)
    if segment is None:
        raise ApiError(404, "not_found", "No such road segment.")
    return segment


@api.get("/segments")
def list_segments() -> Response:
    """Every segment with its current status (a stale one reads unknown), latest change first,
    and the cameras along it you may see."""
    now, actor = transport_state().now(), current_actor()
    query = select(RoadSegment).order_by(
        RoadSegment.status_set_at.desc().nulls_last(), RoadSegment.name
    )
    segments = list(db.session().scalars(query))
    payloads = [
        segment_payload(segment, now, cameras)
        for segment, cameras in zip(segments, cameras_along(segments, actor), strict=True)
    ]
    return jsonify({"segments": payloads})


@api.get("/segments/<segment_id>")
def show_segment(segment_id: str) -> Response:
    """The segment with its current status and the cameras along it you may see."""
    segment = _segment_or_404(segment_id)
    now = transport_state().now()
    [cameras] = cameras_along([segment], current_actor())
    return jsonify(segment_payload(segment, now, cameras))


@api.put("/segments/<segment_id>/status")
@api.arguments(StatusSchema)
@api.doc(security=[{"bearer": []}])
@require_roles("staff", "head", "admin")
def put_status(data: dict[str, Any], segment_id: str) -> Response:
    """Dishub's staff and heads set what the road is like now; it reads unknown once stale."""
    actor = current_actor()
    if not may_set_status(actor):
        raise ApiError(403, "forbidden", "Only the transport agency sets road statuses.")
    segment = _segment_or_404(segment_id)
    return jsonify(set_status(segment, data["status"], data["source"], actor))


@api.get("/segments/<segment_id>/suggestion")
@api.doc(security=[{"bearer": []}])
@require_roles("staff", "head", "admin")
def suggestion(segment_id: str) -> Response:
    """A status suggested by the recent traffic complaints along the segment and the tags of
    the cameras along it you may see (the worse of the two), with what each says."""
    found = suggest(_segment_or_404(segment_id), current_actor())
    return jsonify({"segment_id": segment_id, **suggestion_payload(found)})


def suggestion_payload(found: Suggestion) -> dict[str, Any]:
    return {
        "status": found.status,
        "complaints": found.complaints,
        "complaints_status": found.complaints_status,
        "since": found.since.isoformat(),
        "near_m": found.near_m,
        "categories": list(found.categories),
        "camera_votes": [
            {
                "id": vote.camera.id,
                "name": vote.camera.name,
                "tag": vote.tag,
                "status": vote.status,
                "distance_m": round(vote.camera.distance_m, 1),
            }
            for vote in found.camera_votes
        ],
        "camera_m": found.camera_m,
    }


@pages.get("")
def transport_page() -> str:
    return render_template(
        "transport/transport.html",
        may_set_status=may_set_status(current_actor()),
        status_minutes=round(transport_state().settings.status_minutes),
    )


# The status form is on this page and on Dishub's console (a panel), where it names the cameras
# in its suggestion button only when some plugin has cameras.
pages.add_app_template_global(cameras_known, "road_cameras_known")
