"""mySociety's service request updates: the public history of requests (GET) and an agency's
own system telling the city what it did (POST), once per update however often it is sent.

Spec: https://github.com/mysociety/fixmystreet/wiki/Open311-FMS---Proposed-differences-to-Open311
"GET Service Request Updates", "POST Service Request Update" (statuses upper case: OPEN,
CLOSED, FIXED, IN_PROGRESS, ACTION_SCHEDULED, ...)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from plugins.open311.tests.helpers import (
    call,
    create_key,
    document,
    expect_error,
    native,
    one,
    read,
    report,
    revoke_key,
    typed,
    w3c,
    w3c_param,
)

SENT = "Truk sudah berangkat ke lokasi."


def updates(client, fmt, **query):
    answer = call(client, "GET", "/open311/v2/servicerequestupdates", fmt, query_string=query)
    return read(answer, "updates")


def post_update(client, fmt, form):
    return call(client, "POST", "/open311/v2/servicerequestupdates", fmt, data=form)


def update_form(api_key, request_id, update_id="crm-1001", status="IN_PROGRESS", **fields):
    return {
        "api_key": api_key,
        "service_request_id": request_id,
        "update_id": update_id,
        "status": status,
        "updated_datetime": w3c_param(datetime.now(UTC)),
        "description": SENT,
        **fields,
    }


def accepted(answer):
    assert answer.status in (200, 201), answer.text
    return one(read(answer, "update_created", answer.status))["update_id"]


def history_notes(client, complaint, staff):
    return [
        event["note"]
        for event in native(client, complaint, staff.headers)["history"]
        if event["note"]
    ]


def open311_request(client, complaint):
    answer = call(client, "GET", f"/open311/v2/requests/{complaint}", "json")
    return one(read(answer, "requests"))


# --- POST ------------------------------------------------------------------------------------


@pytest.mark.needs_plugins("routing", "sanitation")
def test_an_agencys_system_moves_its_complaint_on(client, fmt, agency_key, make_account):
    complaint = report(client)
    update_id = accepted(post_update(client, fmt, update_form(agency_key("dlh"), complaint)))
    assert update_id
    stored = native(client, complaint)
    assert stored["status"] == "in_progress"
    public_notes = [event["note"] for event in stored["history"] if event["note"]]
    assert public_notes == [SENT]  # a public note, as the anonymous native API shows
    request = open311_request(client, complaint)
    assert request["status"] == "open"
    assert request["status_notes"] == SENT


@pytest.mark.needs_plugins("routing", "sanitation")
def test_the_same_update_sent_twice_changes_the_complaint_once(
    client, fmt, agency_key, make_account
):
    staff = make_account("staff", agency="dlh")
    complaint = report(client)
    form = update_form(agency_key("dlh"), complaint)
    first = accepted(post_update(client, fmt, form))
    again = accepted(post_update(client, fmt, form))
    # The same update_id with other contents is still the update already taken.
    altered = accepted(post_update(client, fmt, {**form, "status": "CLOSED"}))
    assert again == altered == first
    assert native(client, complaint)["status"] == "in_progress"
    assert history_notes(client, complaint, staff) == [SENT]
    mine = [update for update in updates(client, fmt) if update["service_request_id"] == complaint]
    assert [update["update_id"] for update in mine] == [first]


@pytest.mark.needs_plugins("routing", "sanitation")
def test_a_closing_update_closes_the_request(client, fmt, agency_key):
    complaint = report(client)
    form = update_form(
        agency_key("dlh"), complaint, status="CLOSED", description="Sudah dibersihkan."
    )
    accepted(post_update(client, fmt, form))
    request = open311_request(client, complaint)
    assert request["status"] == "closed"
    assert request["status_notes"] == "Sudah dibersihkan."


@pytest.mark.needs_plugins("public_works", "sanitation")
def test_an_update_needs_its_agencys_key(client, fmt, runner, api_key, agency_key, make_account):
    staff = make_account("staff", agency="dlh")
    complaint = report(client)  # garbage: DLH's
    retired = create_key(runner, "old-dlh-crm", "dlh")
    revoke_key(runner, "old-dlh-crm")
    for key in (None, "", "not-a-key", api_key, agency_key("dpu"), retired):
        form = update_form(key, complaint)
        if key is None:
            del form["api_key"]
        # "403 for errors because of wrong or missing api_key"
        expect_error(post_update(client, fmt, form), 403)
    assert native(client, complaint)["status"] == "open"
    assert history_notes(client, complaint, staff) == []


@pytest.mark.needs_plugins("sanitation")
def test_an_update_for_an_unknown_request_is_not_found(client, fmt, agency_key):
    form = update_form(agency_key("dlh"), "999999")
    expect_error(post_update(client, fmt, form), 404)


@pytest.mark.needs_plugins("routing", "sanitation")
def test_an_update_that_cannot_be_is_a_bad_request(client, fmt, agency_key, make_account):
    staff = make_account("staff", agency="dlh")
    complaint = report(client)
    key = agency_key("dlh")
    for form in (
        update_form(key, complaint, status="BANANA"),
        update_form(key, complaint, status="in progress"),
        update_form(key, complaint, updated_datetime="yesterday"),
        {name: value for name, value in update_form(key, complaint).items() if name != "update_id"},
        {name: value for name, value in update_form(key, complaint).items() if name != "status"},
    ):
        expect_error(post_update(client, fmt, form), 400)
    assert native(client, complaint)["status"] == "open"
    assert history_notes(client, complaint, staff) == []


# --- GET -------------------------------------------------------------------------------------


@pytest.mark.needs_plugins("routing", "sanitation")
def test_updates_list_the_public_changes_of_requests(client, fmt, agency_key, make_account):
    staff = make_account("staff", agency="dlh")
    by_staff, by_system = report(client), report(client)
    for change in (
        {"status": "in_progress", "note": "Petugas menuju lokasi.", "note_public": True},
        {"note": "Catatan internal: truk penuh.", "note_public": False},
    ):
        response = client.patch(
            f"/api/v1/complaints/{by_staff}", json=change, headers=staff.headers
        )
        assert response.status_code == 200, response.json
    photo = "https://crm.dlh.example.org/photos/1001.jpg"
    accepted(post_update(client, fmt, update_form(agency_key("dlh"), by_system, media_url=photo)))
    found = updates(client, fmt)
    by_request = {}
    for update in found:
        by_request.setdefault(update["service_request_id"], []).append(update)
    assert set(by_request) == {by_staff, by_system}
    [changed] = by_request[by_staff]
    assert changed["description"] == "Petugas menuju lokasi."
    assert changed["status"] == "IN_PROGRESS"
    [sent] = by_request[by_system]
    assert sent["description"] == SENT
    assert sent["status"] == "IN_PROGRESS"
    assert sent["media_url"] == photo
    for update in found:
        w3c(update["updated_datetime"])
    assert len({update["update_id"] for update in found}) == len(found)
    assert "Catatan internal" not in str(found)


@pytest.mark.needs_plugins("routing", "sanitation")
def test_updates_are_chosen_by_their_date(client, fmt, agency_key):
    complaint = report(client)
    accepted(post_update(client, fmt, update_form(agency_key("dlh"), complaint)))
    now = datetime.now(UTC)
    past = {
        "start_date": w3c_param(now - timedelta(days=30)),
        "end_date": w3c_param(now - timedelta(days=10)),
    }
    assert updates(client, fmt, **past) == []
    around = {
        "start_date": w3c_param(now - timedelta(hours=1)),
        "end_date": w3c_param(now + timedelta(hours=1)),
    }
    assert [update["service_request_id"] for update in updates(client, fmt, **around)] == [
        complaint
    ]


def test_an_updates_window_over_90_days_is_a_bad_request(client, fmt):
    now = datetime.now(UTC)
    window = {
        "start_date": w3c_param(now - timedelta(days=100)),
        "end_date": w3c_param(now),
    }
    answer = call(client, "GET", "/open311/v2/servicerequestupdates", fmt, query_string=window)
    expect_error(answer, 400)
    bad_date = {"start_date": "last week"}
    answer = call(client, "GET", "/open311/v2/servicerequestupdates", fmt, query_string=bad_date)
    expect_error(answer, 400)


@pytest.mark.needs_plugins("routing", "sanitation")
def test_updates_say_the_same_in_xml_and_json(client, agency_key):
    complaint = report(client)
    accepted(post_update(client, "json", update_form(agency_key("dlh"), complaint)))
    xml = call(client, "GET", "/open311/v2/servicerequestupdates", "xml")
    assert typed(xml.body, document("updates")) == updates(client, "json")
