"""Sign-in, health, and the catalogue of agencies, categories and plugins."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from core import db
from core.models import ApiToken, utcnow
from core.testing import in_tree_plugins


@pytest.mark.needs_plugins("sanitation")
def test_token_for_right_credentials(client, make_account):
    account = make_account("staff", agency="dlh", password="s3cret-pass")
    response = client.post(
        "/api/v1/auth/token", json={"email": account.email.upper(), "password": "s3cret-pass"}
    )
    assert response.status_code == 200
    assert response.json["user"] == {
        "id": account.id,
        "role": "staff",
        "agency": "dlh",
        "email": account.email,
    }
    token = response.json["token"]
    mine = client.get("/api/v1/complaints", headers={"Authorization": f"Bearer {token}"})
    assert mine.status_code == 200


def test_wrong_password_is_401(client, make_account):
    account = make_account("resident")
    response = client.post("/api/v1/auth/token", json={"email": account.email, "password": "nope"})
    assert response.status_code == 401
    assert response.json["error"]["code"] == "invalid_credentials"


def test_token_request_needs_both_fields(client):
    response = client.post("/api/v1/auth/token", json={"email": "a@b.c"})
    assert response.status_code == 400
    assert "password" in response.json["error"]["fields"]


def test_tokens_are_stored_hashed(app, make_account):
    account = make_account("resident")
    with app.app_context():
        stored = [row.token_hash for row in db.session().query(ApiToken)]
        db.database().session.remove()
    assert account.token not in stored
    assert len(stored) == 1 and len(stored[0]) == 64


@pytest.mark.needs_plugins("sanitation")
def test_expired_token_is_refused(app, client, make_account):
    account = make_account("staff", agency="dlh")
    with app.app_context():
        db.session().execute(update(ApiToken).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session().commit()
        db.database().session.remove()
    response = client.get("/api/v1/complaints", headers=account.headers)
    assert response.status_code == 401


def test_health_is_ok_with_a_database(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json["status"] == "ok"


def test_health_is_503_without_a_database(tmp_path, app_plugins):
    from core.app import create_app

    unreachable = create_app(
        config={
            "instance_path": str(tmp_path),
            "database_url": "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1",
        },
        plugins=app_plugins,
    )
    response = unreachable.test_client().get("/health")
    assert response.status_code == 503
    assert response.json["status"] == "unavailable"
    assert "Traceback" not in response.get_data(as_text=True)


@pytest.mark.needs_plugins("police", "public_works", "sanitation", "transport")
def test_agencies_are_the_plugins_and_the_triage_queue(client):
    agencies = {agency["code"]: agency for agency in client.get("/api/v1/agencies").json}
    assert set(agencies) == {"triage", "dishub", "dpu", "polda", "dlh", "pam-jaya"}
    assert [code for code, agency in agencies.items() if agency["external"]] == ["pam-jaya"]
    assert [unit["code"] for unit in agencies["dpu"]["units"]] == [
        "bina-marga",
        "sda",
        "pju",
        "jakpus",
        "jakut",
        "jakbar",
        "jaksel",
        "jaktim",
    ]


@pytest.mark.needs_plugins("police", "public_works", "sanitation", "transport")
def test_every_agency_plugin_brings_three_bilingual_categories(client):
    categories = client.get("/api/v1/categories").json
    by_agency: dict[str, list[dict]] = {}
    for category in categories:
        if category["agency"] == "pam-jaya":  # the water utility PU forwards to: one category
            continue
        if category["agency"] == "triage":  # cctv's broken cameras: the city finds the owner
            assert category["code"] == "camera_broken"
            continue
        by_agency.setdefault(category["agency"], []).append(category)
        assert category["name_id"] and category["name_en"]
    assert {agency: len(items) >= 3 for agency, items in by_agency.items()} == {
        "dishub": True,
        "dpu": True,
        "polda": True,
        "dlh": True,
    }
    police = [category for category in categories if category["agency"] == "polda"]
    assert all(category["public"] is False for category in police)


@pytest.mark.needs_plugins("routing")
def test_plugins_are_listed_with_version_and_hooks(client):
    plugins = {plugin["name"]: plugin for plugin in client.get("/api/v1/plugins").json}
    assert set(plugins) == {name for name, _ in in_tree_plugins()}
    assert "route_complaint" in plugins["routing"]["hooks"]
    assert "/api/v1/routing/explain" in plugins["routing"]["routes"]
    assert {plugin["version"] for plugin in plugins.values()} == {"0.1.0"}


def test_openapi_documents_every_api_route(client):
    spec = client.get("/api/openapi.json").json
    assert spec["openapi"].startswith("3.")
    for path in (
        "/api/v1/auth/token",
        "/api/v1/agencies",
        "/api/v1/categories",
        "/api/v1/plugins",
        "/api/v1/complaints",
        "/api/v1/complaints/{complaint_id}",
        "/api/v1/complaints/{complaint_id}/forward",
    ):
        assert path in spec["paths"], path
    create = spec["paths"]["/api/v1/complaints"]["post"]
    assert set(create["requestBody"]["content"]) == {"application/json", "multipart/form-data"}
    assert "201" in create["responses"]
