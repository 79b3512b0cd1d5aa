"""Where each field officer was last seen and who is nearest a point: in memory or in Redis."""

from __future__ import annotations

import heapq
import json
import math
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol, cast

from core.geo import EARTH_RADIUS_M, haversine_m

if TYPE_CHECKING:
    import redis

# About 555 m of latitude (and of longitude at the equator, less towards the poles).
CELL_DEGREES = 0.005
# Below this many candidate officers, measuring each of them beats walking the grid.
BRUTE_FORCE_LIMIT = 512

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True)
class Position:
    officer_id: int
    agency: str
    lat: float
    lon: float
    at: datetime  # aware UTC, when the device measured it
    accuracy_m: float | None = None
    speed_mps: float | None = None
    bearing_deg: float | None = None
    battery_pct: float | None = None


@dataclass(frozen=True)
class Nearby:
    position: Position
    distance_m: float


class PositionStore(Protocol):
    def update(self, position: Position) -> None:
        """Store ``position``; a position measured before the stored one is ignored."""

    def get(self, officer_id: int) -> Position | None:
        """The officer's last known position, however old."""

    def remove(self, officer_id: int) -> None:
        """Forget the officer (signed off)."""

    def nearest(
        self,
        agency: str,
        point: tuple[float, float],
        k: int,
        now: datetime,
        max_age: timedelta,
        among: Collection[int] | None = None,
    ) -> list[Nearby]:
        """The ``k`` officers of ``agency`` nearest ``point`` (lat, lon), nearest first, whose
        position is at most ``max_age`` old at ``now``; only those in ``among`` when given."""

    def fresh(self, agency: str, now: datetime, max_age: timedelta) -> list[Position]:
        """Every position of ``agency`` at most ``max_age`` old at ``now``."""


def build_position_store(settings: Mapping[str, Any]) -> PositionStore:
    """The store ``settings`` (``app.config["SMARTCITY"]``) asks for: ``dispatch.position_store``
    is ``"memory"`` (default) or ``"redis"`` (at ``dispatch.redis_url``, else ``message_queue``)."""
    dispatch = settings.get("dispatch", {})
    kind = dispatch.get("position_store", "memory")
    if kind == "memory":
        return MemoryPositionStore()
    if kind == "redis":
        import redis  # here, not at the top: entry points patch gevent before sockets load

        url = dispatch.get("redis_url") or settings.get("message_queue")
        if not url:
            raise ValueError("dispatch.position_store = 'redis' needs dispatch.redis_url")
        return RedisPositionStore(redis.Redis.from_url(url))
    raise ValueError(f"unknown dispatch.position_store {kind!r}: use 'memory' or 'redis'")


def _require_aware(at: datetime) -> None:
    if at.utcoffset() is None:
        raise ValueError("Position.at must be timezone-aware")


class _Closest:
    """The k nearest (distance, officer id) pairs offered so far."""

    def __init__(self, k: int) -> None:
        self.k = k
        self._heap: list[tuple[float, int]] = []  # (-distance, -id): the root is the worst kept

    def offer(self, distance_m: float, officer_id: int) -> None:
        entry = (-distance_m, -officer_id)
        if len(self._heap) < self.k:
            heapq.heappush(self._heap, entry)
        elif entry > self._heap[0]:
            heapq.heapreplace(self._heap, entry)

    @property
    def full(self) -> bool:
        return len(self._heap) >= self.k

    @property
    def worst_m(self) -> float:
        """The distance an officer must beat to be kept (infinite until k are kept)."""
        return -self._heap[0][0] if self.full else math.inf

    def ordered(self) -> list[tuple[float, int]]:
        return sorted((-distance, -officer_id) for distance, officer_id in self._heap)


def _closest_of(
    point: tuple[float, float], k: int, positions: Iterable[Position]
) -> list[tuple[float, Position]]:
    by_id = {position.officer_id: position for position in positions}
    closest = _Closest(k)
    for position in by_id.values():
        closest.offer(haversine_m(point, (position.lat, position.lon)), position.officer_id)
    return [(distance, by_id[officer_id]) for distance, officer_id in closest.ordered()]


# --- in memory -------------------------------------------------------------------------------

Cell = tuple[int, int]


def _cell_of(lat: float, lon: float) -> Cell:
    return math.floor(lat / CELL_DEGREES), math.floor(lon / CELL_DEGREES)


def _ring(centre: Cell, radius: int) -> Iterator[Cell]:
    """The cells exactly ``radius`` cells away (Chebyshev) from ``centre``."""
    row, column = centre
    if radius == 0:
        yield centre
        return
    for step in range(-radius, radius + 1):
        yield row - radius, column + step
        yield row + radius, column + step
    for step in range(-radius + 1, radius):
        yield row + step, column - radius
        yield row + step, column + radius


def _lowest_cosine(south: float, north: float) -> float:
    """The smallest cos(latitude) over [south, north] degrees (cos is concave there)."""
    south, north = max(south, -90.0), min(north, 90.0)
    return max(0.0, min(math.cos(math.radians(south)), math.cos(math.radians(north))))


def _bound_m(lat: float, lat_gap: float, lon_gap: float, lowest_cosine: float) -> float:
    """A distance no smaller than the haversine from latitude ``lat`` to any point at least
    ``lat_gap`` degrees of latitude and ``lon_gap`` of longitude away whose latitude has a cosine
    of at least ``lowest_cosine``: each term of the haversine formula bounded from below."""
    half_lat = math.radians(min(lat_gap, 180.0)) / 2
    half_lon = math.radians(min(lon_gap, 180.0)) / 2
    h = math.sin(half_lat) ** 2 + math.cos(math.radians(lat)) * lowest_cosine * (
        math.sin(half_lon) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def _beyond_rings_m(point: tuple[float, float], centre: Cell, radius: int) -> float:
    """The least distance from ``point`` to anything outside the rings 0..radius around it."""
    lat, lon = point
    south = (centre[0] - radius) * CELL_DEGREES
    north = (centre[0] + radius + 1) * CELL_DEGREES
    west = (centre[1] - radius) * CELL_DEGREES
    east = (centre[1] + radius + 1) * CELL_DEGREES
    north_or_south = EARTH_RADIUS_M * math.radians(min(lat - south, north - lat))
    east_or_west = _bound_m(lat, 0.0, min(lon - west, east - lon), _lowest_cosine(south, north))
    return min(north_or_south, east_or_west)


def _cell_bound_m(point: tuple[float, float], cell: Cell) -> float:
    """The least distance from ``point`` to anything in ``cell``."""
    lat, lon = point
    south, west = cell[0] * CELL_DEGREES, cell[1] * CELL_DEGREES
    north, east = south + CELL_DEGREES, west + CELL_DEGREES
    lat_gap = max(0.0, south - lat, lat - north)
    lon_gap = max(0.0, west - lon, lon - east)
    return _bound_m(lat, lat_gap, lon_gap, _lowest_cosine(south, north))


class MemoryPositionStore:
    """Positions in this process, indexed per agency in a grid of ~500 m cells.

    A ping costs a few dict operations and no I/O, so greenlets never interleave inside one;
    every worker process has its own store (use Redis to share one).
    """

    def __init__(self) -> None:
        self._positions: dict[int, Position] = {}
        self._cells: dict[int, Cell] = {}
        self._grids: dict[str, dict[Cell, set[int]]] = {}
        self._members: dict[str, set[int]] = {}

    def update(self, position: Position) -> None:
        _require_aware(position.at)
        officer_id = position.officer_id
        stored = self._positions.get(officer_id)
        if stored is not None and position.at < stored.at:
            return
        cell = _cell_of(position.lat, position.lon)
        if stored is None or stored.agency != position.agency or self._cells[officer_id] != cell:
            if stored is not None:
                self._unindex(stored)
            self._index(position.agency, officer_id, cell)
        self._positions[officer_id] = position

    def get(self, officer_id: int) -> Position | None:
        return self._positions.get(officer_id)

    def remove(self, officer_id: int) -> None:
        stored = self._positions.pop(officer_id, None)
        if stored is not None:
            self._unindex(stored)

    def fresh(self, agency: str, now: datetime, max_age: timedelta) -> list[Position]:
        oldest = now - max_age
        positions = (self._positions[officer_id] for officer_id in self._members.get(agency, ()))
        return [position for position in positions if position.at >= oldest]

    def nearest(
        self,
        agency: str,
        point: tuple[float, float],
        k: int,
        now: datetime,
        max_age: timedelta,
        among: Collection[int] | None = None,
    ) -> list[Nearby]:
        members = self._members.get(agency)
        if k <= 0 or not members:
            return []
        oldest = now - max_age
        if among is not None and len(among) <= BRUTE_FORCE_LIMIT:
            candidates = (self._positions.get(officer_id) for officer_id in among)
            eligible = [
                position
                for position in candidates
                if position is not None and position.agency == agency and position.at >= oldest
            ]
            return [
                Nearby(position, distance) for distance, position in _closest_of(point, k, eligible)
            ]
        closest = _Closest(k)
        self._search_grid(agency, point, closest, oldest, among)
        return [
            Nearby(self._positions[officer_id], distance)
            for distance, officer_id in closest.ordered()
        ]

    def _index(self, agency: str, officer_id: int, cell: Cell) -> None:
        self._grids.setdefault(agency, {}).setdefault(cell, set()).add(officer_id)
        self._members.setdefault(agency, set()).add(officer_id)
        self._cells[officer_id] = cell

    def _unindex(self, stored: Position) -> None:
        officer_id = stored.officer_id
        grid = self._grids[stored.agency]
        cell = self._cells.pop(officer_id)
        grid[cell].discard(officer_id)
        if not grid[cell]:
            del grid[cell]
        self._members[stored.agency].discard(officer_id)

    def _offer_cell(
        self,
        officers: set[int],
        point: tuple[float, float],
        closest: _Closest,
        oldest: datetime,
        among: Collection[int] | None,
    ) -> None:
        for officer_id in officers:
            if among is not None and officer_id not in among:
                continue
            position = self._positions[officer_id]
            if position.at >= oldest:
                closest.offer(haversine_m(point, (position.lat, position.lon)), officer_id)

    def _search_grid(
        self,
        agency: str,
        point: tuple[float, float],
        closest: _Closest,
        oldest: datetime,
        among: Collection[int] | None,
    ) -> None:
        """Search rings of cells outward until nothing beyond can be nearer than the k found;
        once the rings would probe more cells than are occupied, finish over the occupied ones."""
        grid = self._grids[agency]
        population = len(self._members[agency])
        centre = _cell_of(*point)
        seen = probed = radius = 0
        while True:
            for cell in _ring(centre, radius):
                officers = grid.get(cell)
                if officers:
                    seen += len(officers)
                    if not closest.full or _cell_bound_m(point, cell) < closest.worst_m:
                        self._offer_cell(officers, point, closest, oldest, among)
            probed += max(1, 8 * radius)
            if seen >= population or closest.worst_m < _beyond_rings_m(point, centre, radius):
                return
            if probed >= len(grid):
                break
            radius += 1
        beyond = [
            (_cell_bound_m(point, cell), cell)
            for cell in grid
            if max(abs(cell[0] - centre[0]), abs(cell[1] - centre[1])) > radius
        ]
        for bound, cell in sorted(beyond):
            if bound > closest.worst_m:
                return
            self._offer_cell(grid[cell], point, closest, oldest, among)


# --- Redis -----------------------------------------------------------------------------------

# Redis measures with its own Earth radius, from positions quantised by its 52-bit geohash: an
# officer at exact distance d is within d * ratio + slack by Redis's measure.
REDIS_RADIUS_RATIO = 6_372_797.560856 / EARTH_RADIUS_M
REDIS_SLACK_M = 2.0
FIRST_RADIUS_M = 2_000.0
DETAIL_FIELDS = ("accuracy_m", "speed_mps", "bearing_deg", "battery_pct")

# Details are one JSON string per officer, so many are read with one MGET.
# KEYS: officer key. ARGV: geo key prefix, officer id, agency, lon, lat, at (µs), expiry (s),
# details JSON. Atomic, so a late older ping can never overwrite a newer one.
UPDATE_SCRIPT = """
local stored = redis.call('GET', KEYS[1])
if stored then
  local old = cjson.decode(stored)
  if old.at_us > tonumber(ARGV[6]) then return 0 end
  if old.agency ~= ARGV[3] then redis.call('ZREM', ARGV[1] .. old.agency, ARGV[2]) end
end
redis.call('SET', KEYS[1], ARGV[8], 'EX', ARGV[7])
redis.call('GEOADD', ARGV[1] .. ARGV[3], ARGV[4], ARGV[5], ARGV[2])
redis.call('EXPIRE', ARGV[1] .. ARGV[3], ARGV[7])
return 1
"""

# KEYS: officer key. ARGV: geo key prefix, officer id.
REMOVE_SCRIPT = """
local stored = redis.call('GET', KEYS[1])
if stored then redis.call('ZREM', ARGV[1] .. cjson.decode(stored).agency, ARGV[2]) end
redis.call('DEL', KEYS[1])
return 1
"""

# KEYS: GEO key. ARGV: officer key prefix, agency, officer ids met without details there. Checks
# again inside Redis, so an officer who has just pinged back into this agency is kept.
PRUNE_SCRIPT = """
for i = 3, #ARGV do
  local stored = redis.call('GET', ARGV[1] .. ARGV[i])
  if not stored or cjson.decode(stored).agency ~= ARGV[2] then
    redis.call('ZREM', KEYS[1], ARGV[i])
  end
end
return 1
"""
DETAILS_BATCH = 1_000


def _certainly_within(exact_m: float, covered_m: float) -> bool:
    """Whether Redis has returned every officer at most ``exact_m`` away, having returned
    every one nearer than ``covered_m`` by its own measure."""
    return exact_m * REDIS_RADIUS_RATIO + REDIS_SLACK_M < covered_m


def _to_json(position: Position) -> str:
    details = {name: getattr(position, name) for name in DETAIL_FIELDS}
    return json.dumps(
        {
            "agency": position.agency,
            "lat": position.lat,
            "lon": position.lon,
            "at_us": (position.at - EPOCH) // MICROSECOND,
            **{name: value for name, value in details.items() if value is not None},
        }
    )


def _from_json(officer_id: int, raw: bytes | str | None) -> Position | None:
    if raw is None:
        return None
    fields = json.loads(raw)
    return Position(
        officer_id=officer_id,
        agency=fields["agency"],
        lat=fields["lat"],
        lon=fields["lon"],
        at=EPOCH + fields["at_us"] * MICROSECOND,
        **{name: fields[name] for name in DETAIL_FIELDS if name in fields},
    )


class RedisPositionStore:
    """Positions shared by every worker: a GEO set per agency, details per officer with expiry.

    An officer whose details expired is dropped from his agency's GEO set when next met.
    """

    def __init__(
        self, client: redis.Redis, prefix: str = "smartcity:dispatch", expire_seconds: int = 3600
    ) -> None:
        self.client = client
        self.prefix = prefix
        self.expire_seconds = expire_seconds
        self._update = client.register_script(UPDATE_SCRIPT)
        self._remove = client.register_script(REMOVE_SCRIPT)
        self._prune = client.register_script(PRUNE_SCRIPT)

    def _geo_key(self, agency: str) -> str:
        return f"{self.prefix}:geo:{agency}"

    def _officer_key(self, officer_id: int) -> str:
        return f"{self.prefix}:officer:{officer_id}"

    def update(self, position: Position) -> None:
        _require_aware(position.at)
        self._update(
            keys=[self._officer_key(position.officer_id)],
            args=[
                self._geo_key(""),
                position.officer_id,
                position.agency,
                repr(position.lon),
                repr(position.lat),
                (position.at - EPOCH) // MICROSECOND,
                self.expire_seconds,
                _to_json(position),
            ],
        )

    def get(self, officer_id: int) -> Position | None:
        return _from_json(officer_id, self.client.get(self._officer_key(officer_id)))

    def remove(self, officer_id: int) -> None:
        self._remove(keys=[self._officer_key(officer_id)], args=[self._geo_key(""), officer_id])

    def fresh(self, agency: str, now: datetime, max_age: timedelta) -> list[Position]:
        oldest = now - max_age
        members = cast(list[bytes], self.client.zrange(self._geo_key(agency), 0, -1))
        officer_ids = [int(member) for member in members]
        positions = self._details(agency, officer_ids)
        return [p for p in positions.values() if p is not None and p.at >= oldest]

    def nearest(
        self,
        agency: str,
        point: tuple[float, float],
        k: int,
        now: datetime,
        max_age: timedelta,
        among: Collection[int] | None = None,
    ) -> list[Nearby]:
        """Search ever wider circles (or take ever more of one) until the k-th eligible officer
        is certainly nearer than anyone Redis has not returned, then order by exact haversine."""
        if k <= 0:
            return []
        oldest = now - max_age
        if among is not None and len(among) <= BRUTE_FORCE_LIMIT:
            positions = self._details(agency, list(set(among)))
            eligible = [p for p in positions.values() if p is not None and p.at >= oldest]
            return [Nearby(p, distance) for distance, p in _closest_of(point, k, eligible)]
        lat, lon = point
        key = self._geo_key(agency)
        known: dict[int, Position | None] = {}
        radius_m, count = FIRST_RADIUS_M, max(4 * k, 32)
        while True:
            pipeline = self.client.pipeline(transaction=False)
            pipeline.geosearch(
                key,
                longitude=lon,
                latitude=lat,
                radius=radius_m,
                unit="m",
                sort="ASC",
                count=count,
                withdist=True,
            )
            pipeline.zcard(key)
            rows, population = pipeline.execute()
            officer_ids = [int(member) for member, _ in rows]
            wanted = [i for i in officer_ids if among is None or i in among]
            known.update(self._details(agency, [i for i in wanted if i not in known]))
            eligible = [p for i in wanted if (p := known[i]) is not None and p.at >= oldest]
            closest = _closest_of(point, k, eligible)
            truncated = len(rows) == count
            covered_m = rows[-1][1] if truncated else radius_m
            if len(closest) == k and _certainly_within(closest[-1][0], covered_m):
                break
            if not truncated and len(rows) >= population:
                break
            if truncated:
                count *= 4
            else:
                radius_m *= 4
        return [Nearby(position, distance) for distance, position in closest]

    def _details(self, agency: str, officer_ids: list[int]) -> dict[int, Position | None]:
        """Each officer's position, or None if expired or moved to another agency (and then
        dropped from this agency's GEO set)."""
        found: dict[int, Position | None] = {}
        for start in range(0, len(officer_ids), DETAILS_BATCH):
            batch = officer_ids[start : start + DETAILS_BATCH]
            stored = self.client.mget([self._officer_key(officer_id) for officer_id in batch])
            for officer_id, raw in zip(batch, stored, strict=True):
                position = _from_json(officer_id, raw)
                found[officer_id] = position if position and position.agency == agency else None
        gone = [officer_id for officer_id, position in found.items() if position is None]
        if gone:
            self._prune(
                keys=[self._geo_key(agency)], args=[f"{self.prefix}:officer:", agency, *gone]
            )
        return found
