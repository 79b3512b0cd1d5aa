"""Both position stores pass one suite: replacing, forgetting, freshness, exact nearest order."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from core.geo import haversine_m
from plugins.dispatch.positions import (
    MemoryPositionStore,
    Position,
    PositionStore,
    RedisPositionStore,
    build_position_store,
)

NOW = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
FIVE_MINUTES = timedelta(minutes=5)
MONAS = (-6.1754, 106.8272)
JAKARTA_SOUTH, JAKARTA_NORTH = -6.37, -6.08
JAKARTA_WEST, JAKARTA_EAST = 106.68, 106.98


def redis_client(url: str):
    import redis

    return redis.Redis.from_url(url)


def forget_prefix(client, prefix: str) -> None:
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1_000))
    if keys:
        client.delete(*keys)


@pytest.fixture(params=["memory", "redis"])
def store(request: pytest.FixtureRequest) -> Iterator[PositionStore]:
    if request.param == "memory":
        yield MemoryPositionStore()
        return
    client = redis_client(request.getfixturevalue("redis_url"))
    prefix = f"smartcity:test:{uuid.uuid4().hex}"
    yield RedisPositionStore(client, prefix=prefix)
    forget_prefix(client, prefix)
    client.close()


def at(officer_id: int, lat: float, lon: float, agency: str = "dlh", **details) -> Position:
    details.setdefault("at", NOW)
    return Position(officer_id=officer_id, agency=agency, lat=lat, lon=lon, **details)


def nearest_ids(store: PositionStore, point=MONAS, k=10, agency="dlh", **options) -> list[int]:
    options.setdefault("max_age", FIVE_MINUTES)
    found = store.nearest(agency, point, k, NOW, among=options.pop("among", None), **options)
    return [nearby.position.officer_id for nearby in found]


def test_update_get_remove(store):
    position = at(
        7,
        -6.2,
        106.8,
        accuracy_m=4.5,
        speed_mps=3.25,
        bearing_deg=90.0,
        battery_pct=81.0,
        at=NOW - timedelta(seconds=1, microseconds=123_457),
    )
    store.update(position)
    assert store.get(7) == position
    assert store.get(8) is None
    store.remove(7)
    assert store.get(7) is None
    assert nearest_ids(store) == []
    assert store.fresh("dlh", NOW, FIVE_MINUTES) == []
    store.remove(7)


def test_newer_position_replaces_older_and_older_is_ignored(store):
    store.update(at(1, -6.20, 106.80, at=NOW - timedelta(seconds=30)))
    store.update(at(1, -6.21, 106.81, at=NOW - timedelta(seconds=10), battery_pct=50.0))
    store.update(at(1, -6.30, 106.90, at=NOW - timedelta(seconds=20)))
    kept = store.get(1)
    assert (kept.lat, kept.lon, kept.battery_pct) == (-6.21, 106.81, 50.0)
    store.update(at(1, -6.22, 106.82, at=NOW - timedelta(seconds=5)))
    assert store.get(1).battery_pct is None
    assert nearest_ids(store) == [1]


def test_officer_moved_to_another_agency_leaves_the_old_one(store):
    store.update(at(1, -6.20, 106.80, agency="dlh", at=NOW - timedelta(seconds=10)))
    store.update(at(1, -6.20, 106.80, agency="dpu"))
    assert nearest_ids(store, agency="dlh") == []
    assert store.fresh("dlh", NOW, FIVE_MINUTES) == []
    assert nearest_ids(store, agency="dpu") == [1]
    assert [p.officer_id for p in store.fresh("dpu", NOW, FIVE_MINUTES)] == [1]


def test_stale_positions_are_neither_nearest_nor_fresh(store):
    store.update(at(1, *MONAS, at=NOW - FIVE_MINUTES - timedelta(seconds=1)))
    store.update(at(2, -6.30, 106.90, at=NOW - FIVE_MINUTES))
    assert nearest_ids(store) == [2]
    assert [p.officer_id for p in store.fresh("dlh", NOW, FIVE_MINUTES)] == [2]
    assert store.get(1) is not None


def test_among_restricts_to_the_available(store):
    for officer_id in range(1, 6):
        store.update(at(officer_id, MONAS[0] - officer_id * 0.001, MONAS[1]))
    assert nearest_ids(store, among={2, 4, 99}) == [2, 4]
    assert nearest_ids(store, among=[]) == []


def test_k_larger_than_available_returns_all_nearest_first(store):
    store.update(at(1, -6.30, 106.90))
    store.update(at(2, -6.18, 106.83))
    store.update(at(3, -6.25, 106.85, agency="dpu"))
    assert nearest_ids(store, k=10) == [2, 1]


def test_empty_agency_has_nobody(store):
    assert nearest_ids(store, agency="nobody") == []
    assert store.fresh("nobody", NOW, FIVE_MINUTES) == []
    store.update(at(1, *MONAS))
    assert nearest_ids(store, agency="nobody") == []
    assert nearest_ids(store, k=0) == []


def test_distance_and_age_are_reported(store):
    store.update(at(1, -6.18, 106.83, at=NOW - timedelta(seconds=42)))
    [nearby] = store.nearest("dlh", MONAS, 1, NOW, FIVE_MINUTES)
    assert nearby.distance_m == pytest.approx(haversine_m(MONAS, (-6.18, 106.83)), abs=0.01)
    assert NOW - nearby.position.at == timedelta(seconds=42)


def random_officers(store: PositionStore, count: int, rng: random.Random) -> list[Position]:
    positions = [
        at(
            officer_id,
            rng.uniform(JAKARTA_SOUTH, JAKARTA_NORTH),
            rng.uniform(JAKARTA_WEST, JAKARTA_EAST),
            at=NOW - timedelta(seconds=rng.uniform(0, 600)),
        )
        for officer_id in range(1, count + 1)
    ]
    for position in positions:
        store.update(position)
    return positions


def brute_force(positions, point, k, among=None) -> list[tuple[int, float]]:
    fresh = [
        p
        for p in positions
        if NOW - p.at <= FIVE_MINUTES and (among is None or p.officer_id in among)
    ]
    measured = sorted((haversine_m(point, (p.lat, p.lon)), p.officer_id) for p in fresh)
    return [(officer_id, distance) for distance, officer_id in measured[:k]]


def assert_matches(found, expected) -> None:
    assert [n.position.officer_id for n in found] == [officer_id for officer_id, _ in expected]
    for nearby, (_, distance) in zip(found, expected, strict=True):
        assert nearby.distance_m == pytest.approx(distance, abs=0.01)


def test_nearest_matches_brute_force_haversine_on_random_points(store):
    rng = random.Random(20261128)
    positions = random_officers(store, 2_000, rng)
    available = {p.officer_id for p in positions if rng.random() < 0.6}
    for query in range(50):
        point = (rng.uniform(JAKARTA_SOUTH, JAKARTA_NORTH), rng.uniform(JAKARTA_WEST, JAKARTA_EAST))
        k = rng.choice([1, 5, 20])
        among = available if query % 2 else None
        found = store.nearest("dlh", point, k, NOW, FIVE_MINUTES, among=among)
        assert_matches(found, brute_force(positions, point, k, among))


@pytest.mark.parametrize("point", [(-7.80, 110.36), (1.35, 103.82), (-6.2, 120.0)])
def test_point_far_outside_the_city_still_finds_the_nearest(store, point):
    positions = random_officers(store, 500, random.Random(7))
    found = store.nearest("dlh", point, 3, NOW, FIVE_MINUTES)
    assert_matches(found, brute_force(positions, point, 3))


def test_sparse_agency_is_searched_to_its_last_officer(store):
    store.update(at(1, -6.10, 106.70))
    store.update(at(2, -6.36, 106.97))
    assert nearest_ids(store, point=(-6.35, 106.96), k=5) == [2, 1]


def test_redis_drops_officers_whose_details_expired(redis_url):
    client = redis_client(redis_url)
    prefix = f"smartcity:test:{uuid.uuid4().hex}"
    store = RedisPositionStore(client, prefix=prefix, expire_seconds=60)
    try:
        store.update(at(1, *MONAS))
        store.update(at(2, -6.18, 106.83))
        assert 0 < client.ttl(f"{prefix}:officer:1") <= 60
        client.delete(f"{prefix}:officer:1")
        assert nearest_ids(store) == [2]
        assert client.zrange(f"{prefix}:geo:dlh", 0, -1) == [b"2"]
    finally:
        forget_prefix(client, prefix)
        client.close()


def test_store_is_chosen_by_settings(redis_url):
    assert isinstance(build_position_store({}), MemoryPositionStore)
    assert isinstance(
        build_position_store({"dispatch": {"position_store": "memory"}}), MemoryPositionStore
    )
    for settings in (
        {"dispatch": {"position_store": "redis", "redis_url": redis_url}},
        {"dispatch": {"position_store": "redis"}, "message_queue": redis_url},
    ):
        chosen = build_position_store(settings)
        assert isinstance(chosen, RedisPositionStore)
        assert chosen.client.ping()
        chosen.client.close()
    with pytest.raises(ValueError, match="position_store"):
        build_position_store({"dispatch": {"position_store": "postgres"}})
