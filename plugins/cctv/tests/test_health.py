"""The health monitor against real cameras on 127.0.0.1: statuses, events, outage complaints,
and a sweep that asks many cameras at once."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import gevent
import pytest
from flask import Flask
from gevent.pywsgi import WSGIServer

from core import db
from core.models import Complaint
from plugins.cctv import health
from plugins.cctv.fetch import FetchError, Frame
from plugins.cctv.health import (
    MONITOR_EXTENSION,
    Alive,
    Verdict,
    judge,
    start_monitor,
    sweep,
)
from plugins.cctv.models import Camera
from plugins.cctv.settings import CctvSettings
from plugins.cctv.tests.camera_servers import dead_url

# The cameras belong to DLH.
pytestmark = pytest.mark.needs_plugins("sanitation")

SETTINGS: dict[str, Any] = {
    "snapshot_timeout_seconds": 0.5,
    "slow_ms": 200,
    "frozen_after": 2,
    "offline_after_failures": 3,
    "outage_complaint_minutes": 30,
    "health_check_seconds": 0.1,
}
FAILURES = SETTINGS["offline_after_failures"]
START = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def app_settings() -> dict[str, Any]:
    return {"cctv": dict(SETTINGS)}


def at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


def camera(
    camera_id: str, url: str, kind: str = "jpeg", agency: str = "dlh", visibility: str = "public"
) -> Camera:
    source = {"stream_url": url} if kind in ("mjpeg", "hls") else {"snapshot_url": url}
    return Camera(
        id=camera_id,
        name=f"Camera {camera_id}",
        lat=-6.1754,
        lon=106.8272,
        agency_code=agency,
        visibility=visibility,
        source_kind=kind,
        **source,
    )


def add(app: Flask, *cameras: Camera) -> None:
    with app.app_context():
        db.session().add_all(cameras)
        db.session().commit()
        db.database().session.remove()


def stored(app: Flask, camera_id: str) -> Camera:
    with app.app_context():
        row = db.session().get(Camera, camera_id)
        db.database().session.remove()
    assert row is not None
    return row


def status_after_each_sweep(app: Flask, camera_id: str, minutes: range) -> list[str]:
    statuses = []
    for minute in minutes:
        sweep(app, now=at(minute))
        statuses.append(stored(app, camera_id).status)
    return statuses


@pytest.fixture
def hls_playlist() -> Iterator[str]:
    """An HLS camera's playlist URL (no snapshot beside it)."""

    def playlist(_environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "application/vnd.apple.mpegurl")])
        return [b"#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n"]

    server = WSGIServer(("127.0.0.1", 0), playlist, log=None, error_log=None)
    server.start()
    yield f"http://127.0.0.1:{server.server_port}/live/index.m3u8"
    server.stop(timeout=1)


# --- the rules -------------------------------------------------------------------------------

RULES = CctvSettings(slow_ms=200, frozen_after=2, offline_after_failures=3)
SHA = "a" * 64


def health_columns(**columns: Any) -> Camera:
    defaults = {"status": "online", "failures": 0, "frame_sha256": SHA, "same_frames": 0}
    return Camera(id="cam", name="Cam", lat=0.0, lon=0.0, **{**defaults, **columns})


@pytest.mark.parametrize(
    ("before", "outcome", "verdict"),
    [
        ({}, Frame(b"", "b" * 64, 0.05), ("online", "ok")),
        ({}, Frame(b"", "b" * 64, 0.2), ("degraded", "slow")),
        ({"same_frames": 0}, Frame(b"", SHA, 0.05), ("online", "ok")),
        ({"same_frames": 1}, Frame(b"", SHA, 0.05), ("degraded", "frozen")),
        ({"same_frames": 1}, Frame(b"", SHA, 0.9), ("degraded", "frozen")),
        ({"status": "degraded", "failures": 2}, Frame(b"", "b" * 64, 0.05), ("online", "ok")),
        ({}, FetchError("timeout"), ("online", "timeout")),
        ({"status": "unknown", "failures": 1}, FetchError("http_500"), ("unknown", "http_500")),
        ({"failures": 2}, FetchError("unreachable"), ("offline", "unreachable")),
        ({"status": "offline", "failures": 7}, FetchError("timeout"), ("offline", "timeout")),
        ({"status": "offline", "failures": 7}, Alive(0.05), ("online", "ok")),
    ],
)
def test_judge_rules(before: dict[str, Any], outcome: Any, verdict: tuple[str, str]) -> None:
    assert judge(health_columns(**before), outcome, RULES) == Verdict(*verdict)


def test_why_a_camera_is_degraded_is_kept_and_a_change_of_reason_is_news() -> None:
    from datetime import UTC, datetime

    from plugins.cctv.health import record_check

    now = datetime.now(UTC)
    camera = health_columns(status="degraded", status_reason="slow", same_frames=1)
    assert record_check(camera, Frame(b"", SHA, 0.05), RULES, now) == Verdict("degraded", "frozen")
    assert camera.status_reason == "frozen"
    # A lost request while degraded is not a new reason: the camera still is what it was.
    assert record_check(camera, FetchError("timeout"), RULES, now) is None
    assert (camera.status, camera.status_reason) == ("degraded", "frozen")


# --- statuses --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["jpeg", "mjpeg"])
def test_a_camera_sending_frames_quickly_is_online(app, camera_server, kind):
    add(app, camera("cam-1", camera_server(kind).url, kind=kind))
    result = sweep(app, now=at(0))
    row = stored(app, "cam-1")
    assert (row.status, row.status_changed_at, row.checked_at) == ("online", at(0), at(0))
    assert row.failures == 0 and 0 < row.latency_ms < SETTINGS["slow_ms"]
    assert len(row.frame_sha256) == 64
    assert (result.statuses, result.changed, result.unchecked) == ({"online": 1}, 1, 0)


def test_an_hls_camera_answering_its_playlist_is_online(app, hls_playlist):
    add(app, camera("cam-hls", hls_playlist, kind="hls"))
    sweep(app, now=at(0))
    row = stored(app, "cam-hls")
    assert (row.status, row.failures, row.frame_sha256) == ("online", 0, None)


def test_a_camera_without_a_usable_source_is_not_checked(app):
    add(app, camera("cam-nowhere", "", kind="jpeg"))
    result = sweep(app, now=at(0))
    assert (result.checked, result.unchecked) == (0, 1)
    assert stored(app, "cam-nowhere").checked_at is None


def test_a_slow_camera_is_degraded(app, camera_server):
    add(app, camera("cam-slow", camera_server("slow", delay=0.3).url))
    sweep(app, now=at(0))
    row = stored(app, "cam-slow")
    assert (row.status, row.failures) == ("degraded", 0)
    assert row.latency_ms >= SETTINGS["slow_ms"]


def test_a_camera_sending_the_same_frame_is_degraded_once_it_repeated_frozen_after_times(
    app, camera_server
):
    add(app, camera("cam-frozen", camera_server("frozen").url))
    repeats = SETTINGS["frozen_after"]
    statuses = status_after_each_sweep(app, "cam-frozen", range(repeats + 2))
    assert statuses == ["online"] * repeats + ["degraded"] * 2
    assert stored(app, "cam-frozen").same_frames == repeats + 1


def test_a_dead_camera_goes_offline_after_offline_after_failures_failures_in_a_row(app):
    add(app, camera("cam-dead", dead_url()))
    statuses = status_after_each_sweep(app, "cam-dead", range(FAILURES + 1))
    assert statuses == ["unknown"] * (FAILURES - 1) + ["offline"] * 2
    row = stored(app, "cam-dead")
    assert (row.failures, row.latency_ms) == (FAILURES + 1, None)
    assert (row.offline_since, row.status_changed_at) == (at(FAILURES - 1), at(FAILURES - 1))


def test_a_camera_that_answers_again_is_online_with_its_failures_forgotten(app, camera_server):
    server = camera_server("jpeg")
    add(app, camera("cam-1", server.url))
    sweep(app, now=at(0))
    server.fail = True
    statuses = status_after_each_sweep(app, "cam-1", range(1, FAILURES + 1))
    assert statuses == ["online"] * (FAILURES - 1) + ["offline"]
    server.fail = False
    sweep(app, now=at(FAILURES + 1))
    row = stored(app, "cam-1")
    assert (row.status, row.failures, row.offline_since) == ("online", 0, None)
    assert row.status_changed_at == at(FAILURES + 1)


# --- events ----------------------------------------------------------------------------------


@pytest.mark.needs_plugins("public_works")  # DPU's staff are the other agency
def test_status_changes_reach_the_owner_the_city_and_the_public_once_each(
    app, camera_server, live_client, make_account
):
    owner = live_client(token=make_account("staff", agency="dlh").token)
    other_agency = live_client(token=make_account("staff", agency="dpu").token)
    admin = live_client(token=make_account("admin").token)
    anyone = live_client()
    street = camera_server("jpeg")
    add(
        app,
        camera("cam-street", street.url, visibility="public"),
        camera("cam-depot", camera_server("jpeg").url, visibility="staff"),
    )
    sweep(app, now=at(0))
    sweep(app, now=at(1))  # nothing changed: nobody hears anything
    for console in (owner, admin):
        console.wait_for("camera.status", count=2)
    anyone.wait_for("camera.status")
    gevent.sleep(0.3)  # room for a wrong second event to arrive
    for console in (owner, admin):
        heard = sorted(event["camera_id"] for event in console.named("camera.status"))
        assert heard == ["cam-depot", "cam-street"]
    assert other_agency.named("camera.status") == []
    [online] = anyone.named("camera.status")
    assert online == {
        "camera_id": "cam-street",
        "name": "Camera cam-street",
        "status": "online",
        "reason": "ok",
        "changed_at": at(0).isoformat(),
        "latency_ms": online["latency_ms"],
    }
    assert 0 < online["latency_ms"] < SETTINGS["slow_ms"]

    street.fail = True
    for minute in range(2, 2 + FAILURES):
        sweep(app, now=at(minute))
    [_, offline] = anyone.wait_for("camera.status", count=2)
    assert (offline["status"], offline["reason"], offline["latency_ms"]) == (
        "offline",
        "http_503",
        None,
    )
    assert offline["changed_at"] == at(1 + FAILURES).isoformat()
    everything = [console.events for console in (owner, other_agency, admin, anyone)]
    assert "127.0.0.1" not in json.dumps(everything)
    assert "http:" not in json.dumps(everything)


def test_the_event_says_why_a_camera_is_degraded_or_offline(app, camera_server, live_client):
    anyone = live_client()
    add(
        app,
        camera("cam-slow", camera_server("slow", delay=0.3).url),
        camera("cam-hung", camera_server("slow", delay=5).url),
        camera("cam-frozen", camera_server("frozen").url),
        camera("cam-broken", camera_server("broken").url),
        camera("cam-dead", dead_url()),
    )
    for minute in range(max(FAILURES, SETTINGS["frozen_after"] + 1)):
        sweep(app, now=at(minute))
    anyone.wait_for("camera.status", count=6)
    heard: dict[str, list[tuple[str, str]]] = {}
    for event in anyone.named("camera.status"):
        heard.setdefault(event["camera_id"], []).append((event["status"], event["reason"]))
    assert heard == {
        "cam-slow": [("degraded", "slow")],
        "cam-hung": [("offline", "timeout")],
        "cam-frozen": [("online", "ok"), ("degraded", "frozen")],
        "cam-broken": [("offline", "http_500")],
        "cam-dead": [("offline", "unreachable")],
    }


# --- outage complaints -----------------------------------------------------------------------


@pytest.fixture
def outage_complaints(monkeypatch) -> list[tuple[str, int]]:
    """Stand-in for the outage module: files a real internal complaint (the camera row keeps
    its id) and records (camera id, complaint id)."""
    filed: list[tuple[str, int]] = []

    def file_outage(outage_camera: Camera) -> int:
        complaint = Complaint(
            category_code="garbage",
            agency_code="dlh",
            routing_agency="dlh",
            routing_rule="test.outage",
            routing_reason="Filed by the test.",
            description=f"Camera {outage_camera.id} offline",
            lat=outage_camera.lat,
            lon=outage_camera.lon,
            public=False,
        )
        session = db.session()
        session.add(complaint)
        session.flush()
        filed.append((outage_camera.id, complaint.id))
        session.commit()
        return complaint.id

    monkeypatch.setattr(health, "open_outage_complaint", file_outage)
    return filed


def test_a_camera_offline_longer_than_outage_complaint_minutes_gets_one_complaint(
    app, camera_server, outage_complaints
):
    server = camera_server("jpeg")
    add(app, camera("cam-1", server.url))
    server.fail = True
    for minute in range(FAILURES):
        sweep(app, now=at(minute))
    went_offline = FAILURES - 1
    assert stored(app, "cam-1").offline_since == at(went_offline)
    minutes = SETTINGS["outage_complaint_minutes"]
    assert sweep(app, now=at(went_offline + minutes - 1)).complaints == 0
    assert outage_complaints == []

    assert sweep(app, now=at(went_offline + minutes + 1)).complaints == 1
    [(camera_id, complaint_id)] = outage_complaints
    assert camera_id == "cam-1"
    assert stored(app, "cam-1").outage_complaint_id == complaint_id
    for later in (2, 3, 60):
        assert sweep(app, now=at(went_offline + minutes + later)).complaints == 0
    assert len(outage_complaints) == 1

    server.fail = False
    sweep(app, now=at(100))
    row = stored(app, "cam-1")
    assert (row.status, row.offline_since, row.outage_complaint_id) == ("online", None, None)


def test_a_later_outage_gets_a_complaint_of_its_own(app, camera_server, outage_complaints):
    server = camera_server("jpeg")
    add(app, camera("cam-1", server.url))
    minutes = SETTINGS["outage_complaint_minutes"]
    for outage_start in (0, 100):
        server.fail = True
        for minute in range(outage_start, outage_start + FAILURES):
            sweep(app, now=at(minute))
        sweep(app, now=at(outage_start + FAILURES + minutes))
        server.fail = False
        sweep(app, now=at(outage_start + 50))
    first, second = outage_complaints
    assert first[1] != second[1]


# --- many cameras at once --------------------------------------------------------------------


def test_sixty_cameras_of_which_six_are_slow_take_about_as_long_as_one_slow_one(app, camera_server):
    delay = 0.5
    # The cameras share this process with the sweep, so on a loaded machine a fast camera's
    # answer waits for CPU: the timeout is wide, and only the slow six are required to be slow.
    app.config["SMARTCITY"]["cctv"] = {**SETTINGS, "snapshot_timeout_seconds": 10 * delay}
    # The fast ones serve a prepared frame: the sweep is measured, not the test's JPEG encoder.
    fast = [camera(f"cam-{number}", camera_server("frozen").url) for number in range(54)]
    slow = [
        camera(f"cam-slow-{number}", camera_server("slow", delay=delay).url) for number in range(6)
    ]
    add(app, *fast, *slow)
    result = sweep(app, now=at(0))
    assert result.checked == 60
    assert result.statuses["online"] + result.statuses["degraded"] == 60, "every camera answered"
    assert [stored(app, f"cam-slow-{number}").status_reason for number in range(6)] == ["slow"] * 6
    # One after another, the six slow cameras alone would take 3 s.
    assert result.seconds < 6 * delay


# --- the monitor -----------------------------------------------------------------------------


def wait_until(condition: Any, timeout: float = 5.0) -> None:
    with gevent.Timeout(timeout):
        while not condition():
            gevent.sleep(0.02)


def test_the_monitor_sweeps_every_health_check_seconds_until_stopped(app, camera_server):
    server = camera_server("jpeg")
    add(app, camera("cam-1", server.url))
    running = start_monitor(app)
    assert app.extensions[MONITOR_EXTENSION] is running
    try:
        wait_until(lambda: server.requests >= 3)
    finally:
        running.stop(timeout=5)
    assert running.greenlet.dead
    assert stored(app, "cam-1").status == "online"
    requests = server.requests
    gevent.sleep(3 * SETTINGS["health_check_seconds"])
    assert server.requests == requests


def test_a_failing_sweep_is_logged_and_the_monitor_carries_on(app, camera_server, caplog):
    server = camera_server("jpeg")
    add(app, camera("cam-1", server.url))
    running = start_monitor(app)
    # Settings broken after the start (checked there): every sweep now fails.
    app.config["SMARTCITY"]["cctv"] = {**SETTINGS, "slow_ms": -1}
    try:
        with caplog.at_level(logging.ERROR, logger=health.__name__):
            wait_until(lambda: "sweep failed" in caplog.text)
        assert not running.greenlet.dead
        app.config["SMARTCITY"]["cctv"] = dict(SETTINGS)
        wait_until(lambda: server.requests >= 1)
    finally:
        running.stop(timeout=5)


def test_of_two_workers_one_checks_the_cameras(app, camera_server):
    from plugins.cctv.health import monitor

    server = camera_server("jpeg")
    add(app, camera("cam-1", server.url))
    every = SETTINGS["health_check_seconds"]
    stopping = gevent.event.Event()
    started = time.monotonic()
    workers = [gevent.spawn(monitor, app, every, stopping, holder=name) for name in ("w-a", "w-b")]
    try:
        wait_until(lambda: server.requests >= 4, timeout=10)
    finally:
        stopping.set()
        gevent.joinall(workers, timeout=5)
    rounds = (time.monotonic() - started) / every
    # One sweep per round, not two: the other worker waits its turn. (A loaded machine makes the
    # rounds late, never more frequent, so the bound is counted from the time they took.)
    assert 4 <= server.requests <= rounds + 1
