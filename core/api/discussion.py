"""Residents' public discussion of a complaint (comments) and their "me too" (votes)."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from flask_smorest import Blueprint
from marshmallow import EXCLUDE, Schema, fields, pre_load, validate

from core import discussion
from core.api.complaints import (
    _decode_cursor,
    _encode_cursor,
    document_errors,
    json_body,
    load_fields,
)
from core.auth import current_actor
from core.complaints import get_visible_or_404
from core.errors import N_
from core.serialize import comment_payload
from core.types import Actor

blueprint = Blueprint("discussion", __name__, description='Public discussion and "me too".')


class CommentCreateSchema(Schema):
    body = fields.String(
        required=True,
        validate=[
            validate.Length(min=1, error=N_("Write something first.")),
            validate.Length(max=2000, error=N_("At most 2000 characters.")),
        ],
        metadata={"description": "1-2000 characters, surrounding whitespace trimmed"},
    )

    @pre_load
    def _trim(self, data: Any, **_kwargs: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("body"), str):
            return {**data, "body": data["body"].strip()}
        return data


class CommentSchema(Schema):
    """A comment; ``author`` is the author's display name, never their email."""

    id = fields.Integer()
    complaint_id = fields.Integer()
    body = fields.String()
    author = fields.String()
    author_role = fields.String()
    created_at = fields.DateTime(format="iso")
    can_hide = fields.Boolean(metadata={"description": "whether you may hide it"})


class CommentPageSchema(Schema):
    items = fields.List(fields.Nested(CommentSchema))
    next_cursor = fields.String(allow_none=True)


class CommentListArgsSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    cursor = fields.String(metadata={"description": "next_cursor of the previous page"})
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class VotesSchema(Schema):
    votes = fields.Integer(metadata={"description": 'how many residents said "me too"'})
    voted = fields.Boolean(metadata={"description": "whether you did (signed in only)"})


def _signed_in() -> Actor:
    actor = current_actor()
    discussion.require_signed_in(actor)
    return actor


# --- comments --------------------------------------------------------------------------------


@blueprint.get("/complaints/<int:complaint_id>/comments")
@blueprint.arguments(CommentListArgsSchema, location="query", as_kwargs=True)
@blueprint.alt_response(200, schema=CommentPageSchema, description="A page.", success=True)
@document_errors(blueprint, 404)
def comments(complaint_id: int, limit: int, cursor: str | None = None) -> Response:
    """The complaint's discussion, oldest first; follow ``next_cursor`` for the next page.
    Whoever may see the complaint may read it; hidden comments are left out."""
    actor = current_actor()
    complaint = get_visible_or_404(complaint_id, actor)
    after_id = _decode_cursor(cursor) if cursor else None
    page, next_after = discussion.list_comments(complaint, after_id, limit)
    return jsonify(
        items=discussion.comments_payload(complaint, actor, page),
        next_cursor=_encode_cursor(next_after) if next_after else None,
    )


@blueprint.post("/complaints/<int:complaint_id>/comments")
@blueprint.doc(
    security=[{"bearer": []}],
    requestBody={"content": {"application/json": {"schema": CommentCreateSchema}}},
)
@blueprint.alt_response(201, schema=CommentSchema, description="Added.", success=True)
@document_errors(blueprint, 400, 401, 404, 409)
def add_comment(complaint_id: int) -> tuple[Response, int]:
    """Say something in the complaint's public discussion: anyone signed in who may see it.

    Open and resolved complaints can be discussed; a closed, rejected or merged one
    answers 409 ``discussion_closed``. The reporter and followers are notified, and
    the complaint's rooms hear ``complaint.updated``.
    """
    actor = _signed_in()
    body = load_fields(CommentCreateSchema(), json_body())["body"]
    complaint = get_visible_or_404(complaint_id, actor)
    comment = discussion.add_comment(complaint, actor, body)
    return jsonify(comment_payload(comment, can_hide=True)), 201


@blueprint.delete("/complaints/<int:complaint_id>/comments/<int:comment_id>")
@blueprint.doc(security=[{"bearer": []}])
@blueprint.response(204)
@document_errors(blueprint, 401, 403, 404)
def hide_comment(complaint_id: int, comment_id: int) -> None:
    """Hide a comment (it is kept, out of the discussion): its author, staff and heads of the
    complaint's agency, and admins."""
    actor = _signed_in()
    complaint = get_visible_or_404(complaint_id, actor)
    discussion.hide_comment(complaint, actor, comment_id)


# --- "me too" --------------------------------------------------------------------------------


@blueprint.get("/complaints/<int:complaint_id>/votes")
@blueprint.alt_response(200, schema=VotesSchema, description="The count.", success=True)
@document_errors(blueprint, 404)
def votes(complaint_id: int) -> Response:
    """How many residents have the same problem, and whether you said so."""
    actor = current_actor()
    complaint = get_visible_or_404(complaint_id, actor)
    return jsonify(discussion.vote_state(complaint, actor))


@blueprint.post("/complaints/<int:complaint_id>/votes")
@blueprint.doc(security=[{"bearer": []}])
@blueprint.alt_response(201, schema=VotesSchema, description="Counted.", success=True)
@blueprint.alt_response(200, schema=VotesSchema, description="Counted before: no change.")
@document_errors(blueprint, 401, 403, 404, 409)
def vote(complaint_id: int) -> tuple[Response, int]:
    """Say "me too": a resident has the same problem, and follows the complaint from now on.

    Once per resident: saying it again answers 200 with the same count. Not on one's
    own report (409 ``own_complaint``), nor once the complaint is resolved, closed,
    rejected or merged (409 ``voting_closed``).
    """
    actor = _signed_in()
    complaint = get_visible_or_404(complaint_id, actor)
    counted = discussion.add_vote(complaint, actor)
    return jsonify(discussion.vote_state(complaint, actor)), 201 if counted else 200


@blueprint.delete("/complaints/<int:complaint_id>/votes")
@blueprint.doc(security=[{"bearer": []}])
@blueprint.alt_response(200, schema=VotesSchema, description="Taken back.", success=True)
@document_errors(blueprint, 401, 404)
def unvote(complaint_id: int) -> Response:
    """Take a "me too" back (and stop following, unless a merged duplicate of yours is in it);
    without one, nothing changes."""
    actor = _signed_in()
    complaint = get_visible_or_404(complaint_id, actor)
    discussion.remove_vote(complaint, actor)
    return jsonify(discussion.vote_state(complaint, actor))
