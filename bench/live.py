"""Latency from POST /api/v1/complaints to ``complaint.created`` at every connected console.

Starts smartcity (``smartcity run``, demo city loaded) and the bare stack of
bench/bare.py as separate processes on free ports of 127.0.0.1. For each, it
connects the consoles (default 200) as Socket.IO clients over websocket; on
smartcity they sign in as dlh staff (a token from POST /api/v1/auth/token), so
the server puts them in room ``agency:dlh``. Then it posts complaints of
category garbage (a dlh category) one every 50 ms and, matching by complaint
id, takes for every console the time from sending the POST to receiving the
event. The bare stack does the same job with one ORM insert and one
``socketio.emit`` to a room all its consoles are in.

The consoles are light raw Engine.IO v4 / Socket.IO v5 clients on
websocket-client and gevent, all in this process: on a 2-core machine this
process competes with the server for CPU, and the last console of a broadcast
is timed only after this process has read the frames before it. Its CPU use
is printed with the figures.

    .venv/bin/python bench/live.py [--consoles 200] [--complaints 100] [--interval-ms 50]
"""

from __future__ import annotations

# Patch first: the consoles and the poster run on gevent's cooperative sockets.
from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import http.client  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import struct  # noqa: E402
import time  # noqa: E402
from collections import defaultdict  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import BinaryIO  # noqa: E402

import gevent  # noqa: E402
import gevent.pool  # noqa: E402
import websocket  # noqa: E402
from intake import (  # noqa: E402
    HOST,
    Server,
    complaint_fields,
    own_cpu_seconds,
    prepare_smartcity,
    running,
    start_bare,
    start_smartcity,
)
from isolated import run_isolated  # noqa: E402

STAFF = {"email": "dlh@demo.smartcity", "password": "dlh-demo-2014"}
EVENT = "complaint.created"
TARGET_P99_MS = 100.0
REFERENCE = (
    "bare Flask-SocketIO room broadcast, time until the last console has it "
    "(PERFORMANCE.md): 100 consoles p50 7 ms, p99 10 ms; 1,000 consoles p50 47 ms, p99 70 ms"
)
CONNECTING_AT_ONCE = 20
SETTLE_SECONDS = 5.0
CLOSE_OPCODE = 0x8


# --- consoles --------------------------------------------------------------------------------


@dataclass
class Arrivals:
    """When each console heard ``complaint.created`` for each complaint id."""

    times: dict[int, list[float]] = field(default_factory=lambda: defaultdict(list))

    def record(self, message: bytes, at: float) -> None:
        name, payload = json.loads(message[2:])[:2]
        if name == EVENT:
            self.times[int(payload["id"])].append(at)

    def count(self, complaint_ids: list[int]) -> int:
        return sum(len(self.times.get(complaint_id, ())) for complaint_id in complaint_ids)


class Console:
    """A Socket.IO client over websocket that only listens, answering the server's pings.

    websocket-client does the handshake and the Socket.IO connect; the events
    are then read straight off a buffered socket (the server's frames are
    unmasked and unfragmented), which costs this process a fraction of the CPU
    that websocket-client's frame-by-frame reads take.
    """

    def __init__(self, server: Server, token: str | None, arrivals: Arrivals) -> None:
        url = f"ws://{HOST}:{server.port}/socket.io/?EIO=4&transport=websocket"
        self.socket = websocket.create_connection(url, timeout=30, skip_utf8_validation=True)
        self.socket.recv()  # Engine.IO open packet: "0{sid, pingInterval, ...}"
        self.socket.send("40" + json.dumps({"token": token} if token else {}))
        answer = self.socket.recv()
        if not answer.startswith("40"):
            raise RuntimeError(f"Socket.IO connection refused: {answer}")
        self.socket.sock.settimeout(None)
        self.frames = self.socket.sock.makefile("rb")
        self.arrivals = arrivals
        self.listener = gevent.spawn(self._listen)

    def _listen(self) -> None:
        while True:
            try:
                opcode, message = read_frame(self.frames)
            except (OSError, ValueError, struct.error):
                return
            received_at = time.perf_counter()
            if opcode == CLOSE_OPCODE:
                return
            if message == b"2":  # Engine.IO ping
                self.socket.send("3")
            elif message.startswith(b"42"):  # Socket.IO event on the default namespace
                self.arrivals.record(message, received_at)

    def close(self) -> None:
        self.listener.kill()
        self.socket.close()


def read_frame(frames: BinaryIO) -> tuple[int, bytes]:
    """One unmasked websocket frame: its opcode and payload."""
    header = frames.read(2)
    if len(header) < 2:
        raise ValueError("connection closed")
    length = header[1] & 0x7F
    if length == 126:
        (length,) = struct.unpack("!H", frames.read(2))
    elif length == 127:
        (length,) = struct.unpack("!Q", frames.read(8))
    return header[0] & 0x0F, frames.read(length)


@contextmanager
def connected(
    server: Server, token: str | None, count: int, arrivals: Arrivals
) -> Iterator[list[Console]]:
    pool = gevent.pool.Pool(CONNECTING_AT_ONCE)
    consoles = pool.map(lambda _: Console(server, token, arrivals), range(count))
    try:
        yield consoles
    finally:
        for console in consoles:
            console.close()


# --- posting ---------------------------------------------------------------------------------


def staff_token(server: Server) -> str:
    connection = http.client.HTTPConnection(HOST, server.port, timeout=30)
    body = json.dumps(STAFF)
    connection.request("POST", "/api/v1/auth/token", body, {"Content-Type": "application/json"})
    response = connection.getresponse()
    if response.status != 200:
        raise RuntimeError(f"sign-in failed: {response.status} {response.read()[:200]!r}")
    return str(json.loads(response.read())["token"])


@dataclass
class Posted:
    """When each complaint's POST was sent, by complaint id, and the replies that were not 201."""

    sent_at: dict[int, float] = field(default_factory=dict)
    errors: int = 0


def post_complaints(server: Server, path: str, count: int, interval: float) -> Posted:
    """POST one complaint every ``interval`` seconds over one keep-alive connection."""
    connection = http.client.HTTPConnection(HOST, server.port, timeout=30)
    headers = {"Content-Type": "application/json"}
    body = json.dumps(complaint_fields())
    posted = Posted()
    next_at = time.perf_counter()
    for _ in range(count):
        gevent.sleep(max(0.0, next_at - time.perf_counter()))
        next_at += interval
        sent_at = time.perf_counter()
        connection.request("POST", path, body, headers)
        response = connection.getresponse()
        reply = response.read()
        if response.status == 201:
            posted.sent_at[int(json.loads(reply)["id"])] = sent_at
        else:
            posted.errors += 1
    connection.close()
    return posted


def wait_for_deliveries(arrivals: Arrivals, posted: Posted, consoles: int) -> None:
    expected = len(posted.sent_at) * consoles
    deadline = time.perf_counter() + SETTLE_SECONDS
    ids = list(posted.sent_at)
    while arrivals.count(ids) < expected and time.perf_counter() < deadline:
        gevent.sleep(0.05)


# --- figures ---------------------------------------------------------------------------------


@dataclass
class Figures:
    """Latencies in ms: every delivery, and per complaint the last console to hear it."""

    name: str
    expected: int
    deliveries: list[float]
    last_per_complaint: list[float]
    errors: int
    server_cpu_share: float
    client_cpu_share: float

    @property
    def missing(self) -> int:
        return self.expected - len(self.deliveries)


def percentile(values: list[float], percent: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[max(0, math.ceil(len(ordered) * percent / 100) - 1)]


@dataclass
class Load:
    """What one server went through: the consoles' arrivals, the posts, the CPU shares."""

    arrivals: Arrivals
    posted: Posted
    server_cpu_share: float
    client_cpu_share: float


def summarize(name: str, load: Load, consoles: int) -> Figures:
    deliveries: list[float] = []
    last: list[float] = []
    for complaint_id, sent_at in load.posted.sent_at.items():
        latencies = [(at - sent_at) * 1000 for at in load.arrivals.times.get(complaint_id, [])]
        deliveries += latencies
        if len(latencies) == consoles:
            last.append(max(latencies))
    return Figures(
        name=name,
        expected=(len(load.posted.sent_at) + load.posted.errors) * consoles,
        deliveries=deliveries,
        last_per_complaint=last,
        errors=load.posted.errors,
        server_cpu_share=load.server_cpu_share,
        client_cpu_share=load.client_cpu_share,
    )


def measure(server: Server, path: str, token: str | None, args: argparse.Namespace) -> Load:
    """Connect the consoles, post the complaints, wait for the events to arrive."""
    arrivals = Arrivals()
    with connected(server, token, args.consoles, arrivals):
        gevent.sleep(0.5)  # let the last connections settle into their rooms
        server_before, client_before = server.cpu_seconds(), own_cpu_seconds()
        started = time.perf_counter()
        posted = post_complaints(server, path, args.complaints, args.interval_ms / 1000)
        wait_for_deliveries(arrivals, posted, args.consoles)
        elapsed = time.perf_counter() - started
        server_share = (server.cpu_seconds() - server_before) / elapsed
        client_share = (own_cpu_seconds() - client_before) / elapsed
    return Load(arrivals, posted, server_share, client_share)


def print_figures(figures: Figures) -> None:
    every, last = figures.deliveries, figures.last_per_complaint
    print(
        f"  {figures.name:<10} {len(every):6d} {figures.missing:8d} {figures.errors:7d} "
        f"{percentile(every, 50):7.1f} {percentile(every, 99):7.1f} "
        f"{max(every, default=float('nan')):7.1f}   {percentile(last, 50):6.1f} "
        f"{percentile(last, 99):6.1f}   {figures.server_cpu_share:4.0%} "
        f"{figures.client_cpu_share:7.0%}"
    )


def print_verdict(ours: Figures, bare: Figures) -> None:
    p99 = percentile(ours.deliveries, 99)
    ratio = p99 / percentile(bare.deliveries, 99)
    verdict = "met" if p99 < TARGET_P99_MS and ours.missing == 0 else "NOT met"
    print(f"  p99 smartcity/bare: {ratio:.2f}")
    print(
        f"  target: p99 over all deliveries under {TARGET_P99_MS:.0f} ms, none missing: {verdict}"
    )
    print(f"  reference, {REFERENCE}")


def benchmark(args: argparse.Namespace, workdir: Path) -> None:
    print(
        f"{args.consoles} consoles (raw Socket.IO websocket clients in this one gevent process), "
        f"{args.complaints} complaints, one every {args.interval_ms:g} ms"
    )
    prepare_smartcity(workdir / "smartcity")
    with running(start_smartcity(workdir / "smartcity")) as server:
        ours_load = measure(server, "/api/v1/complaints", staff_token(server), args)
    with running(start_bare(workdir / "bare")) as server:
        bare_load = measure(server, "/reports/announced", None, args)
    ours = summarize("smartcity", ours_load, args.consoles)
    bare = summarize("bare", bare_load, args.consoles)
    print(
        "\n  server     deliveries missing errors  p50 ms  p99 ms  max ms   last console: "
        "p50   p99   CPU: server client"
    )
    print_figures(ours)
    print_figures(bare)
    print_verdict(ours, bare)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--consoles", type=int, default=200)
    parser.add_argument("--complaints", type=int, default=100)
    parser.add_argument("--interval-ms", type=float, default=50.0)
    args = parser.parse_args()
    run_isolated("live", lambda workdir: benchmark(args, workdir))


if __name__ == "__main__":
    main()
