"""Handing complaints on: to another agency, to a unit of one's own, to bodies outside the city
government, and several agencies working one complaint when a rule says so."""

from __future__ import annotations

import gevent
import pytest
import requests

from core.testing import attach_proof

GARBAGE = {"category": "garbage", "description": "Sampah di trotoar", "lat": -6.2, "lon": 106.8}
ACCIDENT = {"category": "accident", "description": "Tabrakan motor", "lat": -6.2, "lon": 106.8}
QUIET = 0.3


def forward(client, complaint_id, headers, **body):
    return client.post(f"/api/v1/complaints/{complaint_id}/forward", json=body, headers=headers)


@pytest.mark.needs_plugins("routing", "sanitation")
def test_disposition_to_a_unit_of_ones_own_agency(client, make_account):
    staff = make_account("staff", agency="dlh")
    created = client.post("/api/v1/complaints", json=GARBAGE).json
    response = forward(
        client, created["id"], staff.headers, unit="jakpus", reason="Wilayah Sudin Jakarta Pusat."
    )
    assert response.status_code == 200
    assert (response.json["agency"], response.json["unit"]) == ("dlh", "jakpus")
    history = client.get(f"/api/v1/complaints/{created['id']}", headers=staff.headers).json
    disposed = history["history"][-1]
    assert disposed["kind"] == "disposed"
    assert (disposed["from_unit"], disposed["to_unit"]) == (None, "jakpus")
    assert disposed["note"] == "Wilayah Sudin Jakarta Pusat."


@pytest.mark.needs_plugins("public_works", "routing", "sanitation")
def test_disposition_keeps_the_sla_deadlines_and_coordination_restarts_them(client, make_account):
    staff = make_account("staff", agency="dlh")
    created = client.post("/api/v1/complaints", json=GARBAGE).json
    before = created["sla"]["expected_at"]
    disposed = forward(client, created["id"], staff.headers, unit="jakbar", reason="Sudin Jakbar.")
    assert disposed.json["sla"]["expected_at"] == before
    forwarded = forward(
        client, created["id"], staff.headers, agency="dpu", reason="Ini saluran, bukan sampah."
    )
    assert forwarded.json["unit"] is None
    assert forwarded.json["sla"]["expected_at"] > before


@pytest.mark.needs_plugins("routing", "sanitation")
def test_proof_taken_before_a_disposition_still_counts(client, make_account):
    staff = make_account("staff", agency="dlh")
    created = client.post("/api/v1/complaints", json=GARBAGE).json
    assert attach_proof(client, created["id"], staff.headers).status_code == 201
    disposed = forward(client, created["id"], staff.headers, unit="jakpus", reason="Sudin Jakpus.")
    assert disposed.status_code == 200
    url = f"/api/v1/complaints/{created['id']}"
    assert client.patch(url, json={"status": "resolved"}, headers=staff.headers).status_code == 200


@pytest.mark.needs_plugins("routing", "sanitation")
def test_unknown_unit_is_a_field_error_naming_the_units(client, make_account):
    staff = make_account("staff", agency="dlh")
    created = client.post("/api/v1/complaints", json=GARBAGE).json
    response = forward(client, created["id"], staff.headers, unit="mars", reason="Ke Mars.")
    assert response.status_code == 400
    assert "jakpus" in response.json["error"]["fields"]["unit"][0]
    assert client.get(f"/api/v1/complaints/{created['id']}").json["unit"] is None


@pytest.mark.needs_plugins("public_works", "routing", "sanitation")
def test_forward_to_a_unit_of_another_agency(client, make_account):
    staff = make_account("staff", agency="dlh")
    created = client.post("/api/v1/complaints", json=GARBAGE).json
    response = forward(
        client, created["id"], staff.headers, agency="dpu", unit="sda", reason="Saluran tersumbat."
    )
    assert response.status_code == 200
    assert (response.json["agency"], response.json["unit"]) == ("dpu", "sda")


@pytest.mark.needs_plugins("public_works", "routing")
def test_forward_to_a_body_outside_the_city_government(client, make_account):
    staff = make_account("staff", agency="dpu")
    agencies = {agency["code"]: agency for agency in client.get("/api/v1/agencies").json}
    assert agencies["pam-jaya"]["external"] is True
    created = client.post(
        "/api/v1/complaints", json={**GARBAGE, "category": "pothole", "description": "Pipa bocor"}
    ).json
    response = forward(
        client, created["id"], staff.headers, agency="pam-jaya", reason="Pipa PAM bocor."
    )
    assert response.status_code == 200
    assert response.json["agency"] == "pam-jaya"
    utility = make_account("staff", agency="pam-jaya")
    listed = client.get("/api/v1/complaints", headers=utility.headers).json["items"]
    assert [item["id"] for item in listed] == [created["id"]]


@pytest.mark.needs_plugins("sanitation", "transport")
def test_officers_and_other_agencies_cannot_hand_a_complaint_on(client, make_account):
    created = client.post("/api/v1/complaints", json=GARBAGE).json
    officer = make_account("officer", agency="dlh")
    outsider = make_account("staff", agency="dishub")
    assert (
        forward(client, created["id"], officer.headers, unit="jakpus", reason="x y z").status_code
        == 403
    )
    assert (
        forward(client, created["id"], outsider.headers, agency="dpu", reason="x y z").status_code
        == 403
    )


@pytest.mark.needs_plugins("public_works", "routing", "sanitation", "transport")
def test_forward_is_heard_by_the_new_owner_and_the_old(live_server, live_client, make_account):
    staff = make_account("staff", agency="dlh")
    dlh = live_client(token=staff.token)
    dpu = live_client(token=make_account("staff", agency="dpu").token)
    dishub = live_client(token=make_account("staff", agency="dishub").token)
    created = requests.post(f"{live_server}/api/v1/complaints", json=GARBAGE, timeout=5).json()
    dlh.wait_for("complaint.created")
    response = requests.post(
        f"{live_server}/api/v1/complaints/{created['id']}/forward",
        json={"agency": "dpu", "reason": "Ini saluran."},
        headers=staff.headers,
        timeout=5,
    )
    assert response.status_code == 200
    assert dpu.wait_for("complaint.forwarded")[0]["agency"] == "dpu"
    assert dlh.wait_for("complaint.forwarded")[0]["agency"] == "dpu"
    gevent.sleep(QUIET)
    assert dishub.events == []


@pytest.mark.needs_plugins("police", "routing", "sanitation", "transport")
def test_a_rule_involves_a_second_agency(client, make_account):
    created = client.post("/api/v1/complaints", json=ACCIDENT).json
    assert created["agency"] == "polda"
    assert created["involved"] == ["dishub"]
    assert "+ Dinas Perhubungan" in created["routing"]["reason"]
    dishub = make_account("staff", agency="dishub")
    url = f"/api/v1/complaints/{created['id']}"
    assert client.get(url, headers=dishub.headers).status_code == 200
    note = {"note": "Petugas Dishub mengatur lalu lintas.", "note_public": False}
    assert client.patch(url, json=note, headers=dishub.headers).status_code == 200
    status = {"status": "in_progress"}
    assert client.patch(url, json=status, headers=dishub.headers).status_code == 403
    assert client.get(url, headers=make_account("staff", agency="dlh").headers).status_code == 404


@pytest.mark.needs_plugins("police", "sanitation", "transport")
def test_an_involved_agency_hears_the_complaint_live(live_server, live_client, make_account):
    dishub = live_client(token=make_account("staff", agency="dishub").token)
    dlh = live_client(token=make_account("staff", agency="dlh").token)
    created = requests.post(f"{live_server}/api/v1/complaints", json=ACCIDENT, timeout=5).json()
    assert dishub.wait_for("complaint.created")[0]["id"] == created["id"]
    gevent.sleep(QUIET)
    assert dlh.events == []


@pytest.mark.needs_plugins("public_works", "routing", "sanitation")
def test_config_rule_with_unit_and_involvement(tmp_path, database_url):
    from core.testing import in_tree_plugins, prepared_app

    rule = {
        "name": "city.north-garbage",
        "agency": "dlh",
        "unit": "jakut",
        "involve": ["dpu"],
        "categories": ["garbage"],
        "keywords": ["muara angke"],
        "priority": 5,
    }
    settings = {
        "instance_path": str(tmp_path / "instance"),
        "database_url": database_url,
        "routing": {"rules": [rule]},
    }
    client = prepared_app(settings, in_tree_plugins()).test_client()
    north = client.post(
        "/api/v1/complaints", json={**GARBAGE, "description": "Sampah di Muara Angke"}
    )
    assert (north.json["agency"], north.json["unit"], north.json["involved"]) == (
        "dlh",
        "jakut",
        ["dpu"],
    )
    assert north.json["routing"]["rule"] == "city.north-garbage"
    assert (
        "Dinas Lingkungan Hidup (Suku Dinas Lingkungan Hidup Jakarta Utara) + Dinas "
        in (north.json["routing"]["reason"])
    )
    south = client.post("/api/v1/complaints", json=GARBAGE)
    assert (south.json["unit"], south.json["involved"]) == (None, [])
