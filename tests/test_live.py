"""The live feed with real Socket.IO clients: the right rooms hear an event, no other does."""

from __future__ import annotations

import gevent
import pytest
import requests

GARBAGE = {"category": "garbage", "description": "Sampah di trotoar", "lat": -6.2, "lon": 106.8}
QUIET = 0.3  # seconds a console that must hear nothing is given to (wrongly) hear something


def post(live_server, body, headers=None):
    response = requests.post(
        f"{live_server}/api/v1/complaints", json=body, headers=headers, timeout=5
    )
    assert response.status_code == 201, response.text
    return response.json()


@pytest.mark.needs_plugins("routing", "sanitation", "transport")
def test_new_complaint_reaches_its_agency_and_no_other(live_server, live_client, make_account):
    dlh = live_client(token=make_account("staff", agency="dlh").token)
    dishub = live_client(token=make_account("staff", agency="dishub").token)
    admin = live_client(token=make_account("admin").token)
    created = post(live_server, {**GARBAGE, "contact_email": "budi@example.org"})

    [event] = dlh.wait_for("complaint.created")
    assert event["id"] == created["id"]
    assert event["reporter"]["email"] == "budi@example.org"
    assert admin.wait_for("complaint.created")[0]["id"] == created["id"]
    gevent.sleep(QUIET)
    assert dishub.events == []


@pytest.mark.needs_plugins("sanitation")
def test_public_room_gets_public_complaints_without_personal_data(
    live_server, live_client, make_account
):
    anonymous = live_client()
    resident = live_client(token=make_account("resident").token)
    created = post(live_server, {**GARBAGE, "contact_email": "budi@example.org"})
    for console in (anonymous, resident):
        [event] = console.wait_for("complaint.created")
        assert event["id"] == created["id"]
        assert "reporter" not in event
        assert "budi@example.org" not in str(event)


@pytest.mark.needs_plugins("police")
def test_private_complaint_never_reaches_the_public(live_server, live_client, make_account):
    anonymous = live_client()
    police = live_client(token=make_account("staff", agency="polda").token)
    created = post(live_server, {**GARBAGE, "category": "crime"})
    assert police.wait_for("complaint.created")[0]["id"] == created["id"]
    gevent.sleep(QUIET)
    assert anonymous.events == []


@pytest.mark.needs_plugins("police")
def test_a_client_cannot_join_a_room_by_asking(live_server, live_client):
    anonymous = live_client()
    anonymous.client.emit("join", {"room": "agency:polda"})
    anonymous.client.emit("join_room", "agency:polda")
    post(live_server, {**GARBAGE, "category": "crime"})
    gevent.sleep(QUIET)
    assert anonymous.events == []


@pytest.mark.needs_plugins("routing", "sanitation")
def test_following_a_complaint_page_brings_its_updates(live_server, live_client, make_account):
    created = post(live_server, GARBAGE)
    follower = live_client(transports=["polling"])
    ack = follower.client.call("follow", {"complaint_id": created["id"]}, timeout=5)
    assert ack == {"ok": True, "room": f"complaint:{created['id']}"}
    staff = make_account("staff", agency="dlh")
    requests.patch(
        f"{live_server}/api/v1/complaints/{created['id']}",
        json={"status": "acknowledged", "note": "internal remark"},
        headers=staff.headers,
        timeout=5,
    ).raise_for_status()
    [update] = [
        event for event in follower.wait_for("complaint.updated") if event["id"] == created["id"]
    ]
    assert update["status"] == "acknowledged"
    assert "internal remark" not in str(update)


@pytest.mark.needs_plugins("police")
def test_following_a_private_complaint_is_refused(live_server, live_client):
    created = post(live_server, {**GARBAGE, "category": "crime"})
    follower = live_client()
    ack = follower.client.call("follow", {"complaint_id": created["id"]}, timeout=5)
    assert ack == {"ok": False, "error": "not_found"}
    assert follower.client.call("follow", {"nonsense": 1}, timeout=5)["ok"] is False


@pytest.mark.needs_plugins("police")
def test_reporter_hears_about_own_complaint(live_server, live_client, make_account):
    resident = make_account("resident")
    created = post(live_server, {**GARBAGE, "category": "crime"}, headers=resident.headers)
    console = live_client(token=resident.token)
    staff = make_account("staff", agency="polda")
    requests.patch(
        f"{live_server}/api/v1/complaints/{created['id']}",
        json={"status": "in_progress"},
        headers=staff.headers,
        timeout=5,
    ).raise_for_status()
    assert console.wait_for("complaint.updated")[0]["status"] == "in_progress"


@pytest.mark.needs_plugins("public_works", "routing", "sanitation")
def test_forwarding_tells_both_agencies(live_server, live_client, make_account):
    created = post(live_server, GARBAGE)
    dlh_staff = make_account("staff", agency="dlh")
    dlh = live_client(token=dlh_staff.token)
    dpu = live_client(token=make_account("staff", agency="dpu").token)
    requests.post(
        f"{live_server}/api/v1/complaints/{created['id']}/forward",
        json={"agency": "dpu", "reason": "Saluran air, bukan sampah"},
        headers=dlh_staff.headers,
        timeout=5,
    ).raise_for_status()
    for console in (dlh, dpu):
        [event] = console.wait_for("complaint.forwarded")
        assert event["agency"] == "dpu"


def test_an_invalid_token_cannot_connect(live_server, live_client):
    import socketio

    with pytest.raises(socketio.exceptions.ConnectionError):
        live_client(token="forged")


@pytest.mark.needs_plugins("routing", "sanitation")
def test_session_cookie_signs_a_console_in(live_server, make_account):
    """Pages connect with the session cookie of /login instead of a token."""
    import socketio

    staff = make_account("staff", agency="dlh", password="console-pass")
    browser = requests.Session()
    page = browser.get(f"{live_server}/login", timeout=5).text
    csrf = page.split('name="csrf_token" value="')[1].split('"')[0]
    browser.post(
        f"{live_server}/login",
        data={"email": staff.email, "password": "console-pass", "csrf_token": csrf},
        timeout=5,
    ).raise_for_status()
    heard = []
    client = socketio.Client(reconnection=False, http_session=browser)
    client.on("complaint.created", heard.append)
    client.connect(live_server, transports=["websocket"], wait_timeout=5)
    try:
        created = post(live_server, GARBAGE)
        with gevent.Timeout(5, False):
            while not heard:
                gevent.sleep(0.01)
        assert [event["id"] for event in heard] == [created["id"]]
    finally:
        client.disconnect()
