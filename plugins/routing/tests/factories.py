"""Known data sets for the accountability tests: complaints and districts stored as given."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import shapely
from flask import Flask

from core import db
from core.models import Complaint
from plugins.routing.models import District

# Whole seconds, twenty days ago: every deadline of a known data set has passed by now.
START = datetime.now(UTC).replace(microsecond=0) - timedelta(days=20)
CATEGORY_AGENCY = {"garbage": "dlh", "pothole": "dpu", "traffic_light": "dishub", "crime": "polda"}


def complaint(category: str = "garbage", **fields: Any) -> dict[str, Any]:
    """The columns of a complaint of ``category`` at its agency, created at START."""
    agency = CATEGORY_AGENCY[category]
    created_at = fields.get("created_at", START)
    return {
        "category_code": category,
        "agency_code": agency,
        "routing_agency": agency,
        "routing_rule": "test.rule",
        "routing_reason": "Chosen by the test.",
        "description": "Sampah menumpuk di depan pasar",
        "lat": -6.2,
        "lon": 106.8,
        "status": "open",
        "public": category != "crime",
        "updated_at": created_at,
        "assigned_at": created_at,
        **fields,
        "created_at": created_at,
    }


def add_complaints(app: Flask, *rows: dict[str, Any]) -> list[int]:
    """Store complaints built by ``complaint``; their ids, in order."""
    with app.app_context():
        complaints = [Complaint(**row) for row in rows]
        db.session().add_all(complaints)
        db.session().commit()
        ids = [stored.id for stored in complaints]
        db.database().session.remove()
    return ids


def add_districts(app: Flask, names: dict[str, str]) -> None:
    """Districts by code and name; their polygons do not matter to the figures."""
    square = shapely.box(106.7, -6.3, 106.9, -6.1)
    with app.app_context():
        for code, name in names.items():
            db.session().add(
                District(
                    code=code,
                    name=name,
                    level="subdistrict",
                    geometry=shapely.to_wkb(square),
                    min_lon=106.7,
                    min_lat=-6.3,
                    max_lon=106.9,
                    max_lat=-6.1,
                )
            )
        db.session().commit()
        db.database().session.remove()
