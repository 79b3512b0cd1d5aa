"""The SLA watch: one worker per deployment marks missed deadlines, escalates and auto-closes."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import astuple, dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

import gevent
from flask import Flask, current_app
from gevent.event import Event
from sqlalchemy import Select, and_, or_, select

from core import db
from core.changes import auto_close, escalate, mark_overdue
from core.errors import ApiError
from core.leases import take_lease, worker_name
from core.models import OPEN_STATUSES, STATUSES, Complaint, ComplaintEvent
from core.sla import missed_deadline
from plugins.routing.state import routing_state

log = logging.getLogger(__name__)

JOB = "sla-watch"
WATCH_EXTENSION = "routing.sla_watch"
# Complaints handled per kind of work and round: a backlog (after downtime) drains over a
# few rounds instead of one long pass that outlives the lease and blocks SQLite's callers.
BATCH_SIZE = 200
NOTIFY_TARGETS = ("head", "admin", "city")
ESCALATION_FIELDS = ("name", "after_hours", "statuses", "notify")


# --- settings --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Escalation:
    """``[[routing.escalations]]``: a complaint still in one of ``statuses`` ``after_hours``
    after its owner got it is brought to ``notify`` (its agency's head, or the city's admins)."""

    name: str
    after_hours: float
    statuses: tuple[str, ...] = ("open",)
    notify: tuple[str, ...] = ("head",)

    def rooms(self, complaint: Complaint) -> list[str]:
        head = f"head:{complaint.agency_code}"
        return sorted({head if who == "head" else "city" for who in self.notify})

    def note(self, complaint: Complaint) -> str:
        return f"still {complaint.status} {self.after_hours:g} hours after its agency got it."


@dataclass(frozen=True)
class WatchSettings:
    """The ``[routing]`` keys of the watch; ``auto_close_days = 0`` turns auto-closing off."""

    check_seconds: float = 30.0
    auto_close_days: float = 7.0
    escalations: tuple[Escalation, ...] = ()

    @property
    def lease_seconds(self) -> float:
        # A holder that misses a round keeps the job; a dead one hands it over in a few rounds.
        return 3 * self.check_seconds


def watch_settings(settings: Mapping[str, Any]) -> WatchSettings:
    """The watch's settings from the app's, checked: a mistake stops the start."""
    routing = settings.get("routing", {})
    check_seconds = _number(routing, "sla_check_seconds", 30.0)
    auto_close_days = _number(routing, "auto_close_days", 7.0)
    if check_seconds <= 0 or auto_close_days < 0:
        raise RuntimeError("[routing] sla_check_seconds must be > 0 and auto_close_days >= 0")
    escalations = tuple(map(escalation_from_config, routing.get("escalations", [])))
    names = [escalation.name for escalation in escalations]
    if len(set(names)) < len(names):
        raise RuntimeError(f"[[routing.escalations]] names repeat: {sorted(names)}")
    return WatchSettings(check_seconds, auto_close_days, escalations)


def _number(section: Mapping[str, Any], key: str, default: float) -> float:
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RuntimeError(f"[routing] {key} must be a number, not {value!r}")
    return float(value)


def escalation_from_config(entry: Mapping[str, Any]) -> Escalation:
    """An operator's escalation rule from ``[[routing.escalations]]``."""
    name = entry.get("name", "?")
    unknown = set(entry) - set(ESCALATION_FIELDS)
    if unknown or "name" not in entry or "after_hours" not in entry:
        raise RuntimeError(
            f"escalation {name!r} in config: needs name and after_hours, "
            f"knows only {', '.join(ESCALATION_FIELDS)}; unknown: {sorted(unknown)}"
        )
    statuses = tuple(entry.get("statuses", ("open",)))
    notify = entry.get("notify", "head")
    notify = (notify,) if isinstance(notify, str) else tuple(notify)
    after_hours = _number(entry, "after_hours", 0.0)
    if after_hours <= 0 or not set(statuses) <= set(STATUSES) or not statuses:
        raise RuntimeError(
            f"escalation {name!r}: after_hours must be > 0 and statuses some of {STATUSES}"
        )
    if not notify or not set(notify) <= set(NOTIFY_TARGETS):
        raise RuntimeError(f"escalation {name!r}: notify must be some of {NOTIFY_TARGETS}")
    return Escalation(str(entry["name"]), after_hours, statuses, notify)


# --- one worker per deployment ---------------------------------------------------------------


# --- one round -------------------------------------------------------------------------------


@dataclass
class SweepCounts:
    """What a round did: complaints marked, escalated and closed; changes another worker
    made first (``lost``, left to it); and complaints whose change failed (logged)."""

    breached: int = 0
    escalated: int = 0
    closed: int = 0
    lost: int = 0
    failed: int = 0

    def __bool__(self) -> bool:
        return any(astuple(self))


def sweep(now: datetime, settings: WatchSettings | None = None) -> SweepCounts:
    """One round of the watch at ``now``, in an app context; each change commits on its own.

    At most ``BATCH_SIZE`` complaints of each kind of work; the rest wait a round.
    """
    settings = settings or watch_settings(current_app.config["SMARTCITY"])
    counts = SweepCounts()
    for complaint in _batch(past_a_deadline(now)):
        deadline = missed_deadline(complaint, now)
        if deadline is not None:
            mark = partial(mark_overdue, deadline=deadline, now=now)
            _attempt(counts, "breached", mark, complaint)
    for escalation in settings.escalations:
        fire = partial(_escalate, escalation=escalation, now=now)
        for complaint in _batch(due_for_escalation(escalation, now)):
            _attempt(counts, "escalated", fire, complaint)
    if settings.auto_close_days:
        close = partial(auto_close, now=now)
        for complaint in _batch(resolved_before(now - timedelta(days=settings.auto_close_days))):
            _attempt(counts, "closed", close, complaint)
    return counts


def _escalate(complaint: Complaint, escalation: Escalation, now: datetime) -> None:
    rooms, note = escalation.rooms(complaint), escalation.note(complaint)
    escalate(complaint, escalation.name, rooms, note, now)


def past_a_deadline(now: datetime) -> Select[Complaint]:
    """Open, running complaints past a deadline they are not yet marked for (as
    ``core.sla.missed_deadline`` judges, which has the last word on each)."""
    unacknowledged = and_(
        Complaint.acknowledged_at.is_(None),
        Complaint.overdue.is_(None),
        Complaint.acknowledge_due_at <= now,
    )
    unresolved = and_(Complaint.expected_at <= now, Complaint.overdue.is_distinct_from("resolve"))
    return select(Complaint).where(
        Complaint.status.in_(OPEN_STATUSES),
        Complaint.sla_paused_at.is_(None),
        or_(unacknowledged, unresolved),
    )


def due_for_escalation(escalation: Escalation, now: datetime) -> Select[Complaint]:
    """Complaints the rule applies to that it has not fired for (its events name it)."""
    fired = select(ComplaintEvent.id).where(
        ComplaintEvent.complaint_id == Complaint.id,
        ComplaintEvent.kind == "escalated",
        ComplaintEvent.note.startswith(f"{escalation.name}: ", autoescape=True),
    )
    return select(Complaint).where(
        Complaint.status.in_(escalation.statuses),
        Complaint.assigned_at <= now - timedelta(hours=escalation.after_hours),
        ~fired.exists(),
    )


def resolved_before(moment: datetime) -> Select[Complaint]:
    return select(Complaint).where(Complaint.status == "resolved", Complaint.resolved_at <= moment)


def _batch(query: Select[Complaint]) -> list[Complaint]:
    return list(db.session().scalars(query.order_by(Complaint.id).limit(BATCH_SIZE)))


def _attempt(
    counts: SweepCounts, done: str, change: Callable[[Complaint], object], complaint: Complaint
) -> None:
    """Apply one complaint's change; one complaint's failure holds up none of the others."""
    complaint_id = complaint.id
    try:
        change(complaint)
    except Exception as error:
        db.session().rollback()
        if isinstance(error, ApiError) and error.code == "changed_meanwhile":
            counts.lost += 1
        else:
            log.exception("SLA watch: complaint %s not %s", complaint_id, done)
            counts.failed += 1
        return
    setattr(counts, done, getattr(counts, done) + 1)


# --- the loop --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunningWatch:
    """This worker's watch, kept in ``app.extensions``. Stop it with ``stop``, between
    rounds: a kill landing in the pool's pre-ping is taken for a lost connection and
    swallowed, leaving the greenlet running."""

    greenlet: gevent.Greenlet
    stopping: Event

    def stop(self, timeout: float | None = None) -> None:
        self.stopping.set()
        self.greenlet.join(timeout)


def start_watch(app: Flask) -> RunningWatch:
    """Spawn this worker's watch; a mistake in its settings stops the start."""
    watch_settings(app.config["SMARTCITY"])
    stopping = Event()
    running = RunningWatch(gevent.spawn(watch, app, stopping=stopping), stopping)
    app.extensions[WATCH_EXTENSION] = running
    return running


def watch(app: Flask, holder: str | None = None, stopping: Event | None = None) -> None:
    """Every ``sla_check_seconds``, a round if this worker holds the deployment's lease,
    until ``stopping`` is set."""
    settings = watch_settings(app.config["SMARTCITY"])
    holder = holder or worker_name()
    stopping = stopping or Event()
    log.info("SLA watch started as %s, every %gs", holder, settings.check_seconds)
    while not stopping.is_set():
        run_round(app, holder, settings)
        stopping.wait(settings.check_seconds)


def run_round(app: Flask, holder: str, settings: WatchSettings) -> SweepCounts | None:
    """Take the lease and sweep; None when another worker holds the lease or the round
    failed. Never raises: an exception is logged and the next round tries again."""
    with app.app_context():
        try:
            now = routing_state().now()
            if not take_lease(JOB, holder, now, settings.lease_seconds):
                return None
            counts = sweep(now, settings)
        except Exception:
            log.exception("SLA watch round failed; trying again next round")
            return None
    if counts:
        log.info(
            "SLA watch: %d breached, %d escalated, %d closed, %d lost to another worker, %d failed",
            *astuple(counts),
        )
    return counts
