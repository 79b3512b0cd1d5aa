"""Privacy levels: public, anonymous (identity not kept), confidential (the agency's eyes only)."""

from __future__ import annotations

import gevent
import pytest
import requests

GARBAGE = {"category": "garbage", "description": "Sampah di trotoar", "lat": -6.2, "lon": 106.8}
CRIME = {"category": "crime", "description": "Jambret di halte", "lat": -6.2, "lon": 106.8}
QUIET = 0.3


def listed_ids(client, headers=None, query=""):
    response = client.get(f"/api/v1/complaints{query}", headers=headers)
    assert response.status_code == 200
    return [item["id"] for item in response.json["items"]]


@pytest.mark.needs_plugins("sanitation")
def test_each_report_states_its_privacy_level(client, make_account):
    resident = make_account("resident")
    public = client.post("/api/v1/complaints", json=GARBAGE, headers=resident.headers).json
    anonymous = client.post(
        "/api/v1/complaints", json={**GARBAGE, "privacy": "anonymous"}, headers=resident.headers
    ).json
    confidential = client.post(
        "/api/v1/complaints", json={**GARBAGE, "privacy": "confidential"}, headers=resident.headers
    ).json
    assert [public["privacy"], anonymous["privacy"], confidential["privacy"]] == [
        "public",
        "anonymous",
        "confidential",
    ]
    assert listed_ids(client) == [anonymous["id"], public["id"]]


def test_unknown_privacy_level_is_a_field_error(client):
    response = client.post("/api/v1/complaints", json={**GARBAGE, "privacy": "secret"})
    assert response.status_code == 400
    assert "privacy" in response.json["error"]["fields"]


@pytest.mark.needs_plugins("routing", "sanitation")
def test_anonymous_report_keeps_no_identity_even_for_the_agency(client, make_account):
    resident = make_account("resident")
    staff = make_account("staff", agency="dlh")
    created = client.post(
        "/api/v1/complaints", json={**GARBAGE, "privacy": "anonymous"}, headers=resident.headers
    ).json
    seen_by_staff = client.get(f"/api/v1/complaints/{created['id']}", headers=staff.headers).json
    assert seen_by_staff["reporter"]["user_id"] is None
    assert seen_by_staff["anonymous"] is True


@pytest.mark.needs_plugins("routing", "sanitation", "transport")
def test_reporter_identity_is_shown_only_to_the_owning_agency(client, make_account):
    resident = make_account("resident")
    owner = make_account("staff", agency="dlh")
    other = make_account("staff", agency="dishub")
    created = client.post(
        "/api/v1/complaints",
        json={**GARBAGE, "contact_email": "budi@example.org"},
        headers=resident.headers,
    ).json
    url = f"/api/v1/complaints/{created['id']}"
    assert client.get(url, headers=owner.headers).json["reporter"]["email"] == "budi@example.org"
    assert "reporter" not in client.get(url, headers=other.headers).json
    assert "reporter" not in client.get(url).json


@pytest.mark.needs_plugins("police", "sanitation")
def test_police_categories_are_confidential_whatever_the_reporter_asks(client, make_account):
    created = client.post("/api/v1/complaints", json={**CRIME, "privacy": "public"}).json
    assert created["privacy"] == "confidential"
    url = f"/api/v1/complaints/{created['id']}"
    assert client.get(url).status_code == 404
    assert client.get(url, headers=make_account("resident").headers).status_code == 404
    assert client.get(url, headers=make_account("staff", agency="dlh").headers).status_code == 404
    assert client.get(url, headers=make_account("staff", agency="polda").headers).status_code == 200
    assert client.get(url, headers=make_account("admin").headers).status_code == 200


@pytest.mark.needs_plugins("police", "sanitation", "transport")
def test_police_staff_keep_sight_of_a_report_they_forwarded(client, make_account):
    police = make_account("staff", agency="polda")
    created = client.post("/api/v1/complaints", json=CRIME).json
    url = f"/api/v1/complaints/{created['id']}"
    forwarded = client.post(
        f"{url}/forward",
        json={"agency": "dishub", "reason": "Lampu lalu lintas mati memicu kejadian."},
        headers=police.headers,
    )
    assert forwarded.status_code == 200
    assert client.get(url, headers=police.headers).status_code == 200
    assert (
        client.get(url, headers=make_account("staff", agency="dishub").headers).status_code == 200
    )
    assert client.get(url, headers=make_account("staff", agency="dlh").headers).status_code == 404


@pytest.mark.needs_plugins("police")
def test_a_reporter_sees_their_own_confidential_report(client, make_account):
    resident = make_account("resident")
    created = client.post("/api/v1/complaints", json=CRIME, headers=resident.headers).json
    assert listed_ids(client, resident.headers) == [created["id"]]
    assert listed_ids(client, make_account("resident").headers) == []


@pytest.mark.needs_plugins("routing", "sanitation")
def test_confidential_reports_stay_out_of_public_lists_and_exports(client, make_account):
    client.post("/api/v1/complaints", json=CRIME)
    client.post("/api/v1/complaints", json={**GARBAGE, "privacy": "confidential"})
    public = client.post("/api/v1/complaints", json=GARBAGE).json
    assert listed_ids(client) == [public["id"]]
    assert listed_ids(client, query="?category=crime") == []
    csv_rows = client.get("/api/v1/routing/exports/complaints.csv").text.strip().splitlines()
    assert len(csv_rows) == 2  # the header and the public complaint
    features = client.get("/api/v1/routing/exports/complaints.geojson").json["features"]
    assert [feature["properties"]["id"] for feature in features] == [public["id"]]
    assert client.get("/api/v1/routing/stats").json["agencies"][0]["received"] == 1


@pytest.mark.needs_plugins("police", "routing", "sanitation")
def test_confidential_reports_never_reach_the_public_room(live_server, live_client, make_account):
    anonymous = live_client()
    resident = live_client(token=make_account("resident").token)
    police = live_client(token=make_account("staff", agency="polda").token)
    dlh = live_client(token=make_account("staff", agency="dlh").token)
    for body in (CRIME, {**GARBAGE, "privacy": "confidential"}):
        response = requests.post(f"{live_server}/api/v1/complaints", json=body, timeout=5)
        assert response.status_code == 201
    assert len(police.wait_for("complaint.created")) == 1
    assert len(dlh.wait_for("complaint.created")) == 1
    gevent.sleep(QUIET)
    assert anonymous.events == []
    assert resident.events == []
