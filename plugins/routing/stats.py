"""Accountability figures: per agency and per district, answered within SLA, medians, a ranking."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import ColumnElement, Row, Select, and_, case, func, or_

from core import db
from core.catalog import catalog
from core.complaints import filtered_complaints
from core.models import OPEN_STATUSES, Complaint
from core.types import Actor
from plugins.routing.models import District

DEFAULT_WINDOW = timedelta(days=30)
DEFAULT_MIN_SAMPLE = 20
RESOLVED_STATUSES = ("resolved", "closed")


def translatable(text: str) -> str:
    """Mark a text the API publishes in English for the plugin's catalogue (babel.cfg names this
    function): the dashboard shows it in the visitor's language."""
    return text


# Typeset with the multiplication and minus signs, as the page and the API publish it.
RANKING_FORMULA = (
    "score = 100 × (0.4 × acknowledged-within-SLA rate + 0.4 × resolved-within-SLA rate"  # noqa: RUF001
    " + 0.2 × (1 − reopen rate))"  # noqa: RUF001
)
# Published beside the formula, so anyone can recompute a score from the figures.
DEFINITIONS = {
    "received": translatable("complaints reported in the window (since <= created_at < until)"),
    "acknowledged": translatable("received complaints that have been acknowledged"),
    "acknowledge_due": translatable(
        "received complaints, rejected ones aside, with an acknowledgement deadline that"
        " are acknowledged or whose deadline has passed"
    ),
    "acknowledged_within_sla": translatable("of those, acknowledged at or before the deadline"),
    "acknowledged_within_sla_rate": "acknowledged_within_sla / acknowledge_due",
    "resolved": translatable("received complaints now resolved or closed"),
    "resolve_due": translatable(
        "received complaints, rejected ones aside, with a resolution deadline that are"
        " resolved or whose deadline has passed"
    ),
    "resolved_within_sla": translatable("of those, resolved at or before the (latest) deadline"),
    "resolved_within_sla_rate": "resolved_within_sla / resolve_due",
    "median_minutes_to_acknowledge": translatable("from the report to its acknowledgement"),
    "median_hours_to_resolve": translatable(
        "from the report to its latest resolution, resolved ones only"
    ),
    "reopened": translatable("received complaints reopened at least once"),
    "reopen_rate": translatable("reopened / complaints resolved or reopened"),
    "score": translatable(
        "the formula with the two rates above and the reopen rate (counted as 0 when the"
        " unit resolved nothing), rounded to one decimal"
    ),
    "rank": translatable(
        "highest score first; equal scores share a rank. Not ranked: units with fewer"
        " complaints than the minimum sample, units with nothing due yet, and complaints"
        " in no known district"
    ),
}


@dataclass(frozen=True)
class Window:
    """Complaints reported at or after ``since`` and before ``until``."""

    since: datetime
    until: datetime


def report_window(now: datetime, since: datetime | None, until: datetime | None) -> Window:
    """The requested window; ``until`` defaults to now and ``since`` to 30 days before it.

    Raises ``ValueError`` when the window is empty (``since`` not before ``until``).
    """
    until = until or now
    since = since or until - DEFAULT_WINDOW
    if since >= until:
        raise ValueError("since must be before until (which defaults to now)")
    return Window(since, until)


def ranking_min_sample() -> int:
    """``routing.ranking_min_sample``: received complaints a unit needs before it is ranked."""
    routing = current_app.config["SMARTCITY"].get("routing", {})
    return int(routing.get("ranking_min_sample", DEFAULT_MIN_SAMPLE))


@dataclass
class UnitFigures:
    """The tallies of one agency or one district, and what follows from them."""

    code: str | None
    name: str
    received: int = 0
    acknowledged: int = 0
    acknowledge_due: int = 0
    acknowledged_within_sla: int = 0
    resolved: int = 0
    resolve_due: int = 0
    resolved_within_sla: int = 0
    reopened: int = 0
    resolved_or_reopened: int = 0
    minutes_to_acknowledge: list[float] = field(default_factory=list)
    hours_to_resolve: list[float] = field(default_factory=list)
    rank: int | None = None
    note: str | None = None

    def count(self, complaint: Row[Any], now: datetime) -> None:
        self.received += 1
        self._count_acknowledgement(complaint, now)
        self._count_resolution(complaint, now)
        reopened = complaint.reopen_count > 0
        self.reopened += int(reopened)
        self.resolved_or_reopened += int(reopened or complaint.status in RESOLVED_STATUSES)

    def _count_acknowledgement(self, complaint: Row[Any], now: datetime) -> None:
        done, due = complaint.acknowledged_at, complaint.acknowledge_due_at
        if done is not None:
            self.acknowledged += 1
            self.minutes_to_acknowledge.append(_minutes(complaint.created_at, done))
        # A rejection is an answer of its own, and old rows have no deadline: no SLA to meet.
        if complaint.status == "rejected" or due is None:
            return
        if done is not None or due <= now:
            self.acknowledge_due += 1
        if done is not None and done <= due:
            self.acknowledged_within_sla += 1

    def _count_resolution(self, complaint: Row[Any], now: datetime) -> None:
        resolved = complaint.status in RESOLVED_STATUSES
        done, due = complaint.resolved_at, complaint.expected_at
        if resolved:
            self.resolved += 1
            if done is not None:
                self.hours_to_resolve.append(_minutes(complaint.created_at, done) / 60)
        if complaint.status == "rejected" or due is None:
            return
        if resolved or due <= now:
            self.resolve_due += 1
        if resolved and done is not None and done <= due:
            self.resolved_within_sla += 1

    @property
    def acknowledged_within_sla_rate(self) -> float | None:
        return _share(self.acknowledged_within_sla, self.acknowledge_due)

    @property
    def resolved_within_sla_rate(self) -> float | None:
        return _share(self.resolved_within_sla, self.resolve_due)

    @property
    def reopen_rate(self) -> float | None:
        return _share(self.reopened, self.resolved_or_reopened)

    @property
    def score(self) -> float | None:
        """The published formula, rounded to one decimal; None while nothing is due."""
        acknowledged, resolved = self.acknowledged_within_sla_rate, self.resolved_within_sla_rate
        if acknowledged is None or resolved is None:
            return None
        reopened = self.reopen_rate or 0.0
        return round(100 * (0.4 * acknowledged + 0.4 * resolved + 0.2 * (1 - reopened)), 1)

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "received": self.received,
            "acknowledged": self.acknowledged,
            "acknowledge_due": self.acknowledge_due,
            "acknowledged_within_sla": self.acknowledged_within_sla,
            "acknowledged_within_sla_rate": _rounded(self.acknowledged_within_sla_rate, 4),
            "resolved": self.resolved,
            "resolve_due": self.resolve_due,
            "resolved_within_sla": self.resolved_within_sla,
            "resolved_within_sla_rate": _rounded(self.resolved_within_sla_rate, 4),
            "median_minutes_to_acknowledge": _median(self.minutes_to_acknowledge),
            "median_hours_to_resolve": _median(self.hours_to_resolve),
            "reopened": self.reopened,
            "reopen_rate": _rounded(self.reopen_rate, 4),
            "score": self.score,
            "rank": self.rank,
            "note": self.note,
        }


def _minutes(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 60


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _rounded(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def accountability(
    actor: Actor, window: Window, filters: dict[str, str], now: datetime, min_sample: int
) -> dict[str, Any]:
    """Figures per agency and per district over the complaints ``actor`` may see.

    ``filters`` narrows by ``agency`` and/or ``category`` code. One query reads
    the few columns needed; medians need every value, so the tallies are Python's.
    """
    rows = list(db.session().execute(_complaint_times(actor, window, filters)))
    agency_names = {code: spec.name for code, spec in catalog().agencies.items()}
    agencies = _tally(rows, now, lambda row: (row.agency_code, agency_names.get(row.agency_code)))
    districts = _tally(rows, now, lambda row: (row.district, row.district_name))
    return {
        "window": {"since": window.since, "until": window.until},
        "filters": {"agency": filters.get("agency"), "category": filters.get("category")},
        "generated_at": now,
        "ranking": {
            "formula": RANKING_FORMULA,
            "min_sample": min_sample,
            "definitions": DEFINITIONS,
        },
        "agencies": [unit.as_dict() for unit in _ranked(agencies, min_sample)],
        "districts": [unit.as_dict() for unit in _ranked(districts, min_sample)],
    }


def _complaint_times(actor: Actor, window: Window, filters: dict[str, str]) -> Select:
    return (
        filtered_complaints(actor, filters)
        .with_only_columns(
            Complaint.agency_code,
            Complaint.district,
            District.name.label("district_name"),
            Complaint.status,
            Complaint.created_at,
            Complaint.acknowledged_at,
            Complaint.acknowledge_due_at,
            Complaint.resolved_at,
            Complaint.expected_at,
            Complaint.reopen_count,
        )
        .outerjoin_from(Complaint, District, District.code == Complaint.district)
        .where(Complaint.created_at >= window.since, Complaint.created_at < window.until)
    )


UnitKey = Callable[[Row[Any]], tuple[str | None, str | None]]

NO_DISTRICT = translatable("Not in any district")
# Why a unit is not ranked.
NOT_LOCATED = translatable("not ranked: not located in a district")
BELOW_MIN_SAMPLE = translatable("not ranked: fewer than %(count)s complaints")
NOTHING_DUE_YET = translatable("not ranked: no complaint has reached its deadlines yet")


def _tally(rows: Iterable[Row[Any]], now: datetime, key: UnitKey) -> list[UnitFigures]:
    units: dict[str | None, UnitFigures] = {}
    for row in rows:
        code, name = key(row)
        if code not in units:
            units[code] = UnitFigures(code, name or code or NO_DISTRICT)
        units[code].count(row, now)
    return list(units.values())


def _ranked(units: list[UnitFigures], min_sample: int) -> list[UnitFigures]:
    """Ranked units by rank (ties share one), then the unranked ones, each with the reason."""
    for unit in units:
        if unit.code is None:
            unit.note = NOT_LOCATED
        elif unit.received < min_sample:
            unit.note = BELOW_MIN_SAMPLE % {"count": min_sample}
        elif unit.score is None:
            unit.note = NOTHING_DUE_YET
    ranked = sorted((unit for unit in units if unit.note is None), key=_by_score)
    rank, previous_score = 0, None
    for position, unit in enumerate(ranked, start=1):
        if unit.score != previous_score:
            rank, previous_score = position, unit.score
        unit.rank = rank
    unranked = sorted((unit for unit in units if unit.note is not None), key=_by_size)
    return [*ranked, *unranked]


def _by_score(unit: UnitFigures) -> tuple[float, str]:
    return (-(unit.score or 0.0), unit.name)


def _by_size(unit: UnitFigures) -> tuple[int, str]:
    return (-unit.received, unit.name)


# --- today and the last days, for one agency's head or the city --------------------------------

TREND_DAYS = 14
OVERDUE_SHOWN = 200

# Published on the dashboard beside today's figures, like DEFINITIONS beside the ranking.
TODAY_DEFINITIONS = {
    "received": translatable("complaints reported since midnight, the city's time"),
    "open": translatable(
        "complaints open, acknowledged, in progress or waiting now, whenever reported"
    ),
    "acknowledged_within_sla": translatable(
        "acknowledgements given today at or before their deadline, out of those given today"
        " and those whose deadline passed today without one (rejected complaints aside)"
    ),
    "resolved": translatable(
        "complaints resolved since midnight that are still resolved or closed"
    ),
    "overdue": translatable(
        "open complaints past their resolution deadline, or past their acknowledgement"
        " deadline unacknowledged; not while waiting (the clock is stopped)"
    ),
}


def start_of_day(moment: datetime, timezone: ZoneInfo) -> datetime:
    """Midnight, in the city's time, of the day ``moment`` falls on there."""
    return datetime.combine(moment.astimezone(timezone).date(), time.min, tzinfo=timezone)


def overdue_now(now: datetime) -> ColumnElement[bool]:
    """Open, its clock running, and a deadline passed: resolution, or unmet acknowledgement."""
    return and_(
        Complaint.status.in_(OPEN_STATUSES),
        Complaint.sla_paused_at.is_(None),
        or_(
            Complaint.expected_at <= now,
            and_(Complaint.acknowledged_at.is_(None), Complaint.acknowledge_due_at <= now),
        ),
    )


def todays_figures(
    actor: Actor, filters: dict[str, str], now: datetime, timezone: ZoneInfo
) -> dict[str, Any]:
    """Today so far (``TODAY_DEFINITIONS``) over the complaints ``actor`` may see, one query."""
    since = start_of_day(now, timezone)

    def today(column: Any) -> ColumnElement[bool]:
        return and_(column >= since, column <= now)

    answerable = and_(Complaint.status != "rejected", Complaint.acknowledge_due_at.is_not(None))
    acknowledged = and_(answerable, today(Complaint.acknowledged_at))
    conditions = {
        "received": today(Complaint.created_at),
        "open": Complaint.status.in_(OPEN_STATUSES),
        "acknowledged_within_sla": and_(
            acknowledged, Complaint.acknowledged_at <= Complaint.acknowledge_due_at
        ),
        "acknowledge_due": or_(
            acknowledged,
            and_(
                answerable,
                Complaint.acknowledged_at.is_(None),
                today(Complaint.acknowledge_due_at),
            ),
        ),
        "resolved": and_(Complaint.status.in_(RESOLVED_STATUSES), today(Complaint.resolved_at)),
        "overdue": overdue_now(now),
    }
    counts = [
        func.count(case((condition, 1))).label(name) for name, condition in conditions.items()
    ]
    row = db.session().execute(filtered_complaints(actor, filters).with_only_columns(*counts)).one()
    figures: dict[str, Any] = dict(row._mapping)
    figures["acknowledged_within_sla_rate"] = _share(
        figures["acknowledged_within_sla"], figures["acknowledge_due"]
    )
    return {"since": since, "until": now, "definitions": TODAY_DEFINITIONS, **figures}


def daily_trend(
    actor: Actor,
    filters: dict[str, str],
    now: datetime,
    timezone: ZoneInfo,
    days: int = TREND_DAYS,
) -> list[dict[str, Any]]:
    """Complaints received and resolved per day of the city's calendar, the last ``days``
    days up to today (today so far), oldest first.

    A day's resolved ones are those whose latest resolution fell on it and that are still
    resolved or closed: a reopened complaint is counted again when it is resolved again.
    """
    last = now.astimezone(timezone).date()
    first = last - timedelta(days=days - 1)
    since = datetime.combine(first, time.min, tzinfo=timezone)
    tally: dict[date, dict[str, int]] = {
        first + timedelta(days=offset): {"received": 0, "resolved": 0} for offset in range(days)
    }
    query = (
        filtered_complaints(actor, filters)
        .with_only_columns(Complaint.created_at, Complaint.resolved_at, Complaint.status)
        .where(or_(Complaint.created_at >= since, Complaint.resolved_at >= since))
    )
    for row in db.session().execute(query):
        _count_on_day(tally, row.created_at, timezone, "received")
        if row.status in RESOLVED_STATUSES and row.resolved_at is not None:
            _count_on_day(tally, row.resolved_at, timezone, "resolved")
    return [{"day": day, **counts} for day, counts in tally.items()]


def _count_on_day(
    tally: dict[date, dict[str, int]], moment: datetime, timezone: ZoneInfo, figure: str
) -> None:
    day = moment.astimezone(timezone).date()
    if day in tally:
        tally[day][figure] += 1


def overdue_complaints(
    actor: Actor, filters: dict[str, str], now: datetime, limit: int = OVERDUE_SHOWN
) -> list[dict[str, Any]]:
    """The open overdue complaints ``actor`` may see, longest waiting first, with the
    deadline each missed ("resolve" before "acknowledge") and where it is: for a map."""
    query = (
        filtered_complaints(actor, filters)
        .with_only_columns(
            Complaint.id,
            Complaint.category_code,
            Complaint.status,
            Complaint.lat,
            Complaint.lon,
            Complaint.address,
            Complaint.created_at,
            Complaint.acknowledge_due_at,
            Complaint.expected_at,
        )
        .where(overdue_now(now))
        .order_by(Complaint.created_at, Complaint.id)
        .limit(limit)
    )
    names = catalog().category_names
    return [
        {
            "id": row.id,
            "category": row.category_code,
            "category_name": names(row.category_code),
            "status": row.status,
            "lat": row.lat,
            "lon": row.lon,
            "address": row.address,
            "created_at": row.created_at,
            **_missed(row.expected_at, row.acknowledge_due_at, now),
        }
        for row in db.session().execute(query)
    ]


def _missed(
    expected_at: datetime | None, acknowledge_due_at: datetime | None, now: datetime
) -> dict[str, Any]:
    if expected_at is not None and expected_at <= now:
        return {"missed": "resolve", "due_at": expected_at}
    return {"missed": "acknowledge", "due_at": acknowledge_due_at}
