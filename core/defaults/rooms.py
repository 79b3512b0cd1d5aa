"""Default live rooms: the server, not the client, decides who hears what."""

from __future__ import annotations

from sqlalchemy import or_, select

from core import db, hookimpl
from core.models import OPEN_STATUSES, Complaint, Follower
from core.types import TRIAGE_AGENCY, Actor

FOLLOWED_COMPLAINTS_LIMIT = 200


@hookimpl(trylast=True)
def live_rooms(actor: Actor) -> list[str]:
    if actor.role == "admin":
        return ["city", f"agency:{TRIAGE_AGENCY}"]
    rooms = []
    if actor.agency and actor.role in ("staff", "head"):
        rooms.append(f"agency:{actor.agency}")
        if actor.role == "head":
            rooms.append(f"head:{actor.agency}")
    elif actor.agency and actor.role == "officer":
        # Not the consoles' room: a phone that heard every colleague's position and every
        # report of the agency would multiply the traffic by the number of officers.
        rooms.append(f"officers:{actor.agency}")
    else:
        rooms.append("public")
    if actor.role == "resident":
        rooms.extend(f"complaint:{complaint_id}" for complaint_id in _own_open_complaints(actor))
    return rooms


def _own_open_complaints(actor: Actor) -> list[int]:
    """What they reported, and the cases their merged duplicates now live in."""
    followed = select(Follower.complaint_id).where(Follower.user_id == actor.user_id)
    query = (
        select(Complaint.id)
        .where(
            or_(Complaint.reporter_id == actor.user_id, Complaint.id.in_(followed)),
            Complaint.status.in_(OPEN_STATUSES),
        )
        .order_by(Complaint.id.desc())
        .limit(FOLLOWED_COMPLAINTS_LIMIT)
    )
    return list(db.session().scalars(query))
