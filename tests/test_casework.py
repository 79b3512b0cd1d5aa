"""Casework: likely duplicates and merging, proof photos, the reporter's rating and reopening,
reasons owed for ending without a fix, and residents' notifications."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests
from PIL import ExifTags, Image

from core import db
from core.models import Complaint
from core.testing import after_photo, attach_proof

JAKARTA = (-6.2, 106.8)
METRES_PER_DEGREE_OF_LATITUDE = 111_320


def north_of(point: tuple[float, float], metres: float) -> tuple[float, float]:
    return point[0] + metres / METRES_PER_DEGREE_OF_LATITUDE, point[1]


def report(client, category="garbage", headers=None, point=JAKARTA, **fields):
    body = {"category": category, "description": "Sampah menumpuk di depan pasar", **fields}
    body["lat"], body["lon"] = point
    response = client.post("/api/v1/complaints", json=body, headers=headers or {})
    assert response.status_code == 201, response.json
    return response.json


def change_complaint(app, complaint_id: int, **values) -> None:
    """Set columns directly (the past cannot be made through the API)."""
    with app.app_context():
        complaint = db.session().get(Complaint, complaint_id)
        for name, value in values.items():
            setattr(complaint, name, value)
        db.session().commit()
        db.database().session.remove()


def upload(client, complaint_id: int, headers: dict[str, str], photo: bytes):
    return client.post(
        f"/api/v1/complaints/{complaint_id}/photos",
        data={"photo": (io.BytesIO(photo), "after.jpg")},
        headers=headers,
        content_type="multipart/form-data",
    )


def set_status(client, complaint_id: int, headers: dict[str, str], status: str, **fields):
    body = {"status": status, **fields}
    return client.patch(f"/api/v1/complaints/{complaint_id}", json=body, headers=headers)


def resolve(client, complaint_id: int, staff_headers: dict[str, str]) -> None:
    assert attach_proof(client, complaint_id, staff_headers).status_code == 201
    assert set_status(client, complaint_id, staff_headers, "resolved").status_code == 200


def rate(client, complaint_id: int, headers, **body):
    return client.post(f"/api/v1/complaints/{complaint_id}/rating", json=body, headers=headers)


def error_code(response) -> str:
    return response.json["error"]["code"]


def plain_jpeg() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (64, 48), "green").save(output, "JPEG")
    return output.getvalue()


def local_time_photo(taken_at: datetime) -> bytes:
    """A JPEG whose EXIF capture time has no offset, as many phones write it."""
    exif = Image.Exif()
    exif.get_ifd(ExifTags.IFD.Exif)[0x9003] = taken_at.strftime("%Y:%m:%d %H:%M:%S")
    output = io.BytesIO()
    Image.new("RGB", (64, 48), "green").save(output, "JPEG", exif=exif)
    return output.getvalue()


def notifications(client, account) -> list[dict]:
    response = client.get("/api/v1/me/notifications", headers=account.headers)
    assert response.status_code == 200
    return response.json


def history(client, complaint_id: int, headers=None) -> list[dict]:
    return client.get(f"/api/v1/complaints/{complaint_id}", headers=headers or {}).json["history"]


def duplicates_near(client, point, category="garbage", headers=None):
    query = {"category": category, "lat": point[0], "lon": point[1]}
    response = client.get("/api/v1/complaints/duplicates", query_string=query, headers=headers)
    assert response.status_code == 200, response.json
    return response.json


# --- likely duplicates -----------------------------------------------------------------------


@pytest.mark.needs_plugins("sanitation")
def test_before_reporting_open_complaints_close_by_are_offered_nearest_first(client):
    near = report(client, point=north_of(JAKARTA, 30))
    nearer = report(client, point=north_of(JAKARTA, 10))
    report(client, point=north_of(JAKARTA, 80))

    offered = duplicates_near(client, JAKARTA)

    assert [found["id"] for found in offered] == [nearer["id"], near["id"]]
    assert offered[0]["distance_m"] == pytest.approx(10, abs=1)
    assert offered[1]["distance_m"] == pytest.approx(30, abs=1)
    assert offered[0]["category"] == "garbage"


@pytest.mark.needs_plugins("sanitation")
def test_duplicates_endpoint_offers_same_category_within_radius(client):
    near = report(client, point=north_of(JAKARTA, 30))
    report(client, point=north_of(JAKARTA, 80))
    report(client, category="illegal_dumping", point=north_of(JAKARTA, 5))

    offered = duplicates_near(client, JAKARTA)

    assert [found["id"] for found in offered] == [near["id"]]
    assert offered[0]["distance_m"] == pytest.approx(30, abs=1)


@pytest.mark.needs_plugins("sanitation")
def test_complaints_older_than_the_window_are_not_offered(client, app):
    old = report(client)
    change_complaint(app, old["id"], created_at=datetime.now(UTC) - timedelta(hours=169))
    recent = report(client, point=north_of(JAKARTA, 20))

    assert [found["id"] for found in duplicates_near(client, JAKARTA)] == [recent["id"]]


@pytest.mark.needs_plugins("routing", "sanitation")
def test_finished_complaints_are_not_offered(client, make_account):
    staff = make_account("staff", agency="dlh")
    fixed = report(client)
    resolve(client, fixed["id"], staff.headers)
    rejected = report(client)
    reason = {"note": "Bukan wilayah kota.", "note_public": True}
    assert (
        set_status(client, rejected["id"], staff.headers, "rejected", **reason).status_code == 200
    )

    assert duplicates_near(client, JAKARTA) == []


@pytest.mark.needs_plugins("routing", "sanitation")
def test_confidential_complaints_are_offered_only_to_those_who_may_see_them(client, make_account):
    resident = make_account("resident")
    secret = report(client, headers=resident.headers, privacy="confidential")
    staff = make_account("staff", agency="dlh")

    assert duplicates_near(client, JAKARTA) == []
    seen_by_staff = duplicates_near(client, JAKARTA, headers=staff.headers)
    assert secret["id"] in [found["id"] for found in seen_by_staff]
    seen_by_reporter = duplicates_near(client, JAKARTA, headers=resident.headers)
    assert secret["id"] in [found["id"] for found in seen_by_reporter]


@pytest.mark.needs_plugins("police")
def test_police_reports_are_never_offered_to_the_public(client, make_account):
    crime = report(client, category="crime")
    police = make_account("staff", agency="polda")

    assert duplicates_near(client, JAKARTA, category="crime") == []
    offered = duplicates_near(client, JAKARTA, category="crime", headers=police.headers)
    assert crime["id"] in [found["id"] for found in offered]


@pytest.mark.needs_plugins("sanitation")
def test_duplicates_offered_to_the_public_carry_no_personal_data(client, make_account):
    resident = make_account("resident")
    report(client, headers=resident.headers, contact_email="budi@example.org")
    offered = duplicates_near(client, JAKARTA)
    assert len(offered) == 1
    assert "reporter" not in offered[0]
    assert "budi@example.org" not in str(offered)


@pytest.mark.parametrize(
    "query, field",
    [
        ({"lat": -6.2, "lon": 106.8}, "category"),
        ({"category": "garbage", "lat": 95, "lon": 106.8}, "lat"),
        ({"category": "garbage", "lat": -6.2}, "lon"),
    ],
)
def test_duplicates_query_needs_a_category_and_a_point(client, query, field):
    response = client.get("/api/v1/complaints/duplicates", query_string=query)
    assert response.status_code == 400
    assert field in response.json["error"]["fields"]


@pytest.mark.needs_plugins("sanitation")
def test_unknown_category_has_no_duplicates(client):
    report(client)
    assert duplicates_near(client, JAKARTA, category="unicorns") == []


# --- merging ---------------------------------------------------------------------------------


@pytest.fixture
def merged(client, make_account):
    """Two residents reported one pile of garbage; staff merged the second into the first."""
    first_reporter = make_account("resident")
    second_reporter = make_account("resident")
    staff = make_account("staff", agency="dlh")
    kept = report(client, headers=first_reporter.headers)
    offered = duplicates_near(client, north_of(JAKARTA, 20), headers=second_reporter.headers)
    assert [found["id"] for found in offered] == [kept["id"]]
    duplicate = report(client, headers=second_reporter.headers, point=north_of(JAKARTA, 20))
    response = client.post(
        f"/api/v1/complaints/{duplicate['id']}/merge",
        json={"into": kept["id"], "reason": "Tumpukan yang sama"},
        headers=staff.headers,
    )
    assert response.status_code == 200, response.json
    assert response.json["id"] == kept["id"]
    return {
        "kept": kept["id"],
        "duplicate": duplicate["id"],
        "first_reporter": first_reporter,
        "second_reporter": second_reporter,
        "staff": staff,
    }


@pytest.mark.needs_plugins("routing", "sanitation")
def test_merged_duplicate_closes_pointing_at_the_kept_case(client, merged):
    duplicate = client.get(f"/api/v1/complaints/{merged['duplicate']}").json
    assert duplicate["status"] == "closed"
    assert duplicate["merged_into"] == merged["kept"]
    kept = client.get(f"/api/v1/complaints/{merged['kept']}").json
    assert kept["status"] == "open"
    assert kept["merged_into"] is None


@pytest.mark.needs_plugins("routing", "sanitation")
def test_merge_is_recorded_in_both_histories(client, merged):
    [on_duplicate] = [e for e in history(client, merged["duplicate"]) if e["kind"] == "merged"]
    assert (on_duplicate["from_status"], on_duplicate["to_status"]) == ("open", "closed")
    assert f"#{merged['kept']}" in on_duplicate["note"]
    assert "Tumpukan yang sama" in on_duplicate["note"]
    [on_kept] = [e for e in history(client, merged["kept"]) if e["kind"] == "merged"]
    assert f"#{merged['duplicate']}" in on_kept["note"]


@pytest.mark.needs_plugins("routing", "sanitation")
def test_merged_reporter_is_told_of_the_merge(client, merged):
    [news] = notifications(client, merged["second_reporter"])
    assert news["kind"] == "merged"
    assert news["complaint_id"] == merged["duplicate"]
    assert f"#{merged['kept']}" in news["message"]
    assert news["read"] is False
    assert notifications(client, merged["first_reporter"]) == []


@pytest.mark.needs_plugins("routing", "sanitation")
def test_both_reporters_are_told_of_the_kept_case_until_its_resolution(client, merged):
    staff = merged["staff"].headers
    note = {"note": "Truk dikirim besok pagi.", "note_public": True}
    assert set_status(client, merged["kept"], staff, "in_progress", **note).status_code == 200
    resolve(client, merged["kept"], staff)

    for reporter in (merged["first_reporter"], merged["second_reporter"]):
        about_kept = [
            n for n in notifications(client, reporter) if n["complaint_id"] == merged["kept"]
        ]
        assert [n["kind"] for n in about_kept] == ["status", "status"]
        resolved, in_progress = about_kept  # newest first
        assert "was resolved" in resolved["message"]
        assert "is being worked on" in in_progress["message"]
        assert "Truk dikirim besok pagi." in in_progress["message"]


@pytest.mark.needs_plugins("routing", "sanitation")
def test_internal_notes_are_not_sent_to_reporters(client, merged):
    note = {"note": "Sopir truk sakit.", "note_public": False}
    set_status(client, merged["kept"], merged["staff"].headers, "acknowledged", **note)
    for reporter in (merged["first_reporter"], merged["second_reporter"]):
        assert "Sopir" not in str(notifications(client, reporter))


@pytest.mark.needs_plugins("routing", "sanitation")
def test_notifications_are_marked_read_up_to_an_id(client, merged):
    reporter = merged["second_reporter"]
    set_status(client, merged["kept"], merged["staff"].headers, "acknowledged")
    newest, oldest = notifications(client, reporter)

    response = client.post(
        "/api/v1/me/notifications/read", json={"up_to_id": oldest["id"]}, headers=reporter.headers
    )

    assert response.status_code == 204
    assert [n["read"] for n in notifications(client, reporter)] == [False, True]
    client.post(
        "/api/v1/me/notifications/read", json={"up_to_id": newest["id"]}, headers=reporter.headers
    )
    assert [n["read"] for n in notifications(client, reporter)] == [True, True]
    assert [n["read"] for n in notifications(client, merged["first_reporter"])] == [False]


def test_notifications_are_for_signed_in_residents(client):
    assert client.get("/api/v1/me/notifications").status_code == 401
    response = client.post("/api/v1/me/notifications/read", json={"up_to_id": 1})
    assert response.status_code == 401


def test_marking_read_needs_an_id(client, make_account):
    resident = make_account("resident")
    response = client.post("/api/v1/me/notifications/read", json={}, headers=resident.headers)
    assert response.status_code == 400
    assert "up_to_id" in response.json["error"]["fields"]


@pytest.mark.needs_plugins("routing", "sanitation")
def test_merged_reporter_may_rate_the_kept_case(client, merged):
    resolve(client, merged["kept"], merged["staff"].headers)
    response = client.post(
        f"/api/v1/complaints/{merged['kept']}/rating",
        json={"stars": 5},
        headers=merged["second_reporter"].headers,
    )
    assert response.status_code == 200
    assert response.json["rating"] == 5


@pytest.mark.needs_plugins("routing", "sanitation")
def test_merged_reporter_follows_a_confidential_kept_case(client, make_account):
    first_reporter, second_reporter = make_account("resident"), make_account("resident")
    staff = make_account("staff", agency="dlh")
    kept = report(client, headers=first_reporter.headers, privacy="confidential")
    duplicate = report(client, headers=second_reporter.headers, privacy="confidential")
    merge = {"into": kept["id"]}
    url = f"/api/v1/complaints/{duplicate['id']}/merge"
    assert client.post(url, json=merge, headers=staff.headers).status_code == 200
    resolve(client, kept["id"], staff.headers)

    shown = client.get(f"/api/v1/complaints/{kept['id']}", headers=second_reporter.headers)
    rated = rate(client, kept["id"], second_reporter.headers, stars=5)

    assert shown.status_code == 200
    assert rated.status_code == 200
    assert client.get(f"/api/v1/complaints/{kept['id']}").status_code == 404


@pytest.mark.needs_plugins("routing", "sanitation")
def test_a_merged_duplicate_cannot_be_reopened_or_rated(client, merged):
    """Its reporter follows the kept case now: reopening the closed duplicate would split it."""
    reporter = merged["second_reporter"].headers
    url = f"/api/v1/complaints/{merged['duplicate']}"
    reopened = client.post(f"{url}/reopen", json={"reason": "Masih ada"}, headers=reporter)
    rated = client.post(f"{url}/rating", json={"stars": 1}, headers=reporter)
    assert (reopened.status_code, error_code(reopened)) == (409, "merged")
    assert (rated.status_code, error_code(rated)) == (409, "merged")
    assert client.get(url).json["status"] == "closed"


@pytest.mark.needs_plugins("routing", "sanitation")
def test_a_resident_merged_twice_into_one_case_follows_it_once(client, make_account, merged):
    third = report(client, headers=merged["second_reporter"].headers, point=north_of(JAKARTA, 5))
    response = client.post(
        f"/api/v1/complaints/{third['id']}/merge",
        json={"into": merged["kept"]},
        headers=merged["staff"].headers,
    )
    assert response.status_code == 200
    set_status(client, merged["kept"], merged["staff"].headers, "acknowledged")
    about_kept = [
        n
        for n in notifications(client, merged["second_reporter"])
        if n["complaint_id"] == merged["kept"]
    ]
    assert len(about_kept) == 1


@pytest.mark.needs_plugins("public_works", "sanitation")
def test_merging_is_for_the_agency_staff(client, make_account):
    kept = report(client)
    duplicate = report(client, point=north_of(JAKARTA, 10))
    merge = {"into": kept["id"]}
    url = f"/api/v1/complaints/{duplicate['id']}/merge"
    for account in (
        make_account("resident"),
        make_account("officer", agency="dlh"),
        make_account("staff", agency="dpu"),
    ):
        response = client.post(url, json=merge, headers=account.headers)
        assert response.status_code == 403, account.role
    assert client.post(url, json=merge).status_code == 401
    assert client.get(f"/api/v1/complaints/{duplicate['id']}").json["status"] == "open"


@pytest.mark.needs_plugins("routing", "sanitation")
def test_impossible_merges_are_conflicts(client, make_account):
    staff = make_account("staff", agency="dlh")
    kept = report(client)
    duplicate = report(client, point=north_of(JAKARTA, 10))
    other_category = report(client, category="illegal_dumping")
    closed = report(client, point=north_of(JAKARTA, 15))
    reason = {"note": "Sudah dibersihkan warga.", "note_public": True}
    assert set_status(client, closed["id"], staff.headers, "closed", **reason).status_code == 200

    def merge(complaint_id: int, into: int):
        return client.post(
            f"/api/v1/complaints/{complaint_id}/merge", json={"into": into}, headers=staff.headers
        )

    assert merge(duplicate["id"], kept["id"]).status_code == 200
    assert merge(duplicate["id"], kept["id"]).status_code == 409  # merged twice
    assert merge(kept["id"], kept["id"]).status_code == 409  # into itself
    assert merge(kept["id"], closed["id"]).status_code == 409  # into a closed case
    assert merge(kept["id"], duplicate["id"]).status_code == 409  # into a merged case
    assert merge(other_category["id"], kept["id"]).status_code == 409  # across categories
    assert merge(kept["id"], 999_999).status_code == 404
    shown = client.get(f"/api/v1/complaints/{kept['id']}").json
    assert (shown["status"], shown["merged_into"]) == ("open", None)


@pytest.mark.needs_plugins("sanitation")
def test_merge_needs_the_kept_case(client, make_account):
    staff = make_account("staff", agency="dlh")
    duplicate = report(client)
    response = client.post(
        f"/api/v1/complaints/{duplicate['id']}/merge", json={}, headers=staff.headers
    )
    assert response.status_code == 400
    assert "into" in response.json["error"]["fields"]


@pytest.mark.needs_plugins("routing", "sanitation")
def test_merged_reporter_hears_the_kept_case_live(client, live_server, live_client, merged):
    console = live_client(token=merged["second_reporter"].token)
    requests.patch(
        f"{live_server}/api/v1/complaints/{merged['kept']}",
        json={"status": "in_progress"},
        headers=merged["staff"].headers,
        timeout=5,
    ).raise_for_status()
    updates = [
        event for event in console.wait_for("complaint.updated") if event["id"] == merged["kept"]
    ]
    assert [event["status"] for event in updates] == ["in_progress"]
    assert "reporter" not in updates[0]


# --- proof of the fix ------------------------------------------------------------------------


@pytest.fixture
def staff(make_account):
    return make_account("staff", agency="dlh")


@pytest.mark.needs_plugins("routing", "sanitation")
def test_field_complaint_cannot_be_resolved_without_an_after_photo(client, staff):
    created = report(client)
    response = set_status(client, created["id"], staff.headers, "resolved")
    assert (response.status_code, error_code(response)) == (422, "after_photo_required")
    assert client.get(f"/api/v1/complaints/{created['id']}").json["status"] == "open"


@pytest.mark.needs_plugins("routing", "sanitation")
def test_a_photo_without_capture_time_is_refused(client, staff):
    created = report(client)
    response = upload(client, created["id"], staff.headers, plain_jpeg())
    assert (response.status_code, error_code(response)) == (422, "capture_time_missing")
    assert client.get(f"/api/v1/complaints/{created['id']}").json["photos"] == []


@pytest.mark.needs_plugins("routing", "sanitation")
def test_a_photo_taken_before_the_assignment_is_refused(client, staff):
    created = report(client)
    taken_at = datetime.now(UTC) - timedelta(hours=1)
    response = upload(client, created["id"], staff.headers, after_photo(taken_at, JAKARTA))
    assert (response.status_code, error_code(response)) == (422, "photo_too_old")


@pytest.mark.needs_plugins("routing", "sanitation")
def test_a_photo_taken_in_the_future_is_refused(client, staff):
    created = report(client)
    taken_at = datetime.now(UTC) + timedelta(hours=1)
    response = upload(client, created["id"], staff.headers, after_photo(taken_at))
    assert (response.status_code, error_code(response)) == (422, "photo_from_future")


@pytest.mark.needs_plugins("routing", "sanitation")
def test_a_photo_taken_far_from_the_complaint_is_refused(client, staff):
    created = report(client)
    photo = after_photo(point=north_of(JAKARTA, 1000))
    response = upload(client, created["id"], staff.headers, photo)
    assert (response.status_code, error_code(response)) == (422, "photo_too_far")
    assert "at most 200 m" in response.json["error"]["message"]


@pytest.mark.needs_plugins("routing", "sanitation")
def test_a_photo_taken_near_the_complaint_lets_it_be_resolved(client, staff):
    created = report(client)
    taken_at = datetime.now(UTC)
    photo = after_photo(taken_at, north_of(JAKARTA, 20))

    response = upload(client, created["id"], staff.headers, photo)

    assert response.status_code == 201, response.json
    [proof] = response.json["photos"]
    assert proof["kind"] == "after"
    assert datetime.fromisoformat(proof["captured_at"]) == taken_at.replace(microsecond=0)
    resolved = set_status(client, created["id"], staff.headers, "resolved")
    assert resolved.status_code == 200
    assert resolved.json["status"] == "resolved"
    kinds = [event["kind"] for event in history(client, created["id"])]
    assert kinds == ["created", "photo", "status"]


@pytest.mark.needs_plugins("routing", "sanitation")
def test_stored_after_photo_carries_no_position(client, staff):
    created = report(client)
    proof = upload(client, created["id"], staff.headers, after_photo(point=JAKARTA)).json
    [photo] = proof["photos"]

    stored = client.get(photo["url"], headers=staff.headers)

    assert stored.status_code == 200
    exif = Image.open(io.BytesIO(stored.data)).getexif()
    assert dict(exif.get_ifd(ExifTags.IFD.GPSInfo)) == {}
    assert b"GPS" not in stored.data


@pytest.mark.needs_plugins("routing", "sanitation")
def test_a_capture_time_without_offset_is_the_city_time(client, staff):
    created = report(client)
    city_time = datetime.now(ZoneInfo("Asia/Jakarta")).replace(tzinfo=None, microsecond=0)

    response = upload(client, created["id"], staff.headers, local_time_photo(city_time))

    assert response.status_code == 201, response.json
    captured_at = datetime.fromisoformat(response.json["photos"][0]["captured_at"])
    assert captured_at == city_time.replace(tzinfo=ZoneInfo("Asia/Jakarta"))


@pytest.mark.needs_plugins("routing", "sanitation")
def test_officer_of_the_agency_may_attach_proof(client, make_account):
    created = report(client)
    officer = make_account("officer", agency="dlh")
    assert attach_proof(client, created["id"], officer.headers).status_code == 201


@pytest.mark.needs_plugins("public_works", "sanitation", "transport")
@pytest.mark.parametrize(
    "role, agency", [("staff", "dpu"), ("officer", "dishub"), ("resident", None)]
)
def test_others_may_not_attach_proof(client, make_account, role, agency):
    created = report(client)
    outsider = make_account(role, agency=agency)
    response = attach_proof(client, created["id"], outsider.headers)
    assert response.status_code == 403
    assert client.get(f"/api/v1/complaints/{created['id']}").json["photos"] == []


@pytest.mark.needs_plugins("routing", "sanitation")
def test_proof_must_be_a_photo(client, staff):
    created = report(client)
    response = upload(client, created["id"], staff.headers, b"%PDF-1.4 not a photo")
    assert (response.status_code, error_code(response)) == (415, "unsupported_photo")


@pytest.mark.needs_plugins("sanitation")
def test_proof_needs_sign_in_and_one_photo(client, staff):
    created = report(client)
    assert attach_proof(client, created["id"], {}).status_code == 401
    response = client.post(
        f"/api/v1/complaints/{created['id']}/photos", data={}, headers=staff.headers
    )
    assert response.status_code == 400
    assert "photo" in response.json["error"]["fields"]


@pytest.mark.needs_plugins("routing", "sanitation")
def test_no_proof_is_attached_to_a_finished_complaint(client, staff):
    created = report(client)
    resolve(client, created["id"], staff.headers)
    response = attach_proof(client, created["id"], staff.headers)
    assert (response.status_code, error_code(response)) == (409, "invalid_transition")


@pytest.mark.needs_plugins("public_works", "routing", "sanitation")
def test_after_a_forward_earlier_proof_no_longer_counts(client, app, make_account, staff):
    created = report(client)
    two_hours_ago = datetime.now(UTC) - timedelta(hours=2)
    change_complaint(app, created["id"], created_at=two_hours_ago, assigned_at=two_hours_ago)
    photo = after_photo(datetime.now(UTC) - timedelta(hours=1), JAKARTA)
    assert upload(client, created["id"], staff.headers, photo).status_code == 201
    forwarded = client.post(
        f"/api/v1/complaints/{created['id']}/forward",
        json={"agency": "dpu", "reason": "Saluran tersumbat, urusan PU"},
        headers=staff.headers,
    )
    assert forwarded.status_code == 200
    public_works = make_account("staff", agency="dpu")

    resolving = set_status(client, created["id"], public_works.headers, "resolved")
    assert (resolving.status_code, error_code(resolving)) == (422, "after_photo_required")
    same_photo = upload(client, created["id"], public_works.headers, photo)
    assert (same_photo.status_code, error_code(same_photo)) == (422, "photo_too_old")

    assert attach_proof(client, created["id"], public_works.headers).status_code == 201
    assert set_status(client, created["id"], public_works.headers, "resolved").status_code == 200


# --- the reporter's rating and reopening -----------------------------------------------------


@pytest.fixture
def resolved_case(client, make_account, staff):
    """A resident's complaint, resolved by the agency."""
    reporter = make_account("resident")
    created = report(client, headers=reporter.headers)
    resolve(client, created["id"], staff.headers)
    return {"id": created["id"], "reporter": reporter}


@pytest.mark.needs_plugins("routing", "sanitation")
def test_a_good_rating_keeps_the_complaint_resolved(client, resolved_case):
    response = rate(
        client, resolved_case["id"], resolved_case["reporter"].headers, stars=4, comment="Cepat!"
    )
    assert response.status_code == 200
    assert (response.json["status"], response.json["rating"]) == ("resolved", 4)
    assert response.json["reopen_count"] == 0
    [rated] = [e for e in history(client, resolved_case["id"]) if e["kind"] == "rated"]
    assert "4/5" in rated["note"] and "Cepat!" in rated["note"]
    assert rated["to_status"] is None


@pytest.mark.needs_plugins("routing", "sanitation")
def test_a_poor_rating_reopens_the_complaint_with_a_fresh_deadline(client, app, resolved_case):
    overdue = datetime.now(UTC) - timedelta(hours=1)
    change_complaint(app, resolved_case["id"], expected_at=overdue, overdue="resolve")

    response = rate(client, resolved_case["id"], resolved_case["reporter"].headers, stars=2)

    assert response.status_code == 200
    body = response.json
    assert (body["status"], body["rating"], body["reopen_count"]) == ("open", 2, 1)
    expected_at = datetime.fromisoformat(body["sla"]["expected_at"])
    fresh = datetime.now(UTC) + timedelta(hours=24)  # garbage: resolved within 24 hours
    assert abs(expected_at - fresh) < timedelta(minutes=1)
    assert body["sla"]["overdue"] is None
    [rated] = [e for e in history(client, resolved_case["id"]) if e["kind"] == "rated"]
    assert (rated["from_status"], rated["to_status"]) == ("resolved", "open")
    [news, *_] = notifications(client, resolved_case["reporter"])
    assert "is open again" in news["message"]


@pytest.mark.needs_plugins("routing", "sanitation")
def test_a_closed_complaint_can_be_rated_too(client, resolved_case, staff):
    assert set_status(client, resolved_case["id"], staff.headers, "closed").status_code == 200
    response = rate(client, resolved_case["id"], resolved_case["reporter"].headers, stars=1)
    assert (response.json["status"], response.json["reopen_count"]) == ("open", 1)


@pytest.mark.needs_plugins("routing", "sanitation")
@pytest.mark.parametrize("stars", [0, 6])
def test_stars_are_one_to_five(client, resolved_case, stars):
    response = rate(client, resolved_case["id"], resolved_case["reporter"].headers, stars=stars)
    assert response.status_code == 400
    assert "stars" in response.json["error"]["fields"]


@pytest.mark.needs_plugins("routing", "sanitation")
def test_only_the_reporter_may_rate(client, make_account, resolved_case, staff):
    for account in (make_account("resident"), staff):
        response = rate(client, resolved_case["id"], account.headers, stars=5)
        assert response.status_code == 403, account.role
    assert rate(client, resolved_case["id"], {}, stars=5).status_code == 401
    assert client.get(f"/api/v1/complaints/{resolved_case['id']}").json["rating"] is None


@pytest.mark.needs_plugins("sanitation")
def test_an_unresolved_complaint_cannot_be_rated(client, make_account):
    reporter = make_account("resident")
    created = report(client, headers=reporter.headers)
    response = rate(client, created["id"], reporter.headers, stars=5)
    assert (response.status_code, error_code(response)) == (409, "not_resolved")


@pytest.mark.needs_plugins("routing", "sanitation")
def test_reporter_reopens_a_resolved_complaint(client, resolved_case, staff):
    url = f"/api/v1/complaints/{resolved_case['id']}/reopen"
    reason = {"reason": "Sampahnya menumpuk lagi"}

    response = client.post(url, json=reason, headers=resolved_case["reporter"].headers)

    assert response.status_code == 200
    assert (response.json["status"], response.json["reopen_count"]) == ("open", 1)
    reopened = history(client, resolved_case["id"])[-1]
    assert (reopened["from_status"], reopened["to_status"]) == ("resolved", "open")
    assert reopened["note"] == "Sampahnya menumpuk lagi"
    resolve(client, resolved_case["id"], staff.headers)
    again = client.post(url, json=reason, headers=resolved_case["reporter"].headers)
    assert again.json["reopen_count"] == 2


@pytest.mark.needs_plugins("routing", "sanitation")
def test_proof_from_before_a_reopening_does_not_resolve_it_again(client, resolved_case, staff):
    """The reporter says the fix did not hold: the old photo proves nothing any more."""
    reporter = resolved_case["reporter"].headers
    assert rate(client, resolved_case["id"], reporter, stars=1).status_code == 200

    response = set_status(client, resolved_case["id"], staff.headers, "resolved")

    assert (response.status_code, error_code(response)) == (422, "after_photo_required")


@pytest.mark.needs_plugins("routing", "sanitation")
def test_reopening_is_for_the_reporter_of_a_finished_complaint(client, make_account, resolved_case):
    url = f"/api/v1/complaints/{resolved_case['id']}/reopen"
    reason = {"reason": "Masih ada"}
    assert client.post(url, json=reason).status_code == 401
    assert (
        client.post(url, json=reason, headers=make_account("resident").headers).status_code == 403
    )
    short = client.post(url, json={"reason": "x"}, headers=resolved_case["reporter"].headers)
    assert short.status_code == 400
    assert (
        client.post(url, json=reason, headers=resolved_case["reporter"].headers).status_code == 200
    )
    twice = client.post(url, json=reason, headers=resolved_case["reporter"].headers)
    assert (twice.status_code, error_code(twice)) == (409, "invalid_transition")


# --- ending without a fix --------------------------------------------------------------------


@pytest.mark.needs_plugins("routing", "sanitation")
@pytest.mark.parametrize("status", ["rejected", "closed"])
@pytest.mark.parametrize(
    "reason", [{}, {"note": "Duplikat laporan lain."}, {"note": "x", "note_public": False}]
)
def test_ending_without_a_fix_needs_a_public_reason(client, staff, status, reason):
    created = report(client)
    response = set_status(client, created["id"], staff.headers, status, **reason)
    assert (response.status_code, error_code(response)) == (422, "public_reason_required")
    assert client.get(f"/api/v1/complaints/{created['id']}").json["status"] == "open"


@pytest.mark.needs_plugins("routing", "sanitation")
@pytest.mark.parametrize("status", ["rejected", "closed"])
def test_the_public_reason_is_in_the_public_history(client, staff, status):
    created = report(client)
    reason = {"note": "Lokasi di luar wilayah kota.", "note_public": True}

    response = set_status(client, created["id"], staff.headers, status, **reason)

    assert response.status_code == 200
    assert response.json["status"] == status
    ended = history(client, created["id"])[-1]
    assert (ended["to_status"], ended["note"]) == (status, "Lokasi di luar wilayah kota.")


@pytest.mark.needs_plugins("routing", "sanitation")
def test_closing_a_resolved_complaint_needs_no_reason(client, staff):
    created = report(client)
    resolve(client, created["id"], staff.headers)
    response = set_status(client, created["id"], staff.headers, "closed")
    assert response.status_code == 200
    assert response.json["status"] == "closed"


@pytest.mark.needs_plugins("routing", "sanitation")
def test_a_before_photo_is_kept_but_is_no_proof_of_the_fix(client, staff):
    created = report(client)
    response = client.post(
        f"/api/v1/complaints/{created['id']}/photos",
        data={"photo": (io.BytesIO(after_photo(point=JAKARTA)), "before.jpg"), "kind": "before"},
        headers=staff.headers,
        content_type="multipart/form-data",
    )
    assert response.status_code == 201
    assert [photo["kind"] for photo in response.json["photos"]] == ["before"]
    refused = set_status(client, created["id"], staff.headers, "resolved")
    assert (refused.status_code, error_code(refused)) == (422, "after_photo_required")
    odd = client.post(
        f"/api/v1/complaints/{created['id']}/photos",
        data={"photo": (io.BytesIO(after_photo()), "x.jpg"), "kind": "during"},
        headers=staff.headers,
        content_type="multipart/form-data",
    )
    assert odd.status_code == 400 and "kind" in odd.json["error"]["fields"]
