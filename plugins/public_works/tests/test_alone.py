"""The plugin with no other plugin loaded: its page, its API, its assets and its demo need
nothing but core."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

import plugins.public_works
from core import db
from core.plugins import hooks
from plugins.public_works.tests.conftest import SARINAH, add_flood


@pytest.fixture
def app_plugins() -> list[tuple[str, object]]:
    return [("public_works", plugins.public_works)]


def test_the_flood_page_and_api_work_alone(app, client):
    flood = add_flood(app, datetime.now(UTC) - timedelta(hours=1), depth_cm=35)
    page = client.get("/floods")
    assert page.status_code == 200
    assert '<a href="/floods" aria-current="page">Floods</a>' in page.get_data(as_text=True)
    floods = client.get("/api/v1/public_works/floods").json["floods"]
    assert [(each["id"], each["depth_cm"]) for each in floods] == [(flood, 35.0)]


def test_reports_name_assets_alone(client, assets):
    lat, lon = SARINAH
    offered = client.get(f"/api/v1/assets/nearby?category=streetlight&lat={lat}&lon={lon}").json
    assert [asset["id"] for asset in offered] == ["pju-10", "pju-30"]
    body = {"category": "streetlight", "description": "Mati", "lat": lat, "lon": lon}
    created = client.post("/api/v1/complaints", json={**body, "asset_id": "pju-10"})
    assert created.status_code == 201, created.json
    assert client.get(f"/api/v1/complaints/{created.json['id']}").json["asset_id"] == "pju-10"


def test_its_part_of_the_demo_loads_alone(app, client):
    # `smartcity demo` also adds the other agencies' demo accounts: only the plugin's own part.
    with app.app_context():
        hooks().load_demo(session=db.session())
        db.session().commit()
        db.database().session.remove()
    assert len(client.get("/api/v1/public_works/floods").json["floods"]) >= 5
