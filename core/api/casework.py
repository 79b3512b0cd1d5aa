"""Casework on one complaint beyond its status: duplicates and merging, proof photos,
the reporter's rating and reopening, and residents' notifications."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request
from flask_babel import gettext
from flask_smorest import Blueprint
from sqlalchemy import select, update

from core import db
from core.api.complaints import (
    document_errors,
    json_body,
    load_fields,
    shape,
)
from core.auth import current_actor
from core.complaints import get_visible_or_404
from core.duplicates import likely_duplicates, merge_complaint
from core.errors import ApiError
from core.feedback import rate_resolution, reopen_complaint
from core.models import Notification, utcnow
from core.plugins import hooks
from core.proof import FIELD_PHOTO_NOTES, attach_field_photo
from core.schemas import (
    AssetArgsSchema,
    AssetSchema,
    ComplaintSchema,
    DuplicateArgsSchema,
    DuplicateSchema,
    MergeSchema,
    NotificationSchema,
    NotificationsReadSchema,
    RatingSchema,
    ReopenSchema,
)
from core.types import Actor

blueprint = Blueprint("casework", __name__, description="Duplicates, proof, ratings, news.")
NOTIFICATIONS_PAGE = 100
ASSETS_OFFERED = 8


def _signed_in() -> Actor:
    actor = current_actor()
    if actor.is_anonymous:
        raise ApiError(401, "unauthorized", "Sign in first.")
    return actor


@blueprint.get("/complaints/duplicates")
@blueprint.arguments(DuplicateArgsSchema, location="query", as_kwargs=True)
@blueprint.response(200, DuplicateSchema(many=True))
def duplicates(category: str, lat: float, lon: float, asset_id: str | None) -> Any:
    """Open complaints like the one about to be reported, nearest first: say "me too" instead."""
    actor = current_actor()
    found = likely_duplicates(actor, category, (lat, lon), utcnow(), asset_id)
    return jsonify([candidate.as_dict() for candidate in found])


@blueprint.get("/assets/nearby")
@blueprint.arguments(AssetArgsSchema, location="query", as_kwargs=True)
@blueprint.response(200, AssetSchema(many=True))
def assets_nearby(category: str, lat: float, lon: float) -> Any:
    """The streetlights, drains, bridges ... near a point that a report of the category can be
    about, nearest first: the report form offers them ("which one?")."""
    found = hooks().assets_near(category=category, point=(lat, lon), limit=ASSETS_OFFERED)
    return jsonify([asset.as_dict() for asset in found])


@blueprint.post("/complaints/<int:complaint_id>/merge")
@blueprint.doc(
    security=[{"bearer": []}],
    requestBody={"content": {"application/json": {"schema": MergeSchema}}},
)
@blueprint.alt_response(200, schema=ComplaintSchema, description="The kept case.", success=True)
@document_errors(blueprint, 400, 401, 403, 404, 409)
def merge(complaint_id: int) -> Response:
    """Merge a duplicate into another complaint: its reporters follow the kept case."""
    actor = _signed_in()
    fields = load_fields(MergeSchema(), json_body())
    duplicate = get_visible_or_404(complaint_id, actor)
    keeper = get_visible_or_404(fields["into"], actor)
    merge_complaint(duplicate, actor, keeper, fields["reason"])
    return jsonify(shape(keeper, actor))


@blueprint.post("/complaints/<int:complaint_id>/photos")
@blueprint.doc(
    security=[{"bearer": []}],
    requestBody={
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "photo": {"type": "string", "format": "binary"},
                        "kind": {"type": "string", "enum": ["after", "before"]},
                    },
                }
            }
        }
    },
)
@blueprint.alt_response(201, schema=ComplaintSchema, description="Proof attached.", success=True)
@document_errors(blueprint, 400, 401, 403, 404, 409, 422)
def add_after_photo(complaint_id: int) -> tuple[Response, int]:
    """Attach a photo of the spot taken by the agency (the camera's original file, with its
    capture time): ``kind`` ``after`` (default) the fix, which field complaints need to be
    resolved, or ``before`` the work."""
    actor = _signed_in()
    complaint = get_visible_or_404(complaint_id, actor)
    files = request.files.getlist("photo")
    if request.mimetype != "multipart/form-data" or len(files) != 1:
        raise ApiError(
            400,
            "validation_failed",
            "Some fields are invalid.",
            {"photo": [gettext("Send one photo.")]},
        )
    kind = request.form.get("kind", "after")
    if kind not in FIELD_PHOTO_NOTES:
        fields = {"kind": [gettext("One of %(kinds)s.", kinds=", ".join(FIELD_PHOTO_NOTES))]}
        raise ApiError(400, "validation_failed", "Some fields are invalid.", fields)
    attach_field_photo(complaint, actor, files[0].read(), kind)
    return jsonify(shape(complaint, actor)), 201


@blueprint.post("/complaints/<int:complaint_id>/rating")
@blueprint.doc(
    security=[{"bearer": []}],
    requestBody={"content": {"application/json": {"schema": RatingSchema}}},
)
@blueprint.alt_response(200, schema=ComplaintSchema, description="Rated.", success=True)
@document_errors(blueprint, 400, 401, 403, 404, 409)
def rate(complaint_id: int) -> Response:
    """The reporter rates the fix 1-5; 1 or 2 reopens the complaint for review."""
    actor = _signed_in()
    fields = load_fields(RatingSchema(), json_body())
    complaint = get_visible_or_404(complaint_id, actor)
    rate_resolution(complaint, actor, fields["stars"], fields["comment"])
    return jsonify(shape(complaint, actor))


@blueprint.post("/complaints/<int:complaint_id>/reopen")
@blueprint.doc(
    security=[{"bearer": []}],
    requestBody={"content": {"application/json": {"schema": ReopenSchema}}},
)
@blueprint.alt_response(200, schema=ComplaintSchema, description="Open again.", success=True)
@document_errors(blueprint, 400, 401, 403, 404, 409)
def reopen(complaint_id: int) -> Response:
    """The reporter says the problem is still there."""
    actor = _signed_in()
    fields = load_fields(ReopenSchema(), json_body())
    complaint = get_visible_or_404(complaint_id, actor)
    reopen_complaint(complaint, actor, fields["reason"])
    return jsonify(shape(complaint, actor))


@blueprint.get("/me/notifications")
@blueprint.doc(security=[{"bearer": []}])
@blueprint.response(200, NotificationSchema(many=True))
@document_errors(blueprint, 401)
def notifications() -> Any:
    """News of the complaints you reported or follow, newest first."""
    actor = _signed_in()
    rows = db.session().scalars(
        select(Notification)
        .where(Notification.user_id == actor.user_id)
        .order_by(Notification.id.desc())
        .limit(NOTIFICATIONS_PAGE)
    )
    return [
        {
            "id": row.id,
            "complaint_id": row.complaint_id,
            "kind": row.kind,
            "message": row.message,
            "created_at": row.created_at,
            "read": row.read_at is not None,
        }
        for row in rows
    ]


@blueprint.post("/me/notifications/read")
@blueprint.arguments(NotificationsReadSchema)
@blueprint.response(204)
@document_errors(blueprint, 400, 401)
def mark_read(fields: dict[str, Any]) -> None:
    """Mark your notifications read, up to and including ``up_to_id``."""
    actor = _signed_in()
    db.session().execute(
        update(Notification)
        .where(
            Notification.user_id == actor.user_id,
            Notification.id <= fields["up_to_id"],
            Notification.read_at.is_(None),
        )
        .values(read_at=utcnow())
    )
    db.session().commit()
