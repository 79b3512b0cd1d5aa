"""CCTV snapshots served from the cache at 500 clients against a bare JPEG view; one health sweep.

Two parts:

1. Snapshots. Three processes on free ports of 127.0.0.1, each with a temporary
   instance folder: a camera (this script with ``--serve camera``: one JPEG at
   any path, counting the requests it answers, ``/count`` tells how many),
   smartcity (``smartcity run`` after ``smartcity db upgrade``, rate limiter
   off; an admin made with ``smartcity users create`` registers one public
   camera pointing at the local one through ``POST /api/v1/cctv/cameras``) and
   the bare stack (this script with ``--serve bare``: one Flask view answering
   the same JPEG from memory, served by ``core.server.make_server``). wrk
   with 500 keep-alive connections loads ``GET /api/v1/cctv/cameras/<id>/snapshot``
   and the bare view in alternating slices; prints 200s per second, p50/p99,
   errors, the ratio smartcity/bare, and how many requests reached the camera
   (with the cache and one fetch at a time: one per ``snapshot_cache_seconds``).
2. Health sweep. In this process: the app as ``create_app`` builds it on a
   temporary SQLite, 800 cameras of which 10 % answer after 3 s (slower than
   ``slow_ms``, within the snapshot timeout), served by gevent WSGI servers
   here; ``plugins.cctv.health.sweep(app)`` once. Prints its wall time, the
   statuses (expected: the slow ones degraded, the rest online) and the target
   (under 60 s), and how late ``GET /api/v1/cctv/cameras`` (Flask test client,
   every 100 ms) answers before and during the sweep.

    .venv/bin/python bench/cctv.py [--seconds 20] [--rounds 4] [--connections 500]
        [--cameras 800] [--slow-share 0.1]
"""

from __future__ import annotations

# Patch first: the servers and the sweep's fetches run on gevent's cooperative sockets.
from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402
from collections import Counter  # noqa: E402
from collections.abc import Callable  # noqa: E402
from contextlib import ExitStack  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import gevent  # noqa: E402
from dispatch import smartcity_app  # noqa: E402
from flask import Flask, Response, jsonify  # noqa: E402
from gevent.event import Event  # noqa: E402
from gevent.pywsgi import WSGIServer  # noqa: E402
from intake import (  # noqa: E402
    HOST,
    Figures,
    Server,
    Slice,
    children_cpu_seconds,
    free_port,
    machine_cpu_seconds,
    phone_photo,
    prepare_smartcity,
    running,
    start,
    start_smartcity,
)
from isolated import run_isolated  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from core import db  # noqa: E402
from core.server import make_listener, make_server  # noqa: E402
from plugins.cctv.health import sweep  # noqa: E402
from plugins.cctv.models import Camera  # noqa: E402
from plugins.cctv.settings import cctv_settings  # noqa: E402

FRAME_SIZE = (640, 480)  # a city traffic camera's snapshot
CAMERA_ID = "bench-camera"
SNAPSHOT_PATH = f"/api/v1/cctv/cameras/{CAMERA_ID}/snapshot"
BARE_PATH = "/snapshot"
ADMIN = {"email": "admin@bench.smartcity", "password": "bench-password-123"}
JAKARTA_POINT = {"lat": -6.1862, "lon": 106.8341}
# The server's own health monitor would ask the camera too, once a minute: kept out of the count.
MONITOR_SECONDS = 3600
WARMUP_SECONDS = 2
WRK_THREADS = 2
SWEEP_TARGET_SECONDS = 60.0
SLOW_CAMERA_SECONDS = 3.0  # over the default slow_ms (2 s), within the timeout (4 s)
CAMERA_SERVERS = 4
LIST_PATH = "/api/v1/cctv/cameras"
PROBE_EVERY_SECONDS = 0.1
IDLE_PROBE_SECONDS = 3.0
# Jakarta's extent: (south, north), (west, east).
CITY_LAT = (-6.37, -6.08)
CITY_LON = (106.68, 106.97)


# --- the camera and the bare stack, each served by this script ------------------------------


class CameraApp:
    """A WSGI camera: its JPEG at any path (after ``slow_seconds`` under ``/slow/``), counting
    what it answered; ``/count`` answers that count, ``/health`` 200, neither counted."""

    def __init__(self, frame: bytes, slow_seconds: float = SLOW_CAMERA_SECONDS) -> None:
        self.frame = frame
        self.slow_seconds = slow_seconds
        self.requests: Counter[str] = Counter()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        path = environ["PATH_INFO"]
        if path in ("/count", "/health"):
            body = str(self.requests.total()).encode() if path == "/count" else b"ok"
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [body]
        kind = "slow" if path.startswith("/slow/") else "fast"
        self.requests[kind] += 1
        if kind == "slow":
            gevent.sleep(self.slow_seconds)
        headers = [("Content-Type", "image/jpeg"), ("Content-Length", str(len(self.frame)))]
        start_response("200 OK", headers)
        return [self.frame]


def serve_camera(app: CameraApp, port: int = 0) -> WSGIServer:
    """Start a camera on 127.0.0.1 (a free port when 0), TCP_NODELAY as our server."""
    server = WSGIServer(make_listener(HOST, port), app, log=None)
    server.start()
    return server


def bare_app(frame: bytes) -> Flask:
    """The floor: one Flask view answering the JPEG from memory."""
    app = Flask("bare-cctv")

    @app.get(BARE_PATH)
    def snapshot() -> Response:
        return Response(frame, mimetype="image/jpeg")

    @app.get("/health")
    def health() -> Response:
        return jsonify(status="ok")

    return app


def serve(role: str, port: int, frame_path: Path) -> None:
    """Serve the camera or the bare stack until stopped (``--serve``)."""
    frame = frame_path.read_bytes()
    if role == "camera":
        server = serve_camera(CameraApp(frame), port)
    else:
        server = make_server(bare_app(frame), HOST, port)
    print(f"{role} serving on http://{HOST}:{port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.stop(timeout=5)


def camera_frame() -> bytes:
    """A JPEG compressing like a street scene (intake's photo generator, at 640x480)."""
    return phone_photo(FRAME_SIZE)


# --- part 1: snapshots at 500 clients --------------------------------------------------------


def start_script_server(role: str, instance: Path, frame_path: Path) -> Server:
    port = free_port()
    command = [sys.executable, __file__, "--serve", role, "--port", str(port)]
    command += ["--frame", str(frame_path)]
    return start(role, command, port, instance, dict(os.environ))


# The server's own health monitor sweeps an hour apart: only the benchmark asks the camera.
QUIET_MONITOR = {"SMARTCITY_CCTV__HEALTH_CHECK_SECONDS": str(MONITOR_SECONDS)}


def call(url: str, body: dict[str, Any] | None = None, token: str | None = None) -> Any:
    """GET (or POST ``body`` as JSON) and return the JSON answer."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def register_camera(smartcity: Server, camera: Server) -> None:
    """Sign in as the admin and register a public camera whose snapshot URL is the local one."""
    token = call(smartcity.url + "/api/v1/auth/token", ADMIN)["token"]
    fields = {"id": CAMERA_ID, "name": "Bench camera", **JAKARTA_POINT}
    fields["snapshot_url"] = camera.url + "/snapshot.jpg"
    call(smartcity.url + "/api/v1/cctv/cameras", fields, token)


def camera_count(camera: Server) -> int:
    with urllib.request.urlopen(camera.url + "/count", timeout=10) as response:
        return int(response.read())


def check_snapshot(url: str, frame: bytes) -> str:
    """One snapshot through the server: the camera's bytes and the cache's headers."""
    with urllib.request.urlopen(url, timeout=10) as response:
        same = response.read() == frame
        headers = {name: response.headers[name] for name in ("Age", "Cache-Control")}
    return ("the camera's frame" if same else "NOT the camera's frame") + f", {headers}"


WRK_SCRIPT = """
-- GET the URL as it is; report 200s, other replies, socket errors and the latency quantiles.
function done(summary, latency, requests)
  local count, quantiles = 200, {}  -- as QUANTILES in intake.py
  for i = 1, count - 1 do
    quantiles[i] = latency:percentile(100 * i / count) / 1000
  end
  quantiles[count] = latency.max / 1000  -- percentile(100) is out of wrk's range
  local e = summary.errors
  io.write(string.format(
    'RESULT {"seconds": %f, "ok": %d, "other": %d, "socket_errors": %d, "quantiles_ms": [%s]}\\n',
    summary.duration / 1e6, summary.requests - e.status, e.status,
    e.connect + e.read + e.write + e.timeout, table.concat(quantiles, ", ")))
end
"""


@dataclass
class Wrk:
    """wrk GETting one URL with ``connections`` keep-alive connections; a 200 is a success (a
    status of 400 or more is one of wrk's ``status`` errors)."""

    script: Path
    connections: int
    replies_not_200: int = 0
    socket_errors: int = 0

    def run(self, url: str, seconds: int) -> Slice:
        command = [
            "wrk",
            f"-t{WRK_THREADS}",
            f"-c{self.connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(self.script),
            url,
        ]
        before = children_cpu_seconds()
        finished = subprocess.run(command, capture_output=True, text=True, check=True)
        line = next(x for x in finished.stdout.splitlines() if x.startswith("RESULT "))
        figures = json.loads(line.removeprefix("RESULT "))
        self.replies_not_200 += figures["other"]
        self.socket_errors += figures["socket_errors"]
        return Slice(
            seconds=figures["seconds"],
            created=figures["ok"],
            errors=figures["other"] + figures["socket_errors"],
            quantiles_ms=figures["quantiles_ms"],
            generator_cpu=children_cpu_seconds() - before,
        )


@dataclass
class Loaded:
    """A server, the path wrk loads there, and every slice it served."""

    server: Server
    path: str
    wrk: Wrk
    slices: list[Slice] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.server.url + self.path

    def load(self, seconds: int) -> Slice:
        server = self.server
        server_before, machine_before = server.cpu_seconds(), machine_cpu_seconds()
        started = time.perf_counter()
        result = self.wrk.run(self.url, seconds)
        result.wall_seconds = time.perf_counter() - started
        result.server_cpu = server.cpu_seconds() - server_before
        result.machine_cpu = machine_cpu_seconds() - machine_before
        self.slices.append(result)
        return result


def alternate(bare: Loaded, ours: Loaded, rounds: int, seconds: int) -> tuple[Figures, Figures]:
    """Slices of ``seconds`` in turns (bare, ours, ours, bare, ...), after a warm-up each."""
    for loaded in (bare, ours):
        loaded.load(WARMUP_SECONDS)
    measured: dict[int, list[Slice]] = {id(bare): [], id(ours): []}
    for number in range(rounds):
        for loaded in (bare, ours) if number % 2 == 0 else (ours, bare):
            measured[id(loaded)].append(loaded.load(seconds))
    return Figures(measured[id(bare)]), Figures(measured[id(ours)])


def raise_open_files(wanted: int) -> str:
    """Raise this process's soft ``nofile`` limit to the hard one if under ``wanted``; wrk and
    the servers, started from here, inherit it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < wanted:
        soft = hard if hard == resource.RLIM_INFINITY else max(min(hard, wanted), soft)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    verdict = "enough" if soft >= wanted else "TOO FEW: connections will fail"
    return f"open files: soft limit {soft} (hard {hard}), {wanted} wanted: {verdict}"


def print_figures(name: str, figures: Figures, connections: int) -> None:
    """Rate, latency and CPU; the mean latency is Little's: every connection always has a
    request in flight, so it is connections / rate."""
    print(
        f"  {name:<10} {figures.rate:9.1f} {1000 * connections / figures.rate:9.1f} "
        f"{figures.percentile_ms(50):8.1f} {figures.percentile_ms(99):8.1f} {figures.errors:7d}    "
        f"{figures.cpu_share('server'):4.0%} {figures.cpu_share('generator'):10.0%} "
        f"{figures.cpu_share('others'):7.0%}"
    )


def print_camera_count(requests: int, slices: list[Slice], cache_seconds: float) -> None:
    """At most one fetch per cache period: a slice of d seconds asks the camera ceil(d / cache)
    times at most (fewer when the frame from the slice before is still fresh)."""
    loaded = sum(s.seconds for s in slices)
    most = sum(math.ceil(s.seconds / cache_seconds) for s in slices)
    served = sum(s.created + s.errors for s in slices)
    verdict = "cached, one fetch at a time" if requests <= most else "MORE than the cache allows"
    print(
        f"  the camera answered {requests} requests for {served:,} snapshots served in "
        f"{loaded:.0f} s under load ({len(slices)} slices; at most {most} with one fetch per "
        f"{cache_seconds:g} s): {verdict}"
    )


def snapshots(args: argparse.Namespace, workdir: Path) -> None:
    print("1. snapshots from the cache")
    if not shutil.which("wrk"):
        print("  skipped: wrk is not installed (apt-get install wrk)")
        return
    print(f"  {raise_open_files(args.connections + 100)}")
    frame = camera_frame()
    frame_path = workdir / "frame.jpg"
    frame_path.write_bytes(frame)
    script = workdir / "get.lua"
    script.write_text(WRK_SCRIPT)
    admin = ("--email", ADMIN["email"], "--password", ADMIN["password"], "--role", "admin")
    prepare_smartcity(
        workdir / "smartcity", (("db", "upgrade"), ("users", "create", *admin)), **QUIET_MONITOR
    )
    cache_seconds = cctv_settings({}).snapshot_cache_seconds
    slice_seconds = max(1, round(args.seconds / args.rounds))
    with ExitStack() as servers:
        camera = servers.enter_context(
            running(start_script_server("camera", workdir / "camera", frame_path))
        )
        bare_server = servers.enter_context(
            running(start_script_server("bare", workdir / "bare", frame_path))
        )
        ours_server = servers.enter_context(
            running(start_smartcity(workdir / "smartcity", **QUIET_MONITOR))
        )
        register_camera(ours_server, camera)
        bare = Loaded(bare_server, BARE_PATH, Wrk(script, args.connections))
        ours = Loaded(ours_server, SNAPSHOT_PATH, Wrk(script, args.connections))
        print(f"  a {len(frame) / 1000:.0f} KB JPEG ({FRAME_SIZE[0]}x{FRAME_SIZE[1]}) at both")
        print(f"  first snapshot: {check_snapshot(ours.url, frame)}")
        asked_before = camera_count(camera)
        print(
            f"  wrk, {WRK_THREADS} threads, {args.connections} keep-alive connections; per "
            f"server {WARMUP_SECONDS} s warm-up, then {args.rounds} alternating slices of "
            f"{slice_seconds} s; {os.cpu_count()} cores"
        )
        bare_figures, ours_figures = alternate(bare, ours, args.rounds, slice_seconds)
        asked = camera_count(camera) - asked_before
    print("\n  server         200/s   mean ms   p50 ms   p99 ms  errors  CPU: server", end="")
    print(" generator  others")
    print_figures("bare", bare_figures, args.connections)
    print_figures("smartcity", ours_figures, args.connections)
    print(f"  ratio smartcity/bare: {ours_figures.rate / bare_figures.rate:.2f}")
    for name, loaded in (("bare", bare), ("smartcity", ours)):
        print(
            f"  {name}, warm-up included: replies not 200: {loaded.wrk.replies_not_200}, "
            f"socket errors: {loaded.wrk.socket_errors}"
        )
    print_camera_count(asked, ours.slices, cache_seconds)


# --- part 2: one health sweep ----------------------------------------------------------------


def slow_cameras(count: int, share: float) -> set[int]:
    """floor(count x share) camera numbers, spread evenly over the ids."""
    return {n for n in range(count) if math.floor((n + 1) * share) > math.floor(n * share)}


def add_cameras(app: Flask, urls: list[str], count: int, share: float) -> set[str]:
    """``count`` public jpeg cameras over the city, the servers taking turns; the ids of the
    slow ones."""
    slow = slow_cameras(count, share)
    rng = random.Random(2026)
    cameras = [
        Camera(
            id=f"bench-{number:05d}",
            name=f"Bench camera {number}",
            lat=rng.uniform(*CITY_LAT),
            lon=rng.uniform(*CITY_LON),
            source_kind="jpeg",
            snapshot_url=f"{urls[number % len(urls)]}/{'slow' if number in slow else 'fast'}/"
            f"{number}.jpg",
            visibility="public",
            tags=[],
            status="unknown",
        )
        for number in range(count)
    ]
    with app.app_context():
        db.session().add_all(cameras)
        db.session().commit()
        db.database().session.remove()
    return {f"bench-{number:05d}" for number in slow}


@dataclass
class Probe:
    """GET ``LIST_PATH`` through the test client every PROBE_EVERY_SECONDS; each answer's delay
    counts from when the request was due, so time the greenlet waited for the hub counts."""

    app: Flask
    delays: list[float] = field(default_factory=list)
    not_200: int = 0

    def run(self, stopping: Event) -> None:
        client = self.app.test_client()
        due = time.perf_counter()
        while not stopping.is_set():
            gevent.sleep(max(0.0, due - time.perf_counter()))
            status = client.get(LIST_PATH).status_code
            finished = time.perf_counter()
            self.delays.append(finished - due)
            self.not_200 += status != 200
            due = max(due + PROBE_EVERY_SECONDS, finished)

    def describe(self) -> str:
        if not self.delays:
            return "no requests"
        ordered = sorted(self.delays)
        p90, p99 = (ordered[math.ceil(share * len(ordered)) - 1] for share in (0.9, 0.99))
        return (
            f"{len(ordered)} requests, p50 {statistics.median(ordered) * 1000:.0f} ms, "
            f"p90 {p90 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, max {ordered[-1] * 1000:.0f} ms, "
            f"not 200: {self.not_200}"
        )


def probed(app: Flask, action: Callable[[], Any]) -> tuple[Any, Probe]:
    """Run ``action`` with the probe going; its result and the probe."""
    probe, stopping = Probe(app), Event()
    greenlet = gevent.spawn(probe.run, stopping)
    try:
        result = action()
    finally:
        stopping.set()
        greenlet.join()
    return result, probe


def stored_statuses(app: Flask) -> tuple[dict[str, int], set[str]]:
    """Cameras per status as committed, and the ids of the degraded ones."""
    with app.app_context():
        session = db.session()
        query = select(Camera.status, func.count()).group_by(Camera.status)
        counts = dict(session.execute(query).all())
        degraded = set(session.scalars(select(Camera.id).where(Camera.status == "degraded")))
        db.database().session.remove()
    return {str(status): int(count) for status, count in counts.items()}, degraded


def health_sweep(args: argparse.Namespace, workdir: Path) -> None:
    print("\n2. one health sweep")
    started = time.perf_counter()
    app = smartcity_app(workdir / "sweep")
    settings = cctv_settings(app.config["SMARTCITY"])
    camera = CameraApp(camera_frame())
    servers = [serve_camera(camera) for _ in range(CAMERA_SERVERS)]
    urls = [f"http://{HOST}:{server.server_port}" for server in servers]
    slow = add_cameras(app, urls, args.cameras, args.slow_share)
    print(
        f"  {args.cameras} cameras on {CAMERA_SERVERS} local servers, {len(slow)} answering "
        f"after {SLOW_CAMERA_SECONDS:g} s (app set up in {time.perf_counter() - started:.1f} s); "
        f"health_concurrency {settings.health_concurrency}, slow_ms {settings.slow_ms:g}, "
        f"timeout {settings.snapshot_timeout_seconds:g} s"
    )
    app.test_client().get(LIST_PATH)  # the first request builds what later ones reuse
    _, idle = probed(app, lambda: gevent.sleep(IDLE_PROBE_SECONDS))
    started = time.perf_counter()
    result, during = probed(app, lambda: sweep(app))
    wall = time.perf_counter() - started
    for server in servers:
        server.stop(timeout=1)
    verdict = "met" if wall < SWEEP_TARGET_SECONDS else "NOT met"
    print(
        f"  sweep: {wall:.2f} s wall ({result.seconds:.2f} s by its own clock); target under "
        f"{SWEEP_TARGET_SECONDS:g} s: {verdict}"
    )
    print(
        f"  statuses: {dict(result.statuses)}; changed {result.changed}, unchecked "
        f"{result.unchecked}, outage complaints {result.complaints}"
    )
    stored, degraded = stored_statuses(app)
    expected = "as expected" if degraded == slow else "NOT the slow ones"
    print(f"  committed: {stored}; the degraded cameras are {expected}")
    print(f"  the cameras were asked: {dict(camera.requests)}")
    print(f"  GET {LIST_PATH} every {PROBE_EVERY_SECONDS * 1000:.0f} ms, delay from when due:")
    print(f"    before the sweep: {idle.describe()}")
    print(f"    during the sweep: {during.describe()}")


# --- the benchmark ---------------------------------------------------------------------------


def benchmark(args: argparse.Namespace, workdir: Path) -> None:
    started = time.perf_counter()
    snapshots(args, workdir)
    health_sweep(args, workdir)
    print(f"\n{time.perf_counter() - started:.0f} s in all")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=20, help="measured time per server")
    parser.add_argument("--rounds", type=int, default=4, help="slices the time is cut into")
    parser.add_argument("--connections", type=int, default=500, help="wrk's connections")
    parser.add_argument("--cameras", type=int, default=800, help="cameras in the sweep")
    parser.add_argument("--slow-share", type=float, default=0.1, help="share of slow cameras")
    parser.add_argument("--serve", choices=("camera", "bare"), help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--frame", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port, args.frame)
        return
    run_isolated("cctv", lambda workdir: benchmark(args, workdir))


if __name__ == "__main__":
    main()
