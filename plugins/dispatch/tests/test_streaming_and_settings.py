"""The stream gate (memory and Redis) lets one position per officer per interval through;
the ``[dispatch]`` settings are checked at start."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from plugins.dispatch.state import DispatchSettings, dispatch_settings
from plugins.dispatch.streaming import MemoryStreamGate, RedisStreamGate, build_stream_gate


@pytest.fixture(params=["memory", "redis"])
def gate(request):
    interval = timedelta(seconds=0.3)
    if request.param == "memory":
        return MemoryStreamGate(interval)
    import redis

    client = redis.Redis.from_url(request.getfixturevalue("redis_url"))
    return RedisStreamGate(client, interval, prefix=f"test:{uuid.uuid4().hex}")


def test_one_position_per_officer_per_interval(gate):
    import time

    start = datetime.now(UTC)
    assert gate.allow(1, start) is True
    assert gate.allow(1, start + timedelta(seconds=0.1)) is False
    assert gate.allow(2, start + timedelta(seconds=0.1)) is True
    time.sleep(0.35)  # Redis expires the key by its own clock
    assert gate.allow(1, start + timedelta(seconds=0.35)) is True


def test_the_gate_follows_the_position_store(redis_url):
    interval = timedelta(seconds=3)
    assert isinstance(build_stream_gate({}, interval), MemoryStreamGate)
    shared = {"dispatch": {"position_store": "redis", "redis_url": redis_url}}
    assert isinstance(build_stream_gate(shared, interval), RedisStreamGate)
    with pytest.raises(ValueError, match="redis_url"):
        build_stream_gate({"dispatch": {"position_store": "redis"}}, interval)


def test_settings_from_config():
    assert dispatch_settings({}) == DispatchSettings()
    chosen = dispatch_settings(
        {
            "dispatch": {
                "answer_seconds": 30,
                "alert_after_refusals": 5,
                "on_site_radius_m": 80,
                "workload_penalty_m": 0,
                "workload_window_hours": 12,
                "track_keep_days": 7,
            }
        }
    )
    assert chosen.answer_time == timedelta(seconds=30)
    assert (chosen.alert_after_refusals, chosen.on_site_radius_m) == (5, 80.0)
    assert chosen.workload_window == timedelta(hours=12)
    assert chosen.track_keep == timedelta(days=7)


@pytest.mark.parametrize(
    "section",
    [{"answer_seconds": 0}, {"on_site_radius_m": -1}, {"alert_after_refusals": "three"}],
)
def test_a_mistake_in_the_settings_stops_the_start(section):
    with pytest.raises(RuntimeError, match=r"\[dispatch\]"):
        dispatch_settings({"dispatch": section})
