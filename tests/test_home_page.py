"""The home page's filters in a real browser: by category, status and area (the routing
plugin's areas), applied to the feed, the map and the live arrivals alike."""

from __future__ import annotations

import pytest
import requests
from playwright.sync_api import expect

from core import db
from core.testing import fits_width, unlabelled_controls

pytestmark = [
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
    pytest.mark.needs_plugins("routing", "sanitation"),
]

MONAS = {"lat": -6.1754, "lon": 106.8272}  # Gambir, Jakarta Pusat
PLUIT = {"lat": -6.1170, "lon": 106.7900}  # Penjaringan, Jakarta Utara


def post(live_server, category, point, description):
    body = {"category": category, "description": description, **point}
    response = requests.post(f"{live_server}/api/v1/complaints", json=body, timeout=5)
    assert response.status_code == 201, response.text
    return response.json()


@pytest.mark.needs_plugins("public_works")
def test_residents_narrow_the_map_and_feed_by_category_status_and_area(app, live_server, open_page):
    from plugins.routing.importer import load_demo_districts

    with app.app_context():
        load_demo_districts(db.session())
        db.session().commit()
        db.database().session.remove()
    post(live_server, "garbage", MONAS, "Sampah di Monas")
    post(live_server, "pothole", PLUIT, "Jalan berlubang di Pluit")
    page = open_page(viewport={"width": 360, "height": 740})
    page.goto(f"{live_server}/")
    feed = page.locator("#feed li")
    expect(feed).to_have_count(2)

    page.get_by_label("Category").select_option("garbage")
    expect(feed).to_have_count(1)
    expect(feed.first).to_contain_text("Sampah di Monas")
    expect(page.locator(".leaflet-marker-icon.pin")).to_have_count(1)
    post(live_server, "pothole", MONAS, "Lubang baru di Monas")  # live, but not garbage
    post(live_server, "garbage", PLUIT, "Sampah baru di Pluit")  # live, and garbage
    expect(feed).to_have_count(2)
    expect(feed.first).to_contain_text("Sampah baru di Pluit")

    page.get_by_label("Area").select_option(label="Jakarta Utara")
    expect(feed).to_have_count(1)
    expect(feed.first).to_contain_text("Sampah baru di Pluit")
    page.get_by_label("Category").select_option("")
    expect(feed).to_have_count(2)
    expect(page.locator("#feed")).to_contain_text("Jalan berlubang di Pluit")
    page.get_by_label("Status").select_option(label="Resolved or closed")
    expect(feed).to_have_count(0)
    assert unlabelled_controls(page) == []
    assert fits_width(page, 360)
