"""The complaints API: intake, listing, reading, status changes, forwarding, and their errors."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from core import db
from core.models import Complaint, ComplaintEvent
from core.testing import attach_proof

JAKARTA = {"lat": -6.2, "lon": 106.8}


def report(client, category="garbage", headers=None, **fields):
    body = {"category": category, "description": "Sampah menumpuk di depan pasar", **JAKARTA}
    body.update(fields)
    return client.post("/api/v1/complaints", json=body, headers=headers or {})


def complaint_count(app) -> int:
    with app.app_context():
        count = db.session().scalar(select(func.count()).select_from(Complaint))
        db.database().session.remove()
        return count


# --- intake ----------------------------------------------------------------------------------


@pytest.mark.needs_plugins("routing", "sanitation")
def test_report_is_routed_to_the_category_owner(client):
    response = report(client)
    assert response.status_code == 201
    body = response.json
    assert body["status"] == "open"
    assert body["agency"] == "dlh"
    assert body["routing"]["agency"] == "dlh"
    assert body["routing"]["rule"] == "sanitation.garbage"
    assert "Dinas Lingkungan Hidup" in body["routing"]["reason"]
    assert body["created_at"].endswith("+00:00")
    assert response.headers["Location"] == f"/api/v1/complaints/{body['id']}"


@pytest.mark.needs_plugins("sanitation")
def test_anonymous_report_hides_contact_from_the_public(client):
    response = report(client, contact_name="Budi", contact_email="budi@example.org")
    assert response.status_code == 201
    assert "reporter" not in response.json
    shown = client.get(f"/api/v1/complaints/{response.json['id']}").json
    assert "reporter" not in shown
    assert "budi@example.org" not in str(shown)


@pytest.mark.needs_plugins("routing", "sanitation")
def test_staff_of_the_agency_see_the_reporter_contact(client, make_account):
    created = report(client, contact_email="budi@example.org").json
    staff = make_account("staff", agency="dlh")
    shown = client.get(f"/api/v1/complaints/{created['id']}", headers=staff.headers).json
    assert shown["reporter"]["email"] == "budi@example.org"


@pytest.mark.needs_plugins("sanitation")
def test_signed_in_resident_is_the_reporter(client, make_account):
    resident = make_account("resident")
    created = report(client, headers=resident.headers).json
    assert created["anonymous"] is False
    assert created["reporter"]["user_id"] == resident.id


@pytest.mark.needs_plugins("sanitation")
def test_signed_in_resident_may_report_anonymously(client, make_account):
    resident = make_account("resident")
    created = report(client, headers=resident.headers, anonymous=True).json
    assert created["anonymous"] is True
    assert "reporter" not in created


def test_invalid_fields_are_named_and_nothing_is_stored(client, app):
    response = client.post(
        "/api/v1/complaints",
        json={"category": "garbage", "description": "x", "lat": 95, "extra": 1},
    )
    assert response.status_code == 400
    error = response.json["error"]
    assert error["code"] == "validation_failed"
    assert set(error["fields"]) == {"description", "lat", "lon", "extra"}
    assert complaint_count(app) == 0


def test_unknown_category_is_a_field_error(client, app):
    response = report(client, category="unicorns")
    assert response.status_code == 400
    assert "category" in response.json["error"]["fields"]
    assert complaint_count(app) == 0


def test_wrong_media_type_is_415(client):
    response = client.post("/api/v1/complaints", data="category=garbage", content_type="text/plain")
    assert response.status_code == 415
    assert response.json["error"]["code"] == "unsupported_media_type"


def test_malformed_json_is_400(client):
    response = client.post("/api/v1/complaints", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json["error"]["code"] == "invalid_json"


@pytest.mark.needs_plugins("public_works", "routing")
def test_multipart_without_photos_is_accepted(client):
    form = {"category": "pothole", "description": "Jalan berlubang besar", "lat": "-6.2"}
    form["lon"] = "106.8"
    response = client.post("/api/v1/complaints", data=form, content_type="multipart/form-data")
    assert response.status_code == 201
    assert response.json["agency"] == "dpu"


@pytest.mark.needs_plugins("routing", "sanitation")
def test_history_starts_with_the_creation_event(client):
    created = report(client).json
    history = client.get(f"/api/v1/complaints/{created['id']}").json["history"]
    assert [event["kind"] for event in history] == ["created"]
    assert history[0]["to_status"] == "open"
    assert history[0]["to_agency"] == "dlh"


# --- idempotency -----------------------------------------------------------------------------


@pytest.mark.needs_plugins("sanitation")
def test_retry_with_the_same_idempotency_key_returns_the_same_complaint(client, app):
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first = report(client, headers=key)
    second = report(client, headers=key)
    assert first.status_code == second.status_code == 201
    assert first.json["id"] == second.json["id"]
    assert second.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert complaint_count(app) == 1


@pytest.mark.needs_plugins("sanitation")
def test_reusing_an_idempotency_key_for_another_complaint_is_refused(client, app):
    key = {"Idempotency-Key": str(uuid.uuid4())}
    assert report(client, headers=key).status_code == 201
    response = report(client, headers=key, description="Something else entirely")
    assert response.status_code == 422
    assert response.json["error"]["code"] == "idempotency_key_reused"
    assert complaint_count(app) == 1


@pytest.mark.needs_plugins("sanitation")
def test_different_keys_make_different_complaints(client, app):
    report(client, headers={"Idempotency-Key": "a"})
    report(client, headers={"Idempotency-Key": "b"})
    assert complaint_count(app) == 2


# --- visibility and listing ------------------------------------------------------------------


@pytest.mark.needs_plugins("police", "sanitation")
def test_police_complaints_are_hidden_from_the_public(client, make_account):
    created = report(client, category="crime", description="Jambret di halte").json
    assert created["public"] is False
    assert client.get(f"/api/v1/complaints/{created['id']}").status_code == 404
    listed = client.get("/api/v1/complaints").json["items"]
    assert created["id"] not in [item["id"] for item in listed]
    police = make_account("staff", agency="polda")
    assert (
        client.get(f"/api/v1/complaints/{created['id']}", headers=police.headers).status_code == 200
    )
    other_agency = make_account("staff", agency="dlh")
    hidden = client.get(f"/api/v1/complaints/{created['id']}", headers=other_agency.headers)
    assert hidden.status_code == 404


@pytest.mark.needs_plugins("police")
def test_reporter_sees_own_private_complaint(client, make_account):
    resident = make_account("resident")
    created = report(client, category="crime", headers=resident.headers).json
    shown = client.get(f"/api/v1/complaints/{created['id']}", headers=resident.headers)
    assert shown.status_code == 200


@pytest.mark.needs_plugins("police")
def test_admin_sees_everything(client, make_account):
    created = report(client, category="crime").json
    admin = make_account("admin")
    assert (
        client.get(f"/api/v1/complaints/{created['id']}", headers=admin.headers).status_code == 200
    )


@pytest.mark.needs_plugins("public_works", "routing", "sanitation")
def test_list_filters(client):
    garbage = report(client, lat=-6.20, lon=106.80).json
    pothole = report(client, category="pothole", lat=-6.10, lon=106.90).json

    def ids(query):
        return [item["id"] for item in client.get(f"/api/v1/complaints?{query}").json["items"]]

    assert ids("category=pothole") == [pothole["id"]]
    assert ids("agency=dlh") == [garbage["id"]]
    assert ids("bbox=106.75,-6.25,106.85,-6.15") == [garbage["id"]]
    assert ids("status=open") == [pothole["id"], garbage["id"]]
    assert ids("status=resolved,closed") == []
    assert ids("since=2999-01-01T00:00:00%2B00:00") == []
    assert ids("since=2000-01-01T00:00:00%2B00:00") == [pothole["id"], garbage["id"]]


@pytest.mark.parametrize(
    "query, field",
    [
        ("bbox=1,2,3", "bbox"),
        ("bbox=10,10,5,5", "bbox"),
        ("status=lost", "status"),
        ("limit=0", "limit"),
        ("since=yesterday", "since"),
        ("cursor=%%%", "cursor"),
    ],
)
def test_list_rejects_bad_filters(client, query, field):
    response = client.get(f"/api/v1/complaints?{query}")
    assert response.status_code == 400
    assert field in response.json["error"]["fields"]


@pytest.mark.needs_plugins("sanitation")
def test_cursor_pagination_walks_every_complaint_once(client):
    created = [report(client, description=f"Sampah nomor {n}").json["id"] for n in range(7)]
    seen, cursor = [], None
    while True:
        query = "limit=3" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(f"/api/v1/complaints?{query}").json
        seen.extend(item["id"] for item in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(created, reverse=True)


def test_unknown_complaint_is_404_in_the_contract_shape(client):
    response = client.get("/api/v1/complaints/999999")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"


# --- status changes --------------------------------------------------------------------------


@pytest.mark.needs_plugins("routing", "sanitation")
def test_staff_acknowledge_with_a_public_note(client, make_account):
    created = report(client).json
    staff = make_account("staff", agency="dlh")
    response = client.patch(
        f"/api/v1/complaints/{created['id']}",
        json={"status": "acknowledged", "note": "Petugas segera datang", "note_public": True},
        headers=staff.headers,
    )
    assert response.status_code == 200
    assert response.json["status"] == "acknowledged"
    history = client.get(f"/api/v1/complaints/{created['id']}").json["history"]
    assert history[-1]["kind"] == "status"
    assert history[-1]["from_status"] == "open"
    assert history[-1]["to_status"] == "acknowledged"
    assert history[-1]["note"] == "Petugas segera datang"
    assert history[-1]["actor_id"] is None  # staff identity is not public


@pytest.mark.needs_plugins("routing", "sanitation")
def test_internal_notes_stay_internal(client, make_account):
    created = report(client).json
    staff = make_account("staff", agency="dlh")
    client.patch(
        f"/api/v1/complaints/{created['id']}",
        json={"note": "Reporter sounds like a regular; check twice"},
        headers=staff.headers,
    )
    public = client.get(f"/api/v1/complaints/{created['id']}").json["history"]
    assert "regular" not in str(public)
    internal = client.get(f"/api/v1/complaints/{created['id']}", headers=staff.headers).json
    assert internal["history"][-1]["note"] == "Reporter sounds like a regular; check twice"
    assert internal["history"][-1]["actor_id"] == staff.id


@pytest.mark.needs_plugins("sanitation")
def test_status_change_requires_sign_in(client):
    created = report(client).json
    response = client.patch(f"/api/v1/complaints/{created['id']}", json={"status": "closed"})
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"


def test_invalid_token_is_401(client):
    response = client.get("/api/v1/complaints", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401
    assert response.json["error"]["code"] == "invalid_token"


@pytest.mark.needs_plugins("police", "public_works", "sanitation", "transport")
@pytest.mark.parametrize(
    "role, agency",
    [("resident", None), ("staff", "dishub"), ("head", "polda"), ("officer", "dpu")],
)
def test_others_may_not_change_the_status(client, make_account, role, agency):
    created = report(client).json
    outsider = make_account(role, agency=agency)
    response = client.patch(
        f"/api/v1/complaints/{created['id']}", json={"status": "resolved"}, headers=outsider.headers
    )
    assert response.status_code == 403
    assert client.get(f"/api/v1/complaints/{created['id']}").json["status"] == "open"


@pytest.mark.needs_plugins("routing", "sanitation")
def test_officer_of_the_agency_may_resolve_but_not_reject(client, make_account):
    created = report(client).json
    officer = make_account("officer", agency="dlh")
    url = f"/api/v1/complaints/{created['id']}"
    assert (
        client.patch(url, json={"status": "rejected"}, headers=officer.headers).status_code == 403
    )
    assert attach_proof(client, created["id"], officer.headers).status_code == 201
    assert (
        client.patch(url, json={"status": "resolved"}, headers=officer.headers).status_code == 200
    )


@pytest.mark.needs_plugins("routing", "sanitation")
def test_impossible_transition_is_a_conflict(client, make_account):
    created = report(client).json
    staff = make_account("staff", agency="dlh")
    url = f"/api/v1/complaints/{created['id']}"
    rejection = {"status": "rejected", "note": "Bukan wilayah kota.", "note_public": True}
    assert client.patch(url, json=rejection, headers=staff.headers).status_code == 200
    response = client.patch(url, json={"status": "in_progress"}, headers=staff.headers)
    assert response.status_code == 409
    assert response.json["error"]["code"] == "invalid_transition"


@pytest.mark.needs_plugins("sanitation")
def test_empty_patch_is_a_field_error(client, make_account):
    created = report(client).json
    staff = make_account("staff", agency="dlh")
    response = client.patch(f"/api/v1/complaints/{created['id']}", json={}, headers=staff.headers)
    assert response.status_code == 400
    assert "status" in response.json["error"]["fields"]


@pytest.mark.needs_plugins("sanitation")
def test_a_session_cookie_cannot_write_through_the_api(client, app, make_account):
    """Writes take a bearer token only, so another site cannot forge them (CSRF)."""
    created = report(client).json
    staff = make_account("staff", agency="dlh")
    with client.session_transaction() as session:
        session["api_token"] = staff.token
    response = client.patch(f"/api/v1/complaints/{created['id']}", json={"status": "acknowledged"})
    assert response.status_code == 401


# --- forwarding ------------------------------------------------------------------------------


@pytest.mark.needs_plugins("public_works", "routing", "sanitation")
def test_staff_forward_to_another_agency(client, app, make_account):
    created = report(client).json
    staff = make_account("staff", agency="dlh")
    response = client.post(
        f"/api/v1/complaints/{created['id']}/forward",
        json={"agency": "dpu", "reason": "Saluran tersumbat sampah, urusan PU"},
        headers=staff.headers,
    )
    assert response.status_code == 200
    assert response.json["agency"] == "dpu"
    assert response.json["routing"]["agency"] == "dlh"  # the original decision is kept
    with app.app_context():
        event = (
            db.session()
            .scalars(select(ComplaintEvent).where(ComplaintEvent.kind == "forwarded"))
            .one()
        )
        assert (event.from_agency, event.to_agency, event.actor_id) == ("dlh", "dpu", staff.id)
        db.database().session.remove()


@pytest.mark.needs_plugins("routing", "sanitation")
@pytest.mark.parametrize(
    "body, status, code",
    [
        ({"agency": "atlantis", "reason": "somewhere"}, 400, "validation_failed"),
        ({"agency": "dlh", "reason": "same agency"}, 409, "no_change"),
        ({"agency": "dpu"}, 400, "validation_failed"),
    ],
)
def test_bad_forwards_are_refused(client, make_account, body, status, code):
    created = report(client).json
    staff = make_account("staff", agency="dlh")
    response = client.post(
        f"/api/v1/complaints/{created['id']}/forward", json=body, headers=staff.headers
    )
    assert response.status_code == status
    assert response.json["error"]["code"] == code


@pytest.mark.needs_plugins("public_works", "routing", "sanitation")
def test_officers_and_outsiders_may_not_forward(client, make_account):
    created = report(client).json
    for account in (make_account("officer", agency="dlh"), make_account("staff", agency="dpu")):
        response = client.post(
            f"/api/v1/complaints/{created['id']}/forward",
            json={"agency": "dpu", "reason": "not mine"},
            headers=account.headers,
        )
        assert response.status_code in (403, 404)
    assert client.get(f"/api/v1/complaints/{created['id']}").json["agency"] == "dlh"


# --- extra questions and failures ------------------------------------------------------------


@pytest.mark.needs_plugins("public_works")
def test_category_questions_are_answered_and_stored(client):
    created = report(client, category="flooding", attributes={"water_depth_cm": 40})
    assert created.status_code == 201
    assert created.json["attributes"] == {"water_depth_cm": 40}


@pytest.mark.needs_plugins("public_works")
@pytest.mark.parametrize(
    "attributes",
    [{"water_depth_cm": "deep"}, {"water_depth_cm": True}, {"colour_of_water": "brown"}],
)
def test_wrong_answers_to_category_questions_are_field_errors(client, app, attributes):
    response = report(client, category="flooding", attributes=attributes)
    assert response.status_code == 400
    assert set(response.json["error"]["fields"]["attributes"]) == set(attributes)
    assert complaint_count(app) == 0


@pytest.mark.needs_plugins("sanitation")
def test_a_crash_is_a_500_in_the_contract_shape_without_a_trace(client, app, register_plugin):
    from core import hookimpl

    class Crashing:
        @hookimpl(tryfirst=True)
        def route_complaint(self, draft):
            raise ZeroDivisionError("secret internals")

    register_plugin(Crashing(), "crashing")
    response = report(client)
    assert response.status_code == 500
    assert response.json == {
        "error": {"code": "internal_error", "message": "Something went wrong on our side."}
    }
    assert "secret internals" not in response.get_data(as_text=True)
    assert complaint_count(app) == 0


def test_api_errors_are_json_and_page_errors_are_html(client):
    api = client.get("/api/v1/nothing-here")
    assert api.status_code == 404 and api.json["error"]["code"] == "not_found"
    wrong_method = client.delete("/api/v1/complaints")
    assert wrong_method.status_code == 405
    assert wrong_method.json["error"]["code"] == "method_not_allowed"
    page = client.get("/no-such-page")
    assert page.status_code == 404
    assert page.mimetype == "text/html"


@pytest.mark.needs_plugins("public_works", "sanitation")
def test_the_creation_entry_names_the_role_it_was_reported_in(client, make_account):
    staff = make_account("staff", agency="dpu")
    created = report(client, headers=staff.headers).json
    history = client.get(f"/api/v1/complaints/{created['id']}", headers=staff.headers).json
    assert history["history"][0]["kind"] == "created"
    assert history["history"][0]["actor_role"] == "staff"
    hidden = report(client, headers=staff.headers, anonymous=True).json
    shown = client.get(f"/api/v1/complaints/{hidden['id']}").json["history"][0]
    assert (shown["actor_role"], shown["actor_id"]) == ("anonymous", None)


@pytest.mark.needs_plugins("routing", "sanitation")
def test_two_staff_changing_one_complaint_at_once_cannot_overwrite_each_other(
    client, app, make_account
):
    from sqlalchemy import update

    from core.changes import update_complaint
    from core.complaints import get_visible_or_404
    from core.errors import ApiError
    from core.types import Actor

    created = report(client).json
    staff = make_account("staff", agency="dlh")
    actor = Actor(user_id=staff.id, role="staff", agency="dlh")
    with app.app_context():
        seen_by_first = get_visible_or_404(created["id"], actor)
        # A colleague resolves it between this staff member's read and write.
        with db.database().engine.begin() as connection:
            connection.execute(
                update(Complaint)
                .where(Complaint.id == created["id"])
                .values(status="resolved", version=Complaint.version + 1)
            )
        with pytest.raises(ApiError) as refused:
            update_complaint(seen_by_first, actor, "rejected", "Bukan wilayah kota.", True)
        assert (refused.value.status, refused.value.code) == (409, "changed_meanwhile")
        db.database().session.remove()
    assert client.get(f"/api/v1/complaints/{created['id']}").json["status"] == "resolved"


@pytest.mark.needs_plugins("sanitation")
def test_list_searches_the_description_for_every_word(client):
    pasar = report(client, description="Sampah menumpuk di depan Pasar Baru").json["id"]
    report(client, description="Sampah di sungai Ciliwung")
    percent = report(client, description="Diskon 100% sampah? bukan").json["id"]

    def found(q):
        return [
            item["id"]
            for item in client.get("/api/v1/complaints", query_string={"q": q}).json["items"]
        ]

    assert found("pasar SAMPAH") == [pasar]
    assert found("100%") == [percent]  # no wildcard: the percent sign is the text's own
    assert found("kebakaran") == []
    assert client.get("/api/v1/complaints", query_string={"q": "x" * 101}).status_code == 400
