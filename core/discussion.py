"""Residents' public discussion of a complaint and their "me too" votes."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, delete, exists, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from core import db
from core.complaints import announce
from core.errors import ApiError
from core.models import OPEN_STATUSES, Comment, Complaint, Follower, Notification, Vote, utcnow
from core.notifications import reporter_ids
from core.plugins import hooks
from core.serialize import comment_payload
from core.types import Actor

# A resolved complaint may still be talked about (is it really fixed?); a closed, rejected or
# merged one is over, and its discussion with it.
DISCUSSION_STATUSES = (*OPEN_STATUSES, "resolved")
# The action core's permission hook is asked about for hiding someone else's comment.
HIDE_ACTION = "hide_comment"


def require_signed_in(actor: Actor) -> int:
    """The actor's user id; 401 for an anonymous visitor."""
    if actor.user_id is None:
        raise ApiError(401, "unauthorized", "Sign in first.")
    return actor.user_id


# --- comments --------------------------------------------------------------------------------


def add_comment(complaint: Complaint, actor: Actor, body: str) -> Comment:
    """Add a comment to a complaint's discussion; its reporters and followers are told.

    Refused (409 ``discussion_closed``) once the complaint is closed, rejected or
    merged; a resolved complaint can still be discussed.
    """
    author_id = require_signed_in(actor)
    if complaint.status not in DISCUSSION_STATUSES or complaint.merged_into_id is not None:
        raise ApiError(
            409,
            "discussion_closed",
            "Complaint #%(id)s is %(state)s: its discussion is closed.",
            id=complaint.id,
            state=complaint.status,
        )
    session = db.session()
    comment = Comment(
        complaint_id=complaint.id,
        author_id=author_id,
        author_role=actor.role,
        body=body,
        created_at=utcnow(),
    )
    session.add(comment)
    session.add_all(
        Notification(
            user_id=user_id,
            complaint_id=complaint.id,
            kind="comment",
            message=f"New comment on complaint #{complaint.id}.",
            created_at=comment.created_at,
        )
        for user_id in reporter_ids(complaint)
        if user_id != author_id
    )
    session.commit()
    announce(complaint, "complaint.updated")
    return comment


def list_comments(
    complaint: Complaint, after_id: int | None, limit: int
) -> tuple[list[Comment], int | None]:
    """A page of the complaint's shown comments, oldest first, and the cursor of the next."""
    query = select(Comment).where(Comment.complaint_id == complaint.id, Comment.hidden_at.is_(None))
    if after_id:
        query = query.where(Comment.id > after_id)
    rows = list(db.session().scalars(query.order_by(Comment.id).limit(limit + 1)))
    next_after = rows[limit - 1].id if len(rows) > limit else None
    return rows[:limit], next_after


def comments_payload(complaint: Complaint, actor: Actor, comments: list[Comment]) -> list[dict]:
    """The comments as the viewer sees them: each says whether they may hide it."""
    moderator = may_moderate(actor, complaint)
    return [
        comment_payload(comment, can_hide=moderator or _wrote(actor, comment))
        for comment in comments
    ]


def _wrote(actor: Actor, comment: Comment) -> bool:
    return actor.user_id is not None and comment.author_id == actor.user_id


def may_moderate(actor: Actor, complaint: Complaint) -> bool:
    """Hide anyone's comment: by default staff and heads of the owning agency, and admins."""
    if actor.is_anonymous:
        return False
    return hooks().can_change_complaint(actor=actor, complaint=complaint, action=HIDE_ACTION)


def hide_comment(complaint: Complaint, actor: Actor, comment_id: int) -> Comment:
    """Take a comment out of the discussion (kept, with who hid it): its author may, and
    whoever moderates the complaint's discussion."""
    user_id = require_signed_in(actor)
    session = db.session()
    comment = session.scalar(
        select(Comment).where(
            Comment.id == comment_id,
            Comment.complaint_id == complaint.id,
            Comment.hidden_at.is_(None),
        )
    )
    if comment is None:
        raise ApiError(
            404,
            "not_found",
            "No comment %(comment)s on complaint #%(id)s.",
            comment=comment_id,
            id=complaint.id,
        )
    if comment.author_id != user_id and not may_moderate(actor, complaint):
        raise ApiError(403, "forbidden", "Only its author and the agency may hide a comment.")
    comment.hidden_at = utcnow()
    comment.hidden_by_id = user_id
    session.commit()
    announce(complaint, "complaint.updated")
    return comment


# --- "me too" --------------------------------------------------------------------------------


def vote_state(complaint: Complaint, actor: Actor) -> dict[str, Any]:
    """How many said "me too" and, for a signed-in viewer, whether they did."""
    state: dict[str, Any] = {"votes": complaint.vote_count}
    if actor.user_id is not None:
        state["voted"] = has_voted(complaint, actor.user_id)
    return state


def has_voted(complaint: Complaint, user_id: int) -> bool:
    return db.session().get(Vote, (complaint.id, user_id)) is not None


def add_vote(complaint: Complaint, actor: Actor) -> bool:
    """A resident has the same problem: count them, and let them follow the complaint.

    Returns False when they had already said so (nothing changes). Only residents
    vote, never on what they reported themselves, and only while the complaint is open.
    """
    user_id = require_signed_in(actor)
    if actor.role != "resident":
        raise ApiError(403, "forbidden", '"Me too" is for residents; staff work the complaint.')
    if has_voted(complaint, user_id):
        return False
    if complaint.reporter_id == user_id:
        raise ApiError(409, "own_complaint", "You reported this problem: it counts already.")
    if complaint.status not in OPEN_STATUSES or complaint.merged_into_id is not None:
        raise ApiError(
            409,
            "voting_closed",
            "Complaint #%(id)s is %(state)s: no more votes.",
            id=complaint.id,
            state=complaint.status,
        )
    session = db.session()
    following = session.get(Follower, (complaint.id, user_id)) is not None
    session.add(Vote(complaint_id=complaint.id, user_id=user_id, created_at=utcnow()))
    if not following:
        session.add(Follower(complaint_id=complaint.id, user_id=user_id))
    try:
        # The vote goes in first: a second one from the same resident at the same moment
        # fails on the primary key here, before the count moves.
        session.flush()
        _count_vote(complaint, +1)
        session.commit()
    except IntegrityError:
        session.rollback()
        if has_voted(complaint, user_id):
            return False
        raise
    announce(complaint, "complaint.updated")
    return True


def remove_vote(complaint: Complaint, actor: Actor) -> bool:
    """Take a "me too" back, and stop following unless a merged duplicate of theirs is in
    the complaint. Returns False when there was no vote to take back."""
    user_id = require_signed_in(actor)
    session = db.session()
    removed = cast(
        CursorResult[Any],
        session.execute(
            delete(Vote).where(Vote.complaint_id == complaint.id, Vote.user_id == user_id)
        ),
    )
    if removed.rowcount == 0:
        session.rollback()
        return False
    _count_vote(complaint, -1)
    if not _followed_through_merge(complaint, user_id):
        session.execute(
            delete(Follower).where(
                Follower.complaint_id == complaint.id, Follower.user_id == user_id
            )
        )
    session.commit()
    announce(complaint, "complaint.updated")
    return True


def _count_vote(complaint: Complaint, change: int) -> None:
    """Move the count in the database itself, so concurrent votes all count, and leave the
    complaint's version alone: a vote is no edit staff could have overwritten."""
    counted = db.session().execute(
        update(Complaint)
        .where(Complaint.id == complaint.id)
        .values(vote_count=Complaint.vote_count + change)
        .returning(Complaint.vote_count)
        .execution_options(synchronize_session=False)
    )
    set_committed_value(complaint, "vote_count", counted.scalar_one())


def _followed_through_merge(complaint: Complaint, user_id: int) -> bool:
    """Whether the resident reported, or followed, a duplicate merged into the complaint."""
    followed = select(Follower.complaint_id).where(Follower.user_id == user_id)
    merged_in = exists().where(
        Complaint.merged_into_id == complaint.id,
        or_(Complaint.reporter_id == user_id, Complaint.id.in_(followed)),
    )
    return bool(db.session().scalar(select(merged_in)))
