"""Reports about a registered asset (a streetlight, a drain): offered near a point by the
plugins that know them, kept on the complaint, and sharpening its likely duplicates.

The assets come from test plugins registered like a third party's, so core is proven
without any in-tree plugin's layers."""

from __future__ import annotations

import pytest

from core import hookimpl
from core.geo import haversine_m
from core.types import AgencySpec, Asset, CategorySpec

JAKARTA = (-6.2, 106.8)
METRES_PER_DEGREE_OF_LATITUDE = 111_320


def north_of(point: tuple[float, float], metres: float) -> tuple[float, float]:
    return point[0] + metres / METRES_PER_DEGREE_OF_LATITUDE, point[1]


class Lamps:
    """A street-lighting company with three lamps north of JAKARTA: 10 m, 30 m and 400 m."""

    LAMPS = {"lamp-1": 10, "lamp-2": 30, "lamp-far": 400}

    @hookimpl
    def register_agencies(self):
        return [AgencySpec(code="lampco", name="Lamp Company")]

    @hookimpl
    def register_categories(self):
        return [
            CategorySpec(
                code="lamp_out", agency="lampco", name_id="Lampu mati", name_en="Lamp out"
            ),
            CategorySpec(code="wire_down", agency="lampco", name_id="Kabel", name_en="Wire down"),
        ]

    def _asset(self, asset_id, point=None):
        lat, lon = north_of(JAKARTA, self.LAMPS[asset_id])
        distance = None if point is None else haversine_m(point, (lat, lon))
        return Asset(asset_id, "lamp", f"Lamp {asset_id}", lat, lon, distance)

    @hookimpl
    def assets_near(self, category, point, limit):
        if category != "lamp_out":
            return []
        found = [self._asset(asset_id, point) for asset_id in self.LAMPS]
        return [asset for asset in found if asset.distance_m <= 100][:limit]

    @hookimpl
    def find_asset(self, category, asset_id):
        if category != "lamp_out" or asset_id not in self.LAMPS:
            return None
        return self._asset(asset_id)


class Poles:
    """Another plugin's pole 20 m north: answers are merged, nearest first."""

    @hookimpl
    def assets_near(self, category, point, limit):
        lat, lon = north_of(JAKARTA, 20)
        return [Asset("pole-9", "pole", "Pole 9", lat, lon, haversine_m(point, (lat, lon)))]


@pytest.fixture
def lamps(register_plugin):
    register_plugin(Lamps(), "lamps")


def report(client, point=JAKARTA, **fields):
    body = {"category": "lamp_out", "description": "Lampu jalan mati sejak kemarin", **fields}
    body["lat"], body["lon"] = point
    response = client.post("/api/v1/complaints", json=body)
    assert response.status_code == 201, response.json
    return response.json


def nearby(client, point=JAKARTA, category="lamp_out"):
    query = {"category": category, "lat": point[0], "lon": point[1]}
    response = client.get("/api/v1/assets/nearby", query_string=query)
    assert response.status_code == 200, response.json
    return response.json


def duplicates(client, point=JAKARTA, **query):
    query = {"category": "lamp_out", "lat": point[0], "lon": point[1], **query}
    response = client.get("/api/v1/complaints/duplicates", query_string=query)
    assert response.status_code == 200, response.json
    return [found["id"] for found in response.json]


def test_hook_assets_near(client, lamps, register_plugin):
    """Every plugin's assets are offered, nearest first."""
    register_plugin(Poles(), "poles")

    offered = nearby(client)

    assert [asset["id"] for asset in offered] == ["lamp-1", "pole-9", "lamp-2"]
    assert offered[0] == {
        "id": "lamp-1",
        "kind": "lamp",
        "name": "Lamp lamp-1",
        "lat": pytest.approx(north_of(JAKARTA, 10)[0]),
        "lon": 106.8,
        "distance_m": pytest.approx(10, abs=0.2),
    }


def test_no_assets_without_a_plugin_that_knows_them(client, lamps):
    assert nearby(client, category="wire_down") == []


def test_the_assets_query_needs_a_category_and_a_point(client):
    response = client.get("/api/v1/assets/nearby", query_string={"lat": -6.2, "lon": 106.8})
    assert response.status_code == 400
    assert list(response.json["error"]["fields"]) == ["category"]


def test_hook_find_asset(client, lamps):
    """A complaint keeps the asset the plugin knows, and its single view names it."""
    created = report(client, point=north_of(JAKARTA, 10), asset_id="lamp-1")

    assert created["asset_id"] == "lamp-1"
    shown = client.get(f"/api/v1/complaints/{created['id']}").json
    assert shown["asset"]["name"] == "Lamp lamp-1"
    listed = client.get("/api/v1/complaints").json["items"]
    assert [item["asset_id"] for item in listed] == ["lamp-1"]


def test_an_asset_no_plugin_knows_is_refused_and_nothing_is_stored(client, lamps):
    response = client.post(
        "/api/v1/complaints",
        json={
            "category": "lamp_out",
            "description": "Lampu jalan mati",
            "lat": JAKARTA[0],
            "lon": JAKARTA[1],
            "asset_id": "lamp-404",
        },
    )

    assert response.status_code == 400
    assert response.json["error"]["code"] == "validation_failed"
    assert list(response.json["error"]["fields"]) == ["asset_id"]
    assert client.get("/api/v1/complaints").json["items"] == []


def test_an_asset_of_another_category_is_refused(client, lamps):
    response = client.post(
        "/api/v1/complaints",
        json={
            "category": "wire_down",
            "description": "Kabel putus di bawah lampu",
            "lat": JAKARTA[0],
            "lon": JAKARTA[1],
            "asset_id": "lamp-1",
        },
    )
    assert response.status_code == 400
    assert "asset_id" in response.json["error"]["fields"]


def test_the_same_asset_is_a_duplicate_wherever_it_was_placed(client, lamps):
    # The first reporter dropped the pin 90 m off: beyond the 50 m radius, but the same lamp.
    same_lamp = report(client, point=north_of(JAKARTA, 100), asset_id="lamp-2")
    unplaced = report(client, point=north_of(JAKARTA, 15))

    offered = duplicates(client, point=north_of(JAKARTA, 30), asset_id="lamp-2")

    assert offered == [same_lamp["id"], unplaced["id"]]


def test_a_report_about_another_asset_nearby_is_not_a_duplicate(client, lamps):
    other_lamp = report(client, point=north_of(JAKARTA, 10), asset_id="lamp-1")

    assert duplicates(client, point=north_of(JAKARTA, 30), asset_id="lamp-2") == []
    # Without an asset picked, it is offered by distance as before.
    assert duplicates(client, point=north_of(JAKARTA, 30)) == [other_lamp["id"]]
