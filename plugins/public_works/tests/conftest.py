"""Fixtures of the public works tests: a clock they move, assets imported from known
GeoJSON, and flood reports stored as given."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask

from core import db
from core.models import Complaint
from plugins.public_works.importer import asset_rows_from_geojson, upsert_assets
from plugins.public_works.settings import EXTENSION

# Along Jl. M.H. Thamrin (longitude 106.8228, north to south) at Sarinah's latitude.
SARINAH = (-6.1876, 106.8228)
# A metre, in degrees, at Sarinah's latitude.
METRE_IN_LATITUDE = 1 / 111_320
METRE_IN_LONGITUDE = 1 / (111_320 * 0.99467)
# A drain running east from Thamrin along Jl. Wahid Hasyim, in two pieces (a MultiLineString),
# and one running north to south beside Thamrin itself.
WAHID_HASYIM = [
    [[106.8228, -6.1872], [106.8260, -6.1872]],
    [[106.8260, -6.1872], [106.8300, -6.1872]],
]
THAMRIN_DRAIN = [[106.8230, -6.1830], [106.8230, -6.1920]]


def at(metres_north: float = 0.0, metres_east: float = 0.0) -> tuple[float, float]:
    """The point this far from Sarinah, as (lat, lon)."""
    return (
        SARINAH[0] + metres_north * METRE_IN_LATITUDE,
        SARINAH[1] + metres_east * METRE_IN_LONGITUDE,
    )


def point(lat_lon: tuple[float, float]) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [lat_lon[1], lat_lon[0]]}


def feature(
    asset_id: Any, geometry: dict[str, Any], kind: str | None = "streetlight", **properties: Any
) -> dict[str, Any]:
    found = {"kind": kind, **properties} if kind else dict(properties)
    return {"type": "Feature", "id": asset_id, "properties": found, "geometry": geometry}


def collection(*features: Any) -> str:
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


# Streetlights 10 m, 30 m and 100 m east of Sarinah; drains; a bridge 20 m north.
KNOWN_ASSETS = collection(
    feature("pju-10", point(at(metres_east=10)), name="PJU Sarinah 10"),
    feature("pju-30", point(at(metres_east=30)), name="PJU Sarinah 30"),
    feature("pju-100", point(at(metres_east=100)), name="PJU Sarinah 100"),
    feature(
        "sal-wahid-hasyim",
        {"type": "MultiLineString", "coordinates": WAHID_HASYIM},
        kind="drain",
        name="Saluran Wahid Hasyim",
    ),
    feature(
        "sal-thamrin",
        {"type": "LineString", "coordinates": THAMRIN_DRAIN},
        kind="drain",
        name="Saluran Thamrin",
        district="jkt-pusat-menteng",
    ),
    feature("jbt-sarinah", point(at(metres_north=20)), kind="bridge", name="Jembatan Sarinah"),
)


@pytest.fixture
def assets(app: Flask) -> None:
    """KNOWN_ASSETS, imported."""
    with app.app_context():
        upsert_assets(db.session(), asset_rows_from_geojson(KNOWN_ASSETS))
        db.session().commit()
        db.database().session.remove()


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, hours: float) -> None:
        self.now += timedelta(hours=hours)


@pytest.fixture
def clock(app: Flask) -> Clock:
    clock = Clock()
    state = app.extensions[EXTENSION]
    app.extensions[EXTENSION] = type(state)(settings=state.settings, clock=clock)
    return clock


def add_flood(
    app: Flask,
    created_at: datetime,
    depth_cm: Any = None,
    place: tuple[float, float] = SARINAH,
    **fields: Any,
) -> int:
    """A flood report stored as given (routed to Dinas PU); ``depth_cm`` None: not answered."""
    row = {
        "category_code": "flooding",
        "agency_code": "dpu",
        "routing_agency": "dpu",
        "routing_rule": "test.rule",
        "routing_reason": "test",
        "description": "Banjir",
        "lat": place[0],
        "lon": place[1],
        "status": "open",
        "public": True,
        "attributes": {} if depth_cm is None else {"water_depth_cm": depth_cm},
        "created_at": created_at,
        "updated_at": created_at,
        "assigned_at": created_at,
        **fields,
    }
    with app.app_context():
        complaint = Complaint(**row)
        db.session().add(complaint)
        db.session().commit()
        complaint_id = complaint.id
        db.database().session.remove()
    return complaint_id
