"""Segment statuses through the API: Dishub sets them, everyone reads them, stale ones read
unknown, and the suggestion counts the recent traffic complaints along the segment."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from plugins.transport.tests.conftest import add_complaint, east_of_thamrin


def segment(client: Any, segment_id: str) -> dict[str, Any]:
    found = client.get("/api/v1/transport/segments").json["segments"]
    return next(each for each in found if each["id"] == segment_id)


def put_status(client: Any, account: Any, status: str, segment_id: str = "thamrin", **body: Any):
    return client.put(
        f"/api/v1/transport/segments/{segment_id}/status",
        json={"status": status, **body},
        headers=account.headers if account else {},
    )


def test_segments_are_public_and_read_unknown_until_set(client, segments):
    response = client.get("/api/v1/transport/segments")
    assert response.status_code == 200
    listed = {each["id"]: each for each in response.json["segments"]}
    assert set(listed) == {"thamrin", "gatot-subroto"}
    assert listed["thamrin"]["status"] == "unknown"
    assert listed["thamrin"]["geometry"]["type"] == "LineString"
    assert listed["gatot-subroto"]["bbox"] == [106.8150, -6.2365, 106.8300, -6.2200]


def test_dishub_staff_set_a_status_that_expires_after_status_minutes(
    client, make_account, segments, clock
):
    staff = make_account("staff", agency="dishub")
    response = put_status(client, staff, "macet")
    assert response.status_code == 200, response.json
    assert response.json["status"] == "macet"
    assert response.json["status_source"] == "staff"
    set_at = clock.now
    assert response.json["status_expires_at"] == (set_at + timedelta(minutes=60)).isoformat()

    clock.advance(59)
    assert segment(client, "thamrin")["status"] == "macet"
    clock.advance(1)
    stale = segment(client, "thamrin")
    assert stale["status"] == "unknown"
    assert stale["status_source"] is None
    assert stale["status_set_at"] == set_at.isoformat()


def test_the_latest_change_is_listed_first(client, make_account, segments, clock):
    head = make_account("head", agency="dishub")
    put_status(client, head, "padat", "gatot-subroto")
    clock.advance(1)
    put_status(client, head, "lancar", "thamrin", source="suggested")
    listed = client.get("/api/v1/transport/segments").json["segments"]
    assert [(each["id"], each["status"]) for each in listed] == [
        ("thamrin", "lancar"),
        ("gatot-subroto", "padat"),
    ]
    assert listed[0]["status_source"] == "suggested"


def test_setting_unknown_clears_the_status(client, make_account, segments, clock):
    staff = make_account("staff", agency="dishub")
    put_status(client, staff, "macet")
    cleared = put_status(client, staff, "unknown")
    assert cleared.status_code == 200
    assert cleared.json["status"] == "unknown"
    assert cleared.json["status_expires_at"] is None


@pytest.mark.parametrize(
    ("role", "agency", "expected"),
    [
        (None, None, 401),
        ("resident", None, 403),
        ("officer", "dishub", 403),
        pytest.param("staff", "dlh", 403, marks=pytest.mark.needs_plugins("sanitation")),
        pytest.param("head", "polda", 403, marks=pytest.mark.needs_plugins("police")),
        ("head", "dishub", 200),
        ("admin", None, 200),
    ],
)
def test_only_dishub_staff_heads_and_admins_set_statuses(
    client, make_account, segments, role, agency, expected
):
    account = make_account(role, agency=agency) if role else None
    assert put_status(client, account, "padat").status_code == expected


def test_a_status_must_be_one_of_the_words_and_the_segment_must_exist(
    client, make_account, segments
):
    staff = make_account("staff", agency="dishub")
    refused = put_status(client, staff, "jammed")
    assert refused.status_code == 400
    assert "status" in refused.json["error"]["fields"]
    missing = put_status(client, staff, "padat", "nowhere")
    assert missing.status_code == 404
    assert missing.json["error"]["code"] == "not_found"


@pytest.fixture
def known_complaints(app, segments, clock) -> None:
    """Along Thamrin: two congestion reports and an accident within 100 m in the last 30
    minutes; not counted: one 150 m away, one 40 minutes old, an illegal-parking report, a
    rejected one. Gatot Subroto: one congestion report beside its second piece."""
    now = clock.now
    add_complaint(app, east_of_thamrin(10), now - timedelta(minutes=5))
    add_complaint(app, east_of_thamrin(90, lat=-6.1820), now - timedelta(minutes=29))
    add_complaint(app, east_of_thamrin(-50), now - timedelta(minutes=1), category="accident")
    add_complaint(app, east_of_thamrin(150), now - timedelta(minutes=1))
    add_complaint(app, east_of_thamrin(5), now - timedelta(minutes=40))
    add_complaint(app, east_of_thamrin(5), now, category="illegal_parking")
    add_complaint(app, east_of_thamrin(5), now, status="rejected")
    # North of Thamrin's end by about 60 m: near its end point, not its line's extension only.
    add_complaint(app, (-6.1810, 106.8228), now - timedelta(minutes=2))
    add_complaint(app, (-6.2330, 106.8265), now - timedelta(minutes=2))


def suggestion(client: Any, account: Any, segment_id: str) -> Any:
    return client.get(
        f"/api/v1/transport/segments/{segment_id}/suggestion", headers=account.headers
    )


@pytest.mark.needs_plugins("police")  # the accident is the police's
def test_the_suggestion_counts_recent_traffic_complaints_near_the_line(
    client, make_account, known_complaints, clock
):
    staff = make_account("staff", agency="dishub")
    thamrin = suggestion(client, staff, "thamrin")
    assert thamrin.status_code == 200
    assert thamrin.json["complaints"] == 4
    assert thamrin.json["status"] == "macet"
    assert thamrin.json["near_m"] == 100
    gatot = suggestion(client, staff, "gatot-subroto").json
    assert (gatot["complaints"], gatot["status"]) == (1, "padat")

    clock.advance(10)  # the 29-minute-old report leaves the window
    later = suggestion(client, staff, "thamrin").json
    assert (later["complaints"], later["status"]) == (3, "macet")
    clock.advance(30)
    assert suggestion(client, staff, "thamrin").json["status"] == "lancar"


def test_two_complaints_suggest_padat(app, client, make_account, segments, clock):
    add_complaint(app, east_of_thamrin(20), clock.now - timedelta(minutes=3))
    add_complaint(app, east_of_thamrin(-20), clock.now - timedelta(minutes=3))
    staff = make_account("staff", agency="dishub")
    assert suggestion(client, staff, "thamrin").json["status"] == "padat"


def test_the_suggestion_is_for_staff_only(client, make_account, segments):
    resident = make_account("resident")
    assert suggestion(client, resident, "thamrin").status_code == 403
    assert client.get("/api/v1/transport/segments/thamrin/suggestion").status_code == 401


def test_the_api_is_described_in_openapi(client):
    paths = client.get("/api/openapi.json").json["paths"]
    assert "put" in paths["/api/v1/transport/segments/{segment_id}/status"]
    assert "get" in paths["/api/v1/transport/segments/{segment_id}/suggestion"]
