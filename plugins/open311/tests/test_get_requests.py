"""GET Service Requests, GET Service Request and GET service_request_id from a token: every
field, the filters of the spec and of its extensions, the default window and volume.

Spec: http://wiki.open311.org/GeoReport_v2 "GET Service Requests" (with "Response Volume"),
"GET Service Request", "GET service_request_id from a token"; extensions:
http://wiki.open311.org/GeoReport_v2/Extensions/ "Pagination", "Update History", "Extended
Attributes"."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta, timezone

import pytest

from core import db
from core.models import Complaint
from core.testing import attach_proof
from plugins.open311.tests.helpers import (
    MONAS,
    call,
    document,
    expect_error,
    ids,
    jpeg,
    native,
    north_of,
    one,
    path_of,
    read,
    report,
    set_columns,
    typed,
    w3c,
    w3c_param,
)

PLUIT = (-6.1170, 106.7930)  # Penjaringan, north Jakarta


def listed(client, fmt, **query):
    answer = call(client, "GET", "/open311/v2/requests", fmt, query_string=query)
    return read(answer, "requests")


def shown(client, fmt, request_id, **query):
    answer = call(client, "GET", f"/open311/v2/requests/{request_id}", fmt, query_string=query)
    return one(read(answer, "requests"))


def days_ago(days):
    return datetime.now(UTC) - timedelta(days=days)


def reported_days_ago(app, client, days, **fields):
    """A complaint reported ``days`` ago (its requested_datetime); touched today."""
    complaint = report(client, **fields)
    set_columns(app, complaint, created_at=days_ago(days))
    return complaint


# --- one request, every field ----------------------------------------------------------------


@pytest.mark.needs_plugins("routing", "sanitation")
def test_a_request_carries_every_field_of_the_spec(client, fmt):
    complaint = report(client, address="Jl. Medan Merdeka Barat, Gambir")
    request = one(listed(client, fmt))
    stored = native(client, complaint)
    assert request["service_request_id"] == complaint
    assert request["status"] == "open"
    assert request["status_notes"] is None
    assert request["service_code"] == "garbage"
    assert request["service_name"] == "Pile of garbage"
    assert request["description"] == "Sampah menumpuk di trotoar"
    assert request["agency_responsible"] == "Dinas Lingkungan Hidup"
    assert request["address"] == "Jl. Medan Merdeka Barat, Gambir"
    assert request["address_id"] is None
    assert request["zipcode"] is None
    assert (request["lat"], request["long"]) == pytest.approx(MONAS)
    assert request["media_url"] is None
    requested = w3c(request["requested_datetime"])
    assert abs(requested - datetime.fromisoformat(stored["created_at"])) < timedelta(seconds=1)
    assert w3c(request["updated_datetime"]) >= requested - timedelta(seconds=1)
    # "This may be based on a service-specific service level agreement": garbage, 24 hours.
    expected = w3c(request["expected_datetime"])
    assert abs(expected - datetime.fromisoformat(stored["sla"]["expected_at"])) < timedelta(
        seconds=1
    )
    # Extended attributes only when asked for ("extensions=true").
    assert "extended_attributes" not in request


@pytest.mark.needs_plugins("public_works", "sanitation")
def test_one_request_is_answered_as_a_list_of_one(client, fmt):
    complaint = report(client)
    report(client, category="pothole")
    assert shown(client, fmt, complaint)["service_request_id"] == complaint


@pytest.mark.needs_plugins("sanitation")
@pytest.mark.parametrize("unknown", ["999999", "0", "abc", "1,2"])
def test_an_unknown_request_is_not_found(client, fmt, unknown):
    report(client)
    # "HTTP error codes should always be 404 for resources that don't exist"
    expect_error(call(client, "GET", f"/open311/v2/requests/{unknown}", fmt), 404)


@pytest.mark.needs_plugins("public_works", "routing", "sanitation")
def test_xml_and_json_list_the_same_requests(client, make_account):
    report(client)
    closed = report(client, category="pothole", address="Jl. Pluit Raya")
    response = client.patch(
        f"/api/v1/complaints/{closed}",
        json={"status": "rejected", "note": "Bukan jalan kota.", "note_public": True},
        headers=make_account("staff", agency="dpu").headers,
    )
    assert response.status_code == 200, response.json
    xml = call(client, "GET", "/open311/v2/requests", "xml")
    json_ = call(client, "GET", "/open311/v2/requests", "json")
    assert typed(xml.body, document("requests")) == read(json_, "requests")


# --- which requests --------------------------------------------------------------------------


@pytest.mark.needs_plugins("public_works", "sanitation")
def test_service_request_ids_override_every_other_argument(client, fmt):
    garbage, pothole, _other = (
        report(client),
        report(client, category="pothole"),
        report(client),
    )
    found = listed(
        client,
        fmt,
        service_request_id=f"{garbage},{pothole}",
        service_code="traffic_light",
        status="closed",
        start_date="2010-01-01T00:00:00Z",
        end_date="2010-02-01T00:00:00Z",
    )
    assert sorted(ids(found)) == sorted([garbage, pothole])


@pytest.mark.needs_plugins("public_works", "sanitation", "transport")
def test_service_codes_are_a_comma_delimited_list(client, fmt):
    garbage = report(client)
    pothole = report(client, category="pothole")
    report(client, category="traffic_light")
    assert sorted(ids(listed(client, fmt, service_code="garbage,pothole"))) == sorted(
        [garbage, pothole]
    )
    assert ids(listed(client, fmt, service_code="pothole")) == [pothole]


@pytest.mark.needs_plugins("public_works", "sanitation")
def test_empty_arguments_are_as_if_not_sent(client, fmt):
    # "the response should be the same whether a parameter is passed and is empty or is not
    # passed at all"
    report(client)
    report(client, category="pothole")
    empty = {"service_code": "", "status": "", "start_date": "", "end_date": ""}
    assert listed(client, fmt, **empty) == listed(client, fmt)


# --- dates -----------------------------------------------------------------------------------


@pytest.mark.needs_plugins("sanitation")
def test_the_default_window_is_the_most_recent_90_days(app, client, fmt):
    old = reported_days_ago(app, client, 100)
    recent = reported_days_ago(app, client, 80)
    assert ids(listed(client, fmt)) == [recent]
    window = {"start_date": w3c_param(days_ago(110)), "end_date": w3c_param(days_ago(95))}
    assert ids(listed(client, fmt, **window)) == [old]
    assert ids(listed(client, fmt, service_request_id=old)) == [old]


@pytest.mark.needs_plugins("sanitation")
def test_start_and_end_date_select_by_requested_datetime(app, client, fmt):
    twenty = reported_days_ago(app, client, 20)
    five = reported_days_ago(app, client, 5)
    assert ids(listed(client, fmt, start_date=w3c_param(days_ago(10)))) == [five]
    window = {"start_date": w3c_param(days_ago(30)), "end_date": w3c_param(days_ago(10))}
    assert ids(listed(client, fmt, **window)) == [twenty]
    jakarta = timezone(timedelta(hours=7))
    offset = {"start_date": days_ago(10).astimezone(jakarta).isoformat(timespec="seconds")}
    assert ids(listed(client, fmt, **offset)) == [five]


@pytest.mark.needs_plugins("sanitation")
def test_a_window_over_90_days_is_a_bad_request(client, fmt):
    report(client)
    # "may not span more than 90 days"
    too_long = {"start_date": w3c_param(days_ago(100)), "end_date": w3c_param(days_ago(0))}
    expect_error(call(client, "GET", "/open311/v2/requests", fmt, query_string=too_long), 400)
    ninety = {
        "start_date": w3c_param(days_ago(90) + timedelta(minutes=1)),
        "end_date": w3c_param(datetime.now(UTC) + timedelta(minutes=1)),
    }
    assert len(listed(client, fmt, **ninety)) == 1


@pytest.mark.parametrize(
    "dates",
    [
        {"start_date": "yesterday"},
        {"end_date": "2026-13-45T00:00:00Z"},
        {"start_date": "1700000000"},
    ],
)
def test_dates_that_are_not_w3c_are_a_bad_request(client, fmt, dates):
    expect_error(call(client, "GET", "/open311/v2/requests", fmt, query_string=dates), 400)


# --- status ----------------------------------------------------------------------------------


@pytest.mark.needs_plugins("routing", "sanitation")
def test_statuses_read_as_open_or_closed(client, fmt, make_account):
    staff = make_account("staff", agency="dlh")
    changes = {
        "open": [],
        "acknowledged": [("acknowledged", None)],
        "in_progress": [("in_progress", None)],
        "waiting": [("waiting", None)],
        "rejected": [("rejected", "Bukan wewenang DLH.")],
        "closed": [("closed", "Sudah dibersihkan warga.")],
        "resolved": [("resolved", "Sudah diangkut.")],
    }
    complaints = {}
    for name, steps in changes.items():
        complaint = report(client)
        if name == "resolved":
            assert attach_proof(client, int(complaint), staff.headers).status_code == 201
        for status, note in steps:
            body = {"status": status} | ({"note": note, "note_public": True} if note else {})
            response = client.patch(
                f"/api/v1/complaints/{complaint}", json=body, headers=staff.headers
            )
            assert response.status_code == 200, response.json
        complaints[name] = complaint
    opened = {complaints[name] for name in ("open", "acknowledged", "in_progress", "waiting")}
    closed = {complaints[name] for name in ("rejected", "closed", "resolved")}
    assert set(ids(listed(client, fmt, status="open"))) == opened
    assert set(ids(listed(client, fmt, status="closed"))) == closed
    assert set(ids(listed(client, fmt, status="open,closed"))) == opened | closed
    statuses = {request["service_request_id"]: request["status"] for request in listed(client, fmt)}
    assert statuses == {complaint: "open" for complaint in opened} | {
        complaint: "closed" for complaint in closed
    }


@pytest.mark.needs_plugins("routing", "sanitation")
def test_status_notes_are_the_latest_public_note(client, fmt, make_account):
    staff = make_account("staff", agency="dlh")
    complaint = report(client)
    for note, public in (("Truk dijadwalkan besok pagi.", True), ("Sopir sakit.", False)):
        response = client.patch(
            f"/api/v1/complaints/{complaint}",
            json={"note": note, "note_public": public},
            headers=staff.headers,
        )
        assert response.status_code == 200, response.json
    assert shown(client, fmt, complaint)["status_notes"] == "Truk dijadwalkan besok pagi."


@pytest.mark.needs_plugins("routing", "sanitation")
def test_a_closed_requests_updated_datetime_is_when_it_was_closed(client, fmt, make_account):
    staff = make_account("staff", agency="dlh")
    complaint = report(client)
    response = client.patch(
        f"/api/v1/complaints/{complaint}",
        json={"status": "rejected", "note": "Di luar wilayah.", "note_public": True},
        headers=staff.headers,
    )
    assert response.status_code == 200, response.json
    rejected_at = [
        event["at"] for event in native(client, complaint)["history"] if event["kind"] == "status"
    ][-1]
    request = shown(client, fmt, complaint)
    assert request["status"] == "closed"
    assert request["status_notes"] == "Di luar wilayah."
    updated = w3c(request["updated_datetime"])
    assert abs(updated - datetime.fromisoformat(rejected_at)) < timedelta(seconds=1)


# --- volume and pages ------------------------------------------------------------------------


def add_complaints(app, count):
    """``count`` public garbage complaints, one a minute apart up to now, stored oldest first
    as reports come; their ids, newest first."""
    now = datetime.now(UTC)
    with app.app_context():
        rows = [
            Complaint(
                category_code="garbage",
                agency_code="dlh",
                routing_agency="dlh",
                routing_rule="test.rule",
                routing_reason="Chosen by the test.",
                description=f"Sampah nomor {number}",
                lat=MONAS[0],
                lon=MONAS[1],
                status="open",
                public=True,
                created_at=now - timedelta(minutes=number),
                updated_at=now - timedelta(minutes=number),
                assigned_at=now - timedelta(minutes=number),
            )
            for number in reversed(range(count))
        ]
        db.session().add_all(rows)
        db.session().commit()
        made = [str(row.id) for row in reversed(rows)]
        db.database().session.remove()
    return made


@pytest.mark.needs_plugins("sanitation")
def test_at_most_1000_requests_newest_first(app, client, fmt):
    # "Default query limit is a span of 90 days or first 1000 requests returned, whichever is
    # smallest."
    made = add_complaints(app, 1001)
    assert ids(listed(client, fmt)) == made[:1000]


@pytest.mark.needs_plugins("sanitation")
def test_pages_of_requests(app, client, fmt):
    made = add_complaints(app, 5)
    pages = [ids(listed(client, fmt, page=page, page_size=2)) for page in (1, 2, 3, 4)]
    assert pages == [made[0:2], made[2:4], made[4:5], []]
    assert ids(listed(client, fmt, page_size=2)) == made[0:2]
    assert ids(listed(client, fmt, page_size=1000)) == made


@pytest.mark.parametrize("paging", [{"page": "0"}, {"page": "one"}, {"page_size": "0"}])
def test_a_page_that_cannot_be_is_a_bad_request(client, fmt, paging):
    expect_error(call(client, "GET", "/open311/v2/requests", fmt, query_string=paging), 400)


# --- extension filters -----------------------------------------------------------------------


@pytest.mark.needs_plugins("sanitation")
def test_updated_after_and_before_select_by_updated_datetime(app, client, fmt):
    ten, five, today = report(client), report(client), report(client)
    set_columns(app, ten, created_at=days_ago(12), updated_at=days_ago(10))
    set_columns(app, five, created_at=days_ago(12), updated_at=days_ago(5))
    after_seven = listed(client, fmt, updated_after=w3c_param(days_ago(7)))
    assert sorted(ids(after_seven)) == sorted([five, today])
    assert ids(listed(client, fmt, updated_before=w3c_param(days_ago(7)))) == [ten]
    between = {"updated_after": w3c_param(days_ago(11)), "updated_before": w3c_param(days_ago(1))}
    assert sorted(ids(listed(client, fmt, **between))) == sorted([ten, five])


@pytest.mark.needs_plugins("sanitation")
def test_lat_long_and_radius_select_requests_nearby(client, fmt):
    here = report(client, point=MONAS)
    there = report(client, point=north_of(MONAS, 2000))
    near = {"lat": MONAS[0], "long": MONAS[1]}
    assert ids(listed(client, fmt, **near, radius=500)) == [here]
    assert sorted(ids(listed(client, fmt, **near, radius=3000))) == sorted([here, there])


@pytest.mark.needs_plugins("sanitation")
def test_a_bounding_box_selects_the_requests_inside(client, fmt):
    monas = report(client, point=MONAS)
    report(client, point=PLUIT)
    box = "106.80,-6.20,106.85,-6.15"  # min_long,min_lat,max_long,max_lat around Monas
    assert ids(listed(client, fmt, bbox=box)) == [monas]


@pytest.mark.parametrize(
    "place",
    [{"bbox": "106.80,-6.20,106.85"}, {"bbox": "a,b,c,d"}, {"lat": "-6.1754", "radius": "500"}],
)
def test_a_place_that_cannot_be_is_a_bad_request(client, fmt, place):
    expect_error(call(client, "GET", "/open311/v2/requests", fmt, query_string=place), 400)


# --- extensions=true -------------------------------------------------------------------------


@pytest.mark.needs_plugins("public_works", "routing")
def test_extensions_add_attributes_photos_and_the_public_history(client, fmt, make_account):
    staff = make_account("staff", agency="dpu")
    body = {
        "category": "flooding",
        "description": "Banjir setinggi lutut",
        "lat": str(MONAS[0]),
        "lon": str(MONAS[1]),
        "attributes": '{"water_depth_cm": 40}',
        "photo": (io.BytesIO(jpeg()), "banjir.jpg"),
    }
    response = client.post("/api/v1/complaints", data=body, content_type="multipart/form-data")
    assert response.status_code == 201, response.json
    complaint = str(response.json["id"])
    for change in (
        {"status": "in_progress", "note": "Pompa dikirim.", "note_public": True},
        {"note": "Pompa cadangan rusak.", "note_public": False},
    ):
        response = client.patch(
            f"/api/v1/complaints/{complaint}", json=change, headers=staff.headers
        )
        assert response.status_code == 200, response.json
    answer = call(
        client, "GET", f"/open311/v2/requests/{complaint}", fmt, query_string={"extensions": "true"}
    )
    request = one(read(answer, "requests"))
    extended = request["extended_attributes"]
    # XML is text: the number reads as "40" there.
    assert extended["attributes"] == {"water_depth_cm": 40 if fmt == "json" else "40"}
    assert extended["photos"] == [request["media_url"]]
    photo = client.get(path_of(request["media_url"]))
    assert photo.status_code == 200
    assert photo.mimetype == "image/jpeg"
    [note] = [note for note in extended["notes"] if note["description"] == "Pompa dikirim."]
    w3c(note["datetime"])
    assert "Pompa cadangan rusak." not in answer.text


@pytest.mark.needs_plugins("sanitation")
def test_extensions_false_is_the_plain_answer(client, fmt):
    report(client)
    assert listed(client, fmt, extensions="false") == listed(client, fmt)


# --- tokens ----------------------------------------------------------------------------------


@pytest.mark.parametrize("token", ["abc123", "1", "0"])
def test_an_unknown_token_is_not_found(client, fmt, token):
    # "404 - jurisdiction_id or token not found (specified in error response)"
    expect_error(call(client, "GET", f"/open311/v2/tokens/{token}", fmt), 404)
