"""The one door for snapshot requests: a frame kept a few seconds, one upstream fetch per camera
at a time, a failing camera's last good frame served stale for a while, then a clear refusal."""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

import gevent
from gevent.event import AsyncResult

from core.models import utcnow
from plugins.cctv.fetch import FetchError, Frame, fetch_frame
from plugins.cctv.settings import CctvSettings
from plugins.cctv.sources import Source

log = logging.getLogger(__name__)

# Scheduling slack past the snapshot timeout, so that a fetch timing out on time reaches its
# waiters as its own outcome rather than each waiter giving up a moment before.
WAIT_GRACE_SECONDS = 0.25

FetchFrame = Callable[[Source, float, int], Frame]
Clock = Callable[[], datetime]


@dataclass(frozen=True)
class Snapshot:
    """A camera's frame as served; ``stale`` when the camera is failing and this is its last
    good frame."""

    data: bytes
    sha256: str
    fetched_at: datetime
    stale: bool = False

    def age_s(self, now: datetime) -> float:
        """Seconds since the frame was fetched, at ``now`` (the cache's ``now()``)."""
        return max(0.0, (now - self.fetched_at).total_seconds())


class SnapshotUnavailable(Exception):
    """No frame to serve: the camera is failing and has no good frame younger than
    ``serve_stale_seconds``. ``reason`` is the failure's (``timeout``, ``unreachable``,
    ``http_503``, ...)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class _Fetch:
    """One upstream fetch. While running, every caller for the camera waits for it (until
    ``deadline``); once finished, its outcome is the camera's answer for
    ``snapshot_cache_seconds``, a failure included."""

    deadline: float  # on time.monotonic()
    outcome: AsyncResult = field(default_factory=AsyncResult)  # a Snapshot or a FetchError
    finished_at: datetime | None = None


@dataclass
class _Camera:
    latest: _Fetch | None = None
    last_good: Snapshot | None = None


class SnapshotCache:
    """Snapshots of the ``snapshot_cache_cameras`` cameras asked for most recently.

    Greenlet-safe without locks: the state only changes between yields, and a caller's one
    yield (waiting for the fetch) comes after the fetch is registered for the others to find.
    """

    def __init__(
        self, settings: CctvSettings, fetch: FetchFrame = fetch_frame, clock: Clock = utcnow
    ) -> None:
        self._settings = settings
        self._fetch = fetch
        self._clock = clock
        self._cameras: OrderedDict[str, _Camera] = OrderedDict()

    def get(self, camera_id: str, source: Source) -> Snapshot:
        """The camera's frame, at most ``snapshot_cache_seconds`` old; while the camera fails,
        its last good frame marked stale, and past ``serve_stale_seconds`` SnapshotUnavailable.
        Answers within about ``snapshot_timeout_seconds``."""
        camera = self._camera(camera_id)
        if camera.latest is None or self._expired(camera.latest):
            camera.latest = self._start_fetch(camera, source)
        return self._answer(camera, camera.latest)

    def now(self) -> datetime:
        """The cache's clock, to tell a snapshot's age by the same time it was stamped with."""
        return self._clock()

    def forget(self, camera_id: str) -> None:
        """Drop what is known of the camera (an admin edited its source or deleted it); a fetch
        in flight still answers its waiters but is not kept."""
        self._cameras.pop(camera_id, None)

    def _camera(self, camera_id: str) -> _Camera:
        camera = self._cameras.get(camera_id)
        if camera is not None:
            self._cameras.move_to_end(camera_id)
            return camera
        camera = self._cameras[camera_id] = _Camera()
        if len(self._cameras) > self._settings.snapshot_cache_cameras:
            self._cameras.popitem(last=False)
        return camera

    def _expired(self, fetch: _Fetch) -> bool:
        if fetch.finished_at is None:  # still in flight: join it
            return False
        age = (self._clock() - fetch.finished_at).total_seconds()
        return age >= self._settings.snapshot_cache_seconds

    def _start_fetch(self, camera: _Camera, source: Source) -> _Fetch:
        fetch = _Fetch(deadline=time.monotonic() + self._settings.snapshot_timeout_seconds)
        # A greenlet of its own, so a caller that gives up or is killed cancels nobody's answer.
        gevent.spawn(self._run, camera, source, fetch)
        return fetch

    def _run(self, camera: _Camera, source: Source, fetch: _Fetch) -> None:
        timeout = self._settings.snapshot_timeout_seconds
        outcome: Snapshot | FetchError
        try:
            # fetch_frame bounds itself; this holds for any fetch function, so that no camera
            # stays in flight for ever.
            with gevent.Timeout(timeout, FetchError("timeout", f"no frame within {timeout:g} s")):
                frame = self._fetch(source, timeout, self._settings.max_snapshot_bytes)
        except FetchError as error:
            outcome = error
        except Exception as error:
            # Still an outcome: otherwise the fetch never finishes and the camera is wedged.
            log.exception("fetching a snapshot failed unexpectedly")
            outcome = FetchError("error", type(error).__name__)
        else:
            outcome = camera.last_good = Snapshot(frame.data, frame.sha256, self._clock())
        fetch.finished_at = self._clock()
        fetch.outcome.set(outcome)

    def _answer(self, camera: _Camera, fetch: _Fetch) -> Snapshot:
        remaining = fetch.deadline + WAIT_GRACE_SECONDS - time.monotonic()
        outcome = fetch.outcome.wait(max(0.0, remaining))  # None if it did not finish in time
        if isinstance(outcome, Snapshot):
            return outcome
        reason = outcome.reason if isinstance(outcome, FetchError) else "timeout"
        last_good = camera.last_good
        if last_good and last_good.age_s(self._clock()) < self._settings.serve_stale_seconds:
            return replace(last_good, stale=True)
        raise SnapshotUnavailable(reason)
