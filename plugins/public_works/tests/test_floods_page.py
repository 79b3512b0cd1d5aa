"""The flood page in a real browser on a 360 px phone: the reports as a heat layer and a list
with their depth, a new flood report joining both live, in English and Indonesian.

As in ``tests/test_browser.py``: every request off the live server (map tiles) is refused; any
script or console error fails the test. Only SQLite: the page is the subject here.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from core.testing import fits_width, sign_in
from plugins.public_works.tests.conftest import SARINAH, add_flood, at

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

PHONE = {"width": 360, "height": 740}
PAGE = "/floods"
# Some pixel of the heat layer's canvas is painted.
HEAT_DRAWN = """() => {
  const canvas = document.querySelector("canvas.leaflet-heatmap-layer");
  if (!canvas || !canvas.width || !canvas.height) return false;
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  for (let index = 3; index < pixels.length; index += 4) if (pixels[index] > 0) return true;
  return false;
}"""


def phone(open_page: Any, **options: Any) -> Page:
    page: Page = open_page(viewport=PHONE, is_mobile=True, has_touch=True, **options)
    return page


def test_the_reports_are_a_heat_layer_and_a_list_and_new_ones_arrive_live(
    app, client, live_server, open_page
):
    now = datetime.now(UTC)
    deep = add_flood(app, now - timedelta(hours=1), depth_cm=70, address="Jl. Sabang")
    unknown = add_flood(app, now - timedelta(hours=2), place=at(metres_east=300))
    add_flood(app, now - timedelta(hours=9), depth_cm=90)  # outside the 6 hours

    visitor = phone(open_page)
    visitor.goto(f"{live_server}{PAGE}")
    expect(visitor.get_by_role("heading", name="Floods", level=1)).to_be_visible()
    expect(visitor.locator("canvas.leaflet-heatmap-layer")).to_have_count(1)
    visitor.wait_for_function(HEAT_DRAWN)
    items = visitor.locator("#flood-list li")
    expect(items).to_have_count(2)
    expect(items.nth(0).locator(".flood-depth")).to_have_text("70 cm")
    expect(items.nth(0).get_by_role("link", name="Jl. Sabang")).to_have_attribute(
        "href", f"/complaints/{deep}"
    )
    expect(items.nth(1).locator(".flood-depth")).to_have_text("depth unknown")
    expect(items.nth(1).get_by_role("link")).to_have_attribute("href", f"/complaints/{unknown}")
    expect(visitor.locator("#flood-legend")).to_contain_text("Water depth")
    expect(visitor.locator("[data-live-indicator]")).to_have_attribute("data-state", "live")
    assert fits_width(visitor, PHONE["width"])
    visitor.evaluate("window.notReloaded = true")

    report = {
        "category": "flooding",
        "description": "Banjir di depan halte",
        "lat": SARINAH[0],
        "lon": SARINAH[1],
        "address": "Halte Sarinah",
        "attributes": {"water_depth_cm": 45},
    }
    created = client.post("/api/v1/complaints", json=report)
    assert created.status_code == 201, created.json
    client.post("/api/v1/complaints", json={**report, "category": "pothole", "attributes": {}})

    expect(items).to_have_count(3)
    expect(items.nth(0).locator(".flood-depth")).to_have_text("45 cm")
    expect(items.nth(0).get_by_role("link", name="Halte Sarinah")).to_have_attribute(
        "href", f"/complaints/{created.json['id']}"
    )
    assert visitor.evaluate("window.notReloaded") is True
    assert fits_width(visitor, PHONE["width"])


def test_dpu_staff_see_the_confidential_reports_too(app, live_server, open_page, make_account):
    now = datetime.now(UTC)
    add_flood(app, now - timedelta(hours=1), depth_cm=30)
    add_flood(app, now - timedelta(hours=1), depth_cm=60, public=False)
    visitor = phone(open_page)
    visitor.goto(f"{live_server}{PAGE}")
    expect(visitor.locator("#flood-list li")).to_have_count(1)

    staff = phone(open_page)
    sign_in(staff, live_server, make_account("staff", agency="dpu").email, f"/login?next={PAGE}")
    expect(staff).to_have_url(f"{live_server}{PAGE}")
    expect(staff.locator("#flood-list li .flood-depth")).to_have_text(["60 cm", "30 cm"])
    expect(staff.locator("[data-live-indicator]")).to_have_attribute("data-state", "live")
    assert fits_width(staff, PHONE["width"])


def test_the_page_fits_a_phone_in_indonesian(app, live_server, open_page):
    add_flood(
        app, datetime.now(UTC) - timedelta(minutes=10), depth_cm=25, address="Jl. Kebon Sirih"
    )
    visitor = phone(open_page, locale="id-ID")
    visitor.goto(f"{live_server}{PAGE}")
    expect(visitor.locator("html")).to_have_attribute("lang", "id")
    expect(visitor.locator("#flood-list li")).to_have_count(1)
    visitor.wait_for_function(HEAT_DRAWN)
    assert fits_width(visitor, PHONE["width"])


def test_an_empty_window_says_so(live_server, open_page):
    visitor = phone(open_page)
    visitor.goto(f"{live_server}{PAGE}")
    expect(visitor.locator("#flood-list-empty")).to_be_visible()
    expect(visitor.locator("canvas.leaflet-heatmap-layer")).to_have_count(1)
    assert fits_width(visitor, PHONE["width"])
