"""A resident on a 360 px phone names the streetlight a report is about: the report form offers
the streetlights near the pin, picking one moves the pin onto it, and the complaint carries it.

As in ``tests/test_browser.py``: every request off the live server (map tiles) is refused; any
script or console error fails the test. Only SQLite: the page is the subject here.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from core import db
from core.testing import fits_width, sign_in, unlabelled_controls
from plugins.public_works.importer import asset_rows_from_geojson, upsert_assets
from plugins.public_works.tests.conftest import METRE_IN_LONGITUDE, collection, feature, point

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def app_settings() -> dict[str, Any]:
    # A tap on a phone's map is tens of metres wide at the city's zoom: room for it.
    return {"public_works": {"asset_radius_m": 300}}


def streetlights_around_the_map_centre(app: Flask) -> tuple[float, float]:
    """Two streetlights near the centre of the form's map (where the test taps), one far; the
    second one's position."""
    lat, lon = app.config["SMARTCITY"]["map_center"]
    second = (lat, lon + 40 * METRE_IN_LONGITUDE)
    text = collection(
        feature("pju-a", point((lat, lon + 10 * METRE_IN_LONGITUDE)), name="PJU Tengah A"),
        feature("pju-b", point(second), name="PJU Tengah B"),
        feature("pju-far", point((lat + 0.05, lon)), name="PJU Jauh"),
        feature("jbt-a", point((lat, lon)), kind="bridge", name="Jembatan Tengah"),
    )
    with app.app_context():
        upsert_assets(db.session(), asset_rows_from_geojson(text))
        db.session().commit()
        db.database().session.remove()
    return second


def test_a_resident_picks_the_streetlight_and_the_complaint_names_it(
    app, client, live_server, open_page, make_account
):
    second = streetlights_around_the_map_centre(app)
    page: Page = open_page(viewport=PHONE, is_mobile=True, has_touch=True)
    sign_in(page, live_server, make_account("resident").email, start="/login?next=/report")
    expect(page).to_have_url(f"{live_server}/report")
    page.get_by_label("What is the problem?").select_option("streetlight")
    page.get_by_label("Describe it").fill("Lampu jalan mati sejak kemarin malam")
    page.locator("#report-map").click()
    expect(page.get_by_label("Latitude")).not_to_have_value("")

    assets = page.locator("#assets")
    expect(assets).to_be_visible()
    choices = assets.locator("label")
    expect(choices).to_have_count(3)  # "none of these" and the two near ones, nearest first
    expect(choices.nth(1)).to_have_text(re.compile(r"^PJU Tengah A · \d+ m$"))
    expect(choices.nth(2)).to_have_text(re.compile(r"^PJU Tengah B · \d+ m$"))
    assert unlabelled_controls(page) == []
    assert fits_width(page, PHONE["width"])

    page.get_by_label(re.compile(r"^PJU Tengah B · ")).check()
    expect(page.get_by_label("Latitude")).to_have_value(f"{second[0]:.6f}")
    expect(page.get_by_label("Longitude")).to_have_value(f"{second[1]:.6f}")
    page.get_by_role("button", name="Send report").click()
    page.wait_for_url(re.compile(r"/complaints/\d+$"))
    complaint_id = int(page.url.rsplit("/", 1)[1])

    shown = client.get(f"/api/v1/complaints/{complaint_id}").json
    assert (shown["category"], shown["asset_id"]) == ("streetlight", "pju-b")
    assert (shown["lat"], shown["lon"]) == pytest.approx(second, abs=1e-6)
