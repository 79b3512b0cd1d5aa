"""Garbage hot spots: the areas where sanitation complaints repeat within a week, ranked.

An area is the most specific district the routing decision named (``Complaint.district``),
or, for a complaint in no known district, a square of the city's grid. One GROUP BY query
counts every area's complaints in the window and in the window before it; the districts are
named all at once through the ``find_district_names`` hook (the routing plugin's districts).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Integer, Row, case, func
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from core import db
from core.complaints import filtered_complaints
from core.geo import degrees_around
from core.models import Complaint
from core.plugins import hooks
from core.types import Actor

ISO_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
# Not evidence of a problem at the spot: a rejected complaint was spam or a mistake.
NOT_COUNTED_STATUSES = ("rejected",)


# --- windows ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """Complaints reported at or after ``since`` and before ``until``, compared with those of
    the window of the same length before it (from ``previous_since``)."""

    since: datetime
    until: datetime
    previous_since: datetime
    week: str | None = None
    days: int | None = None


def monday_of(week: str) -> date:
    """The Monday of an ISO week written ``2026-W48``; ValueError for anything else."""
    found = ISO_WEEK.match(week)
    if found is None:
        raise ValueError("Write the week as 2026-W48.")
    try:
        return date.fromisocalendar(int(found[1]), int(found[2]), 1)
    except ValueError as error:
        raise ValueError("That year has no such week.") from error


def iso_week(day: date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_window(week: str | None, now: datetime, timezone: ZoneInfo) -> Window:
    """An ISO week of the city's calendar, Monday 00:00 to Monday 00:00 local time (the
    current week when ``week`` is None), and the week before it."""
    monday = monday_of(week) if week else now.astimezone(timezone).date()
    monday -= timedelta(days=monday.weekday())

    def midnight(day: date) -> datetime:
        return datetime.combine(day, time.min, tzinfo=timezone)

    return Window(
        since=midnight(monday),
        until=midnight(monday + timedelta(days=7)),
        previous_since=midnight(monday - timedelta(days=7)),
        week=iso_week(monday),
    )


def days_window(days: int, now: datetime) -> Window:
    """The last ``days`` days up to now, and the as many days before them."""
    length = timedelta(days=days)
    return Window(since=now - length, until=now, previous_since=now - 2 * length, days=days)


# --- areas -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Grid:
    """Squares of about ``side_m`` metres, in degrees at the city's latitude, numbered from
    the equator and the prime meridian: the same square has the same number in every query."""

    side_m: float
    lat_degrees: float
    lon_degrees: float

    @classmethod
    def at(cls, latitude: float, side_m: float) -> Grid:
        lat_degrees, lon_degrees = degrees_around((latitude, 0.0), side_m)
        return cls(side_m, lat_degrees, lon_degrees)

    def bounds(self, row: int, column: int) -> tuple[tuple[float, float], tuple[float, float]]:
        """The square's south-west and north-east corners as (lat, lon)."""
        south, west = row * self.lat_degrees, column * self.lon_degrees
        return (south, west), (south + self.lat_degrees, west + self.lon_degrees)


class floor_integer(FunctionElement[int]):
    """FLOOR(x) as an integer on every database: SQLite may be built without FLOOR."""

    type = Integer()
    name = "floor_integer"
    inherit_cache = True


@compiles(floor_integer)
def _floor_integer(element: floor_integer, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(FLOOR({compiler.process(element.clauses, **kw)}) AS INTEGER)"


@compiles(floor_integer, "sqlite")
def _floor_integer_sqlite(element: floor_integer, compiler: SQLCompiler, **kw: Any) -> str:
    # CAST truncates towards zero; a negative non-integer needs one less.
    value = compiler.process(element.clauses, **kw)
    return f"(CAST({value} AS INTEGER) - ({value} < CAST({value} AS INTEGER)))"


@dataclass(frozen=True)
class Area:
    """A district (``code`` its code, ``name`` as a plugin names it, else its code) or a grid
    square (``code`` ``cell:<row>:<column>``, ``bounds`` its corners, ``name`` None)."""

    kind: str
    code: str
    name: str | None
    bounds: tuple[tuple[float, float], tuple[float, float]] | None = None


# --- counting --------------------------------------------------------------------------------


@dataclass(frozen=True)
class HotSpot:
    rank: int
    area: Area
    count: int
    previous_count: int
    # The centroid of the window's complaints.
    lat: float
    lon: float
    latest_at: datetime

    @property
    def change(self) -> int:
        return self.count - self.previous_count


def hot_spots(
    actor: Actor,
    window: Window,
    categories: Iterable[str],
    min_complaints: int,
    grid: Grid,
    limit: int,
) -> list[HotSpot]:
    """The areas with at least ``min_complaints`` complaints of ``categories`` that the actor
    may see in the window: most complaints first (equal counts share a rank), then the
    steepest rise, then by area."""
    in_window = Complaint.created_at >= window.since
    count = func.sum(case((in_window, 1), else_=0))
    previous = func.sum(case((in_window, 0), else_=1))
    no_district = Complaint.district.is_(None)
    row = case((no_district, floor_integer(Complaint.lat / grid.lat_degrees))).label("cell_row")
    column = case((no_district, floor_integer(Complaint.lon / grid.lon_degrees))).label(
        "cell_column"
    )
    query = (
        filtered_complaints(actor, {})
        .with_only_columns(
            Complaint.district,
            row,
            column,
            count.label("complaints"),
            previous.label("previous_complaints"),
            func.avg(case((in_window, Complaint.lat))).label("lat"),
            func.avg(case((in_window, Complaint.lon))).label("lon"),
            func.max(Complaint.created_at).label("latest_at"),
        )
        .where(
            Complaint.category_code.in_(list(categories)),
            Complaint.status.not_in(NOT_COUNTED_STATUSES),
            Complaint.created_at >= window.previous_since,
            Complaint.created_at < window.until,
        )
        .group_by(Complaint.district, row, column)
        .having(count >= min_complaints)
        .order_by(
            count.desc(),
            (count - previous).desc(),
            Complaint.district.asc().nulls_last(),
            row.asc(),
            column.asc(),
        )
        .limit(limit)
    )
    rows = list(db.session().execute(query))
    districts = sorted({row.district for row in rows if row.district is not None})
    return _ranked(rows, grid, hooks().find_district_names(codes=districts))


def _ranked(rows: list[Row[Any]], grid: Grid, district_names: dict[str, str]) -> list[HotSpot]:
    spots: list[HotSpot] = []
    for position, row in enumerate(rows, start=1):
        shares_rank = bool(spots) and spots[-1].count == row.complaints
        spots.append(
            HotSpot(
                rank=spots[-1].rank if shares_rank else position,
                area=_area(row, grid, district_names),
                count=int(row.complaints),
                previous_count=int(row.previous_complaints),
                lat=float(row.lat),
                lon=float(row.lon),
                latest_at=row.latest_at,
            )
        )
    return spots


def _area(row: Row[Any], grid: Grid, district_names: dict[str, str]) -> Area:
    if row.district is not None:
        return Area("district", row.district, district_names.get(row.district, row.district))
    cell_row, cell_column = int(row.cell_row), int(row.cell_column)
    return Area("cell", f"cell:{cell_row}:{cell_column}", None, grid.bounds(cell_row, cell_column))
