"""The assets a report can name: the nearest of the category's kinds within the radius (a line
at its nearest point), the one a complaint names, on every backend; and through core's API."""

from __future__ import annotations

import pytest
from flask import Flask

from core import db
from core.geo import haversine_m
from core.plugins import hooks
from core.types import Asset
from plugins.public_works.tests.conftest import SARINAH, at

# Metres: the flat measure against the great circle, over a few dozen metres.
CLOSE = 0.05


def near(app: Flask, category: str, place: tuple[float, float], limit: int = 10) -> list[Asset]:
    with app.app_context():
        found = hooks().assets_near(category=category, point=place, limit=limit)
        db.database().session.remove()
    return found


def find(app: Flask, category: str, asset_id: str) -> Asset | None:
    with app.app_context():
        found = hooks().find_asset(category=category, asset_id=asset_id)
        db.database().session.remove()
    return found


def test_streetlights_within_the_radius_nearest_first_with_their_distance(app, assets):
    found = near(app, "streetlight", SARINAH)
    assert [asset.id for asset in found] == ["pju-10", "pju-30"]
    assert [asset.kind for asset in found] == ["streetlight", "streetlight"]
    assert found[0].name == "PJU Sarinah 10"
    assert found[0].distance_m == pytest.approx(10, abs=CLOSE)
    assert found[1].distance_m == pytest.approx(30, abs=CLOSE)
    # A point asset sits where it is.
    assert (found[0].lat, found[0].lon) == pytest.approx(at(metres_east=10))
    assert haversine_m(SARINAH, (found[1].lat, found[1].lon)) == pytest.approx(30, abs=0.1)


def test_limit_keeps_the_nearest(app, assets):
    assert [asset.id for asset in near(app, "streetlight", SARINAH, limit=1)] == ["pju-10"]
    assert near(app, "streetlight", SARINAH, limit=0) == []


def test_the_radius_is_a_setting(app, assets):
    state = app.extensions["public_works"]
    wider = type(state.settings)(asset_radius_m=150)
    app.extensions["public_works"] = type(state)(settings=wider, clock=state.clock)
    assert [asset.id for asset in near(app, "streetlight", SARINAH)] == [
        "pju-10",
        "pju-30",
        "pju-100",
    ]


def test_only_the_kinds_a_category_concerns(app, assets):
    assert [asset.id for asset in near(app, "bridge_damage", SARINAH)] == ["jbt-sarinah"]
    # A drain report and a flood report are about drains; a pothole about none.
    drains = ["sal-thamrin", "sal-wahid-hasyim"]
    assert [asset.id for asset in near(app, "blocked_drain", SARINAH)] == drains
    assert [asset.id for asset in near(app, "flooding", SARINAH)] == drains
    assert near(app, "pothole", SARINAH) == []
    assert near(app, "garbage", SARINAH) == []


def test_a_line_is_placed_at_its_point_nearest_to_the_one_asked(app, assets):
    # 40 m west of Thamrin's drain (longitude 106.8230), halfway along it.
    asked = (-6.1875, 106.8230 - 40 / (111_320 * 0.99467))
    drain = next(asset for asset in near(app, "blocked_drain", asked) if asset.id == "sal-thamrin")
    assert drain.distance_m == pytest.approx(40, abs=0.1)
    assert (drain.lat, drain.lon) == pytest.approx((-6.1875, 106.8230), abs=1e-7)
    # Wahid Hasyim's drain (latitude -6.1872, in two pieces): 11 m south of its second piece.
    south = (-6.1872 - 11 / 111_320, 106.8280)
    pieces = near(app, "blocked_drain", south)
    wahid = next(asset for asset in pieces if asset.id == "sal-wahid-hasyim")
    assert wahid.distance_m == pytest.approx(11, abs=CLOSE)
    assert (wahid.lat, wahid.lon) == pytest.approx((-6.1872, 106.8280), abs=1e-7)


def test_a_line_beyond_the_radius_is_not_offered_though_its_box_is_near(app, assets):
    # Inside Wahid Hasyim's bounding box grown by the radius, but 70 m from its line.
    assert near(app, "blocked_drain", (-6.1872 - 70 / 111_320, 106.8290)) == []


def test_find_asset_gives_the_representative_point_of_a_fitting_kind(app, assets):
    light = find(app, "streetlight", "pju-30")
    assert light == Asset(
        "pju-30", "streetlight", "PJU Sarinah 30", *at(metres_east=30), distance_m=None
    )
    drain = find(app, "flooding", "sal-thamrin")
    assert drain is not None
    # The middle of the line from -6.1830 to -6.1920.
    assert (drain.lat, drain.lon) == pytest.approx((-6.1875, 106.8230), abs=1e-7)
    # Wahid Hasyim's two pieces run from 106.8228 to 106.8300: their middle is at 106.8264.
    wahid = find(app, "blocked_drain", "sal-wahid-hasyim")
    assert wahid is not None
    assert (wahid.lat, wahid.lon) == pytest.approx((-6.1872, 106.8264), abs=1e-7)


def test_find_asset_refuses_another_kind_or_an_unknown_id(app, assets):
    assert find(app, "streetlight", "sal-thamrin") is None
    assert find(app, "pothole", "pju-10") is None
    assert find(app, "streetlight", "pju-404") is None


# --- through core's API ------------------------------------------------------------------------


def test_the_nearby_assets_api_offers_them_and_a_complaint_names_one(client, assets):
    lat, lon = SARINAH
    offered = client.get(f"/api/v1/assets/nearby?category=streetlight&lat={lat}&lon={lon}")
    assert offered.status_code == 200
    assert [(asset["id"], asset["distance_m"]) for asset in offered.json] == [
        ("pju-10", 10.0),
        ("pju-30", 30.0),
    ]
    assert offered.json[0]["kind"] == "streetlight"
    report = {
        "category": "streetlight",
        "description": "Lampu jalan mati",
        "lat": lat,
        "lon": lon,
        "asset_id": "pju-30",
    }
    created = client.post("/api/v1/complaints", json=report)
    assert created.status_code == 201, created.json
    shown = client.get(f"/api/v1/complaints/{created.json['id']}").json
    assert shown["asset_id"] == "pju-30"


def test_a_complaint_naming_an_asset_of_another_kind_is_refused(client, assets):
    report = {
        "category": "streetlight",
        "description": "Lampu jalan mati",
        "lat": SARINAH[0],
        "lon": SARINAH[1],
        "asset_id": "jbt-sarinah",
    }
    refused = client.post("/api/v1/complaints", json=report)
    assert refused.status_code == 400
    assert "asset_id" in refused.json["error"]["fields"]
