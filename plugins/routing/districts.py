"""Which districts contain a point: an R-tree of the district polygons, rebuilt when they change."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import numpy as np
import shapely
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plugins.routing.models import LEVELS, District

# Most specific first: a subdistrict before its district before its city.
_SPECIFICITY = {level: rank for rank, level in enumerate(reversed(LEVELS))}


@dataclass(frozen=True)
class DistrictRef:
    """A district as routing sees it, without its polygon."""

    code: str
    name: str
    level: str
    parent_code: str | None


class DistrictRow(Protocol):
    """What an index is built from: a ``District`` or a row selecting the same columns."""

    @property
    def code(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def level(self) -> str: ...
    @property
    def parent_code(self) -> str | None: ...
    @property
    def geometry(self) -> bytes | str: ...


class DistrictIndex:
    """Polygons in an STRtree: a lookup tests only those whose bounding box holds the point."""

    def __init__(self, rows: Iterable[DistrictRow]) -> None:
        rows = list(rows)
        self.districts = [
            DistrictRef(row.code, row.name, row.level, row.parent_code) for row in rows
        ]
        self._geometries = np.array([_geometry(row.geometry) for row in rows], dtype=object)
        shapely.prepare(self._geometries)
        self._tree = shapely.STRtree(self._geometries)

    def __len__(self) -> int:
        return len(self.districts)

    def locate(self, lat: float, lon: float) -> list[DistrictRef]:
        """Every district covering the point (its boundary included), most specific first."""
        if not self.districts:
            return []
        covering = self._tree.query(shapely.Point(lon, lat), predicate="covered_by")
        found = [self.districts[position] for position in covering]
        return sorted(found, key=lambda district: (_SPECIFICITY[district.level], district.code))


def _geometry(value: bytes | str) -> shapely.Geometry:
    return shapely.from_wkt(value) if isinstance(value, str) else shapely.from_wkb(value)


def load_district_index(session: Session) -> DistrictIndex:
    """An index of every district in the database."""
    rows = session.execute(
        select(
            District.code, District.name, District.level, District.parent_code, District.geometry
        )
    )
    return DistrictIndex(rows)


Stamp = tuple[int, datetime | None]


def district_stamp(session: Session) -> Stamp:
    """Changes whenever a district is added, updated or removed: (count, latest update)."""
    count, latest = session.execute(
        select(func.count(), func.max(District.updated_at)).select_from(District)
    ).one()
    return int(count), latest


class DistrictIndexHolder:
    """The current index of a process, rebuilt when another process (the CLI) changed districts.

    The stamp is read at most every ``check_seconds``, so a busy server pays one
    small query per interval, and an import shows within that interval without
    a restart.
    """

    def __init__(
        self, check_seconds: float = 30.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.check_seconds = check_seconds
        self._clock = clock
        self._index: DistrictIndex | None = None
        self._stamp: Stamp | None = None
        self._checked_at = 0.0

    def current(self, session_factory: Callable[[], Session]) -> DistrictIndex:
        now = self._clock()
        if self._index is not None and now - self._checked_at < self.check_seconds:
            return self._index
        session = session_factory()
        stamp = district_stamp(session)
        if self._index is None or stamp != self._stamp:
            self._index = load_district_index(session)
            self._stamp = stamp
        self._checked_at = now
        return self._index
