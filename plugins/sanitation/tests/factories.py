"""Known data sets for the hot-spot tests: sanitation complaints stored as given."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from flask import Flask

from core import db
from core.models import Complaint
from plugins.sanitation.settings import EXTENSION

AGENCIES = {"pothole": "dpu", "crime": "polda"}


def complaint(
    created_at: datetime,
    district: str | None = None,
    point: tuple[float, float] = (-6.2, 106.8),
    category: str = "garbage",
    **fields: Any,
) -> dict[str, Any]:
    """The columns of a complaint of ``category`` routed in ``district`` (None: in no known
    district), reported at ``created_at``."""
    agency = AGENCIES.get(category, "dlh")
    return {
        "category_code": category,
        "agency_code": agency,
        "routing_agency": agency,
        "routing_rule": "test.rule",
        "routing_reason": "Chosen by the test.",
        "district": district,
        "description": "Sampah menumpuk",
        "lat": point[0],
        "lon": point[1],
        "status": "open",
        "public": category != "crime",
        "created_at": created_at,
        "updated_at": created_at,
        "assigned_at": created_at,
        **fields,
    }


def add_complaints(app: Flask, rows: list[dict[str, Any]]) -> list[int]:
    """Store complaints built by ``complaint``; their ids, in order."""
    with app.app_context():
        complaints = [Complaint(**row) for row in rows]
        db.session().add_all(complaints)
        db.session().commit()
        ids = [stored.id for stored in complaints]
        db.database().session.remove()
    return ids


def set_clock(app: Flask, now: datetime) -> None:
    """Make it ``now`` for the plugin: the current week is the one holding ``now``."""
    state = app.extensions[EXTENSION]
    app.extensions[EXTENSION] = dataclasses.replace(state, clock=lambda: now)
