"""A location correction by staff routes the complaint again and records it."""

from __future__ import annotations

import pytest

from core.cli import main

# Garbage (DLH) moved into an area whose rule hands it to Dinas PU.
pytestmark = pytest.mark.needs_plugins("sanitation", "public_works")

MONAS = {"lat": -6.1754, "lon": 106.8272}
PLUIT = {"lat": -6.1170, "lon": 106.7900}
TAMAN_MENTENG = {"lat": -6.1963, "lon": 106.8326}


@pytest.fixture
def app_settings():
    north = {"name": "city.north-garbage", "agency": "dpu", "categories": ["garbage"]}
    return {"routing": {"rules": [{**north, "districts": ["jkt-utara"]}]}}


@pytest.fixture
def garbage_at_monas(client, runner):
    assert runner.invoke(main, ["demo"]).exit_code == 0  # the demo districts
    body = {"category": "garbage", "description": "Sampah menumpuk", **MONAS}
    created = client.post("/api/v1/complaints", json=body).json
    assert (created["agency"], created["routing"]["district"]) == ("dlh", "jkt-pusat-gambir")
    return created


def test_moving_the_pin_to_another_agency_s_area_hands_it_over(
    client, make_account, garbage_at_monas
):
    staff = make_account("staff", agency="dlh")
    url = f"/api/v1/complaints/{garbage_at_monas['id']}"
    response = client.patch(url, json={**PLUIT, "note": "Pin was off"}, headers=staff.headers)
    assert response.status_code == 200
    moved = response.json
    assert (moved["lat"], moved["lon"]) == (PLUIT["lat"], PLUIT["lon"])
    assert moved["agency"] == "dpu"
    assert moved["routing"]["rule"] == "city.north-garbage"
    assert moved["routing"]["district"] == "jkt-utara-penjaringan"
    pu = make_account("staff", agency="dpu")
    history = client.get(url, headers=pu.headers).json["history"]
    relocated = history[-1]
    assert (relocated["kind"], relocated["from_agency"], relocated["to_agency"]) == (
        "relocated",
        "dlh",
        "dpu",
    )
    assert relocated["note"].startswith("Location corrected from -6.17540, 106.82720 to")
    assert relocated["note"].endswith("Pin was off")
    public = client.get(url).json["history"][-1]
    assert (public["kind"], public["note"]) == ("relocated", None)


def test_moving_the_pin_within_the_agency_s_area_keeps_it(client, make_account, garbage_at_monas):
    staff = make_account("staff", agency="dlh")
    url = f"/api/v1/complaints/{garbage_at_monas['id']}"
    moved = client.patch(url, json=TAMAN_MENTENG, headers=staff.headers).json
    assert moved["agency"] == "dlh"
    assert moved["routing"]["district"] == "jkt-pusat-menteng"
    assert "Menteng" in moved["routing"]["reason"]


def test_the_old_and_new_agency_hear_of_the_move(
    live_client, make_account, garbage_at_monas, live_server
):
    import requests

    dlh_staff = make_account("staff", agency="dlh")
    dlh = live_client(token=dlh_staff.token)
    dpu = live_client(token=make_account("staff", agency="dpu").token)
    requests.patch(
        f"{live_server}/api/v1/complaints/{garbage_at_monas['id']}",
        json=PLUIT,
        headers=dlh_staff.headers,
        timeout=5,
    ).raise_for_status()
    for console in (dlh, dpu):
        [event] = console.wait_for("complaint.forwarded")
        assert event["agency"] == "dpu"


@pytest.mark.parametrize(
    "body, status",
    [
        ({"lat": -6.2}, 400),
        ({**PLUIT, "status": "acknowledged"}, 400),
        ({"lat": 200, "lon": 106.8}, 400),
    ],
)
def test_bad_corrections_are_refused(client, make_account, garbage_at_monas, body, status):
    staff = make_account("staff", agency="dlh")
    url = f"/api/v1/complaints/{garbage_at_monas['id']}"
    assert client.patch(url, json=body, headers=staff.headers).status_code == status
    assert client.get(url).json["agency"] == "dlh"


def test_officers_and_other_agencies_may_not_move_a_pin(client, make_account, garbage_at_monas):
    url = f"/api/v1/complaints/{garbage_at_monas['id']}"
    officer = make_account("officer", agency="dlh")
    assert client.patch(url, json=PLUIT, headers=officer.headers).status_code == 403
    outsider = make_account("staff", agency="dpu")
    assert client.patch(url, json=PLUIT, headers=outsider.headers).status_code == 403
    assert client.get(url).json["lat"] == MONAS["lat"]
