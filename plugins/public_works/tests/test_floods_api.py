"""The flood API: the flood reports of the last hours the caller may see, with their depth;
rejected and merged ones left out; a bad window refused with 400."""

from __future__ import annotations

from datetime import timedelta

import pytest

from plugins.public_works.tests.conftest import add_flood, at

URL = "/api/v1/public_works/floods"


def test_the_last_six_hours_by_default_newest_first_with_their_depth(app, client, clock):
    now = clock.now
    recent = add_flood(app, now - timedelta(minutes=30), depth_cm=70, address="Jl. Sabang")
    earlier = add_flood(app, now - timedelta(hours=5), place=at(metres_east=200))
    add_flood(app, now - timedelta(hours=7), depth_cm=20)
    answer = client.get(URL)
    assert answer.status_code == 200
    assert answer.json["window"] == {
        "hours": 6,
        "since": (now - timedelta(hours=6)).isoformat(),
        "until": now.isoformat(),
    }
    floods = answer.json["floods"]
    assert [flood["id"] for flood in floods] == [recent, earlier]
    assert floods[0] == {
        "id": recent,
        "lat": pytest.approx(-6.1876),
        "lon": pytest.approx(106.8228),
        "address": "Jl. Sabang",
        "depth_cm": 70.0,
        "status": "open",
        "created_at": floods[0]["created_at"],
    }
    assert floods[0]["created_at"].startswith((now - timedelta(minutes=30)).isoformat()[:16])
    assert floods[1]["depth_cm"] is None


def test_hours_widens_or_narrows_the_window(app, client, clock):
    ids = [add_flood(app, clock.now - timedelta(hours=hours)) for hours in (0.5, 5, 30)]
    assert [flood["id"] for flood in client.get(f"{URL}?hours=1").json["floods"]] == ids[:1]
    widest = client.get(f"{URL}?hours=72").json
    assert widest["window"]["hours"] == 72
    assert [flood["id"] for flood in widest["floods"]] == ids
    # The window slides with the clock: two hours on, the report of 5 hours ago is 7 hours old.
    assert [flood["id"] for flood in client.get(f"{URL}?hours=6").json["floods"]] == ids[:2]
    clock.advance(hours=2)
    assert [flood["id"] for flood in client.get(f"{URL}?hours=6").json["floods"]] == ids[:1]


def test_the_default_window_is_a_setting(app, client, clock):
    state = app.extensions["public_works"]
    app.extensions["public_works"] = type(state)(
        settings=type(state.settings)(flood_hours=12), clock=clock
    )
    found = add_flood(app, clock.now - timedelta(hours=10))
    answer = client.get(URL).json
    assert answer["window"]["hours"] == 12
    assert [flood["id"] for flood in answer["floods"]] == [found]


def test_rejected_merged_and_other_reports_are_left_out(app, client, clock):
    an_hour_ago = clock.now - timedelta(hours=1)
    kept = add_flood(app, an_hour_ago, status="acknowledged")
    add_flood(app, an_hour_ago, status="rejected")
    add_flood(app, an_hour_ago, merged_into_id=kept)
    add_flood(app, an_hour_ago, category_code="pothole")
    floods = client.get(URL).json["floods"]
    assert [(flood["id"], flood["status"]) for flood in floods] == [(kept, "acknowledged")]


@pytest.mark.needs_plugins("sanitation")  # another agency's staff: DLH's
def test_a_confidential_report_is_shown_only_to_those_who_may_see_it(
    app, client, clock, make_account
):
    public = add_flood(app, clock.now - timedelta(hours=1))
    confidential = add_flood(app, clock.now - timedelta(hours=2), public=False)

    def seen(headers: dict[str, str]) -> list[int]:
        return [flood["id"] for flood in client.get(URL, headers=headers).json["floods"]]

    assert seen({}) == [public]
    assert seen(make_account("resident").headers) == [public]
    assert seen(make_account("staff", agency="dlh").headers) == [public]
    assert seen(make_account("staff", agency="dpu").headers) == [public, confidential]
    assert seen(make_account("admin").headers) == [public, confidential]


@pytest.mark.parametrize("hours", ["0", "73", "-1", "soon", "1.5", ""])
def test_a_window_that_is_not_1_to_72_hours_is_refused(client, hours):
    refused = client.get(f"{URL}?hours={hours}")
    assert refused.status_code == 400
    error = refused.json["error"]
    assert error["code"] == "validation_failed"
    assert list(error["fields"]) == ["hours"]
