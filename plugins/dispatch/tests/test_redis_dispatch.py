"""The offer chain and the position stream with positions in Redis, as a deployment of several
workers runs it."""

from __future__ import annotations

import pytest

from plugins.dispatch.positions import RedisPositionStore
from plugins.dispatch.streaming import RedisStreamGate
from plugins.dispatch.tests.helpers import MONAS, answer, dispatch, garbage_at, me, nearest

pytestmark = pytest.mark.needs_plugins("sanitation")

PREFIX = "smartcity:dispatch"


def forget_positions(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(f"{PREFIX}:*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture
def app_settings(redis_url):
    # Officer ids start again in every test's database: no position may survive a test.
    forget_positions(redis_url)
    yield {"dispatch": {"position_store": "redis", "redis_url": redis_url}}
    forget_positions(redis_url)


@pytest.mark.needs_plugins("routing")
def test_the_chain_runs_on_positions_kept_in_redis(app, client, make_account, officers):
    state = app.extensions["dispatch"]
    assert isinstance(state.positions, RedisPositionStore)
    assert isinstance(state.stream_gate, RedisStreamGate)
    staff = make_account("staff", agency="dlh")
    near, far = officers(100, 400)
    assert [item["officer_id"] for item in nearest(client, staff, MONAS).json] == [near.id, far.id]
    complaint_id = garbage_at(client, MONAS)

    offer = dispatch(client, staff, complaint_id).json["offer"]
    assert offer["officer_id"] == near.id
    answer(client, near, offer["id"], "decline")
    second = me(client, far)["offer"]
    assert second["complaint_id"] == complaint_id
    assert second["distance_m"] == pytest.approx(400, abs=1)
    assert answer(client, far, second["id"], "accept").status_code == 200
    assert me(client, far)["state"] == "en_route"
