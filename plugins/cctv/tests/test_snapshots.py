"""The snapshot cache against real cameras on 127.0.0.1, counting what each camera served: one
fetch for everyone asking at once, none within the cache time, a failing camera's last good
frame served stale and then refused, and no caller kept much past the timeout."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import gevent
import pytest

from plugins.cctv.fetch import Frame, fetch_frame
from plugins.cctv.settings import CctvSettings
from plugins.cctv.snapshots import Snapshot, SnapshotCache, SnapshotUnavailable
from plugins.cctv.sources import Source
from plugins.cctv.tests.camera_servers import CameraServer, dead_url

Cameras = Callable[..., CameraServer]

SETTINGS = CctvSettings(
    snapshot_timeout_seconds=0.5,
    snapshot_cache_seconds=5,
    serve_stale_seconds=60,
    max_snapshot_bytes=1_000_000,
    snapshot_cache_cameras=100,
)
# Scheduling slack a caller may be answered after the timeout.
SLACK_S = 0.4


class FakeClock:
    """The cache's clock, moved by hand; timeouts still run on real time."""

    def __init__(self) -> None:
        self.now = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def cache(clock: FakeClock) -> SnapshotCache:
    return SnapshotCache(SETTINGS, clock=clock)


def jpeg_source(camera: CameraServer) -> Source:
    return Source("jpeg", frame_url=camera.url)


def timed(call: Callable[[], object]) -> tuple[object, float]:
    """What the call returned or raised, and how long it took."""
    started = time.monotonic()
    try:
        outcome: object = call()
    except SnapshotUnavailable as error:
        outcome = error
    return outcome, time.monotonic() - started


def test_two_hundred_callers_at_once_cost_the_camera_one_request(
    cache: SnapshotCache, camera_server: Cameras
) -> None:
    camera = camera_server("jpeg")
    source = jpeg_source(camera)
    callers = [gevent.spawn(cache.get, "cam-1", source) for _ in range(200)]
    gevent.joinall(callers, timeout=5, raise_error=True)
    snapshots = [caller.value for caller in callers]
    assert camera.requests == 1
    assert len({snapshot.data for snapshot in snapshots}) == 1
    assert len({snapshot.sha256 for snapshot in snapshots}) == 1
    assert not any(snapshot.stale for snapshot in snapshots)


def test_frame_is_served_from_memory_within_the_cache_time_then_fetched_once_more(
    cache: SnapshotCache, clock: FakeClock, camera_server: Cameras
) -> None:
    camera = camera_server("jpeg")
    source = jpeg_source(camera)
    first = cache.get("cam-1", source)
    clock.advance(4.9)
    assert cache.get("cam-1", source) == first
    assert camera.requests == 1
    assert first.age_s(cache.now()) == pytest.approx(4.9)

    clock.advance(0.2)
    callers = [gevent.spawn(cache.get, "cam-1", source) for _ in range(20)]
    gevent.joinall(callers, timeout=5, raise_error=True)
    assert camera.requests == 2
    assert {caller.value.data for caller in callers} == {cache.get("cam-1", source).data}
    assert callers[0].value.data != first.data  # the camera draws a new frame per request
    assert callers[0].value.fetched_at == clock.now


def test_cache_time_runs_on_the_real_clock_by_default(camera_server: Cameras) -> None:
    camera = camera_server("jpeg")
    source = jpeg_source(camera)
    cache = SnapshotCache(CctvSettings(snapshot_timeout_seconds=1, snapshot_cache_seconds=0.2))
    cache.get("cam-1", source)
    cache.get("cam-1", source)
    assert camera.requests == 1
    time.sleep(0.25)
    cache.get("cam-1", source)
    assert camera.requests == 2
    assert cache.now().tzinfo is not None


def test_camera_going_down_serves_its_last_good_frame_stale_then_refuses(
    clock: FakeClock, camera_server: Cameras
) -> None:
    camera = camera_server("jpeg")
    source = jpeg_source(camera)
    # Stale frames for 12 s, failures remembered for 5: the refusal comes within the failure's
    # cache time, so it costs the camera no request.
    cache = SnapshotCache(replace(SETTINGS, serve_stale_seconds=12), clock=clock)
    good = cache.get("cam-1", source)
    camera.fail = True

    clock.advance(10)
    stale = cache.get("cam-1", source)
    assert camera.requests == 2
    assert (stale.data, stale.fetched_at, stale.stale) == (good.data, good.fetched_at, True)
    assert stale.age_s(cache.now()) == pytest.approx(10)
    clock.advance(1.9)
    assert cache.get("cam-1", source).stale

    clock.advance(0.1)
    with pytest.raises(SnapshotUnavailable) as refused:
        cache.get("cam-1", source)
    assert refused.value.reason == "http_503"
    assert camera.requests == 2


def test_camera_down_past_serve_stale_seconds_is_refused_with_the_reason(
    cache: SnapshotCache, clock: FakeClock, camera_server: Cameras
) -> None:
    camera = camera_server("jpeg")
    source = jpeg_source(camera)
    cache.get("cam-1", source)
    camera.fail = True
    clock.advance(SETTINGS.serve_stale_seconds)
    with pytest.raises(SnapshotUnavailable) as refused:
        cache.get("cam-1", source)
    assert refused.value.reason == "http_503"
    assert camera.requests == 2


def test_failure_is_remembered_for_the_cache_time(
    cache: SnapshotCache, clock: FakeClock, camera_server: Cameras
) -> None:
    camera = camera_server("broken")
    source = jpeg_source(camera)
    with pytest.raises(SnapshotUnavailable, match="http_500"):
        cache.get("cam-1", source)
    clock.advance(SETTINGS.snapshot_cache_seconds - 0.1)
    callers = [gevent.spawn(timed, lambda: cache.get("cam-1", source)) for _ in range(20)]
    gevent.joinall(callers, timeout=5, raise_error=True)
    assert {str(caller.value[0]) for caller in callers} == {"http_500"}
    assert max(caller.value[1] for caller in callers) < 0.05
    assert camera.requests == 1


def test_failing_camera_keeps_serving_its_stale_frame_without_being_asked_again(
    cache: SnapshotCache, clock: FakeClock, camera_server: Cameras
) -> None:
    camera = camera_server("jpeg")
    source = jpeg_source(camera)
    good = cache.get("cam-1", source)
    camera.fail = True
    clock.advance(SETTINGS.snapshot_cache_seconds)
    answers = [cache.get("cam-1", source) for _ in range(5)]
    assert camera.requests == 2
    assert all(answer.stale and answer.data == good.data for answer in answers)


def test_dead_camera_is_refused_as_unreachable(cache: SnapshotCache) -> None:
    outcome, took = timed(lambda: cache.get("cam-1", Source("jpeg", frame_url=dead_url())))
    assert isinstance(outcome, SnapshotUnavailable) and outcome.reason == "unreachable"
    assert took < SETTINGS.snapshot_timeout_seconds


def test_slow_camera_without_a_frame_is_refused_within_the_timeout_for_everyone(
    cache: SnapshotCache, camera_server: Cameras
) -> None:
    camera = camera_server("slow", delay=1.0)
    source = jpeg_source(camera)
    callers = [gevent.spawn(timed, lambda: cache.get("cam-1", source)) for _ in range(50)]
    gevent.joinall(callers, timeout=5, raise_error=True)
    outcomes = [caller.value for caller in callers]
    assert camera.requests == 1
    assert {type(outcome) for outcome, _ in outcomes} == {SnapshotUnavailable}
    assert {str(outcome) for outcome, _ in outcomes} == {"timeout"}
    assert max(took for _, took in outcomes) < SETTINGS.snapshot_timeout_seconds + SLACK_S

    outcome, took = timed(lambda: cache.get("cam-1", source))
    assert isinstance(outcome, SnapshotUnavailable)
    assert took < 0.05
    assert camera.requests == 1


def test_failed_camera_is_asked_once_more_after_the_cache_time_and_comes_back(
    clock: FakeClock, camera_server: Cameras
) -> None:
    camera = camera_server("slow", delay=0.6)
    source = jpeg_source(camera)
    cache = SnapshotCache(replace(SETTINGS, snapshot_timeout_seconds=0.2), clock=clock)
    with pytest.raises(SnapshotUnavailable, match="timeout"):
        cache.get("cam-1", source)
    camera.behaviour = "jpeg"
    clock.advance(SETTINGS.snapshot_cache_seconds - 0.1)
    with pytest.raises(SnapshotUnavailable, match="timeout"):
        cache.get("cam-1", source)
    assert camera.requests == 1

    clock.advance(0.1)
    callers = [gevent.spawn(cache.get, "cam-1", source) for _ in range(20)]
    gevent.joinall(callers, timeout=5, raise_error=True)
    assert camera.requests == 2
    assert all(not caller.value.stale for caller in callers)


def test_camera_turning_slow_serves_its_last_good_frame_stale_within_the_timeout(
    cache: SnapshotCache, clock: FakeClock, camera_server: Cameras
) -> None:
    camera = camera_server("jpeg", delay=1.0)
    source = jpeg_source(camera)
    good = cache.get("cam-1", source)
    camera.behaviour = "slow"
    clock.advance(SETTINGS.snapshot_cache_seconds)
    outcome, took = timed(lambda: cache.get("cam-1", source))
    assert isinstance(outcome, Snapshot)
    assert outcome.stale and outcome.data == good.data
    assert took < SETTINGS.snapshot_timeout_seconds + SLACK_S
    assert camera.requests == 2


def test_no_caller_waits_past_the_timeout_even_if_the_fetch_ignores_it(
    clock: FakeClock, camera_server: Cameras
) -> None:
    camera = camera_server("slow", delay=1.0)

    def fetch_ignoring_timeout(source: Source, timeout: float, max_bytes: int) -> Frame:
        return fetch_frame(source, 30, max_bytes)

    cache = SnapshotCache(SETTINGS, fetch=fetch_ignoring_timeout, clock=clock)
    outcome, took = timed(lambda: cache.get("cam-1", jpeg_source(camera)))
    assert isinstance(outcome, SnapshotUnavailable) and outcome.reason == "timeout"
    assert took < SETTINGS.snapshot_timeout_seconds + SLACK_S


def test_different_cameras_are_fetched_in_parallel(
    cache: SnapshotCache, camera_server: Cameras
) -> None:
    slow_cameras = [camera_server("slow", delay=0.3) for _ in range(5)]
    started = time.monotonic()
    callers = [
        gevent.spawn(cache.get, f"cam-{number}", jpeg_source(camera))
        for number, camera in enumerate(slow_cameras)
    ]
    gevent.joinall(callers, timeout=5, raise_error=True)
    assert time.monotonic() - started < 0.3 * 2
    assert all(not caller.value.stale for caller in callers)
    assert [camera.requests for camera in slow_cameras] == [1] * 5


def test_least_recently_asked_camera_is_dropped_past_the_bound(
    clock: FakeClock, camera_server: Cameras
) -> None:
    camera = camera_server("jpeg")
    source = jpeg_source(camera)
    cache = SnapshotCache(
        CctvSettings(snapshot_timeout_seconds=0.5, snapshot_cache_cameras=2), clock=clock
    )
    for camera_id in ("a", "b", "a", "c"):  # "a" asked again: "b" is the least recent
        cache.get(camera_id, source)
    assert camera.requests == 3

    cache.get("a", source)
    cache.get("c", source)
    assert camera.requests == 3
    cache.get("b", source)
    assert camera.requests == 4


def test_forgotten_camera_is_fetched_again(cache: SnapshotCache, camera_server: Cameras) -> None:
    camera = camera_server("jpeg")
    source = jpeg_source(camera)
    cache.get("cam-1", source)
    cache.forget("cam-1")
    cache.forget("never-asked")
    cache.get("cam-1", source)
    assert camera.requests == 2
