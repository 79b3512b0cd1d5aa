"""The demo city's public works: its assets near the demo's places and an afternoon's flood
reports on the flood map."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from core import db
from core.cli import main
from core.plugins import hooks
from plugins.public_works.models import CityAsset

SARINAH = (-6.1876, 106.8229)


def test_the_demo_brings_assets_and_recent_flood_reports(app, client, runner):
    result = runner.invoke(main, ["demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        kinds = Counter(db.session().scalars(select(CityAsset.kind)))
        light = hooks().assets_near(category="streetlight", point=SARINAH, limit=3)
        db.database().session.remove()
    assert kinds["streetlight"] >= 20 and kinds["drain"] >= 5 and kinds["bridge"] == 2
    # Along Jl. M.H. Thamrin, one every 60-odd metres.
    assert light and light[0].distance_m is not None and light[0].distance_m < 40
    assert light[0].id.startswith("pju-thamrin-")

    floods = client.get("/api/v1/public_works/floods").json["floods"]
    assert len(floods) >= 5
    now = datetime.now(UTC)
    assert all(
        now - timedelta(hours=6) <= datetime.fromisoformat(flood["created_at"]) <= now
        for flood in floods
    )
    depths = [flood["depth_cm"] for flood in floods]
    assert None in depths and max(depth for depth in depths if depth is not None) >= 50


@pytest.mark.needs_plugins("routing")
def test_the_demo_s_flood_reports_are_routed_like_any_report(client, runner):
    assert runner.invoke(main, ["demo"]).exit_code == 0
    floods = client.get("/api/v1/public_works/floods").json["floods"]
    first = client.get(f"/api/v1/complaints/{floods[0]['id']}").json
    assert (first["category"], first["agency"]) == ("flooding", "dpu")
