"""The offer chain with a controllable clock: decline or silence moves the offer to the next
nearest officer, acceptance sends one, arrival and resolution follow."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from core import db
from core.testing import attach_proof
from plugins.dispatch.models import Officer, TrackPoint
from plugins.dispatch.tests.helpers import (
    MONAS,
    answer,
    dispatch,
    garbage_at,
    me,
    north_of,
    on_duty,
    report,
)


def history_kinds(client, staff, complaint_id):
    complaint = client.get(f"/api/v1/complaints/{complaint_id}", headers=staff.headers).json
    return [event["kind"] for event in complaint["history"]]


@pytest.mark.needs_plugins("routing", "sanitation")
def test_staff_offer_a_complaint_to_the_nearest_free_officer(client, make_account, officers):
    staff = make_account("staff", agency="dlh")
    near, far = officers(100, 400)
    complaint_id = garbage_at(client, MONAS)

    response = dispatch(client, staff, complaint_id)

    assert response.status_code == 201, response.json
    assert response.json["state"] == "offering"
    assert response.json["officer_id"] == near.id
    assert response.json["offer"]["distance_m"] == pytest.approx(100, abs=1)
    assert me(client, near)["state"] == "offered"
    assert me(client, near)["offer"]["id"] == response.json["offer"]["id"]
    assert me(client, far)["offer"] is None
    assert "dispatch_offered" in history_kinds(client, staff, complaint_id)


@pytest.mark.needs_plugins("routing", "sanitation")
def test_a_decline_offers_it_to_the_next_nearest(client, make_account, officers):
    staff = make_account("staff", agency="dlh")
    near, far = officers(100, 400)
    complaint_id = garbage_at(client, MONAS)
    offer = dispatch(client, staff, complaint_id).json["offer"]

    declined = answer(client, near, offer["id"], "decline")

    assert declined.status_code == 200
    assert declined.json["answer"] == "declined"
    assert me(client, near)["state"] == "available"
    assert me(client, far)["state"] == "offered"
    shown = client.get(f"/api/v1/dispatch/complaints/{complaint_id}", headers=staff.headers).json
    assert shown["assignment"]["officer_id"] == far.id
    assert shown["assignment"]["refusals"] == 1
    assert [(o["officer_id"], o["answer"]) for o in shown["offers"]] == [
        (far.id, None),
        (near.id, "declined"),
    ]
    assert history_kinds(client, staff, complaint_id)[-2:] == [
        "dispatch_declined",
        "dispatch_offered",
    ]


@pytest.mark.needs_plugins("routing", "sanitation")
def test_an_unanswered_offer_moves_on_when_its_time_is_up(
    client, make_account, officers, clock, watch_round
):
    staff = make_account("staff", agency="dlh")
    near, far = officers(100, 400)
    complaint_id = garbage_at(client, MONAS)
    offer = dispatch(client, staff, complaint_id).json["offer"]

    clock.advance(59)
    assert watch_round().expired == 0
    assert me(client, near)["state"] == "offered"
    clock.advance(2)
    assert watch_round().expired == 1

    assert me(client, near)["state"] == "available"
    assert me(client, far)["offer"]["complaint_id"] == complaint_id
    late = answer(client, near, offer["id"], "accept")
    assert late.status_code == 409
    assert late.json["error"]["code"] == "offer_closed"
    assert "dispatch_expired" in history_kinds(client, staff, complaint_id)


@pytest.mark.needs_plugins("routing", "sanitation")
def test_an_answer_after_the_time_is_up_is_refused_even_before_the_watch_runs(
    client, make_account, officers, clock
):
    staff = make_account("staff", agency="dlh")
    near, far = officers(100, 400)
    offer = dispatch(client, staff, garbage_at(client, MONAS)).json["offer"]
    clock.advance(61)
    late = answer(client, near, offer["id"], "accept")
    assert late.status_code == 409
    assert me(client, far)["state"] == "offered"


@pytest.mark.needs_plugins("routing", "sanitation")
def test_accepting_sends_the_officer_and_puts_the_complaint_in_progress(
    client, make_account, officers
):
    staff = make_account("staff", agency="dlh")
    [officer] = officers(100)
    complaint_id = garbage_at(client, MONAS)
    offer = dispatch(client, staff, complaint_id).json["offer"]

    accepted = answer(client, officer, offer["id"], "accept")

    assert accepted.status_code == 200
    assert accepted.json["answer"] == "accepted"
    complaint = client.get(f"/api/v1/complaints/{complaint_id}", headers=staff.headers).json
    assert complaint["status"] == "in_progress"
    assert complaint["history"][-1]["note"] == "An officer accepted and is on the way."
    assert complaint["extra"]["dispatch"]["assignment"]["state"] == "accepted"
    state = me(client, officer)
    assert (state["state"], state["assignment"]["complaint_id"]) == ("en_route", complaint_id)
    again = answer(client, officer, offer["id"], "decline")
    assert again.status_code == 409
    assert dispatch(client, staff, complaint_id).json["error"]["code"] == "already_dispatched"


@pytest.mark.needs_plugins("routing", "sanitation")
def test_arriving_marks_the_officer_on_site_and_resolving_frees_him(
    client, make_account, officers, watch_round
):
    staff = make_account("staff", agency="dlh")
    [officer] = officers(400)
    complaint_id = garbage_at(client, MONAS)
    offer = dispatch(client, staff, complaint_id).json["offer"]
    answer(client, officer, offer["id"], "accept")

    assert watch_round().arrived == 0
    report(client, officer, north_of(MONAS, 30))
    assert watch_round().arrived == 1
    assert me(client, officer)["state"] == "on_site"
    assert history_kinds(client, staff, complaint_id)[-1] == "dispatch_on_site"

    assert attach_proof(client, complaint_id, officer.headers).status_code == 201
    resolved = client.patch(
        f"/api/v1/complaints/{complaint_id}", json={"status": "resolved"}, headers=officer.headers
    )
    assert resolved.status_code == 200
    state = me(client, officer)
    assert (state["state"], state["assignment"]) == ("available", None)
    shown = client.get(f"/api/v1/dispatch/complaints/{complaint_id}", headers=staff.headers).json
    assert shown["assignment"]["state"] == "finished"


@pytest.mark.needs_plugins("routing", "sanitation")
def test_when_everyone_refused_the_complaint_is_unanswered(client, make_account, officers):
    staff = make_account("staff", agency="dlh")
    first, second = officers(100, 400)
    complaint_id = garbage_at(client, MONAS)
    offer = dispatch(client, staff, complaint_id).json["offer"]
    answer(client, first, offer["id"], "decline")
    second_offer = me(client, second)["offer"]

    answer(client, second, second_offer["id"], "decline")

    shown = client.get(f"/api/v1/dispatch/complaints/{complaint_id}", headers=staff.headers).json
    assert shown["assignment"]["state"] == "unanswered"
    assert history_kinds(client, staff, complaint_id)[-1] == "dispatch_unanswered"
    # A new chain may start: both refused the first one, both are free again.
    again = dispatch(client, staff, complaint_id)
    assert again.status_code == 201
    assert again.json["officer_id"] == first.id


@pytest.mark.needs_plugins("routing", "sanitation")
def test_staff_may_choose_the_officer(client, make_account, officers):
    staff = make_account("staff", agency="dlh")
    near, far = officers(100, 400)
    chosen = dispatch(client, staff, garbage_at(client, MONAS), officer_id=far.id)
    assert chosen.status_code == 201
    assert chosen.json["officer_id"] == far.id
    assert chosen.json["offer"]["distance_m"] == pytest.approx(400, abs=1)
    busy = dispatch(client, staff, garbage_at(client, MONAS), officer_id=far.id)
    assert busy.status_code == 409
    assert busy.json["error"]["code"] == "officer_unavailable"
    assert me(client, near)["state"] == "available"


@pytest.mark.needs_plugins("routing", "sanitation")
def test_nobody_free_is_a_clear_conflict_and_writes_nothing(client, make_account):
    staff = make_account("staff", agency="dlh")
    complaint_id = garbage_at(client, MONAS)
    response = dispatch(client, staff, complaint_id)
    assert response.status_code == 409
    assert response.json["error"]["code"] == "no_officer_available"
    shown = client.get(f"/api/v1/dispatch/complaints/{complaint_id}", headers=staff.headers).json
    assert shown == {"assignment": None, "offers": []}


@pytest.mark.needs_plugins("routing", "sanitation", "transport")
def test_who_may_dispatch_and_answer(client, make_account, officers):
    [officer] = officers(100)
    complaint_id = garbage_at(client, MONAS)
    assert dispatch(client, officer, complaint_id).status_code == 403
    assert dispatch(client, make_account("staff", agency="dishub"), complaint_id).status_code in (
        403,
        404,
    )
    offer = dispatch(client, make_account("head", agency="dlh"), complaint_id).json["offer"]
    other = make_account("officer", agency="dlh")
    assert answer(client, other, offer["id"], "accept").status_code == 404
    assert answer(client, officer, 999_999, "accept").status_code == 404
    assert dispatch(client, make_account("staff", agency="dlh"), 999_999).status_code == 404


@pytest.mark.needs_plugins("routing", "sanitation")
def test_an_officer_on_an_offer_cannot_walk_off_duty(client, make_account, officers):
    [officer] = officers(100)
    dispatch(client, make_account("staff", agency="dlh"), garbage_at(client, MONAS))
    response = client.put(
        "/api/v1/dispatch/officers/me", json={"state": "off_duty"}, headers=officer.headers
    )
    assert response.status_code == 409
    assert response.json["error"]["code"] == "on_assignment"


@pytest.mark.needs_plugins("public_works", "routing", "sanitation")
def test_forwarding_to_another_agency_withdraws_the_offer(client, make_account, officers):
    staff = make_account("staff", agency="dlh")
    [officer] = officers(100)
    complaint_id = garbage_at(client, MONAS)
    offer = dispatch(client, staff, complaint_id).json["offer"]
    forwarded = client.post(
        f"/api/v1/complaints/{complaint_id}/forward",
        json={"agency": "dpu", "reason": "It is a blocked drain, not garbage."},
        headers=staff.headers,
    )
    assert forwarded.status_code == 200, forwarded.json
    assert me(client, officer)["state"] == "available"
    assert answer(client, officer, offer["id"], "accept").json["error"]["code"] == "offer_closed"


@pytest.mark.needs_plugins("police")
def test_an_urgent_category_is_offered_on_intake(client, make_account):
    patrol = make_account("officer", agency="polda")
    on_duty(client, patrol)
    report(client, patrol, north_of(MONAS, 200))
    resident = make_account("resident")
    body = {
        "category": "crime",
        "description": "Jambret di halte",
        "lat": MONAS[0],
        "lon": MONAS[1],
    }

    created = client.post("/api/v1/complaints", json=body, headers=resident.headers)

    assert created.status_code == 201
    offer = me(client, patrol)["offer"]
    assert (offer["complaint_id"], offer["automatic"]) == (created.json["id"], True)


@pytest.mark.needs_plugins("police")
def test_an_urgent_complaint_with_nobody_free_is_marked_unanswered(client, make_account):
    body = {"category": "crime", "description": "Copet di pasar", "lat": MONAS[0], "lon": MONAS[1]}
    created = client.post("/api/v1/complaints", json=body, headers=make_account("resident").headers)
    assert created.status_code == 201
    head = make_account("head", agency="polda")
    url = f"/api/v1/dispatch/complaints/{created.json['id']}"
    assert client.get(url, headers=head.headers).json["assignment"]["state"] == "unanswered"


@pytest.mark.needs_plugins("routing", "sanitation")
def test_workload_weighs_in_when_configured(app, client, make_account, officers):
    staff = make_account("staff", agency="dlh")
    busy, idle = officers(100, 600)
    for _ in range(2):
        offer = dispatch(client, staff, garbage_at(client, MONAS)).json["offer"]
        assert offer["officer_id"] == busy.id
        answer(client, busy, offer["id"], "accept")
        with app.app_context():
            db.session().get(Officer, busy.id).state = "available"  # he finished meanwhile
            db.session().commit()
            db.database().session.remove()
    query = {"lat": MONAS[0], "lon": MONAS[1]}
    nearest = client.get(
        "/api/v1/dispatch/officers/nearest", query_string=query, headers=staff.headers
    )
    assert [item["officer_id"] for item in nearest.json] == [busy.id, idle.id]

    state = app.extensions["dispatch"]
    state.settings = dataclasses.replace(state.settings, workload_penalty_m=300)
    weighed = client.get(
        "/api/v1/dispatch/officers/nearest", query_string=query, headers=staff.headers
    )

    assert [(item["officer_id"], item["workload"]) for item in weighed.json] == [
        (idle.id, 0),
        (busy.id, 2),
    ]
    assert dispatch(client, staff, garbage_at(client, MONAS)).json["officer_id"] == idle.id


@pytest.mark.needs_plugins("sanitation", "transport")
def test_track_samples_are_kept_once_per_interval(app, client, make_account, clock, watch_round):
    officer = make_account("officer", agency="dlh")
    on_duty(client, officer)
    start = clock.now
    for offset, metres in ((0, 0), (10, 50), (20, 100), (61, 200), (70, 250)):
        clock.now = start + timedelta(seconds=offset)
        assert report(client, officer, north_of(MONAS, metres)).status_code == 200

    assert watch_round().track_points == 2

    staff = make_account("staff", agency="dlh")
    query = {"since": (start - timedelta(minutes=1)).isoformat()}
    url = f"/api/v1/dispatch/officers/{officer.id}/track"
    track = client.get(url, query_string=query, headers=staff.headers)
    assert track.status_code == 200
    assert [point["lat"] for point in track.json] == [
        pytest.approx(MONAS[0]),
        pytest.approx(north_of(MONAS, 200)[0]),
    ]
    other = make_account("staff", agency="dishub")
    assert client.get(url, headers=other.headers).status_code == 403
    with app.app_context():
        assert db.session().query(TrackPoint).count() == 2
        db.database().session.remove()


@pytest.mark.needs_plugins("sanitation")
def test_old_track_samples_are_forgotten(app, client, make_account, clock, watch_round):
    officer = make_account("officer", agency="dlh")
    on_duty(client, officer)
    report(client, officer, MONAS)
    assert watch_round().track_points == 1
    clock.advance(31 * 24 * 3600)
    watch_round()
    with app.app_context():
        assert db.session().query(TrackPoint).count() == 0
        db.database().session.remove()
