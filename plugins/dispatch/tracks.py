"""Officers' tracks for history: a sample per officer per interval, buffered in memory and
written in one batch each watch round (never a database write per ping)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, insert
from sqlalchemy.orm import Session

from plugins.dispatch.models import TrackPoint
from plugins.dispatch.positions import Position


class TrackRecorder:
    def __init__(self, interval: timedelta) -> None:
        self.interval = interval
        self._last_sampled: dict[int, datetime] = {}
        self._pending: list[dict[str, object]] = []

    def note(self, position: Position) -> None:
        """Keep the position if the officer's last sample is older than the interval."""
        last = self._last_sampled.get(position.officer_id)
        if last is not None and position.at - last < self.interval:
            return
        self._last_sampled[position.officer_id] = position.at
        self._pending.append(
            {
                "officer_id": position.officer_id,
                "at": position.at,
                "lat": position.lat,
                "lon": position.lon,
                "accuracy_m": position.accuracy_m,
            }
        )

    def flush(self, session: Session, now: datetime, keep: timedelta) -> int:
        """Write the buffered samples, forget those older than ``keep``; the count written."""
        pending, self._pending = self._pending, []
        try:
            if pending:
                session.execute(insert(TrackPoint), pending)
            session.execute(delete(TrackPoint).where(TrackPoint.at < now - keep))
            session.commit()
        except Exception:
            session.rollback()
            self._pending[:0] = pending  # the next round tries again
            raise
        return len(pending)
