"""The camera health monitor: every few seconds each camera is asked for a frame, its status
judged from the answer, changes told to the consoles, long outages filed as complaints."""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import NamedTuple

import gevent
from flask import Flask
from gevent.event import Event
from gevent.pool import Pool
from sqlalchemy import select

from core import db, live
from core.leases import take_lease, worker_name
from core.models import utcnow
from plugins.cctv.fetch import FetchError, Frame, fetch_frame
from plugins.cctv.models import Camera
from plugins.cctv.outages import open_outage_complaint
from plugins.cctv.settings import CctvSettings, cctv_settings
from plugins.cctv.sources import Source
from plugins.cctv.state import camera_source

log = logging.getLogger(__name__)

MONITOR_EXTENSION = "cctv.health_monitor"
JOB = "cctv-health"
# Checked cameras written per commit: few enough that SQLite's lock is held for moments, many
# enough that 800 cameras are not 800 commits.
BATCH_SIZE = 50


@dataclass(frozen=True)
class Alive:
    """An HLS camera without a snapshot URL answered its playlist: alive, but no frame to
    compare with the last one."""

    latency_s: float


Outcome = Frame | Alive | FetchError


class Verdict(NamedTuple):
    """A camera's status after a check and why: ``ok``, ``slow``, ``frozen``, or the failure's
    reason (``timeout``, ``unreachable``, ``http_500``, ...)."""

    status: str
    reason: str


# --- one camera ------------------------------------------------------------------------------


def judge(camera: Camera, outcome: Outcome, settings: CctvSettings) -> Verdict:
    """The camera's status after ``outcome``, from its health columns before it; changes nothing.

    A frame the same as the last one ``frozen_after`` times in a row is ``degraded`` (frozen),
    else one slower than ``slow_ms`` is ``degraded`` (slow), else the camera is ``online``. A
    failure makes it ``offline`` once ``offline_after_failures`` came in a row; before that the
    status stays as it was, so that one lost request is neither news on every console nor the
    start of an outage.
    """
    if isinstance(outcome, FetchError):
        if camera.failures + 1 >= settings.offline_after_failures:
            return Verdict("offline", outcome.reason)
        return Verdict(camera.status, outcome.reason)
    if isinstance(outcome, Frame) and _repeats(camera, outcome) >= settings.frozen_after:
        return Verdict("degraded", "frozen")
    if outcome.latency_s * 1000 >= settings.slow_ms:
        return Verdict("degraded", "slow")
    return Verdict("online", "ok")


def _repeats(camera: Camera, frame: Frame) -> int:
    """How many checks in a row, this one included, brought the previous check's frame again
    (0: a new frame)."""
    return camera.same_frames + 1 if frame.sha256 == camera.frame_sha256 else 0


def record_check(
    camera: Camera, outcome: Outcome, settings: CctvSettings, now: datetime
) -> Verdict | None:
    """Write the check into the camera's health columns (not committed); the verdict when the
    status changed, else None.

    ``offline_since`` is set when the camera goes offline; when it answers again both it and
    ``outage_complaint_id`` are cleared, so that a later outage files a complaint of its own.
    """
    verdict = judge(camera, outcome, settings)
    camera.checked_at = now
    if isinstance(outcome, FetchError):
        camera.failures += 1
        camera.latency_ms = None
    else:
        camera.failures = 0
        camera.latency_ms = round(outcome.latency_s * 1000, 1)
        camera.offline_since = None
        camera.outage_complaint_id = None
    if isinstance(outcome, Frame):
        camera.same_frames = _repeats(camera, outcome)
        camera.frame_sha256 = outcome.sha256
    if verdict.status == "offline" and camera.offline_since is None:
        camera.offline_since = now
    answered = not isinstance(outcome, FetchError)
    # Slow and frozen are both "degraded": a change between them is news too.
    new_reason = (
        answered and verdict.status == "degraded" and verdict.reason != camera.status_reason
    )
    if verdict.status == camera.status and not new_reason:
        return None
    if verdict.status != camera.status:
        camera.status_changed_at = now
    camera.status, camera.status_reason = verdict.status, verdict.reason
    return verdict


def status_rooms(camera: Camera) -> list[str]:
    """Who hears of the camera's status: its agency, the city's admins, and everyone when its
    frames are public."""
    rooms = [f"agency:{camera.agency_code}"] if camera.agency_code else []
    rooms.append("city")
    if camera.visibility == "public":
        rooms.append("public")
    return rooms


def announce_status(camera: Camera, reason: str) -> None:
    """Publish ``camera.status``; never a URL (they may carry the camera's credentials)."""
    changed_at = camera.status_changed_at.isoformat() if camera.status_changed_at else None
    payload = {
        "camera_id": camera.id,
        "name": camera.name,
        "status": camera.status,
        "reason": reason,
        "changed_at": changed_at,
        "latency_ms": camera.latency_ms,
    }
    live.publish(status_rooms(camera), "camera.status", payload)


def outage_complaint_due(camera: Camera, settings: CctvSettings, now: datetime) -> bool:
    """Offline for longer than ``outage_complaint_minutes`` with no complaint filed yet."""
    if camera.status != "offline" or camera.offline_since is None:
        return False
    if camera.outage_complaint_id is not None:
        return False
    return now - camera.offline_since > timedelta(minutes=settings.outage_complaint_minutes)


def look(source: Source, settings: CctvSettings) -> Outcome:
    """Ask the camera for a frame, bounded by ``snapshot_timeout_seconds``; a failure is
    returned, not raised."""
    started = time.perf_counter()
    try:
        return fetch_frame(source, settings.snapshot_timeout_seconds, settings.max_snapshot_bytes)
    except FetchError as error:
        if error.reason == "no_frames" and not source.has_frames:
            return Alive(time.perf_counter() - started)  # the playlist answered
        return error


# --- one sweep -------------------------------------------------------------------------------


@dataclass
class SweepResult:
    """What a sweep found: checked cameras per status after it, how many changed status, the
    cameras without a usable source (not checked), outage complaints filed, and its duration."""

    statuses: Counter[str] = field(default_factory=Counter)
    changed: int = 0
    unchecked: int = 0
    complaints: int = 0
    seconds: float = 0.0

    @property
    def checked(self) -> int:
        return sum(self.statuses.values())


def sweep(app: Flask, now: datetime | None = None) -> SweepResult:
    """Check every camera with a source once, at ``now`` (default: the clock's).

    The cameras are asked concurrently, ``health_concurrency`` at a time, by greenlets that do
    network I/O only; this greenlet writes each answer as it arrives, committing every
    ``BATCH_SIZE`` cameras, and publishes the batch's status changes after its commit. So the
    sweep holds one database connection for moments, never one per camera in flight, and the
    requests keep the pool. Outage complaints are filed last, each on its own.
    """
    settings = cctv_settings(app.config["SMARTCITY"])
    started = time.perf_counter()
    now = now or utcnow()
    result = SweepResult()
    with app.app_context():
        session = db.session()
        cameras = list(session.scalars(select(Camera).order_by(Camera.id)))
        session.commit()  # no transaction held open while the cameras answer
        sources = {camera.id: source for camera in cameras if (source := camera_source(camera))}
        checked = {camera.id: camera for camera in cameras if camera.id in sources}
        result.unchecked = len(cameras) - len(checked)
        answers = Pool(settings.health_concurrency).imap_unordered(
            partial(_look_at, settings=settings), sources.items()
        )
        result.changed = _write_answers(answers, checked, settings, now)
        for camera in checked.values():
            if outage_complaint_due(camera, settings, now):
                result.complaints += _file_outage(camera)
        result.statuses.update(camera.status for camera in checked.values())
    result.seconds = time.perf_counter() - started
    return result


def _write_answers(
    answers: Iterable[tuple[str, Outcome]],
    cameras: dict[str, Camera],
    settings: CctvSettings,
    now: datetime,
) -> int:
    """Record each answer as it arrives, in batches; how many cameras changed status."""
    changed = 0
    changes: list[tuple[Camera, str]] = []
    for count, (camera_id, outcome) in enumerate(answers, start=1):
        camera = cameras[camera_id]
        verdict = record_check(camera, outcome, settings, now)
        if verdict is not None:
            changes.append((camera, verdict.reason))
        if count % BATCH_SIZE == 0:
            changed += _commit_and_announce(changes)
            changes = []
    return changed + _commit_and_announce(changes)


def _look_at(target: tuple[str, Source], settings: CctvSettings) -> tuple[str, Outcome]:
    camera_id, source = target
    try:
        return camera_id, look(source, settings)
    except Exception as error:
        # One camera's surprise must not end the sweep of all the others. Only the type is
        # logged: messages may quote the URL, and URLs may carry credentials.
        log.error("camera %s: check failed with %s", camera_id, type(error).__name__)
        return camera_id, FetchError("error", type(error).__name__)


def _commit_and_announce(changes: list[tuple[Camera, str]]) -> int:
    """Commit the batch, then tell the consoles of its changes; on a failed commit the batch
    is lost (logged) and the next sweep checks those cameras again."""
    session = db.session()
    try:
        session.commit()
    except Exception:
        session.rollback()
        log.exception("camera health: a batch of checks was not saved")
        return 0
    for camera, reason in changes:
        announce_status(camera, reason)
    return len(changes)


def _file_outage(camera: Camera) -> int:
    """File the camera's outage complaint and keep its id: 1 when filed, 0 when it failed."""
    session = db.session()
    try:
        camera.outage_complaint_id = open_outage_complaint(camera)
        session.commit()
    except Exception:
        session.rollback()
        log.exception("camera %s: outage complaint not filed; trying again next sweep", camera.id)
        return 0
    return 1


# --- the loop --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunningMonitor:
    """This process's health monitor, kept in ``app.extensions``; ``stop`` ends it between
    sweeps."""

    greenlet: gevent.Greenlet
    stopping: Event

    def stop(self, timeout: float | None = None) -> None:
        self.stopping.set()
        self.greenlet.join(timeout)


def start_monitor(app: Flask) -> RunningMonitor:
    """Spawn the monitor: a sweep every ``health_check_seconds``; a mistake in the settings
    stops the start."""
    settings = cctv_settings(app.config["SMARTCITY"])
    stopping = Event()
    greenlet = gevent.spawn(monitor, app, settings.health_check_seconds, stopping)
    running = RunningMonitor(greenlet, stopping)
    app.extensions[MONITOR_EXTENSION] = running
    return running


def holds_the_job(app: Flask, holder: str, every_seconds: float) -> bool:
    """Whether this worker runs this round: one worker per deployment checks the cameras."""
    with app.app_context():
        try:
            return take_lease(JOB, holder, utcnow(), 3 * every_seconds)
        finally:
            db.database().session.remove()


def monitor(app: Flask, every_seconds: float, stopping: Event, holder: str | None = None) -> None:
    """Sweep (when this worker holds the deployment's lease), then wait ``every_seconds``,
    until ``stopping`` is set. Never raises: a failed sweep is logged and the next one tries
    again."""
    holder = holder or worker_name()
    log.info("camera health monitor started as %s, every %gs", holder, every_seconds)
    while not stopping.is_set():
        try:
            if not holds_the_job(app, holder, every_seconds):
                stopping.wait(every_seconds)
                continue
            result = sweep(app)
        except Exception:
            log.exception("camera health sweep failed; the next one tries again")
        else:
            log.info(
                "camera health: %d checked in %.1fs, %d changed, %d complaints filed; %s",
                result.checked,
                result.seconds,
                result.changed,
                result.complaints,
                dict(result.statuses),
            )
        stopping.wait(every_seconds)
