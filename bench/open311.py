"""Open311 GET service requests, 1,000-result pages in JSON and XML, against the native list.

One smartcity server (``smartcity run`` after ``smartcity db upgrade`` and ``smartcity demo``,
rate limiter off) on a free port of 127.0.0.1, with a temporary instance folder, stopped by its
pid at the end. ``--complaints`` public complaints (default 1,200) are filed first through the
native API at points spread over Jakarta, so that every page is full. Then, after a warm-up
each, in alternating slices, ``--connections`` keep-alive clients (gevent, in this process)
load three URLs:

- native: ``GET /api/v1/complaints?limit=200`` (the native list's largest page);
- open311 json: ``GET /open311/v2/requests.json`` (its default page: the newest 1,000 of the
  last 90 days);
- open311 xml: ``GET /open311/v2/requests.xml``.

Printed per URL: pages per second, complaints per second (pages times the complaints one page
holds, counted from a parsed page), MB per second, p50/p99 latency, errors (any status but
200), the server's CPU share, and the ratio of complaints per second open311 / native: how
much an Open311 reader costs the server per complaint against the platform's own API.

    .venv/bin/python bench/open311.py [--seconds 12] [--rounds 3] [--connections 4]
        [--complaints 1200]
"""

from __future__ import annotations

# Patch first: the clients run on gevent's cooperative sockets.
from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import time  # noqa: E402
import xml.etree.ElementTree as ElementTree  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402

import gevent  # noqa: E402
import requests  # noqa: E402
from gevent.pool import Pool  # noqa: E402
from intake import HOST, Server, prepare_smartcity, running, start_smartcity  # noqa: E402
from isolated import run_isolated  # noqa: E402

JAKARTA = {"lat": (-6.30, -6.10), "lon": (106.70, 106.95)}
CATEGORIES = ("garbage", "pothole", "traffic_light")


@dataclass
class Reader:
    """One URL, the complaints a page of it holds, and what its slices measured."""

    name: str
    path: str
    per_page: int = 0
    pages: int = 0
    errors: int = 0
    received_bytes: int = 0
    seconds: float = 0.0
    server_cpu: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)

    def percentile_ms(self, percent: float) -> float:
        ordered = sorted(self.latencies_ms)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(len(ordered) * percent / 100))]

    @property
    def complaints_per_second(self) -> float:
        return self.pages * self.per_page / self.seconds


def file_complaints(server: Server, count: int) -> None:
    """Public complaints through the native API, 16 at a time."""
    randomness = random.Random(311)
    session = requests.Session()

    def file_one(number: int) -> None:
        body = {
            "category": CATEGORIES[number % len(CATEGORIES)],
            "description": f"Laporan uji nomor {number}: masalah di jalan, mohon ditangani.",
            "lat": randomness.uniform(*JAKARTA["lat"]),
            "lon": randomness.uniform(*JAKARTA["lon"]),
        }
        answer = session.post(f"{server.url}/api/v1/complaints", json=body, timeout=30)
        if answer.status_code != 201:
            raise RuntimeError(f"filing failed: {answer.status_code} {answer.text[:200]}")

    started = time.perf_counter()
    Pool(16).map(file_one, range(count))
    print(f"filed {count} complaints in {time.perf_counter() - started:.1f} s")


def complaints_in_page(reader: Reader, body: bytes) -> int:
    if reader.path.endswith(".xml"):
        return len(ElementTree.fromstring(body).findall("request"))
    page = json.loads(body)
    return len(page["items"] if isinstance(page, dict) else page)


def load(server: Server, reader: Reader, seconds: float, connections: int) -> None:
    """``connections`` clients GET the reader's URL again and again for ``seconds``."""
    url = server.url + reader.path
    stop_at = time.perf_counter() + seconds

    def client() -> None:
        session = requests.Session()
        while time.perf_counter() < stop_at:
            sent = time.perf_counter()
            answer = session.get(url, timeout=60)
            reader.latencies_ms.append((time.perf_counter() - sent) * 1000)
            if answer.status_code == 200:
                reader.pages += 1
                reader.received_bytes += len(answer.content)
            else:
                reader.errors += 1

    cpu_before, started = server.cpu_seconds(), time.perf_counter()
    gevent.joinall([gevent.spawn(client) for _ in range(connections)], raise_error=True)
    reader.seconds += time.perf_counter() - started
    reader.server_cpu += server.cpu_seconds() - cpu_before


def benchmark(args: argparse.Namespace, workdir: Path) -> None:
    prepare_smartcity(workdir / "smartcity")
    with running(start_smartcity(workdir / "smartcity")) as server:
        file_complaints(server, args.complaints)
        readers = [
            Reader("native", "/api/v1/complaints?limit=200"),
            Reader("open311 json", "/open311/v2/requests.json"),
            Reader("open311 xml", "/open311/v2/requests.xml"),
        ]
        for reader in readers:
            first = requests.get(server.url + reader.path, timeout=60)
            first.raise_for_status()
            reader.per_page = complaints_in_page(reader, first.content)
            load(server, Reader(reader.name, reader.path), args.warmup, args.connections)
        slice_seconds = args.seconds / args.rounds
        for round_number in range(args.rounds):
            order = readers if round_number % 2 == 0 else list(reversed(readers))
            for reader in order:
                load(server, reader, slice_seconds, args.connections)

    print(
        f"\n{args.connections} keep-alive clients on {HOST}; per URL {args.warmup} s warm-up, "
        f"then {args.rounds} alternating slices of {slice_seconds:.1f} s"
    )
    print(
        "  url            per page  pages/s  complaints/s    MB/s   p50 ms   p99 ms  errors  "
        "server CPU"
    )
    for reader in readers:
        print(
            f"  {reader.name:<14} {reader.per_page:8d} {reader.pages / reader.seconds:8.1f} "
            f"{reader.complaints_per_second:13.0f} "
            f"{reader.received_bytes / reader.seconds / 1e6:7.1f} "
            f"{reader.percentile_ms(50):8.1f} {reader.percentile_ms(99):8.1f} "
            f"{reader.errors:7d}  {reader.server_cpu / reader.seconds:9.0%}"
        )
    native = readers[0].complaints_per_second
    for reader in readers[1:]:
        ratio = reader.complaints_per_second / native
        print(f"  {reader.name} / native, complaints per second: {ratio:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=12, help="measured time per URL")
    parser.add_argument("--rounds", type=int, default=3, help="slices the time is cut into")
    parser.add_argument("--warmup", type=float, default=2, help="warm-up seconds per URL")
    parser.add_argument("--connections", type=int, default=4, help="keep-alive clients")
    parser.add_argument("--complaints", type=int, default=1200, help="complaints filed first")
    args = parser.parse_args()
    run_isolated("open311", lambda workdir: benchmark(args, workdir))


if __name__ == "__main__":
    main()
