"""Anonymous intake is rate limited per client; signed-in users and other routes are not."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.needs_plugins("sanitation")

GARBAGE = {"category": "garbage", "description": "Sampah di trotoar", "lat": -6.2, "lon": 106.8}


@pytest.fixture
def app_settings():
    return {"anonymous_intake_limit": "3 per minute"}


def test_anonymous_intake_is_limited_per_client(client):
    statuses = [client.post("/api/v1/complaints", json=GARBAGE).status_code for _ in range(4)]
    assert statuses == [201, 201, 201, 429]
    refused = client.post("/api/v1/complaints", json=GARBAGE)
    assert refused.json["error"]["code"] == "rate_limited"
    assert int(refused.headers["Retry-After"]) > 0


def test_another_client_has_its_own_allowance(client):
    for _ in range(3):
        client.post("/api/v1/complaints", json=GARBAGE)
    other = client.post(
        "/api/v1/complaints", json=GARBAGE, environ_base={"REMOTE_ADDR": "10.1.2.3"}
    )
    assert other.status_code == 201


def test_signed_in_residents_are_not_limited(client, make_account):
    resident = make_account("resident")
    statuses = {
        client.post("/api/v1/complaints", json=GARBAGE, headers=resident.headers).status_code
        for _ in range(5)
    }
    assert statuses == {201}


def test_limits_can_be_switched_off(tmp_path, database_url, app_plugins):
    from core.testing import prepared_app

    settings = {
        "instance_path": str(tmp_path),
        "database_url": database_url,
        "anonymous_intake_limit": "1 per minute",
        "rate_limit_enabled": False,
    }
    app = prepared_app(settings, app_plugins)
    client = app.test_client()
    assert {client.post("/api/v1/complaints", json=GARBAGE).status_code for _ in range(3)} == {201}


def test_behind_a_trusted_proxy_each_client_has_its_own_allowance(tmp_path, database_url):
    from core.testing import in_tree_plugins, prepared_app

    settings = {
        "instance_path": str(tmp_path),
        "database_url": database_url,
        "anonymous_intake_limit": "1 per minute",
        "trusted_proxies": 1,
    }
    client = prepared_app(settings, in_tree_plugins()).test_client()

    def post_from(address):
        forwarded = {"X-Forwarded-For": address}
        return client.post("/api/v1/complaints", json=GARBAGE, headers=forwarded).status_code

    assert [post_from("203.0.113.7"), post_from("203.0.113.7")] == [201, 429]
    assert post_from("198.51.100.9") == 201
