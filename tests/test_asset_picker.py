"""The report form's "which one is it?" in a real browser, on a phone: the assets near the pin,
picking one moves the pin onto it and shows the reports about that same one, and the report
is filed about it.

The assets come from a test plugin registered like a third party's. Only SQLite, like the other
browser tests of the form."""

from __future__ import annotations

import re

import pytest
import requests
from playwright.sync_api import expect

from core import hookimpl
from core.geo import haversine_m
from core.testing import fits_width
from core.types import AgencySpec, Asset, CategorySpec

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

PHONE = {"width": 360, "height": 740}
METRES_PER_DEGREE_OF_LATITUDE = 111_320


class Lamps:
    """Two lamps, 15 m and 35 m north of wherever the form first asks about."""

    def __init__(self) -> None:
        self.places: dict[str, tuple[float, float]] = {}

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

    @hookimpl
    def assets_near(self, category, point, limit):
        if category != "lamp_out":
            return []
        if not self.places:
            for asset_id, metres in (("lamp-a", 15), ("lamp-b", 35)):
                self.places[asset_id] = (
                    point[0] + metres / METRES_PER_DEGREE_OF_LATITUDE,
                    point[1],
                )
        return [
            Asset(
                asset_id, "lamp", f"Lamp {asset_id[-1].upper()}", *place, haversine_m(point, place)
            )
            for asset_id, place in self.places.items()
        ]

    @hookimpl
    def find_asset(self, category, asset_id):
        place = self.places.get(asset_id)
        if category != "lamp_out" or place is None:
            return None
        return Asset(asset_id, "lamp", f"Lamp {asset_id[-1].upper()}", *place)


def test_a_resident_picks_the_lamp_and_sees_the_reports_about_it(
    live_server, open_page, register_plugin
):
    lamps = Lamps()
    register_plugin(lamps, "lamps")
    page = open_page(viewport=PHONE)
    page.goto(f"{live_server}/report")
    page.get_by_label("What is the problem?").select_option("lamp_out")
    page.get_by_label("Describe it").fill("Lampu jalan mati sejak dua malam.")
    page.locator("#report-map").click()

    which = page.get_by_role("group", name="Which one is it?")
    expect(which).to_be_visible()
    expect(which.get_by_role("radio")).to_have_count(3)
    expect(which.get_by_label("None of these, or not sure")).to_be_checked()
    assert fits_width(page, PHONE["width"])

    # Someone already reported lamp B, with the pin dropped 200 m off: still the same lamp.
    lamp_b = lamps.places["lamp-b"]
    earlier = requests.post(
        f"{live_server}/api/v1/complaints",
        json={
            "category": "lamp_out",
            "description": "Lampu B mati.",
            "lat": lamp_b[0] + 200 / METRES_PER_DEGREE_OF_LATITUDE,
            "lon": lamp_b[1],
            "asset_id": "lamp-b",
        },
        timeout=5,
    ).json()

    which.get_by_label(re.compile(r"^Lamp B · \d+ m$")).check()

    expect(page.get_by_label("Latitude")).to_have_value(f"{lamp_b[0]:.6f}")
    duplicates = page.locator("#duplicate-list")
    expect(duplicates).to_contain_text(f"#{earlier['id']} Lampu B mati.")
    expect(duplicates).to_contain_text("the same one")

    page.get_by_role("button", name="Send report").click()
    page.wait_for_url(re.compile(r"/complaints/\d+$"))
    expect(page.locator("[data-fact='About']")).to_have_text("Lamp B (lamp-b)")
    complaint_id = int(page.url.rsplit("/", 1)[1])
    filed = requests.get(f"{live_server}/api/v1/complaints/{complaint_id}", timeout=5).json()
    assert filed["asset_id"] == "lamp-b"
    assert (filed["lat"], filed["lon"]) == pytest.approx(lamp_b, abs=1e-6)


def test_a_category_without_assets_asks_nothing(live_server, open_page, register_plugin):
    register_plugin(Lamps(), "lamps")
    page = open_page(viewport=PHONE)
    page.goto(f"{live_server}/report")
    page.get_by_label("What is the problem?").select_option("lamp_out")
    page.locator("#report-map").click()
    expect(page.get_by_role("group", name="Which one is it?")).to_be_visible()

    page.get_by_label("What is the problem?").select_option("wire_down")
    page.locator("#report-map").click(position={"x": 40, "y": 40})

    expect(page.locator("#assets")).to_be_hidden()
