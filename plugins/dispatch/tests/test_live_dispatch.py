"""Dispatch over real Socket.IO connections: offers reach the officer's phone, the phone answers
and shares its position, consoles hear every step and positions at a bounded rate, heads hear
refusals, and two dispatchers at once make one offer."""

from __future__ import annotations

import dataclasses

import gevent
import pytest
import requests

from plugins.dispatch.tests.helpers import (
    MONAS,
    answer,
    dispatch,
    garbage_at,
    me,
    north_of,
    on_duty,
)

pytestmark = pytest.mark.needs_plugins("sanitation")


@pytest.mark.needs_plugins("routing")
def test_the_offer_reaches_the_phone_which_accepts_over_socketio(
    client, make_account, officers, live_client
):
    staff = make_account("staff", agency="dlh")
    [officer] = officers(100)
    console = live_client(token=staff.token)
    phone = live_client(token=officer.token)
    elsewhere = live_client(token=make_account("officer", agency="dlh").token)
    complaint_id = garbage_at(client, MONAS)

    dispatch(client, staff, complaint_id)

    [offered] = phone.wait_for("dispatch.offer")
    assert offered["complaint"]["id"] == complaint_id
    assert offered["complaint"]["lat"] == pytest.approx(MONAS[0])
    assert "reporter" not in offered["complaint"]
    assert console.wait_for("dispatch.updated")[0]["state"] == "offering"
    reply = phone.client.call("dispatch.accept", {"offer_id": offered["offer"]["id"]}, timeout=5)
    assert reply["ok"] is True
    assert reply["offer"]["answer"] == "accepted"
    [accepted] = console.wait_for("dispatch.accepted")
    assert (accepted["officer_id"], accepted["state"]) == (officer.id, "accepted")
    assert me(client, officer)["state"] == "en_route"
    assert elsewhere.named("dispatch.offer") == []


def test_a_phone_answer_that_is_not_valid_gets_the_error_shape(make_account, live_client):
    phone = live_client(token=make_account("officer", agency="dlh").token)
    reply = phone.client.call("dispatch.decline", {"offer_id": "one"}, timeout=5)
    assert reply["ok"] is False
    assert reply["error"]["code"] == "validation_failed"
    assert "offer_id" in reply["error"]["fields"]
    resident = live_client(token=make_account("resident").token)
    refused = resident.client.call("dispatch.position", {"lat": 1, "lon": 2}, timeout=5)
    assert refused["error"]["code"] == "forbidden"


@pytest.mark.needs_plugins("transport")
def test_positions_from_the_phone_stream_to_the_console_throttled(
    client, make_account, live_client, clock
):
    officer = make_account("officer", agency="dlh")
    on_duty(client, officer)
    console = live_client(token=make_account("staff", agency="dlh").token)
    other_agency = live_client(token=make_account("staff", agency="dishub").token)
    colleague = live_client(token=make_account("officer", agency="dlh").token)
    phone = live_client(token=officer.token)

    for metres in range(0, 50, 10):
        lat, lon = north_of(MONAS, metres)
        reply = phone.client.call("dispatch.position", {"lat": lat, "lon": lon}, timeout=5)
        assert reply["ok"] is True
    clock.advance(3)
    lat, lon = north_of(MONAS, 60)
    phone.client.call("dispatch.position", {"lat": lat, "lon": lon}, timeout=5)

    streamed = console.wait_for("officer.position", count=2)
    gevent.sleep(0.2)
    assert len(console.named("officer.position")) == 2
    assert [item["officer_id"] for item in streamed] == [officer.id, officer.id]
    assert streamed[1]["position"]["lat"] == pytest.approx(lat)
    assert other_agency.named("officer.position") == []
    assert colleague.named("officer.position") == []  # phones are not consoles
    assert me(client, officer)["position"]["lat"] == pytest.approx(lat)


@pytest.mark.needs_plugins("routing")
def test_the_head_hears_when_officers_keep_refusing(
    app, client, make_account, officers, live_client
):
    state = app.extensions["dispatch"]
    state.settings = dataclasses.replace(state.settings, alert_after_refusals=2)
    staff = make_account("staff", agency="dlh")
    head = live_client(token=make_account("head", agency="dlh").token)
    console = live_client(token=staff.token)
    first, second, third = officers(100, 200, 300)
    complaint_id = garbage_at(client, MONAS)
    offer = dispatch(client, staff, complaint_id).json["offer"]

    answer(client, first, offer["id"], "decline")
    assert head.named("dispatch.alert") == []
    answer(client, second, me(client, second)["offer"]["id"], "decline")

    [alert] = head.wait_for("dispatch.alert")
    assert (alert["reason"], alert["refusals"]) == ("refused", 2)
    assert alert["complaint"]["id"] == complaint_id
    assert me(client, third)["state"] == "offered"
    assert console.named("dispatch.alert") == []

    answer(client, third, me(client, third)["offer"]["id"], "decline")
    alerts = head.wait_for("dispatch.alert", count=2)
    assert alerts[1]["reason"] == "unanswered"


@pytest.mark.needs_plugins("routing")
def test_two_dispatchers_at_once_make_one_offer(client, make_account, officers, live_server):
    heads = [make_account("head", agency="dlh") for _ in range(2)]
    on_duty_officers = officers(100, 200, 300)
    complaint_id = garbage_at(client, MONAS)
    url = f"{live_server}/api/v1/dispatch/complaints/{complaint_id}"

    def send(head):
        return requests.post(url, json={}, headers=head.headers, timeout=10)

    jobs = [gevent.spawn(send, heads[number % 2]) for number in range(6)]
    gevent.joinall(jobs, timeout=20)
    responses = [job.value for job in jobs]

    assert sorted(response.status_code for response in responses) == [201] + [409] * 5
    conflicts = {r.json()["error"]["code"] for r in responses if r.status_code == 409}
    assert conflicts == {"already_dispatched"}
    shown = client.get(f"/api/v1/dispatch/complaints/{complaint_id}", headers=heads[0].headers).json
    assert len(shown["offers"]) == 1
    states = sorted(me(client, officer)["state"] for officer in on_duty_officers)
    assert states == ["available", "available", "offered"]


@pytest.mark.needs_plugins("public_works", "routing")
def test_the_phone_hears_when_its_job_ends(client, make_account, officers, live_client):
    staff = make_account("staff", agency="dlh")
    [officer] = officers(100)
    complaint_id = garbage_at(client, MONAS)
    offer = dispatch(client, staff, complaint_id).json["offer"]
    answer(client, officer, offer["id"], "accept")
    phone = live_client(token=officer.token)

    forwarded = client.post(
        f"/api/v1/complaints/{complaint_id}/forward",
        json={"agency": "dpu", "reason": "A blocked drain."},
        headers=staff.headers,
    )

    assert forwarded.status_code == 200
    [released] = phone.wait_for("dispatch.released")
    assert released == {"complaint_id": complaint_id, "reason": "withdrawn"}
    assert me(client, officer)["state"] == "available"
