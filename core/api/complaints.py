"""The complaints API: report, list, read, update status, forward."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from flask import Response, current_app, jsonify, request
from flask_babel import gettext
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError
from sqlalchemy import select

from core import db
from core.auth import current_actor
from core.changes import forward_complaint, relocate_complaint, update_complaint
from core.complaints import (
    Intake,
    create_complaint,
    get_visible_or_404,
    list_complaints,
    sees_personal_data,
)
from core.discussion import has_voted
from core.errors import ApiError
from core.models import Complaint, ComplaintEvent
from core.photos import check_photo
from core.schemas import (
    ComplaintCreateSchema,
    ComplaintListArgsSchema,
    ComplaintPageSchema,
    ComplaintSchema,
    ComplaintUpdateSchema,
    ErrorSchema,
    ForwardSchema,
)
from core.serialize import complaint_payload, public_payload
from core.types import Actor

blueprint = Blueprint("complaints", __name__, description="Residents' complaints.")

IDEMPOTENCY_HEADER = "Idempotency-Key"
create_schema = ComplaintCreateSchema()
update_schema = ComplaintUpdateSchema()
forward_schema = ForwardSchema()
ERRORS = {
    400: "Invalid fields, named in error.fields.",
    401: "Not signed in.",
    403: "Your role or agency may not do this.",
    404: "No such complaint that you may see.",
    409: "Not possible in the complaint's current state.",
    422: "Understood, but refused: the message says why.",
}


def document_errors(on: Blueprint, *statuses: int) -> Any:
    """Document the contract's error answers a view can give."""

    def decorate(view: Any) -> Any:
        for status in statuses:
            view = on.alt_response(status, schema=ErrorSchema, description=ERRORS[status])(view)
        return view

    return decorate


def load_fields(schema: Schema, data: Any) -> dict[str, Any]:
    try:
        loaded: dict[str, Any] = schema.load(data)
    except ValidationError as error:
        raise ApiError(
            400, "validation_failed", "Some fields are invalid.", error.messages_dict
        ) from error
    return loaded


def json_body() -> Any:
    data = request.get_json(silent=True)
    if data is None:
        raise ApiError(
            400, "invalid_json", "Send a JSON object with Content-Type application/json."
        )
    return data


def shape(complaint: Complaint, actor: Actor, history: list[ComplaintEvent] | None = None) -> dict:
    if sees_personal_data(actor, complaint):
        payload = complaint_payload(complaint, personal=True, history=history)
    else:
        payload = public_payload(complaint, history=history)
    if history is not None and actor.user_id is not None:
        payload["voted"] = has_voted(complaint, actor.user_id)
    return payload


@blueprint.post("/complaints")
@blueprint.doc(
    security=[{}, {"bearer": []}],
    requestBody={
        "required": True,
        "content": {
            "application/json": {"schema": ComplaintCreateSchema},
            "multipart/form-data": {
                "schema": {
                    "allOf": [
                        {"$ref": "#/components/schemas/ComplaintCreate"},
                        {
                            "type": "object",
                            "properties": {
                                "photo": {
                                    "type": "array",
                                    "items": {"type": "string", "format": "binary"},
                                }
                            },
                        },
                    ]
                }
            },
        },
    },
    parameters=[
        {
            "in": "header",
            "name": IDEMPOTENCY_HEADER,
            "schema": {"type": "string", "maxLength": 200},
            "description": "Retrying with the same key returns the same complaint.",
        }
    ],
)
@blueprint.alt_response(201, schema=ComplaintSchema, description="Stored and routed.", success=True)
@blueprint.alt_response(413, schema=ErrorSchema, description="A photo or the request is too large.")
@blueprint.alt_response(
    415, schema=ErrorSchema, description="Not JSON, not multipart, or not a photo."
)
@blueprint.alt_response(429, schema=ErrorSchema, description="Too many reports from this client.")
@document_errors(blueprint, 400)
def create() -> tuple[Response, int]:
    """Report a problem: category, description, point, photos; anonymous allowed."""
    actor = current_actor()
    intake = _read_intake()
    complaint, created = create_complaint(intake, actor)
    response = jsonify(shape(complaint, actor))
    if not created:
        response.headers["Idempotent-Replayed"] = "true"
    response.headers["Location"] = f"/api/v1/complaints/{complaint.id}"
    return response, 201


def _read_intake() -> Intake:
    settings = current_app.config["SMARTCITY"]
    key = request.headers.get(IDEMPOTENCY_HEADER, "").strip() or None
    if key is not None and len(key) > 200:
        raise ApiError(400, "invalid_idempotency_key", "Idempotency-Key is at most 200 characters.")
    if request.mimetype == "application/json":
        return Intake(load_fields(create_schema, json_body()), (), key)
    if request.mimetype != "multipart/form-data":
        raise ApiError(415, "unsupported_media_type", "Send JSON or multipart/form-data.")
    files = request.files.getlist("photo")
    unexpected = set(request.files) - {"photo"}
    if unexpected:
        raise ApiError(
            400,
            "validation_failed",
            "Some fields are invalid.",
            {name: [gettext("Unknown file field; photos go in 'photo'.")] for name in unexpected},
        )
    if len(files) > settings["max_photos"]:
        raise ApiError(
            400,
            "validation_failed",
            "Some fields are invalid.",
            {"photo": [gettext("At most %(count)s photos.", count=settings["max_photos"])]},
        )
    fields = load_fields(create_schema, request.form.to_dict())
    photos = tuple(
        check_photo(file.read(), settings["max_photo_bytes"], settings["max_photo_pixels"])
        for file in files
    )
    return Intake(fields, photos, key)


@blueprint.get("/complaints")
@blueprint.arguments(ComplaintListArgsSchema, location="query", as_kwargs=True)
@blueprint.alt_response(200, schema=ComplaintPageSchema, description="A page.", success=True)
def index(**args: Any) -> Response:
    """Complaints you may see, newest first; follow ``next_cursor`` for the next page."""
    actor = current_actor()
    if "cursor" in args:
        args["after_id"] = _decode_cursor(args.pop("cursor"))
    complaints, next_after = list_complaints(actor, args)
    return jsonify(
        items=[shape(complaint, actor) for complaint in complaints],
        next_cursor=_encode_cursor(next_after) if next_after else None,
    )


def _encode_cursor(after_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{after_id}".encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, _, value = text.partition(":")
        if prefix != "id":
            raise ValueError(text)
        return int(value)
    except (ValueError, binascii.Error, UnicodeDecodeError) as error:
        raise ApiError(
            400,
            "validation_failed",
            "Some fields are invalid.",
            {"cursor": [gettext("Invalid cursor.")]},
        ) from error


@blueprint.get("/complaints/<int:complaint_id>")
@blueprint.alt_response(200, schema=ComplaintSchema, description="With its history.", success=True)
@document_errors(blueprint, 404)
def show(complaint_id: int) -> Response:
    """One complaint with its history (the public part of it for the public)."""
    actor = current_actor()
    complaint = get_visible_or_404(complaint_id, actor)
    history = list(
        db.session().scalars(
            select(ComplaintEvent)
            .where(ComplaintEvent.complaint_id == complaint.id)
            .order_by(ComplaintEvent.id)
        )
    )
    payload = shape(complaint, actor, history)
    plugin_hooks = current_app.extensions["smartcity.hooks"]
    if complaint.asset_id is not None:
        asset = plugin_hooks.find_asset(
            category=complaint.category_code, asset_id=complaint.asset_id
        )
        payload["asset"] = asset.as_dict() if asset is not None else None
    extra = plugin_hooks.complaint_api_extra(complaint=complaint, actor=actor)
    if extra:
        payload["extra"] = extra
    return jsonify(payload)


@blueprint.patch("/complaints/<int:complaint_id>")
@blueprint.doc(
    security=[{"bearer": []}],
    requestBody={"content": {"application/json": {"schema": ComplaintUpdateSchema}}},
)
@blueprint.alt_response(200, schema=ComplaintSchema, description="Updated.", success=True)
@document_errors(blueprint, 400, 401, 403, 404, 409)
def update(complaint_id: int) -> Response:
    """Change the status and/or add a note (public or internal): staff, heads, officers.

    With ``lat`` and ``lon``, staff correct a wrong pin instead: the complaint is
    routed again, and moves to another agency if its rules say so.
    """
    actor = current_actor()
    if actor.is_anonymous:
        raise ApiError(401, "unauthorized", "Sign in first.")
    changes = load_fields(update_schema, json_body())
    complaint = get_visible_or_404(complaint_id, actor)
    if "lat" in changes:
        point = (changes["lat"], changes["lon"])
        relocate_complaint(complaint, actor, point, changes.get("address"), changes.get("note"))
    else:
        status, note = changes.get("status"), changes.get("note")
        update_complaint(complaint, actor, status, note, changes["note_public"])
    return jsonify(shape(complaint, actor))


@blueprint.post("/complaints/<int:complaint_id>/forward")
@blueprint.doc(
    security=[{"bearer": []}],
    requestBody={"content": {"application/json": {"schema": ForwardSchema}}},
)
@blueprint.alt_response(
    200, schema=ComplaintSchema, description="Now another agency's.", success=True
)
@document_errors(blueprint, 400, 401, 403, 404, 409)
def forward(complaint_id: int) -> Response:
    """Hand the complaint on with a reason: to another agency (coordination, also to bodies
    outside the city government), or with only ``unit`` to a unit of its own (disposition)."""
    actor = current_actor()
    if actor.is_anonymous:
        raise ApiError(401, "unauthorized", "Sign in first.")
    target = load_fields(forward_schema, json_body())
    complaint = get_visible_or_404(complaint_id, actor)
    forward_complaint(complaint, actor, target.get("agency"), target["unit"], target["reason"])
    return jsonify(shape(complaint, actor))
