"""Officers going on duty and reporting positions three ways; staff finding the nearest free."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from plugins.dispatch.tests.helpers import MONAS, nearest, north_of, on_duty, report


@pytest.mark.needs_plugins("sanitation")
def test_nearest_available_officers_in_order_with_distance_and_age(client, make_account):
    staff = make_account("staff", agency="dlh")
    far, near, off_duty = (make_account("officer", agency="dlh") for _ in range(3))
    for officer, metres in ((far, 900), (near, 150)):
        on_duty(client, officer)
        assert report(client, officer, north_of(MONAS, metres)).status_code == 200
    assert report(client, off_duty, north_of(MONAS, 10)).status_code == 200

    response = nearest(client, staff, MONAS, k=5)

    assert response.status_code == 200
    assert [item["officer_id"] for item in response.json] == [near.id, far.id]
    assert response.json[0]["distance_m"] == pytest.approx(150, abs=1)
    assert 0 <= response.json[0]["position"]["age_s"] < 5


@pytest.mark.needs_plugins("sanitation", "transport")
def test_an_officer_of_another_agency_is_never_offered(client, make_account):
    staff = make_account("staff", agency="dlh")
    other = make_account("officer", agency="dishub")
    on_duty(client, other)
    report(client, other, MONAS)
    assert nearest(client, staff, MONAS).json == []


@pytest.mark.needs_plugins("sanitation")
def test_staff_find_only_their_own_agencys_officers(client, make_account):
    staff = make_account("staff", agency="dlh")
    assert nearest(client, staff, MONAS, agency="dishub").status_code == 403
    assert nearest(client, make_account("resident"), MONAS).status_code == 403
    assert client.get("/api/v1/dispatch/officers/nearest?lat=1&lon=2").status_code == 401


@pytest.mark.needs_plugins("sanitation")
def test_a_stale_position_makes_an_officer_position_unknown_not_available(client, make_account):
    staff = make_account("staff", agency="dlh")
    officer = make_account("officer", agency="dlh")
    on_duty(client, officer)
    four_minutes_ago = (datetime.now(UTC) - timedelta(minutes=4)).isoformat()
    assert report(client, officer, MONAS, timestamp=four_minutes_ago).status_code == 200
    assert [item["officer_id"] for item in nearest(client, staff, MONAS).json] == [officer.id]

    six_minutes_ago = (datetime.now(UTC) - timedelta(minutes=6)).isoformat()
    refused = report(client, officer, MONAS, timestamp=six_minutes_ago)
    assert refused.status_code == 400
    assert "timestamp" in refused.json["error"]["fields"]


@pytest.mark.needs_plugins("sanitation")
def test_position_reports_are_for_officers_only(client, make_account):
    assert report(client, make_account("staff", agency="dlh"), MONAS).status_code == 403
    assert (
        client.put("/api/v1/dispatch/officers/me/position", json={"lat": 1, "lon": 2}).status_code
        == 401
    )


@pytest.mark.needs_plugins("sanitation")
def test_traccar_client_reports_through_the_osmand_protocol(client, make_account):
    staff = make_account("staff", agency="dlh")
    officer = make_account("officer", agency="dlh")
    on_duty(client, officer, device_id="862531040000001")
    query = {
        "id": "862531040000001",
        "lat": MONAS[0],
        "lon": MONAS[1],
        "timestamp": int(datetime.now(UTC).timestamp()),
        "speed": 0,
        "bearing": 0,
        "accuracy": 10,
        "batt": 76,
    }
    assert client.post("/api/v1/dispatch/osmand", query_string=query).status_code == 200
    [found] = nearest(client, staff, MONAS).json
    assert found["officer_id"] == officer.id
    assert found["position"]["battery_pct"] == 76


@pytest.mark.needs_plugins("sanitation")
def test_traccar_client_9_json_body(client, make_account):
    staff = make_account("staff", agency="dlh")
    officer = make_account("officer", agency="dlh")
    on_duty(client, officer, device_id="budi-phone")
    body = {
        "device_id": "budi-phone",
        "location": {
            "timestamp": datetime.now(UTC).isoformat(),
            "coords": {"latitude": MONAS[0], "longitude": MONAS[1], "accuracy": 5, "speed": 1.2},
            "battery": {"level": 0.5, "is_charging": False},
        },
    }
    assert client.post("/api/v1/dispatch/osmand", json=body).status_code == 200
    [found] = nearest(client, staff, MONAS).json
    assert (found["officer_id"], found["position"]["speed_mps"]) == (officer.id, 1.2)


def test_unknown_devices_are_refused_clearly(client):
    response = client.post(
        "/api/v1/dispatch/osmand", query_string={"id": "stranger", "lat": 1, "lon": 2}
    )
    assert response.status_code == 404
    assert response.json["error"]["code"] == "unknown_device"
    missing = client.post("/api/v1/dispatch/osmand", query_string={"lat": 1, "lon": 2})
    assert missing.status_code == 400


@pytest.mark.needs_plugins("sanitation")
def test_one_device_belongs_to_one_officer(client, make_account):
    first, second = make_account("officer", agency="dlh"), make_account("officer", agency="dlh")
    on_duty(client, first, device_id="shared-phone")
    taken = client.put(
        "/api/v1/dispatch/officers/me", json={"device_id": "shared-phone"}, headers=second.headers
    )
    assert taken.status_code == 409


@pytest.mark.needs_plugins("sanitation")
def test_officers_choose_only_their_own_duty_states(client, make_account):
    officer = make_account("officer", agency="dlh")
    refused = client.put(
        "/api/v1/dispatch/officers/me", json={"state": "en_route"}, headers=officer.headers
    )
    assert refused.status_code == 400
    assert on_duty(client, officer)["state"] == "available"


@pytest.mark.needs_plugins("sanitation", "transport")
def test_staff_list_their_agencys_officers_with_state_and_position(client, make_account, clock):
    staff = make_account("staff", agency="dlh")
    on_the_street, at_home = make_account("officer", agency="dlh"), make_account("officer", "dlh")
    make_account("officer", agency="dishub")
    on_duty(client, on_the_street)
    report(client, on_the_street, MONAS)
    client.put("/api/v1/dispatch/officers/me", json={}, headers=at_home.headers)

    listed = client.get("/api/v1/dispatch/officers", headers=staff.headers)

    assert listed.status_code == 200
    shown = {item["officer_id"]: item for item in listed.json}
    assert set(shown) == {on_the_street.id, at_home.id}
    assert (shown[on_the_street.id]["state"], shown[on_the_street.id]["position_known"]) == (
        "available",
        True,
    )
    assert (shown[at_home.id]["state"], shown[at_home.id]["position"]) == ("off_duty", None)
    clock.advance(301)
    later = client.get("/api/v1/dispatch/officers", headers=staff.headers).json
    assert [item["position_known"] for item in later if item["officer_id"] == on_the_street.id] == [
        False
    ]
    other = make_account("staff", agency="dishub")
    assert (
        client.get("/api/v1/dispatch/officers?agency=dlh", headers=other.headers).status_code == 403
    )
