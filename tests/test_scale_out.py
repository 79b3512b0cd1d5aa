"""Grown deployments: events shared between server processes through Redis, limits in Redis."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests

from core.testing import process_environ

pytestmark = pytest.mark.needs_plugins("sanitation")

GARBAGE = {"category": "garbage", "description": "Sampah di trotoar", "lat": -6.2, "lon": 106.8}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port: int, environment: dict[str, str], log: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "core.cli", "run", "--host", "127.0.0.1", "--port", str(port)]
    return subprocess.Popen(
        command, env=environment, stdout=log.open("w"), stderr=subprocess.STDOUT
    )


def wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        try:
            if requests.get(f"{url}/health", timeout=1).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):  # not listening, or busy starting
            time.sleep(0.2)
    raise AssertionError(f"{url} did not start:\n{log.read_text()}")


@pytest.fixture
def two_servers(app, database_url, redis_url, tmp_path):
    """Two `smartcity run` processes on one database, sharing live events through Redis."""
    environment = process_environ(
        SMARTCITY_DATABASE_URL=database_url,
        SMARTCITY_INSTANCE_PATH=app.config["SMARTCITY"]["instance_path"],
        SMARTCITY_MESSAGE_QUEUE=redis_url,
        SMARTCITY_MESSAGE_QUEUE_CHANNEL=f"smartcity-test-{uuid.uuid4().hex}",
    )
    servers = []
    for name in ("a", "b"):
        port, log = free_port(), tmp_path / f"server-{name}.log"
        servers.append((f"http://127.0.0.1:{port}", start_server(port, environment, log), log))
    try:
        for url, process, log in servers:
            wait_until_up(url, process, log)
        yield [url for url, _process, _log in servers]
    finally:
        for _url, process, _log in servers:
            process.terminate()
            process.wait(timeout=10)


@pytest.mark.needs_plugins("routing")
def test_complaint_posted_to_one_process_reaches_a_console_on_the_other(
    two_servers, live_client, make_account
):
    server_a, server_b = two_servers
    staff = make_account("staff", agency="dlh")
    console_on_b = live_client(token=staff.token, url=server_b)
    public_on_b = live_client(url=server_b)
    response = requests.post(f"{server_a}/api/v1/complaints", json=GARBAGE, timeout=5)
    assert response.status_code == 201
    [event] = console_on_b.wait_for("complaint.created", timeout=10)
    assert event["id"] == response.json()["id"]
    assert public_on_b.wait_for("complaint.created", timeout=10)[0]["id"] == event["id"]


@pytest.fixture
def limited_settings(redis_url):
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    return {"anonymous_intake_limit": "2 per minute", "rate_limit_storage_url": redis_url}


def test_rate_limits_are_kept_in_redis_when_configured(tmp_path, database_url, limited_settings):
    from core.testing import in_tree_plugins, prepared_app

    settings = {"instance_path": str(tmp_path), "database_url": database_url, **limited_settings}
    # Two processes' worth of limiters sharing one store.
    first = prepared_app(settings, in_tree_plugins())
    second = prepared_app(settings, in_tree_plugins())
    assert first.test_client().post("/api/v1/complaints", json=GARBAGE).status_code == 201
    assert second.test_client().post("/api/v1/complaints", json=GARBAGE).status_code == 201
    refused = first.test_client().post("/api/v1/complaints", json=GARBAGE)
    assert refused.status_code == 429
    assert refused.json["error"]["code"] == "rate_limited"
