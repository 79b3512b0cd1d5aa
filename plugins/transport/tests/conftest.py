"""Fixtures of the transport tests: a clock they move, road segments and complaints stored as
given, cameras added through the cctv plugin's API."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from gevent.pywsgi import WSGIServer
from PIL import Image

from core import db
from core.models import Complaint
from plugins.transport.importer import segment_rows_from_geojson, upsert_segments
from plugins.transport.settings import EXTENSION

# Jl. M.H. Thamrin, straight north to south along longitude 106.8228.
THAMRIN = [(106.8228, -6.1815), (106.8228, -6.1948)]
# Jl. Gatot Subroto: two pieces, as a MultiLineString.
GATOT_SUBROTO = [
    [(106.8150, -6.2200), (106.8225, -6.2290)],
    [(106.8225, -6.2290), (106.8300, -6.2365)],
]
METRE_IN_LONGITUDE = 1 / (111_320 * 0.9945)  # at Thamrin's latitude


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, minutes: float) -> None:
        self.now += timedelta(minutes=minutes)


@pytest.fixture
def clock(app: Flask) -> Clock:
    clock = Clock()
    app.extensions[EXTENSION].clock = clock
    return clock


def line_feature(segment_id: str, name: str, points: list[Any], **extra: Any) -> dict[str, Any]:
    kind = "MultiLineString" if isinstance(points[0][0], list | tuple) else "LineString"
    return {
        "type": "Feature",
        "id": segment_id,
        "properties": {"name": name},
        "geometry": {"type": kind, "coordinates": json.loads(json.dumps(points))},
        **extra,
    }


def collection(*features: dict[str, Any]) -> str:
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


@pytest.fixture
def segments(app: Flask) -> list[str]:
    """Thamrin and Gatot Subroto, imported."""
    text = collection(
        line_feature("thamrin", "Jl. M.H. Thamrin", THAMRIN),
        line_feature("gatot-subroto", "Jl. Gatot Subroto", GATOT_SUBROTO),
    )
    with app.app_context():
        upsert_segments(db.session(), segment_rows_from_geojson(text))
        db.session().commit()
        db.database().session.remove()
    return ["thamrin", "gatot-subroto"]


def east_of_thamrin(metres: float, lat: float = -6.1880) -> tuple[float, float]:
    return lat, THAMRIN[0][0] + metres * METRE_IN_LONGITUDE


def add_complaint(
    app: Flask,
    point: tuple[float, float],
    created_at: datetime,
    category: str = "congestion",
    **fields: Any,
) -> int:
    """A complaint stored as given (routed to Dishub), for counting."""
    row = {
        "category_code": category,
        "agency_code": "polda" if category == "accident" else "dishub",
        "routing_agency": "dishub",
        "routing_rule": "test.rule",
        "routing_reason": "test",
        "description": "Macet total",
        "lat": point[0],
        "lon": point[1],
        "status": "open",
        "public": category != "accident",
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


def add_camera(
    client: Any, admin: Any, camera_id: str, point: tuple[float, float], **fields: Any
) -> None:
    """Through the cctv plugin's API, as the city's admin would (tagged ``traffic`` unless
    ``tags`` says otherwise)."""
    body = {
        "id": camera_id,
        "name": camera_id,
        "lat": point[0],
        "lon": point[1],
        "tags": ["traffic"],
        "snapshot_url": "http://127.0.0.1:9/frame.jpg",
        **fields,
    }
    response = client.post("/api/v1/cctv/cameras", json=body, headers=admin.headers)
    assert response.status_code == 201, response.json


@pytest.fixture
def jpeg_camera() -> Iterator[str]:
    """A camera on 127.0.0.1 answering every request with the same small JPEG: its URL."""
    frame = io.BytesIO()
    Image.new("RGB", (160, 120), (40, 90, 140)).save(frame, "JPEG")

    def answer(_environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "image/jpeg")])
        return [frame.getvalue()]

    server = WSGIServer(("127.0.0.1", 0), answer, log=None, error_log=None)
    server.start()
    yield f"http://127.0.0.1:{server.server_port}/frame.jpg"
    server.stop(timeout=1)
