"""The offer chain: a complaint is offered to the nearest free officer; a decline or silence
offers it to the next nearest; acceptance sends the officer, arrival marks him on site, and the
complaint's end frees him. Every step is an event in the complaint's history and on the
agency's live feed."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from core import db, live
from core.changes import new_event, record_change, require_right, update_complaint
from core.errors import ApiError
from core.geo import haversine_m
from core.models import Complaint, ComplaintEvent, User
from core.serialize import complaint_payload
from core.types import SYSTEM, Actor
from plugins.dispatch.models import ACTIVE_STATES, Assignment, Offer, Officer
from plugins.dispatch.positions import Position
from plugins.dispatch.state import dispatch_state

DISPATCHABLE_STATUSES = ("open", "acknowledged", "in_progress", "waiting")
ENDED_STATUSES = ("resolved", "closed", "rejected")
# Officers measured per offer: enough that a few refusing or being claimed at the same moment
# still leaves someone to ask.
CANDIDATES = 10


@dataclass(frozen=True)
class Candidate:
    officer_id: int
    name: str
    distance_m: float
    workload: int
    position: Position


# --- who is free and near --------------------------------------------------------------------


def available_officers(agency: str) -> dict[int, str]:
    """The agency's active officers who are on duty and free, with their names."""
    rows = db.session().execute(
        select(Officer.user_id, User.display_name, User.email)
        .join(User, User.id == Officer.user_id)
        .where(Officer.state == "available", User.agency_code == agency, User.active.is_(True))
    )
    return {row.user_id: row.display_name or row.email for row in rows}


def ranked_candidates(
    agency: str, point: tuple[float, float], k: int, exclude: Collection[int] = ()
) -> list[Candidate]:
    """The ``k`` best available officers with a current position: nearest first, each
    complaint accepted within the workload window counting ``workload_penalty_m`` metres."""
    state = dispatch_state()
    settings, now = state.settings, state.now()
    names = {key: name for key, name in available_officers(agency).items() if key not in exclude}
    if not names:
        return []
    weighed = settings.workload_penalty_m > 0
    # With workload weighing, a busier officer among the nearest may drop below a farther one.
    wanted = max(k, CANDIDATES) if weighed else k
    found = state.positions.nearest(agency, point, wanted, now, settings.max_position_age, names)
    workloads = _workloads([item.position.officer_id for item in found], now) if weighed else {}
    candidates = [
        Candidate(
            item.position.officer_id,
            names[item.position.officer_id],
            item.distance_m,
            workloads.get(item.position.officer_id, 0),
            item.position,
        )
        for item in found
    ]
    candidates.sort(key=lambda c: c.distance_m + settings.workload_penalty_m * c.workload)
    return candidates[:k]


def _workloads(officer_ids: list[int], now: datetime) -> dict[int, int]:
    if not officer_ids:
        return {}
    since = now - dispatch_state().settings.workload_window
    rows = db.session().execute(
        select(Offer.officer_id, func.count())
        .where(
            Offer.officer_id.in_(officer_ids),
            Offer.answer == "accepted",
            Offer.answered_at >= since,
        )
        .group_by(Offer.officer_id)
    )
    return {officer_id: count for officer_id, count in rows}


# --- starting a chain ------------------------------------------------------------------------


def dispatch_complaint(
    complaint: Complaint, actor: Actor, officer_id: int | None = None
) -> Offer | None:
    """Offer the complaint to ``officer_id``, or to the nearest free officer of its agency.

    Staff get 409 ``already_dispatched`` when the complaint has an offer out or an officer
    on it (also when another dispatcher got there a moment earlier), 409
    ``no_officer_available`` when nobody free is near. The system (an urgent complaint on
    intake) gets None instead: the complaint is marked unanswered and the head alerted.
    """
    automatic = actor is SYSTEM
    if not automatic:
        require_right(actor, complaint, "dispatch")
    if complaint.status not in DISPATCHABLE_STATUSES:
        raise ApiError(
            409, "not_dispatchable", "The complaint is %(state)s.", state=complaint.status
        )
    session = db.session()
    now = dispatch_state().now()
    assignment = session.get(Assignment, complaint.id)
    if assignment is not None and assignment.state in ACTIVE_STATES:
        raise _already_dispatched(assignment)
    if assignment is None:
        assignment = Assignment(complaint_id=complaint.id, version=1)
        session.add(assignment)
    assignment.agency_code, assignment.refusals = complaint.agency_code, 0
    assignment.state, assignment.officer_id = "offering", None
    assignment.started_at = assignment.updated_at = now
    _flush_or_conflict(assignment)  # the row is this chain's now; a rival dispatcher fails here
    if officer_id is not None:
        offer, event = _offer_chosen(complaint, assignment, officer_id, actor, now)
    else:
        offer, event = _offer_nearest(complaint, assignment, actor, now)
    if offer is None and not automatic:
        session.rollback()
        raise ApiError(
            409, "no_officer_available", "No officer of the agency is free with a known position."
        )
    if offer is None:
        assignment.state = "unanswered"
    _flush_or_conflict(assignment)
    record_change(complaint, event)
    _tell(complaint, assignment, offer)
    if offer is None:
        _alert_head(complaint, assignment, "unanswered")
    return offer


def _offer_chosen(
    complaint: Complaint, assignment: Assignment, officer_id: int, actor: Actor, now: datetime
) -> tuple[Offer | None, ComplaintEvent]:
    names = available_officers(complaint.agency_code)
    if officer_id not in names or not _claim(officer_id, now):
        db.session().rollback()
        raise ApiError(
            409, "officer_unavailable", "That officer is not an available officer of the agency."
        )
    position = dispatch_state().positions.get(officer_id)
    distance = _distance_to(complaint, position) if position else None
    return _make_offer(complaint, assignment, officer_id, names[officer_id], distance, actor, now)


def _offer_nearest(
    complaint: Complaint, assignment: Assignment, actor: Actor, now: datetime
) -> tuple[Offer | None, ComplaintEvent]:
    asked = set(
        db.session().scalars(
            select(Offer.officer_id).where(
                Offer.complaint_id == complaint.id, Offer.offered_at >= assignment.started_at
            )
        )
    )
    point = (complaint.lat, complaint.lon)
    for candidate in ranked_candidates(complaint.agency_code, point, CANDIDATES, asked):
        if _claim(candidate.officer_id, now):
            return _make_offer(
                complaint,
                assignment,
                candidate.officer_id,
                candidate.name,
                candidate.distance_m,
                actor,
                now,
            )
    note = "No free officer with a known position is left to ask."
    return None, new_event(complaint, actor, "dispatch_unanswered", note=note, public=False, at=now)


def _claim(officer_id: int, now: datetime) -> bool:
    """Mark an available officer offered; False when someone else claimed him first."""
    claimed = db.session().execute(
        update(Officer)
        .where(Officer.user_id == officer_id, Officer.state == "available")
        .values(state="offered", state_changed_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(claimed.rowcount)  # type: ignore[attr-defined]


def _set_officer_state(
    officer_id: int, state: str, now: datetime, from_states: Iterable[str]
) -> None:
    db.session().execute(
        update(Officer)
        .where(Officer.user_id == officer_id, Officer.state.in_(tuple(from_states)))
        .values(state=state, state_changed_at=now)
        .execution_options(synchronize_session=False)
    )


def _make_offer(
    complaint: Complaint,
    assignment: Assignment,
    officer_id: int,
    name: str,
    distance_m: float | None,
    actor: Actor,
    now: datetime,
) -> tuple[Offer, ComplaintEvent]:
    answer_time = dispatch_state().settings.answer_time
    offer = Offer(
        complaint_id=complaint.id,
        officer_id=officer_id,
        offered_by_id=actor.user_id,
        distance_m=distance_m,
        offered_at=now,
        expires_at=now + answer_time,
    )
    db.session().add(offer)
    assignment.officer_id, assignment.state, assignment.updated_at = officer_id, "offering", now
    away = f", {distance_m:.0f} m away" if distance_m is not None else ""
    note = f"Offered to {name}{away}; {answer_time.total_seconds():.0f} s to answer."
    return offer, new_event(complaint, actor, "dispatch_offered", note=note, public=False, at=now)


def _flush_or_conflict(assignment: Assignment) -> None:
    """Write the assignment now: a second dispatcher (or answer) racing this one fails here."""
    session = db.session()
    try:
        session.flush()
    except (IntegrityError, StaleDataError) as error:
        session.rollback()
        raise ApiError(
            409, "already_dispatched", "Someone dispatched this complaint a moment ago."
        ) from error


def _already_dispatched(assignment: Assignment) -> ApiError:
    if assignment.state == "offering":
        return ApiError(409, "already_dispatched", "The complaint has an offer out already.")
    return ApiError(409, "already_dispatched", "The complaint has an officer on it already.")


# --- answers ---------------------------------------------------------------------------------


def answer_offer(offer_id: int, actor: Actor, accept: bool) -> Offer:
    """The officer's answer. 404 when the offer is not his, 409 ``offer_closed`` when it was
    answered, expired or withdrawn already."""
    session = db.session()
    offer = session.get(Offer, offer_id)
    if offer is None or actor.user_id is None or offer.officer_id != actor.user_id:
        raise ApiError(404, "not_found", "You have no such offer.")
    now = dispatch_state().now()
    if offer.answer is None and offer.expires_at <= now:
        expire_offer(offer, now)
    if offer.answer is not None:
        raise ApiError(
            409, "offer_closed", "This offer was %(answer)s already.", answer=offer.answer
        )
    complaint = session.get(Complaint, offer.complaint_id)
    assignment = session.get(Assignment, offer.complaint_id)
    assert complaint is not None and assignment is not None
    if accept:
        _accept(complaint, assignment, offer, actor, now)
    else:
        _refuse(complaint, assignment, offer, "declined", actor, now)
    return offer


def _accept(
    complaint: Complaint, assignment: Assignment, offer: Offer, actor: Actor, now: datetime
) -> None:
    offer.answer, offer.answered_at = "accepted", now
    assignment.state, assignment.updated_at = "accepted", now
    _set_officer_state(offer.officer_id, "en_route", now, ("offered",))
    _flush_or_conflict(assignment)
    on_the_way = "An officer accepted and is on the way."
    if complaint.status != "in_progress":
        update_complaint(complaint, actor, "in_progress", on_the_way, True)
    else:
        event = new_event(complaint, actor, "dispatch_accepted", note=on_the_way, at=now)
        record_change(complaint, event)
    _tell(complaint, assignment, offer)


def expire_offer(offer: Offer, now: datetime) -> None:
    """An offer left unanswered past its time counts as a refusal: the next officer is asked."""
    session = db.session()
    complaint = session.get(Complaint, offer.complaint_id)
    assignment = session.get(Assignment, offer.complaint_id)
    assert complaint is not None and assignment is not None
    _refuse(complaint, assignment, offer, "expired", SYSTEM, now)


def _refuse(
    complaint: Complaint,
    assignment: Assignment,
    offer: Offer,
    how: str,
    actor: Actor,
    now: datetime,
) -> None:
    """A decline or an expiry: free the officer, count the refusal, ask the next nearest."""
    offer.answer, offer.answered_at = how, now
    _set_officer_state(offer.officer_id, "available", now, ("offered",))
    assignment.refusals += 1
    name = _names([offer.officer_id]).get(offer.officer_id, f"officer {offer.officer_id}")
    said = "declined" if how == "declined" else "did not answer"
    refused = new_event(
        complaint, actor, f"dispatch_{how}", note=f"{name} {said}.", public=False, at=now
    )
    db.session().add(refused)
    next_offer, event = _offer_nearest(complaint, assignment, SYSTEM, now)
    if next_offer is None:
        assignment.state, assignment.officer_id, assignment.updated_at = "unanswered", None, now
    _flush_or_conflict(assignment)
    record_change(complaint, event)
    if how == "expired":
        _withdrawn(offer, "expired")
    _tell(complaint, assignment, next_offer)
    if next_offer is None:
        _alert_head(complaint, assignment, "unanswered")
    elif assignment.refusals == dispatch_state().settings.alert_after_refusals:
        _alert_head(complaint, assignment, "refused")


# --- arriving and being freed ----------------------------------------------------------------


def mark_arrivals(now: datetime) -> int:
    """Officers en route whose position is within the on-site radius of their complaint are on
    site now; the count marked."""
    state = dispatch_state()
    session = db.session()
    marked = 0
    rows = session.execute(
        select(Assignment, Complaint)
        .join(Complaint, Complaint.id == Assignment.complaint_id)
        .where(Assignment.state == "accepted")
    )
    for assignment, complaint in list(rows):
        assert assignment.officer_id is not None
        position = state.positions.get(assignment.officer_id)
        if position is None or now - position.at > state.settings.max_position_age:
            continue
        if _distance_to(complaint, position) > state.settings.on_site_radius_m:
            continue
        assignment.state, assignment.updated_at = "on_site", now
        _set_officer_state(assignment.officer_id, "on_site", now, ("en_route",))
        try:
            _flush_or_conflict(assignment)
        except ApiError:
            continue  # another worker marked it
        event = new_event(complaint, SYSTEM, "dispatch_on_site", note="The officer is on site.")
        record_change(complaint, event)
        _tell(complaint, assignment, None)
        marked += 1
    return marked


def release(complaint: Complaint, ending: str, now: datetime) -> None:
    """The complaint ended (``finished``) or left the agency (``withdrawn``): withdraw an open
    offer and free the officer."""
    session = db.session()
    assignment = session.get(Assignment, complaint.id)
    if assignment is None or assignment.state not in ACTIVE_STATES:
        return
    open_offer = session.scalar(
        select(Offer).where(Offer.complaint_id == complaint.id, Offer.answer.is_(None))
    )
    if open_offer is not None:
        open_offer.answer, open_offer.answered_at = "withdrawn", now
    if assignment.officer_id is not None:
        busy = ("offered", "en_route", "on_site")
        _set_officer_state(assignment.officer_id, "available", now, busy)
    officer_id = assignment.officer_id
    assignment.state, assignment.updated_at = ending, now
    _flush_or_conflict(assignment)
    session.commit()
    if open_offer is not None:
        _withdrawn(open_offer, ending)
    elif officer_id is not None:
        # The officer's phone hears that the job it holds ended (resolved, or handed away).
        payload = {"complaint_id": complaint.id, "reason": ending}
        live.publish(f"officer:{officer_id}", "dispatch.released", payload)
    _tell(complaint, assignment, None)


# --- telling people --------------------------------------------------------------------------


def _names(officer_ids: Iterable[int]) -> dict[int, str]:
    rows = db.session().execute(
        select(User.id, User.display_name, User.email).where(User.id.in_(list(officer_ids)))
    )
    return {row.id: row.display_name or row.email for row in rows}


def _distance_to(complaint: Complaint, position: Position) -> float:
    return haversine_m((complaint.lat, complaint.lon), (position.lat, position.lon))


def offer_payload(offer: Offer) -> dict[str, Any]:
    return {
        "id": offer.id,
        "complaint_id": offer.complaint_id,
        "officer_id": offer.officer_id,
        "distance_m": round(offer.distance_m, 1) if offer.distance_m is not None else None,
        "offered_at": offer.offered_at.isoformat(),
        "expires_at": offer.expires_at.isoformat(),
        "answer": offer.answer,
        "answered_at": offer.answered_at.isoformat() if offer.answered_at else None,
        "automatic": offer.offered_by_id is None,
    }


def assignment_payload(assignment: Assignment, offer: Offer | None = None) -> dict[str, Any]:
    officer_id = assignment.officer_id
    return {
        "complaint_id": assignment.complaint_id,
        "agency": assignment.agency_code,
        "state": assignment.state,
        "officer_id": officer_id,
        "officer_name": _names([officer_id]).get(officer_id) if officer_id else None,
        "refusals": assignment.refusals,
        "offer": offer_payload(offer) if offer is not None else None,
        "updated_at": assignment.updated_at.isoformat(),
    }


def _tell(complaint: Complaint, assignment: Assignment, offer: Offer | None) -> None:
    """The agency's consoles hear every step; an offered officer hears his offer."""
    payload = assignment_payload(assignment, offer)
    event = "dispatch.accepted" if assignment.state == "accepted" else "dispatch.updated"
    live.publish(f"agency:{assignment.agency_code}", event, payload)
    if offer is not None and offer.answer is None:
        shown = complaint_payload(complaint, personal=False)
        live.publish(
            f"officer:{offer.officer_id}",
            "dispatch.offer",
            {"offer": offer_payload(offer), "complaint": shown},
        )
    elif assignment.state == "accepted" and offer is not None:
        live.publish(f"officer:{offer.officer_id}", "dispatch.accepted", payload)


def _withdrawn(offer: Offer, reason: str) -> None:
    """The officer's phone drops an offer he can no longer take."""
    payload = {"offer_id": offer.id, "complaint_id": offer.complaint_id, "reason": reason}
    live.publish(f"officer:{offer.officer_id}", "dispatch.withdrawn", payload)


def _alert_head(complaint: Complaint, assignment: Assignment, reason: str) -> None:
    """``dispatch.alert`` to the agency's heads: ``refused`` (the configured number of
    refusals reached) or ``unanswered`` (nobody left to ask)."""
    live.publish(
        f"head:{assignment.agency_code}",
        "dispatch.alert",
        {
            "reason": reason,
            "refusals": assignment.refusals,
            "complaint": complaint_payload(complaint, personal=False),
        },
    )
