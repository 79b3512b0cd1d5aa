"""A status change reaches every page live: visitors in the public room, and staff of any
agency (who are not in it)."""

from __future__ import annotations

import pytest

from plugins.transport.tests.test_status_api import put_status


@pytest.mark.needs_plugins("sanitation")  # DLH's staff listen too
def test_a_status_change_is_published_live_to_visitors_and_staff(
    client, make_account, segments, live_client
):
    visitor = live_client()
    sanitation_staff = live_client(token=make_account("staff", agency="dlh").token)
    admin = live_client(token=make_account("admin").token)
    dishub = make_account("staff", agency="dishub")

    assert put_status(client, dishub, "macet").status_code == 200

    for listener in (visitor, sanitation_staff, admin):
        [event] = listener.wait_for("transport.segment")
        assert event["id"] == "thamrin"
        assert event["status"] == "macet"
        assert event["geometry"]["type"] == "LineString"
