"""Complaints accepted per second, as JSON and with a photo, against the bare Flask + ORM insert.

Starts two servers as separate processes on free ports of 127.0.0.1, each with
a temporary instance folder and the rate limiter off: smartcity
(``smartcity run``, demo city loaded) and the bare stack of bench/bare.py,
served the same way. Then, for JSON and for multipart with a ~200 KB phone
JPEG (EXIF with GPS, so the stripping path runs), it loads each server with
32 keep-alive connections and prints accepted complaints per second, p50/p99
latency, errors (any reply but 201) and the ratio smartcity/bare; the target
is a ratio of at least 0.50.

The two servers take turns in short slices (bare, smartcity, smartcity, bare,
...) after a warm-up each, so a change in what else the machine is doing
affects both alike; the CPU used by the server, the load generator and other
processes is printed beside each figure. Load comes from ``wrk`` when it is
installed (Debian package wrk), else from a gevent load generator in this
process. Afterwards the rows in each database are counted against the 201s.

    .venv/bin/python bench/intake.py [--seconds 10] [--rounds 5] [--load-generator auto]
"""

from __future__ import annotations

# Patch first: the built-in load generator runs on gevent's cooperative sockets.
from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import socket  # noqa: E402
import sqlite3  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from contextlib import ExitStack, contextmanager  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Protocol  # noqa: E402

import gevent  # noqa: E402
from PIL import ExifTags, Image, ImageDraw, ImageFilter  # noqa: E402

BENCH = Path(__file__).resolve().parent
HOST = "127.0.0.1"
CONNECTIONS = 32
TARGET_RATIO = 0.5
JAKARTA_POINT = {"lat": -6.1862, "lon": 106.8341}
DESCRIPTION = "Sampah menumpuk di depan pasar sejak tiga hari, belum diangkut dan mulai berbau."
TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")
QUANTILES = 200  # latency kept per slice as its 0.5 %, 1 %, ... 100 % quantiles


# --- servers ---------------------------------------------------------------------------------


@dataclass
class Server:
    """A server process on 127.0.0.1, its instance folder and its log."""

    name: str
    process: subprocess.Popen[bytes]
    port: int
    instance: Path
    log: Path

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def cpu_seconds(self) -> float:
        """User plus system CPU time the process has used so far (from /proc)."""
        stat = Path(f"/proc/{self.process.pid}/stat").read_text().rpartition(")")[2].split()
        return (int(stat[11]) + int(stat[12])) / TICKS_PER_SECOND


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def smartcity_environment(instance: Path, **extra: str) -> dict[str, str]:
    """This machine's environment without SMARTCITY_* settings, plus the benchmark's own
    (and ``extra`` SMARTCITY_* settings of a benchmark's)."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SMARTCITY_")}
    environment.update(
        SMARTCITY_INSTANCE_PATH=str(instance),
        SMARTCITY_DATABASE_URL=f"sqlite:///{instance / 'smartcity.sqlite3'}",
        SMARTCITY_RATE_LIMIT_ENABLED="false",
        **extra,
    )
    return environment


def smartcity_command(*arguments: str) -> list[str]:
    return [str(Path(sys.executable).with_name("smartcity")), *arguments]


def prepare_smartcity(
    instance: Path,
    commands: tuple[tuple[str, ...], ...] = (("db", "upgrade"), ("demo",)),
    **settings: str,
) -> None:
    """Run the ``smartcity`` commands that prepare the instance: by default migrate the
    database and load the demo city (agencies, categories, accounts)."""
    for arguments in commands:
        subprocess.run(
            smartcity_command(*arguments),
            env=smartcity_environment(instance, **settings),
            check=True,
            capture_output=True,
        )


def start_smartcity(instance: Path, **settings: str) -> Server:
    port = free_port()
    command = smartcity_command("run", "--host", HOST, "--port", str(port))
    return start("smartcity", command, port, instance, smartcity_environment(instance, **settings))


def start_bare(instance: Path) -> Server:
    port = free_port()
    command = [sys.executable, str(BENCH / "bare.py"), "--port", str(port)]
    return start("bare", [*command, "--instance", str(instance)], port, instance, dict(os.environ))


def start(
    name: str, command: list[str], port: int, instance: Path, environment: dict[str, str]
) -> Server:
    """Start a server with its output in <instance>/<name>.log; return once /health answers."""
    instance.mkdir(parents=True, exist_ok=True)
    log = instance / f"{name}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, env=environment, stdout=output, stderr=subprocess.STDOUT
        )
    server = Server(name, process, port, instance, log)
    _wait_until_ready(server)
    return server


def _wait_until_ready(server: Server, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and server.process.poll() is None:
        try:
            with urllib.request.urlopen(server.url + "/health", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    stop(server)
    raise RuntimeError(f"{server.name} did not start; its log:\n{server.log.read_text()[-3000:]}")


def stop(server: Server) -> None:
    """SIGTERM (SIGINT may be ignored in a background job), then SIGKILL after 10 s."""
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


@contextmanager
def running(server: Server) -> Iterator[Server]:
    try:
        yield server
    finally:
        stop(server)


# --- what is sent ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Payload:
    """One complaint as a request body, sent again and again."""

    kind: str
    content_type: str
    body: bytes


def complaint_fields() -> dict[str, object]:
    return {"category": "garbage", "description": DESCRIPTION, **JAKARTA_POINT}


def json_payload() -> Payload:
    return Payload("JSON", "application/json", json.dumps(complaint_fields()).encode())


def multipart_payload(photo: bytes) -> Payload:
    boundary = "----smartcity-bench-7d1f0c2e"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in complaint_fields().items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="photo"; '
        f'filename="IMG_20240501_081500.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'.encode()
        + photo
        + f"\r\n--{boundary}--\r\n".encode()
    )
    kind = f"multipart with a {len(photo) // 1000} KB photo"
    return Payload(kind, f"multipart/form-data; boundary={boundary}", b"".join(parts))


def phone_photo(size: tuple[int, int] = (1280, 960), seed: int = 2014) -> bytes:
    """A photo-like JPEG of about 200 KB with the EXIF a phone writes, GPS position included.

    Smooth colour regions, sensor-like grain and hard-edged shapes give it the
    entropy of a street photo, so it compresses like one.
    """
    rng = random.Random(seed)
    width, height = size
    regions = Image.frombytes("RGB", (16, 12), rng.randbytes(16 * 12 * 3))
    regions = regions.resize(size, Image.Resampling.BICUBIC)
    grain_size = (width // 2, height // 2)
    grain = Image.frombytes("L", grain_size, rng.randbytes(grain_size[0] * grain_size[1]))
    grain = grain.resize(size, Image.Resampling.BILINEAR)
    image = Image.blend(regions, Image.merge("RGB", (grain, grain, grain)), 0.3)
    draw = ImageDraw.Draw(image)
    for _ in range(40):
        x, y = rng.randrange(width), rng.randrange(height)
        corner = (x + rng.randrange(20, 300), y + rng.randrange(20, 200))
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        draw.rectangle((x, y, *corner), fill=colour)
    output = io.BytesIO()
    image.filter(ImageFilter.GaussianBlur(0.7)).save(output, "JPEG", quality=85, exif=phone_exif())
    return output.getvalue()


def phone_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "samsung"
    exif[ExifTags.Base.Model] = "SM-A525F"
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.DateTime] = "2024:05:01 08:15:00"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "S"
    gps[ExifTags.GPS.GPSLatitude] = (6.0, 11.0, 10.3)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (106.0, 50.0, 2.8)
    return exif


# --- load generators -------------------------------------------------------------------------


@dataclass
class Slice:
    """One load run against one server.

    ``seconds``: under load; ``cut_off``: requests sent but unanswered when the
    run stopped; ``*_cpu``: CPU seconds used by the server, the load generator and
    the whole machine in ``wall_seconds``, the run from start to exit.
    """

    seconds: float
    created: int
    errors: int
    quantiles_ms: list[float]
    cut_off: int = 0
    server_cpu: float = 0.0
    generator_cpu: float = 0.0
    machine_cpu: float = 0.0
    wall_seconds: float = 0.0


class LoadGenerator(Protocol):
    name: str

    def run(self, url: str, payload: Payload, seconds: int) -> Slice: ...


WRK_SCRIPT = """
-- POST the file args[1] as Content-Type args[2]; count requests sent, 201s and other replies.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  local file = assert(io.open(args[1], "rb"))
  local body = file:read("*a")
  file:close()
  prepared = wrk.format("POST", nil, {["Content-Type"] = args[2]}, body)
  sent, created, other = 0, 0, 0
end

function request()
  sent = sent + 1
  return prepared
end

function response(status, headers, body)
  if status == 201 then created = created + 1 else other = other + 1 end
end

function done(summary, latency, requests)
  local sent, created, other = 0, 0, 0
  for _, thread in ipairs(threads) do
    sent = sent + thread:get("sent")
    created = created + thread:get("created")
    other = other + thread:get("other")
  end
  local count, quantiles = 200, {}  -- as QUANTILES in intake.py
  for i = 1, count - 1 do
    quantiles[i] = latency:percentile(100 * i / count) / 1000
  end
  quantiles[count] = latency.max / 1000  -- percentile(100) is out of wrk's range
  local e = summary.errors
  io.write(string.format(
    'RESULT {"seconds": %f, "sent": %d, "created": %d, "other": %d, ' ..
    '"socket_errors": %d, "quantiles_ms": [%s]}\\n',
    summary.duration / 1e6, sent, created, other, e.connect + e.read + e.write + e.timeout,
    table.concat(quantiles, ", ")))
end
"""


class WrkLoad:
    """wrk with a Lua script: C speed, so the generator takes little CPU from the server."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.script = workdir / "post.lua"
        self.script.write_text(WRK_SCRIPT)
        version = subprocess.run(["wrk", "-v"], capture_output=True, text=True)
        self.name = (version.stdout + version.stderr).split("[")[0].strip() or "wrk"

    def run(self, url: str, payload: Payload, seconds: int) -> Slice:
        body = self.workdir / "body"
        body.write_bytes(payload.body)
        command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s"]
        command += ["-s", str(self.script), url, "--", str(body), payload.content_type]
        before = children_cpu_seconds()
        finished = subprocess.run(command, capture_output=True, text=True, check=True)
        line = next(x for x in finished.stdout.splitlines() if x.startswith("RESULT "))
        figures = json.loads(line.removeprefix("RESULT "))
        answered = figures["created"] + figures["other"]
        return Slice(
            seconds=figures["seconds"],
            created=figures["created"],
            errors=figures["other"] + figures["socket_errors"],
            quantiles_ms=figures["quantiles_ms"],
            cut_off=max(figures["sent"] - answered, 0),
            generator_cpu=children_cpu_seconds() - before,
        )


def children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    created: int = 0
    errors: int = 0


class GeventLoad:
    """Keep-alive connections on gevent sockets, each sending a request after the last reply.

    Each connection finishes the request it has in flight when time is up, so
    the 201s counted are exactly the complaints stored.
    """

    name = "built-in gevent load generator"

    def run(self, url: str, payload: Payload, seconds: int) -> Slice:
        host_port, _, path = url.removeprefix("http://").partition("/")
        host, _, port = host_port.partition(":")
        request = _http_request(host_port, "/" + path, payload)
        tally = Tally()
        before = own_cpu_seconds()
        started = time.perf_counter()
        deadline = started + seconds
        address = (host, int(port))
        workers = [
            gevent.spawn(_keep_alive_loop, address, request, deadline, tally)
            for _ in range(CONNECTIONS)
        ]
        gevent.joinall(workers)
        return Slice(
            seconds=time.perf_counter() - started,
            created=tally.created,
            errors=tally.errors,
            quantiles_ms=_quantiles_ms(sorted(tally.latencies)),
            generator_cpu=own_cpu_seconds() - before,
        )


def _http_request(host: str, path: str, payload: Payload) -> bytes:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: {payload.content_type}\r\n"
        f"Content-Length: {len(payload.body)}\r\nConnection: keep-alive\r\n\r\n"
    )
    return head.encode() + payload.body


def _keep_alive_loop(
    address: tuple[str, int], request: bytes, deadline: float, tally: Tally
) -> None:
    while time.perf_counter() < deadline:
        try:
            with socket.create_connection(address) as connection:
                connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                reader = connection.makefile("rb")
                while time.perf_counter() < deadline:
                    started = time.perf_counter()
                    connection.sendall(request)
                    status = _read_response(reader)
                    tally.latencies.append(time.perf_counter() - started)
                    if status == 201:
                        tally.created += 1
                    else:
                        tally.errors += 1
        except (OSError, ValueError, IndexError):
            tally.errors += 1
            gevent.sleep(0.01)


def _read_response(reader: io.BufferedReader) -> int:
    """Read one HTTP/1.1 response with a Content-Length; return its status code."""
    status = int(reader.readline().split()[1])
    length = 0
    while (line := reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    if len(reader.read(length)) != length:
        raise ValueError("connection closed mid-response")
    return status


def _quantiles_ms(ordered: list[float]) -> list[float]:
    if not ordered:
        return []
    ranks = (math.ceil(len(ordered) * i / QUANTILES) - 1 for i in range(1, QUANTILES + 1))
    return [ordered[max(rank, 0)] * 1000 for rank in ranks]


def load_generator(choice: str, workdir: Path) -> LoadGenerator:
    if choice == "wrk" or (choice == "auto" and shutil.which("wrk")):
        return WrkLoad(workdir)
    generator = GeventLoad()
    if choice == "auto":
        generator.name += " (wrk not installed; apt-get install wrk)"
    return generator


# --- figures ---------------------------------------------------------------------------------


def machine_cpu_seconds() -> float:
    """Busy CPU time of the whole machine so far, all cores (from /proc/stat)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[:8])
    return (user + nice + system + irq + softirq + steal) / TICKS_PER_SECOND


@dataclass
class Figures:
    """A server's slices for one payload, summed up."""

    slices: list[Slice]

    @property
    def seconds(self) -> float:
        return sum(s.seconds for s in self.slices)

    @property
    def rate(self) -> float:
        return sum(s.created for s in self.slices) / self.seconds

    @property
    def errors(self) -> int:
        return sum(s.errors for s in self.slices)

    def percentile_ms(self, percent: float) -> float:
        """The percentile over all slices, from their quantiles weighted by replies."""
        points = sorted(
            (value, (s.created + s.errors) / len(s.quantiles_ms))
            for s in self.slices
            if s.quantiles_ms
            for value in s.quantiles_ms
        )
        wanted = sum(weight for _, weight in points) * percent / 100
        running = 0.0
        for value, weight in points:
            running += weight
            if running >= wanted * (1 - 1e-9):
                return value
        return float("nan")

    def cpu_share(self, name: str) -> float:
        """CPU used, as a share of one core: by the server, the generator, or other processes."""
        server = sum(s.server_cpu for s in self.slices)
        generator = sum(s.generator_cpu for s in self.slices)
        used = {"server": server, "generator": generator}
        used["others"] = max(sum(s.machine_cpu for s in self.slices) - server - generator, 0.0)
        return used[name] / sum(s.wall_seconds for s in self.slices)


# --- the benchmark ---------------------------------------------------------------------------


@dataclass
class Target:
    """A server, the URL that takes complaints there, and every slice it has served."""

    server: Server
    path: str
    slices: list[Slice] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.server.url + self.path


def load(generator: LoadGenerator, target: Target, payload: Payload, seconds: int) -> Slice:
    server_before, machine_before = target.server.cpu_seconds(), machine_cpu_seconds()
    started = time.perf_counter()
    result = generator.run(target.url, payload, seconds)
    result.wall_seconds = time.perf_counter() - started
    result.server_cpu = target.server.cpu_seconds() - server_before
    result.machine_cpu = machine_cpu_seconds() - machine_before
    target.slices.append(result)
    return result


def compare(
    generator: LoadGenerator, bare: Target, ours: Target, payload: Payload, args: argparse.Namespace
) -> tuple[Figures, Figures]:
    """Warm both up, then alternate slices (bare, ours, ours, bare, ...) and sum each up."""
    for target in (bare, ours):
        load(generator, target, payload, args.warmup)
    slice_seconds = max(1, round(args.seconds / args.rounds))
    measured: dict[str, list[Slice]] = {"bare": [], "smartcity": []}
    for round_number in range(args.rounds):
        order = (bare, ours) if round_number % 2 == 0 else (ours, bare)
        for target in order:
            measured[target.server.name].append(load(generator, target, payload, slice_seconds))
    return Figures(measured["bare"]), Figures(measured["smartcity"])


def print_figures(name: str, figures: Figures) -> None:
    print(
        f"  {name:<10} {figures.rate:8.1f} {figures.percentile_ms(50):8.1f} "
        f"{figures.percentile_ms(99):8.1f} {figures.errors:7d}     "
        f"{figures.cpu_share('server'):4.0%} {figures.cpu_share('generator'):10.0%} "
        f"{figures.cpu_share('others'):7.0%}"
    )


def print_ratio(bare: Figures, ours: Figures) -> None:
    ratio = ours.rate / bare.rate
    verdict = "met" if ratio >= TARGET_RATIO else "NOT met"
    print(f"  ratio smartcity/bare: {ratio:.2f}  (target >= {TARGET_RATIO:.2f}: {verdict})")


def count_rows(database: Path, table: str) -> int:
    with sqlite3.connect(database) as connection:
        return int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def print_row_check(target: Target, stored: int) -> None:
    """Each stored row should be a 201.

    wrk cannot wait for the replies in flight when it stops, and the server
    stores those it had read, so with wrk the check is a bound.
    """
    created = sum(s.created for s in target.slices)
    cut_off = sum(s.cut_off for s in target.slices)
    name = target.server.name
    if cut_off == 0:
        verdict = "equal" if stored == created else "MISMATCH"
        print(f"  {name}: {stored} rows stored, {created} replies 201: {verdict}")
        return
    verdict = "consistent" if created <= stored <= created + cut_off else "MISMATCH"
    print(
        f"  {name}: {stored} rows stored, {created} replies 201; {stored - created} stored "
        f"without a reply read, of at most {cut_off} requests in flight when wrk stopped: "
        f"{verdict} (--load-generator builtin counts exactly)"
    )


def print_photo_check(media: Path) -> None:
    stored = next(media.rglob("*.jpg"), None)
    if stored is None:
        print("  stored photos: none found")
        return
    exif = Image.open(stored).getexif()
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    print(
        f"  a stored photo: GPS {'STILL THERE' if gps else 'removed'}, camera model "
        f"{'STILL THERE' if ExifTags.Base.Model in exif else 'removed'}, "
        f"orientation {exif.get(ExifTags.Base.Orientation, 1)} kept"
    )


def benchmark(args: argparse.Namespace, workdir: Path) -> None:
    generator = load_generator(args.load_generator, workdir)
    print(
        f"load generator: {generator.name}; {CONNECTIONS} keep-alive connections; per server "
        f"and payload {args.warmup} s warm-up, then {args.rounds} alternating slices "
        f"of {max(1, round(args.seconds / args.rounds))} s; {os.cpu_count()} cores"
    )
    payloads = (json_payload(), multipart_payload(phone_photo()))
    prepare_smartcity(workdir / "smartcity")
    ours_database = workdir / "smartcity" / "smartcity.sqlite3"
    complaints_before = count_rows(ours_database, "complaint")
    with ExitStack() as servers:
        bare = Target(servers.enter_context(running(start_bare(workdir / "bare"))), "/reports")
        ours_server = servers.enter_context(running(start_smartcity(workdir / "smartcity")))
        ours = Target(ours_server, "/api/v1/complaints")
        print("\n  server        201/s   p50 ms   p99 ms  errors   CPU: server generator  others")
        for payload in payloads:
            print(payload.kind)
            bare_figures, ours_figures = compare(generator, bare, ours, payload, args)
            print_figures("bare", bare_figures)
            print_figures("smartcity", ours_figures)
            print_ratio(bare_figures, ours_figures)
    print("\nafter the run, servers stopped (warm-up included):")
    print_row_check(bare, count_rows(workdir / "bare" / "bare.sqlite3", "report"))
    print_row_check(ours, count_rows(ours_database, "complaint") - complaints_before)
    print_photo_check(workdir / "smartcity" / "media")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="measured time per server")
    parser.add_argument("--rounds", type=int, default=5, help="slices the time is cut into")
    parser.add_argument("--warmup", type=int, default=2, help="warm-up seconds per server")
    parser.add_argument("--load-generator", choices=("auto", "wrk", "builtin"), default="auto")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="smartcity-bench-intake-"))
    try:
        benchmark(args, workdir)
    finally:
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
