"""Nearest officers per second against a NumPy scan, and position updates per second on one worker.

Two parts, in this process, from a seeded random generator:

1. Nearest officers. 10,000 and then 100,000 officers of one agency, spread
   uniformly over Jakarta's extent, every position fresh, are put in a
   ``MemoryPositionStore``; for the same random points in the city, the store's
   ``nearest`` (k=5, with the available officers' names as ``among``, as the
   ``/officers/nearest`` view calls it) takes turns with a NumPy brute-force
   scan (haversine over arrays of every position, ``argpartition`` for the k).
   Both must name the same officers in the same order on a sample of the
   points. Target: the store at least 10x NumPy's queries per second at
   100,000. When Redis answers at 127.0.0.1:6379, ``RedisPositionStore`` gets
   the same officers (db 15, a prefix of its own, deleted at the end).
2. Position updates. (a) ``MemoryPositionStore.update`` alone, officers moving
   a few metres a ping; (b) ``PUT /api/v1/dispatch/officers/me/position``
   through the Flask test client of the app as ``create_app`` builds it (every
   in-tree plugin, SQLite migrated as ``smartcity db upgrade`` does, officers
   with bearer tokens), taking turns with a bare Flask app whose one PUT view
   parses the JSON and answers with ``jsonify``. Target: 2,000 updates a second.

    .venv/bin/python bench/dispatch.py [--officers-small 10000] [--officers-large 100000]
        [--queries 2000] [--seconds 10] [--seed 2026] [--profile]
"""

from __future__ import annotations

# Patch first, as every entry point does: the app is then the one a server runs.
from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import cProfile  # noqa: E402
import gc  # noqa: E402
import math  # noqa: E402
import os  # noqa: E402
import pstats  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from datetime import UTC, datetime, timedelta  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402
import redis  # noqa: E402
from flask import Flask, Response, jsonify, request  # noqa: E402
from isolated import run_isolated  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from core import auth, db  # noqa: E402
from core.app import create_app  # noqa: E402
from core.catalog import catalog, sync_catalog  # noqa: E402
from core.geo import EARTH_RADIUS_M  # noqa: E402
from core.models import User  # noqa: E402
from core.plugins import entry_points  # noqa: E402
from plugins.dispatch.positions import (  # noqa: E402
    CELL_DEGREES,
    MemoryPositionStore,
    Position,
    PositionStore,
    RedisPositionStore,
)
from plugins.dispatch.state import dispatch_state  # noqa: E402

# Jakarta's extent: (south, north), (west, east).
CITY_LAT = (-6.37, -6.08)
CITY_LON = (106.68, 106.97)
AGENCY = "dlh"
K = 5
MAX_AGE = timedelta(minutes=5)
NOW = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
OLDEST_US = -(MAX_AGE // timedelta(microseconds=1))  # relative to NOW
NEAREST_TARGET = 10.0  # store / NumPy queries per second, at the larger city
UPDATES_TARGET = 2_000  # PUTs per second through the app
ROUNDS = 10  # alternating slices each comparison is cut into
CHECKED_QUERIES = 500  # points where the store and NumPy must name the same officers
REDIS_URL = "redis://127.0.0.1:6379/15"
REDIS_QUERY_SHARE = 4  # Redis answers a quarter of the queries: each is a few round trips
REDIS_TIMED_UPDATES = 2_000  # stored one round trip each and timed; the rest pipelined
REDIS_BATCH = 1_000
RAW_UPDATES = 200_000
STEP_M = 25.0  # the most an officer moves between two pings
# Enough officers that each pings every few seconds, as phones do, so what a ping does only now
# and then (the stream to the consoles, a track sample) is as frequent as in a real city.
APP_OFFICERS = 5_000
POSITION_PATH = "/api/v1/dispatch/officers/me/position"
WARMUP_SECONDS = 1.0
PROFILE_REQUESTS = 3_000
METRES_PER_DEGREE = 111_195.0
TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


# --- timing -----------------------------------------------------------------------------------


def machine_cpu_seconds() -> float:
    """Busy CPU time of the whole machine so far, all cores (from /proc/stat)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[:8])
    return (user + nice + system + irq + softirq + steal) / TICKS_PER_SECOND


@dataclass
class Loop:
    """One side of a comparison, and what it has done in the slices it was timed on."""

    name: str
    run: Callable[[Any], int]
    seconds: float = 0.0
    own_cpu: float = 0.0
    machine_cpu: float = 0.0
    done: int = 0

    def timed(self, work: Any) -> float:
        """Run on a slice of work; return the slice's rate per second."""
        machine_before, own_before = machine_cpu_seconds(), time.process_time()
        started = time.perf_counter()
        done = self.run(work)
        elapsed = time.perf_counter() - started
        self.seconds += elapsed
        self.own_cpu += time.process_time() - own_before
        self.machine_cpu += machine_cpu_seconds() - machine_before
        self.done += done
        return done / elapsed

    @property
    def rate(self) -> float:
        return self.done / self.seconds

    @property
    def others_cpu(self) -> float:
        """CPU used by other processes meanwhile, as a share of one core."""
        return max(self.machine_cpu - self.own_cpu, 0.0) / self.seconds


def alternate(first: Loop, second: Loop, slices: Sequence[Any]) -> list[float]:
    """Time the two on the same slices, taking turns (first, second, second, first, ...);
    return each slice's ratio second / first."""
    ratios = []
    for number, work in enumerate(slices):
        order = (first, second) if number % 2 == 0 else (second, first)
        rates = {loop.name: loop.timed(work) for loop in order}
        ratios.append(rates[second.name] / rates[first.name])
    return ratios


def print_loops(*loops: Loop, unit: str = "per second") -> None:
    print(f"                         {unit:>12}   µs each   others' CPU")
    for loop in loops:
        print(
            f"    {loop.name:<21} {loop.rate:12,.0f} {1e6 / loop.rate:9.1f} {loop.others_cpu:12.0%}"
        )


def print_ratio(label: str, ratio: float, ratios: list[float], target: float) -> None:
    verdict = "PASS" if ratio >= target else "FAIL"
    print(
        f"    ratio {label}: {ratio:.2f}  (slices: median {statistics.median(ratios):.2f}, "
        f"{min(ratios):.2f}-{max(ratios):.2f}; target >= {target:g}: {verdict})"
    )


def print_rate(label: str, ratio: float, ratios: list[float]) -> None:
    print(
        f"    ratio {label}: {ratio:.2f}  (slices: median {statistics.median(ratios):.2f}, "
        f"{min(ratios):.2f}-{max(ratios):.2f})"
    )


# --- part 1: nearest officers -----------------------------------------------------------------


@dataclass(frozen=True)
class Fleet:
    """One agency's officers, as Positions for the stores and as arrays for NumPy."""

    positions: list[Position]
    names: dict[int, str]  # every officer available, as the view's ``among``
    ids: np.ndarray
    lat_rad: np.ndarray
    lon_rad: np.ndarray
    cos_lat: np.ndarray
    at_us: np.ndarray  # microseconds since NOW, negative: in the past
    available: np.ndarray


def make_fleet(rng: np.random.Generator, count: int) -> Fleet:
    """``count`` officers uniformly over the city, each seen up to four minutes before NOW."""
    ids = np.arange(1, count + 1)
    lats = rng.uniform(*CITY_LAT, count)
    lons = rng.uniform(*CITY_LON, count)
    ages_us = rng.integers(0, 240_000_000, count)
    positions = [
        Position(
            officer_id=officer_id,
            agency=AGENCY,
            lat=lat,
            lon=lon,
            at=NOW - timedelta(microseconds=age_us),
            accuracy_m=8.0,
        )
        for officer_id, lat, lon, age_us in zip(
            ids.tolist(), lats.tolist(), lons.tolist(), ages_us.tolist(), strict=True
        )
    ]
    lat_rad = np.radians(lats)
    return Fleet(
        positions=positions,
        names={officer_id: f"Officer {officer_id}" for officer_id in ids.tolist()},
        ids=ids,
        lat_rad=lat_rad,
        lon_rad=np.radians(lons),
        cos_lat=np.cos(lat_rad),
        at_us=-ages_us,
        available=np.ones(count, dtype=bool),
    )


def query_points(rng: np.random.Generator, count: int) -> list[tuple[float, float]]:
    """Where complaints are: uniformly over the city."""
    lats = rng.uniform(*CITY_LAT, count).tolist()
    lons = rng.uniform(*CITY_LON, count).tolist()
    return list(zip(lats, lons, strict=True))


def numpy_nearest(fleet: Fleet, point: tuple[float, float]) -> list[tuple[int, float]]:
    """The floor: the haversine to every officer at once, the k least picked by argpartition,
    ordered by distance then id (as the stores order them); (officer id, metres) each."""
    lat, lon = math.radians(point[0]), math.radians(point[1])
    half_lat = np.sin((fleet.lat_rad - lat) / 2)
    half_lon = np.sin((fleet.lon_rad - lon) / 2)
    h = half_lat * half_lat + math.cos(lat) * fleet.cos_lat * half_lon * half_lon
    eligible = (fleet.at_us >= OLDEST_US) & fleet.available
    h[~eligible] = np.inf
    k = min(K, len(h) - 1)
    candidates = np.argpartition(h, k)[:k]
    candidates = candidates[np.isfinite(h[candidates])]
    order = np.lexsort((fleet.ids[candidates], h[candidates]))
    chosen = candidates[order]
    distances_m = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(h[chosen]))
    return list(zip(fleet.ids[chosen].tolist(), distances_m.tolist(), strict=True))


def store_nearest(
    store: PositionStore, fleet: Fleet, point: tuple[float, float]
) -> list[tuple[int, float]]:
    """The store's answer as the ``/officers/nearest`` view asks for it."""
    found = store.nearest(AGENCY, point, K, NOW, MAX_AGE, fleet.names)
    return [(nearby.position.officer_id, nearby.distance_m) for nearby in found]


def agreement(
    fleet: Fleet, store: PositionStore, points: Sequence[tuple[float, float]]
) -> tuple[int, str]:
    """On how many points the store and NumPy name the same officers in the same order, at the
    same distances to the centimetre; the first disagreement, if any."""
    agreeing, first = 0, ""
    for point in points:
        ours, floor = store_nearest(store, fleet, point), numpy_nearest(fleet, point)
        same_ids = [i for i, _ in ours] == [i for i, _ in floor]
        if same_ids and all(abs(a - b) < 0.01 for (_, a), (_, b) in zip(ours, floor, strict=True)):
            agreeing += 1
        elif not first:
            first = f"; first disagreement at {point}: store {ours}, NumPy {floor}"
    return agreeing, first


def query_loop(answer: Callable[[tuple[float, float]], object]) -> Callable[[Any], int]:
    def run(points: Sequence[tuple[float, float]]) -> int:
        for point in points:
            answer(point)
        return len(points)

    return run


def slices_of(items: Sequence[Any], rounds: int) -> list[Sequence[Any]]:
    size = max(1, len(items) // rounds)
    return [items[i * size : (i + 1) * size] for i in range(rounds)]


def compare_nearest(
    fleet: Fleet,
    points: list[tuple[float, float]],
    redis_client: redis.Redis | None,
    target: float | None,
) -> None:
    """The memory store against NumPy, taking turns on the same points; then Redis, if up."""
    count = len(fleet.positions)
    started = time.perf_counter()
    store = MemoryPositionStore()
    for position in fleet.positions:
        store.update(position)
    stored_seconds = time.perf_counter() - started
    cells = {cell_of(position) for position in fleet.positions}
    print(
        f"\n{count:,} officers: stored in {stored_seconds:.2f} s, "
        f"{len(cells):,} occupied cells of {CELL_DEGREES}° (~{count / len(cells):.0f} officers "
        f"a cell)"
    )
    checked = points[:CHECKED_QUERIES]
    agreeing, first = agreement(fleet, store, checked)
    print(f"  agree: {agreeing}/{len(checked)} (memory store and NumPy, same ids in order){first}")

    memory = Loop("memory store", query_loop(lambda p: store_nearest(store, fleet, p)))
    numpy = Loop("NumPy scan", query_loop(lambda p: numpy_nearest(fleet, p)))
    for loop in (memory, numpy):
        loop.run(points[: max(1, len(points) // 20)])
    gc.collect()
    ratios = alternate(numpy, memory, slices_of(points, ROUNDS))
    print(f"  {len(points):,} queries, k={K}, in {ROUNDS} alternating slices")
    print_loops(memory, numpy, unit="queries/s")
    ratio = memory.rate / numpy.rate
    if target is None:
        print_rate("store/NumPy", ratio, ratios)
    else:
        print_ratio("store/NumPy", ratio, ratios, target)
    if redis_client is not None:
        compare_redis(fleet, points, redis_client, numpy.rate)


def compare_redis(
    fleet: Fleet, points: list[tuple[float, float]], client: redis.Redis, numpy_rate: float
) -> None:
    """The same officers in Redis (a prefix of this run's own, deleted afterwards)."""
    prefix = f"smartcity:bench:{uuid.uuid4().hex}"
    store = RedisPositionStore(client, prefix=prefix)
    try:
        stored_rate = fill_redis(client, prefix, fleet.positions)
        checked = points[: CHECKED_QUERIES // REDIS_QUERY_SHARE]
        agreeing, first = agreement(fleet, store, checked)
        redis = Loop("Redis store", query_loop(lambda p: store_nearest(store, fleet, p)))
        redis.timed(points[: max(1, len(points) // REDIS_QUERY_SHARE)])
        print(
            f"  Redis ({REDIS_URL}): update {stored_rate:,.0f}/s (one Lua call a round trip); "
            f"agree: {agreeing}/{len(checked)}{first}"
        )
        print_loops(redis, unit="queries/s")
        print(f"    ratio Redis store/NumPy: {redis.rate / numpy_rate:.2f}  (not alternated)")
    finally:
        keys = list(client.scan_iter(match=f"{prefix}:*", count=1_000))
        for start in range(0, len(keys), 1_000):
            client.delete(*keys[start : start + 1_000])


def fill_redis(client: redis.Redis, prefix: str, positions: Sequence[Position]) -> float:
    """Store the positions with ``update``, as pings do; return the rate of the first
    REDIS_TIMED_UPDATES, each its own round trip. The rest go through a pipeline (the same Lua
    calls, a thousand a round trip), so 100,000 take seconds rather than half a minute."""
    one_by_one = RedisPositionStore(client, prefix=prefix)
    timed = positions[:REDIS_TIMED_UPDATES]
    started = time.perf_counter()
    for position in timed:
        one_by_one.update(position)
    rate = len(timed) / (time.perf_counter() - started)
    pipeline = client.pipeline(transaction=False)
    batched = RedisPositionStore(pipeline, prefix=prefix)
    for start in range(len(timed), len(positions), REDIS_BATCH):
        for position in positions[start : start + REDIS_BATCH]:
            batched.update(position)
        pipeline.execute()
    return rate


def redis_or_reason() -> tuple[redis.Redis | None, str]:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as error:
        client.close()
        return None, f"Redis skipped: nothing answers at {REDIS_URL} ({type(error).__name__})"
    return client, f"Redis at {REDIS_URL} answers: its store is measured too"


def nearest_part(args: argparse.Namespace, rng: np.random.Generator) -> None:
    redis_client, redis_note = redis_or_reason()
    print(
        f"NEAREST OFFICERS: k={K} of one agency, all fresh and available, uniform over Jakarta "
        f"({CITY_LAT[0]}..{CITY_LAT[1]}, {CITY_LON[0]}..{CITY_LON[1]}); {redis_note}"
    )
    try:
        for count, target in ((args.officers_small, None), (args.officers_large, NEAREST_TARGET)):
            fleet = make_fleet(rng, count)
            compare_nearest(fleet, query_points(rng, args.queries), redis_client, target)
            del fleet
            gc.collect()
    finally:
        if redis_client is not None:
            redis_client.close()


# --- part 2: position updates -----------------------------------------------------------------


def raw_updates(rng: np.random.Generator, officers: int) -> None:
    """``MemoryPositionStore.update`` alone: each officer stored once, then pings as they move."""
    fleet = make_fleet(rng, officers)
    store = MemoryPositionStore()
    for position in fleet.positions:
        store.update(position)
    moves = moved_positions(rng, fleet.positions, RAW_UPDATES)
    changed = cell_changes(fleet.positions, moves)
    update = Loop("store.update", lambda positions: update_all(store, positions))
    update.timed(moves)
    print(
        f"  (a) MemoryPositionStore.update, {officers:,} officers moving up to {STEP_M:g} m a "
        f"ping, {len(moves):,} pings ({changed / len(moves):.0%} into another cell):"
    )
    print_loops(update, unit="updates/s")


def update_all(store: PositionStore, positions: Sequence[Position]) -> int:
    for position in positions:
        store.update(position)
    return len(positions)


def cell_of(position: Position) -> tuple[int, int]:
    """The store's grid cell of a position."""
    return math.floor(position.lat / CELL_DEGREES), math.floor(position.lon / CELL_DEGREES)


def cell_changes(start: Sequence[Position], moves: Sequence[Position]) -> int:
    """How many of the moves take an officer into another grid cell (a costlier update)."""
    cells = {position.officer_id: cell_of(position) for position in start}
    changed = 0
    for position in moves:
        cell = cell_of(position)
        changed += cells[position.officer_id] != cell
        cells[position.officer_id] = cell
    return changed


def moved_positions(rng: np.random.Generator, start: list[Position], count: int) -> list[Position]:
    """``count`` pings, officer after officer, each up to STEP_M from the officer's last, one
    second later."""
    officers = len(start)
    steps = rng.uniform(-STEP_M, STEP_M, (count, 2)) / METRES_PER_DEGREE
    lats = [p.lat for p in start]
    lons = [p.lon for p in start]
    moves = []
    for number, (step_lat, step_lon) in enumerate(steps.tolist()):
        index = number % officers
        lats[index] += step_lat
        lons[index] += step_lon
        moves.append(
            Position(
                officer_id=start[index].officer_id,
                agency=AGENCY,
                lat=lats[index],
                lon=lons[index],
                at=NOW + timedelta(seconds=1 + number // officers),
                accuracy_m=8.0,
            )
        )
    return moves


@dataclass(frozen=True)
class Account:
    officer_id: int
    headers: dict[str, str]


@dataclass
class Reporter:
    """Officers' phones, taking turns: each PUT is the next officer's position, a few metres on
    from the last, stamped now."""

    accounts: list[Account]
    rng: np.random.Generator
    points: list[list[float]] = field(default_factory=list)
    turn: int = 0
    last: dict[int, tuple[float, float]] = field(default_factory=dict)  # officer id: sent

    def __post_init__(self) -> None:
        lats = self.rng.uniform(*CITY_LAT, len(self.accounts)).tolist()
        lons = self.rng.uniform(*CITY_LON, len(self.accounts)).tolist()
        self.points = [[lat, lon] for lat, lon in zip(lats, lons, strict=True)]

    def next_request(self) -> tuple[dict[str, Any], dict[str, str]]:
        index = self.turn % len(self.accounts)
        self.turn += 1
        account, point = self.accounts[index], self.points[index]
        point[0] += (self.rng.random() * 2 - 1) * STEP_M / METRES_PER_DEGREE
        point[1] += (self.rng.random() * 2 - 1) * STEP_M / METRES_PER_DEGREE
        self.last[account.officer_id] = (point[0], point[1])
        body = {
            "lat": point[0],
            "lon": point[1],
            "accuracy": 8.0,
            "speed": 4.2,
            "bearing": 90.0,
            "battery": 77.0,
            "timestamp": int(time.time() * 1000),
        }
        return body, account.headers


def put_loop(client: Any, reporter: Reporter, errors: list[int]) -> Callable[[Any], int]:
    """PUT positions for ``seconds``; count the answers, and in ``errors`` those not 200."""

    def run(seconds: float) -> int:
        deadline = time.perf_counter() + seconds
        sent = 0
        while time.perf_counter() < deadline:
            body, headers = reporter.next_request()
            response = client.put(POSITION_PATH, json=body, headers=headers)
            if response.status_code != 200:
                errors.append(response.status_code)
            sent += 1
        return sent

    return run


def socket_loop(app: Flask, reporter: Reporter, errors: list[int]) -> Callable[[Any], int]:
    """The phone page's way: each officer's Socket.IO connection (Flask-SocketIO's in-process
    test client, authenticated once at connect) emits ``dispatch.position`` and waits for the
    acknowledgement; count the acknowledgements, and in ``errors`` those not ok."""
    socketio = app.extensions["socketio"]
    connections = {
        account.officer_id: socketio.test_client(
            app, auth={"token": account.headers["Authorization"].removeprefix("Bearer ")}
        )
        for account in reporter.accounts
    }

    def run(seconds: float) -> int:
        deadline = time.perf_counter() + seconds
        sent = 0
        while time.perf_counter() < deadline:
            index = reporter.turn % len(reporter.accounts)
            body, _headers = reporter.next_request()
            connection = connections[reporter.accounts[index].officer_id]
            ack = connection.emit("dispatch.position", body, callback=True)
            if not (isinstance(ack, dict) and ack.get("ok")):
                errors.append(0)
            sent += 1
        return sent

    return run


def bare_app() -> Flask:
    """The floor of a ping: Flask, one PUT view that parses the JSON and answers with jsonify."""
    app = Flask("bare")

    @app.put(POSITION_PATH)
    def put_position() -> Response:
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return Response(status=400)
        return jsonify({"lat": body["lat"], "lon": body["lon"], "at": body["timestamp"]})

    return app


def in_tree_plugins() -> list[tuple[str, object]]:
    """Every plugin of setup.cfg, handed over explicitly, as the tests do."""
    return [
        (point.name, point.load()) for point in entry_points() if point.value.startswith("plugins.")
    ]


def smartcity_app(workdir: Path) -> Flask:
    """The app as a server runs it, on SQLite migrated and synced as `smartcity db upgrade`
    leaves it; settings are the defaults (the rate limiter on, positions in memory)."""
    settings = {
        "instance_path": str(workdir / "instance"),
        "database_url": f"sqlite:///{workdir / 'smartcity.sqlite3'}",
    }
    app = create_app(config=settings, plugins=in_tree_plugins())
    with app.app_context():
        db.database().upgrade()
        sync_catalog(db.session(), catalog())
        db.database().session.remove()
    return app


def officer_accounts(app: Flask, count: int) -> list[Account]:
    """``count`` officers of AGENCY, each with a bearer token from ``auth.issue_token``. The
    rows are those ``auth.create_user`` makes, but share one password hash: hashing (scrypt)
    for each would take minutes."""
    password_hash = generate_password_hash("password-123")
    with app.app_context():
        session = db.session()
        users = [
            User(
                email=f"officer{number}-{AGENCY}@bench.smartcity",
                password_hash=password_hash,
                role="officer",
                agency_code=AGENCY,
                display_name=f"officer{number}",
            )
            for number in range(1, count + 1)
        ]
        session.add_all(users)
        session.flush()
        accounts = [
            Account(user.id, {"Authorization": f"Bearer {auth.issue_token(user)}"})
            for user in users
        ]
        session.commit()
        db.database().session.remove()
    return accounts


def check_stored(app: Flask, reporter: Reporter) -> str:
    """Whether the store holds, for every officer, the last position the phone sent."""
    with app.app_context():
        positions = dispatch_state().positions
        stored = {officer_id: positions.get(officer_id) for officer_id in reporter.last}
    matching = sum(
        1
        for officer_id, sent in reporter.last.items()
        if (position := stored[officer_id]) is not None and (position.lat, position.lon) == sent
    )
    return f"{matching}/{len(reporter.last)} officers' last positions stored as sent"


def app_updates(args: argparse.Namespace, rng: np.random.Generator, workdir: Path) -> None:
    started = time.perf_counter()
    app = smartcity_app(workdir)
    accounts = officer_accounts(app, APP_OFFICERS)
    ours_reporter, bare_reporter = Reporter(accounts, rng), Reporter(accounts, rng)
    ours_errors: list[int] = []
    bare_errors: list[int] = []
    ours = Loop("smartcity PUT", put_loop(app.test_client(), ours_reporter, ours_errors))
    bare = Loop("bare Flask PUT", put_loop(bare_app().test_client(), bare_reporter, bare_errors))
    print(
        f"  (b) PUT {POSITION_PATH} through the Flask test client, {APP_OFFICERS} officers "
        f"taking turns (app set up in {time.perf_counter() - started:.1f} s):"
    )
    for loop in (bare, ours):
        loop.run(WARMUP_SECONDS)
    # As `smartcity run` does after start-up: long-lived objects out of the collector's way.
    gc.collect()
    gc.freeze()
    ratios = alternate(bare, ours, [args.seconds / ROUNDS] * ROUNDS)
    print(f"    {args.seconds:g} s each in {ROUNDS} alternating slices, after {WARMUP_SECONDS:g} s")
    print_loops(bare, ours, unit="updates/s")
    print_rate("smartcity/bare", ours.rate / bare.rate, ratios)
    verdict = "PASS" if ours.rate >= UPDATES_TARGET else "FAIL"
    print(
        f"    target >= {UPDATES_TARGET:,} updates/s: {verdict} ({ours.rate:,.0f}); each officer "
        f"pinged every {APP_OFFICERS / ours.rate:.1f} s"
    )
    print(
        f"    not 200: smartcity {len(ours_errors)}, bare {len(bare_errors)}; "
        f"{check_stored(app, ours_reporter)}"
    )
    socket_errors: list[int] = []
    started = time.perf_counter()
    phones = Loop("smartcity Socket.IO", socket_loop(app, ours_reporter, socket_errors))
    print(
        f"  (c) dispatch.position over Socket.IO (in-process test client), the same officers "
        f"connected ({time.perf_counter() - started:.1f} s to connect):"
    )
    phones.run(WARMUP_SECONDS)
    ratios = alternate(bare, phones, [args.seconds / ROUNDS] * ROUNDS)
    print_loops(bare, phones, unit="updates/s")
    print_rate("Socket.IO/bare PUT", phones.rate / bare.rate, ratios)
    verdict = "PASS" if phones.rate >= UPDATES_TARGET else "FAIL"
    print(f"    target >= {UPDATES_TARGET:,} updates/s: {verdict} ({phones.rate:,.0f})")
    print(f"    not ok: {len(socket_errors)}; {check_stored(app, ours_reporter)}")
    if args.profile:
        profile_puts(app, ours_reporter)


def profile_puts(app: Flask, reporter: Reporter) -> None:
    """Where a PUT's time goes: cProfile over PROFILE_REQUESTS of them."""
    client = app.test_client()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(PROFILE_REQUESTS):
        body, headers = reporter.next_request()
        client.put(POSITION_PATH, json=body, headers=headers)
    profiler.disable()
    print(f"\n  cProfile of {PROFILE_REQUESTS:,} smartcity PUTs (seconds for all of them):")
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(40)
    stats.sort_stats("tottime").print_stats(25)


def updates_part(args: argparse.Namespace, rng: np.random.Generator, workdir: Path) -> None:
    print("\nPOSITION UPDATES, one worker, positions in memory")
    raw_updates(rng, args.officers_small)
    app_updates(args, rng, workdir)


# --- the benchmark ---------------------------------------------------------------------------


def benchmark(args: argparse.Namespace, workdir: Path) -> None:
    rng = np.random.default_rng(args.seed)
    print(f"{os.cpu_count()} cores; seed {args.seed}\n")
    nearest_part(args, rng)
    updates_part(args, rng, workdir)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--officers-small", type=int, default=10_000, help="the smaller city")
    parser.add_argument("--officers-large", type=int, default=100_000, help="the larger city")
    parser.add_argument("--queries", type=int, default=2_000, help="nearest queries per city")
    parser.add_argument(
        "--seconds", type=float, default=10, help="PUTs for this long, per side (app and bare)"
    )
    parser.add_argument("--seed", type=int, default=2026, help="seed of positions and queries")
    parser.add_argument(
        "--profile", action="store_true", help="then profile smartcity's PUTs with cProfile"
    )
    args = parser.parse_args()
    run_isolated("dispatch", lambda workdir: benchmark(args, workdir))


if __name__ == "__main__":
    main()
