"""Which districts contain a point: a grid over the district polygons, rebuilt when they change."""

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
    """The district polygons under a grid: most points are placed without any geometry test.

    Each cell of the grid knows the districts that cover it whole and those whose
    border crosses it. A point in a cell no border crosses (most points) is answered
    from the cell alone; elsewhere only the districts crossing its cell are tested
    against the point, prepared, in one call. ``districts`` is kept most specific
    first, so an answer in that order needs no sorting.
    """

    def __init__(self, rows: Iterable[DistrictRow]) -> None:
        rows = sorted(rows, key=lambda row: (_SPECIFICITY[row.level], row.code))
        self.districts = [
            DistrictRef(row.code, row.name, row.level, row.parent_code) for row in rows
        ]
        self._geometries = np.array([_geometry(row.geometry) for row in rows], dtype=object)
        shapely.prepare(self._geometries)
        self._grid = _Grid(self._geometries) if rows else None

    def __len__(self) -> int:
        return len(self.districts)

    def locate(self, lat: float, lon: float) -> list[DistrictRef]:
        """Every district covering the point (its boundary included), most specific first."""
        cell = self._grid.cell(lon, lat) if self._grid else None
        if cell is None:
            return []
        covering, crossing, crossing_geometries = cell
        if not crossing:
            return [self.districts[position] for position in covering]
        inside = shapely.intersects_xy(crossing_geometries, lon, lat).tolist()
        found = sorted([*covering, *(p for p, hit in zip(crossing, inside, strict=True) if hit)])
        return [self.districts[position] for position in found]


# (positions of the districts covering a cell whole, of those crossing it, their polygons)
Cell = tuple[tuple[int, ...], tuple[int, ...], np.ndarray]
# Cells per district: at 300 nested districts, borders then cross about 30 % of the cells and
# the grid builds in ~0.2 s; the cap bounds memory and build time (~0.4 s) for large cities.
_CELLS_PER_DISTRICT = 128
_MAX_CELLS = 1 << 16


class _Grid:
    """Equal cells over the districts' bounds, each with the districts covering or crossing it.

    A cell no border of a district crosses lies wholly inside or wholly outside that
    district, so its centre tells which. The border test is conservative: every
    cell within ``margin`` of a border segment's bounding box counts as crossed, so
    rounding in the point-to-cell arithmetic can never place a point in a cell
    wrongly taken as clean.
    """

    def __init__(self, geometries: np.ndarray) -> None:
        # Python floats: a lookup's arithmetic on NumPy scalars would cost several times more.
        self.west, self.south, self.east, self.north = shapely.total_bounds(geometries).tolist()
        width, height = max(self.east - self.west, 1e-12), max(self.north - self.south, 1e-12)
        cells = min(_CELLS_PER_DISTRICT * len(geometries), _MAX_CELLS)
        side = (width * height / cells) ** 0.5
        self.columns = max(1, min(round(width / side), cells))
        self.rows = max(1, min(round(height / side), cells // self.columns))
        self.cell_width, self.cell_height = width / self.columns, height / self.rows
        self.margin = 1e-6 * min(self.cell_width, self.cell_height)
        crossing = self._crossing_pairs(geometries)
        centres = self._centre_pairs(geometries)
        covering = centres[~_sorted_contains(crossing, centres)]
        self.cells = self._cells(geometries, covering, crossing)

    def cell(self, lon: float, lat: float) -> Cell | None:
        """The point's cell; None outside the grid, where no district is."""
        if not (self.west <= lon <= self.east and self.south <= lat <= self.north):
            return None
        column = min(int((lon - self.west) / self.cell_width), self.columns - 1)
        row = min(int((lat - self.south) / self.cell_height), self.rows - 1)
        return self.cells[row * self.columns + column]

    def _span(self, low: np.ndarray, high: np.ndarray, axis: int) -> tuple[np.ndarray, ...]:
        """First and last column (axis 0) or row (axis 1) of the cells [low, high] touches."""
        origin, size, count = (
            (self.west, self.cell_width, self.columns)
            if axis == 0
            else (self.south, self.cell_height, self.rows)
        )
        first = np.floor((low - origin) / size).astype(np.int64).clip(0, count - 1)
        last = np.floor((high - origin) / size).astype(np.int64).clip(0, count - 1)
        return first, last

    def _crossing_pairs(self, geometries: np.ndarray) -> np.ndarray:
        """Keys (cell * districts + district) of the cells each district's border crosses."""
        lines, owners = shapely.get_parts(shapely.boundary(geometries), return_index=True)
        # Segments no longer than a cell touch at most 3 x 3 cells with the margin.
        lines = shapely.segmentize(lines, min(self.cell_width, self.cell_height))
        points, line_of = shapely.get_coordinates(lines, return_index=True)
        same_line = line_of[1:] == line_of[:-1]
        start, end = points[:-1][same_line], points[1:][same_line]
        segment_owner = owners[line_of[:-1][same_line]]
        low, high = np.minimum(start, end) - self.margin, np.maximum(start, end) + self.margin
        first_column, last_column = self._span(low[:, 0], high[:, 0], 0)
        first_row, last_row = self._span(low[:, 1], high[:, 1], 1)
        keys = []
        reach = int(
            max((last_column - first_column).max(initial=0), (last_row - first_row).max(initial=0))
        )
        for column_step in range(reach + 1):
            for row_step in range(reach + 1):
                column, row = first_column + column_step, first_row + row_step
                touched = (column <= last_column) & (row <= last_row)
                cell = row[touched] * self.columns + column[touched]
                keys.append(cell * len(geometries) + segment_owner[touched])
        return _sorted_unique(np.concatenate(keys))

    def _centre_pairs(self, geometries: np.ndarray) -> np.ndarray:
        """Keys of the cells whose centre each district covers, among those of its bounds."""
        bounds = shapely.bounds(geometries)
        first_column, last_column = self._span(bounds[:, 0], bounds[:, 2], 0)
        first_row, last_row = self._span(bounds[:, 1], bounds[:, 3], 1)
        widths = last_column - first_column + 1
        sizes = widths * (last_row - first_row + 1)
        owner = np.repeat(np.arange(len(geometries)), sizes)
        step = np.arange(sizes.sum()) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        column = first_column[owner] + step % widths[owner]
        row = first_row[owner] + step // widths[owner]
        x = self.west + (column + 0.5) * self.cell_width
        y = self.south + (row + 0.5) * self.cell_height
        inside = shapely.intersects_xy(geometries[owner], x, y)
        return (row * self.columns + column)[inside] * len(geometries) + owner[inside]

    def _cells(
        self, geometries: np.ndarray, covering: np.ndarray, crossing: np.ndarray
    ) -> list[Cell]:
        """Every cell's districts; cells alike share one tuple."""
        count = len(geometries)
        keys = np.concatenate((covering, crossing))
        crossed = np.repeat((False, True), (len(covering), len(crossing)))
        # Grouped by cell; in each group, the districts covering it whole, then those crossing it.
        order = np.lexsort((keys % count, crossed, keys // count))
        cell_of, crossed = keys[order] // count, crossed[order]
        positions = (keys[order] % count).tolist()
        starts = np.flatnonzero(np.diff(cell_of, prepend=-1))
        whole_counts = np.add.reduceat(~crossed, starts, dtype=np.int64) if len(starts) else 0
        middles = starts + whole_counts
        ends = np.append(starts[1:], len(cell_of))
        empty: Cell = ((), (), geometries[:0])
        cells = [empty] * (self.columns * self.rows)
        shared: dict[tuple[tuple[int, ...], tuple[int, ...]], Cell] = {}
        groups = (cell_of[starts], starts, middles, ends)
        for cell, start, middle, end in zip(*(group.tolist() for group in groups), strict=True):
            key = (tuple(positions[start:middle]), tuple(positions[middle:end]))
            if key not in shared:
                shared[key] = (*key, geometries[list(key[1])])
            cells[cell] = shared[key]
        return cells


# np.unique and np.isin (hash-based in NumPy 2) took ten times longer than sorting these keys.
def _sorted_unique(keys: np.ndarray) -> np.ndarray:
    if not len(keys):
        return keys
    keys = np.sort(keys)
    return keys[np.concatenate(([True], keys[1:] != keys[:-1]))]


def _sorted_contains(ordered: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Which of ``keys`` are in ``ordered`` (sorted)."""
    if not len(ordered):
        return np.zeros(len(keys), dtype=bool)
    return ordered[np.searchsorted(ordered, keys).clip(0, len(ordered) - 1)] == keys


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
