"""The cameras API: who sees which camera, nearest and covering ones, snapshots through the
server, evidence on complaints, and that no source URL ever leaves the server."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from core import db
from core.models import Complaint, Media
from plugins.cctv.models import Camera, Evidence
from plugins.cctv.nearby import bearing_deg

# Garbage reports and DLH's staff, Dishub's restricted cameras.
pytestmark = pytest.mark.needs_plugins("sanitation", "transport")

MONAS = (-6.1754, 106.8272)
SECRET = "s3cret-pass"


def north_of(point, metres):
    return (point[0] + metres / 111_195, point[1])


def add_camera(app, camera_id, point, **fields):
    values = {
        "name": f"Camera {camera_id}",
        "lat": point[0],
        "lon": point[1],
        "visibility": "public",
        "tags": [],
        "source_kind": "jpeg",
        "status": "unknown",
        **fields,
    }
    with app.app_context():
        db.session().add(Camera(id=camera_id, **values))
        db.session().commit()
        db.database().session.remove()


def garbage_at(client, point, category="garbage", headers=None):
    body = {"category": category, "description": "Di sini", "lat": point[0], "lon": point[1]}
    response = client.post("/api/v1/complaints", json=body, headers=headers or {})
    assert response.status_code == 201, response.json
    return response.json["id"]


def test_everyone_sees_public_cameras_staff_see_staff_ones_owners_restricted(
    app, client, make_account
):
    add_camera(app, "pub", MONAS)
    add_camera(app, "staff-only", MONAS, visibility="staff")
    add_camera(app, "dishub-only", MONAS, visibility="restricted", agency_code="dishub")

    def ids(headers=None):
        response = client.get("/api/v1/cctv/cameras", headers=headers or {})
        assert response.status_code == 200
        return sorted(camera["id"] for camera in response.json)

    assert ids() == ["pub"]
    assert ids(make_account("resident").headers) == ["pub"]
    assert ids(make_account("staff", agency="dlh").headers) == ["pub", "staff-only"]
    assert ids(make_account("staff", agency="dishub").headers) == [
        "dishub-only",
        "pub",
        "staff-only",
    ]
    assert client.get("/api/v1/cctv/cameras/dishub-only").status_code == 404
    assert client.get("/api/v1/cctv/cameras/dishub-only/snapshot").status_code == 404


def test_a_covering_camera_ranks_above_a_nearer_one_that_looks_away(app, client):
    spot = MONAS
    south = north_of(spot, -120)  # 120 m south, looking north at the spot
    add_camera(app, "looking", south, heading=0, fov_deg=60)
    add_camera(app, "away", north_of(spot, 40), heading=0, fov_deg=60)  # 40 m north, looks north
    add_camera(app, "plain", north_of(spot, 80))  # no heading: only near
    add_camera(app, "far", north_of(spot, 3000), heading=180, fov_deg=90)

    query = {"lat": spot[0], "lon": spot[1], "k": 5, "radius_m": 500}
    found = client.get("/api/v1/cctv/cameras/nearest", query_string=query).json

    assert [(c["id"], c["covers"]) for c in found] == [
        ("looking", True),
        ("away", False),
        ("plain", False),
    ]
    assert found[0]["distance_m"] == pytest.approx(120, abs=1)
    assert found[1]["distance_m"] == pytest.approx(40, abs=1)


def test_bearing_is_a_compass_bearing():
    assert bearing_deg(MONAS, north_of(MONAS, 100)) == pytest.approx(0, abs=0.01)
    assert bearing_deg(MONAS, (MONAS[0], MONAS[1] + 0.001)) == pytest.approx(90, abs=0.01)
    assert bearing_deg(MONAS, north_of(MONAS, -100)) == pytest.approx(180, abs=0.01)


def test_snapshots_come_through_the_server_with_their_age(app, client, camera_server):
    camera = camera_server("jpeg")
    add_camera(app, "hi-01", MONAS, snapshot_url=camera.url)

    first = client.get("/api/v1/cctv/cameras/hi-01/snapshot")
    second = client.get("/api/v1/cctv/cameras/hi-01/snapshot")

    assert first.status_code == 200
    assert first.mimetype == "image/jpeg"
    assert first.data[:2] == b"\xff\xd8"
    assert first.headers["X-Snapshot-Stale"] == "false"
    assert int(first.headers["Age"]) >= 0
    assert second.data == first.data
    assert camera.requests == 1


def test_a_dead_camera_answers_at_once_with_a_clear_503(app, client):
    from plugins.cctv.tests.camera_servers import dead_url

    add_camera(app, "dead", MONAS, snapshot_url=dead_url())
    started = time.perf_counter()
    response = client.get("/api/v1/cctv/cameras/dead/snapshot")
    assert response.status_code == 503
    assert response.json["error"]["code"] == "camera_unavailable"
    assert time.perf_counter() - started < 5
    add_camera(app, "no-source", MONAS)
    assert client.get("/api/v1/cctv/cameras/no-source/snapshot").json["error"]["code"] == (
        "no_frames"
    )


def test_admins_edit_the_registry_and_no_source_url_is_ever_shown(app, client, make_account):
    admin = make_account("admin")
    body = {
        "id": "sudirman-01",
        "name": "Jl. Sudirman",
        "lat": -6.21,
        "lon": 106.82,
        "area": "Jakarta Pusat",
        "agency": "dishub",
        "snapshot_url": f"http://operator:{SECRET}@10.1.2.3/snapshot.jpg",
        "stream_url": f"rtsp://operator:{SECRET}@10.1.2.3:554/stream1",
        "heading": 90,
        "fov_deg": 70,
        "tags": ["traffic"],
    }
    created = client.post("/api/v1/cctv/cameras", json=body, headers=admin.headers)
    assert created.status_code == 201, created.json
    assert created.json["source_kind"] == "jpeg"
    assert created.json["snapshot"] == "/api/v1/cctv/cameras/sudirman-01/snapshot"
    assert client.post("/api/v1/cctv/cameras", json=body, headers=admin.headers).status_code == 409

    changed = client.patch(
        "/api/v1/cctv/cameras/sudirman-01",
        json={
            "source_kind": "go2rtc",
            "snapshot_url": "http://go2rtc:1984",
            "source_name": "cam 1",
        },
        headers=admin.headers,
    )
    assert changed.status_code == 200
    with app.app_context():
        assert db.session().get(Camera, "sudirman-01").source_name == "cam 1"
        db.database().session.remove()
    bad = client.patch(
        "/api/v1/cctv/cameras/sudirman-01",
        json={"source_kind": "frigate", "source_name": None},
        headers=admin.headers,
    )
    assert bad.status_code == 400
    assert "source" in bad.json["error"]["fields"]
    ftp = client.patch(
        "/api/v1/cctv/cameras/sudirman-01",
        json={"snapshot_url": "ftp://10.1.2.3/x.jpg"},
        headers=admin.headers,
    )
    assert ftp.status_code == 400 and "snapshot_url" in ftp.json["error"]["fields"]
    staff = make_account("staff", agency="dishub")
    assert client.post("/api/v1/cctv/cameras", json=body, headers=staff.headers).status_code == 403

    complaint_id = garbage_at(client, (-6.21, 106.8201))
    seen = [
        client.get("/api/v1/cctv/cameras", headers=admin.headers),
        client.get("/api/v1/cctv/cameras/sudirman-01", headers=admin.headers),
        client.get("/api/v1/cctv/cameras/nearest", query_string={"lat": -6.21, "lon": 106.82}),
        client.get(f"/api/v1/complaints/{complaint_id}", headers=staff.headers),
    ]
    for response in seen:
        text = json.dumps(response.json)
        assert SECRET not in text and "rtsp" not in text and "10.1.2.3" not in text
    assert (
        client.delete("/api/v1/cctv/cameras/sudirman-01", headers=admin.headers).status_code == 204
    )
    assert client.get("/api/v1/cctv/cameras/sudirman-01").status_code == 404


def test_every_complaint_lists_its_nearest_cameras(app, client):
    add_camera(app, "near", north_of(MONAS, 60))
    add_camera(app, "hidden", north_of(MONAS, 30), visibility="restricted", agency_code="dishub")
    complaint_id = garbage_at(client, MONAS)
    shown = client.get(f"/api/v1/complaints/{complaint_id}").json
    assert [camera["id"] for camera in shown["extra"]["cctv"]["cameras"]] == ["near"]


@pytest.mark.needs_plugins("routing")  # the report goes to DLH
def test_staff_keep_a_frame_as_evidence_with_its_hashes(app, client, make_account, camera_server):
    camera = camera_server("jpeg")
    add_camera(app, "pasar-01", north_of(MONAS, 50), snapshot_url=camera.url)
    staff = make_account("staff", agency="dlh")
    complaint_id = garbage_at(client, MONAS)

    response = client.post(
        f"/api/v1/cctv/complaints/{complaint_id}/evidence",
        json={"camera_id": "pasar-01"},
        headers=staff.headers,
    )

    assert response.status_code == 201, response.json
    frame = client.get("/api/v1/cctv/cameras/pasar-01/snapshot").data
    assert response.json["frame_sha256"] == hashlib.sha256(frame).hexdigest()
    assert response.json["taken_by"] == staff.id
    with app.app_context():
        media = db.session().get(Media, response.json["media_id"])
        stored = Path(app.config["SMARTCITY"]["instance_path"]) / "media" / media.path
        kept = db.session().get(Evidence, media.id)
        assert (media.kind, media.uploaded_by_id, kept.camera_id) == (
            "camera",
            staff.id,
            "pasar-01",
        )
        assert media.captured_at == kept.captured_at
        db.database().session.remove()
    assert stored.exists()
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == response.json["sha256"]
    complaint = client.get(f"/api/v1/complaints/{complaint_id}", headers=staff.headers).json
    assert complaint["history"][-1]["kind"] == "camera_snapshot"
    resident = make_account("resident")
    refused = client.post(
        f"/api/v1/cctv/complaints/{complaint_id}/evidence",
        json={"camera_id": "pasar-01"},
        headers=resident.headers,
    )
    assert refused.status_code == 403


@pytest.mark.needs_plugins("routing")  # the report goes to DLH
def test_a_restricted_frame_never_lands_on_a_public_complaint(
    app, client, make_account, camera_server
):
    camera = camera_server("jpeg")
    add_camera(
        app,
        "gate",
        MONAS,
        snapshot_url=camera.url,
        visibility="restricted",
        agency_code="dlh",
    )
    staff = make_account("staff", agency="dlh")
    complaint_id = garbage_at(client, MONAS)
    response = client.post(
        f"/api/v1/cctv/complaints/{complaint_id}/evidence",
        json={"camera_id": "gate"},
        headers=staff.headers,
    )
    assert response.status_code == 409
    assert response.json["error"]["code"] == "would_publish_restricted_frame"
    assert camera.requests == 0


def test_a_traffic_complaint_gets_the_covering_cameras_frame_in_the_background(
    app, client, camera_server
):
    looking = camera_server("jpeg")
    add_camera(
        app,
        "simpang",
        north_of(MONAS, -80),
        snapshot_url=looking.url,
        heading=0,
        fov_deg=90,
        tags=["traffic"],
    )
    started = time.perf_counter()
    complaint_id = garbage_at(client, MONAS, category="congestion")
    answered_in = time.perf_counter() - started

    deadline = time.monotonic() + 5
    kept = None
    while kept is None and time.monotonic() < deadline:
        with app.app_context():
            kept = db.session().scalar(
                select(Evidence).where(Evidence.complaint_id == complaint_id)
            )
            db.database().session.remove()
        time.sleep(0.05)
    assert kept is not None
    assert (kept.camera_id, kept.taken_by_id) == ("simpang", None)
    assert looking.requests == 1
    assert answered_in < 2
    other = garbage_at(client, MONAS)  # garbage is not an evidence category
    time.sleep(0.3)
    with app.app_context():
        assert db.session().scalar(select(Evidence).where(Evidence.complaint_id == other)) is None
        db.database().session.remove()


def test_a_broken_camera_report_goes_to_the_agency_that_owns_it(app, client):
    from plugins.cctv.outages import open_outage_complaint

    add_camera(app, "dlh-cam", MONAS, agency_code="dlh")
    body = {
        "category": "camera_broken",
        "description": "Kamera mati",
        "lat": MONAS[0],
        "lon": MONAS[1],
        "attributes": {"camera_id": "dlh-cam"},
    }
    created = client.post("/api/v1/complaints", json=body)
    assert created.status_code == 201
    assert created.json["agency"] == "dlh"
    assert created.json["routing"]["rule"] == "cctv.camera-owner"
    with app.app_context():
        complaint_id = open_outage_complaint(db.session().get(Camera, "dlh-cam"))
        complaint = db.session().get(Complaint, complaint_id)
        assert (complaint.agency_code, complaint.public) == ("dlh", False)
        db.database().session.remove()


def test_one_cameras_visibility_agrees_with_the_lists(app):
    from itertools import product

    from core.types import Actor
    from plugins.cctv.nearby import may_see, visible_cameras

    owners = (None, "dlh", "dishub")
    for number, (visibility, owner) in enumerate(
        product(("public", "staff", "restricted"), owners)
    ):
        add_camera(app, f"cam-{number}", MONAS, visibility=visibility, agency_code=owner)
    actors = [Actor(), Actor(user_id=1, role="resident"), Actor(user_id=2, role="admin")]
    actors += [Actor(user_id=3, role=role, agency="dlh") for role in ("officer", "staff", "head")]
    with app.app_context():
        cameras = list(db.session().scalars(select(Camera)))
        for actor in actors:
            listed = set(db.session().scalars(select(Camera.id).where(visible_cameras(actor))))
            assert {camera.id for camera in cameras if may_see(actor, camera)} == listed, actor
        db.database().session.remove()
