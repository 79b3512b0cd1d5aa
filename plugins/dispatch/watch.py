"""The dispatch watch: each worker, every few seconds, moves unanswered offers on to the next
officer, marks officers who reached their complaint on site, and writes its track samples.

Every worker runs it: each writes only its own track samples, and the versioned assignment
row lets one worker win any step two of them attempt at once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

import gevent
from flask import Flask
from gevent.event import Event
from sqlalchemy import select

from core import db
from core.errors import ApiError
from plugins.dispatch.models import Offer
from plugins.dispatch.offers import expire_offer, mark_arrivals
from plugins.dispatch.state import dispatch_state

log = logging.getLogger(__name__)

WATCH_EXTENSION = "dispatch.watch"
BATCH_SIZE = 200


@dataclass
class RoundCounts:
    expired: int = 0
    arrived: int = 0
    track_points: int = 0


def run_round(now: datetime) -> RoundCounts:
    """One round at ``now``, in an app context; each change commits on its own."""
    counts = RoundCounts()
    session = db.session()
    due = session.scalars(
        select(Offer)
        .where(Offer.answer.is_(None), Offer.expires_at <= now)
        .order_by(Offer.expires_at)
        .limit(BATCH_SIZE)
    )
    for offer in list(due):
        try:
            expire_offer(offer, now)
            counts.expired += 1
        except ApiError:
            session.rollback()  # answered or expired by someone else a moment ago
    counts.arrived = mark_arrivals(now)
    state = dispatch_state()
    counts.track_points = state.tracks.flush(session, now, state.settings.track_keep)
    return counts


@dataclass(frozen=True)
class RunningWatch:
    greenlet: gevent.Greenlet
    stopping: Event

    def stop(self, timeout: float | None = None) -> None:
        self.stopping.set()
        self.greenlet.join(timeout)


def start_watch(app: Flask) -> RunningWatch:
    stopping = Event()
    running = RunningWatch(gevent.spawn(_watch, app, stopping), stopping)
    app.extensions[WATCH_EXTENSION] = running
    return running


def _watch(app: Flask, stopping: Event) -> None:
    seconds = app.extensions["dispatch"].settings.check_seconds
    while not stopping.is_set():
        with app.app_context():
            try:
                run_round(dispatch_state().now())
            except Exception:
                log.exception("dispatch watch: the round failed; the next one tries again")
            finally:
                db.database().session.remove()
        stopping.wait(seconds)
