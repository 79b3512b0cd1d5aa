"""Dishub's routing rules, and its part of the demo city."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from core import db
from core.cli import main
from plugins.transport.agency import RULE_NAMES
from plugins.transport.models import RoadSegment

NEAR_BUNDARAN_HI = (-6.1950, 106.8230)


@pytest.mark.needs_plugins("routing")
@pytest.mark.parametrize("category", sorted(RULE_NAMES))
def test_traffic_categories_go_to_dishub(client, category):
    body = {
        "category": category,
        "description": "Laporan warga",
        "lat": NEAR_BUNDARAN_HI[0],
        "lon": NEAR_BUNDARAN_HI[1],
    }
    response = client.post("/api/v1/complaints", json=body)
    assert response.status_code == 201, response.json
    assert response.json["agency"] == "dishub"


@pytest.mark.needs_plugins("routing", "police")
def test_accidents_stay_the_polices_with_dishub_involved(client):
    """The shared, urgent accident rule is the police plugin's; Dishub works beside it."""
    body = {
        "category": "accident",
        "description": "Tabrakan",
        "lat": NEAR_BUNDARAN_HI[0],
        "lon": NEAR_BUNDARAN_HI[1],
    }
    response = client.post("/api/v1/complaints", json=body)
    assert response.status_code == 201, response.json
    assert response.json["agency"] == "polda"
    assert response.json["involved"] == ["dishub"]


# The demo city's accounts (config/demo/accounts.toml) belong to these plugins' agencies too.
@pytest.mark.needs_plugins("police", "public_works", "sanitation")
def test_the_demo_loads_central_jakartas_main_roads(app: Any):
    result = app.test_cli_runner().invoke(main, ["demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        names = set(db.session().scalars(select(RoadSegment.name)))
        db.database().session.remove()
    assert len(names) >= 5
    for road in ("Thamrin", "Sudirman", "Gatot Subroto"):
        assert any(road in name for name in names)
