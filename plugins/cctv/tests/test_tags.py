"""A camera's operators tag what they see on it: its agency's staff and heads, and admins."""

from __future__ import annotations

import pytest

from core import db
from plugins.cctv.models import Camera

# The camera belongs to Dinas Perhubungan; DLH's staff are someone else's.
pytestmark = pytest.mark.needs_plugins("transport", "sanitation")


@pytest.fixture
def camera(app):
    with app.app_context():
        db.session().add(
            Camera(
                id="monas-01",
                name="Monas",
                lat=-6.1754,
                lon=106.8272,
                agency_code="dishub",
                visibility="public",
                tags=["traffic"],
                source_kind="jpeg",
                status="unknown",
            )
        )
        db.session().commit()
        db.database().session.remove()
    return "/api/v1/cctv/cameras/monas-01/tags"


def test_the_cameras_agency_sets_its_tags(client, make_account, camera):
    staff = make_account("staff", agency="dishub")

    response = client.put(
        camera, json={"tags": ["traffic", "macet", "macet"]}, headers=staff.headers
    )

    assert response.status_code == 200
    assert response.json["tags"] == ["traffic", "macet"]
    assert client.get("/api/v1/cctv/cameras/monas-01").json["tags"] == ["traffic", "macet"]


def test_an_admin_sets_any_cameras_tags(client, make_account, camera):
    admin = make_account("admin")
    response = client.put(camera, json={"tags": []}, headers=admin.headers)
    assert response.status_code == 200
    assert response.json["tags"] == []


@pytest.mark.parametrize(
    "role, agency, status",
    [("staff", "dlh", 403), ("head", "dlh", 403), ("resident", None, 403), (None, None, 401)],
)
def test_nobody_else_tags_a_camera(client, make_account, camera, role, agency, status):
    headers = make_account(role, agency=agency).headers if role else {}

    response = client.put(camera, json={"tags": ["lancar"]}, headers=headers)

    assert response.status_code == status
    assert client.get("/api/v1/cctv/cameras/monas-01").json["tags"] == ["traffic"]


@pytest.mark.parametrize("body", [{}, {"tags": "macet"}, {"tags": [""]}, {"tags": ["x" * 41]}])
def test_tags_must_be_a_list_of_short_words(client, make_account, camera, body):
    staff = make_account("staff", agency="dishub")
    response = client.put(camera, json=body, headers=staff.headers)
    assert response.status_code == 400
    assert "tags" in response.json["error"]["fields"]
