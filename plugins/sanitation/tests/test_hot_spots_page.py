"""The hot spots page in a real browser (system Chromium through Playwright) on a 360 px phone:
the week's hot spots as circles and a ranked table, another week picked, a spot found on the map.

As in ``tests/test_browser.py``: the browser runs in this gevent-patched process beside the
in-process ``live_server``; every request off the live server (map tiles) is refused; any
script or console error fails the test. Only SQLite: the page is the subject here.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from core.testing import fits_width, sign_in, unlabelled_controls
from plugins.sanitation.tests.factories import add_complaints, complaint, set_clock

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

PHONE = {"width": 360, "height": 740}
PAGE = "/sanitation/hot-spots"
# Thursday of week 48 of 2026, noon in Jakarta.
NOW = datetime(2026, 11, 26, 5, 0, tzinfo=UTC)


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)


@pytest.fixture
def garbage_weeks(app: Flask) -> None:
    """Week 48: Tanah Abang 5 (2 the week before), Penjaringan 4 (6 the week before), and a
    square in no known district 3; week 47: Penjaringan alone."""
    set_clock(app, NOW)
    tanah_abang, penjaringan = "jkt-pusat-tanah-abang", "jkt-utara-penjaringan"
    add_complaints(
        app,
        [
            *(complaint(at(23 + day, 3), tanah_abang, (-6.187, 106.8135)) for day in range(5)),
            *(complaint(at(16 + day, 3), tanah_abang, (-6.187, 106.8135)) for day in range(2)),
            *(complaint(at(23 + day, 5), penjaringan, (-6.1065, 106.7745)) for day in range(4)),
            *(complaint(at(16 + day, 5), penjaringan, (-6.1065, 106.7745)) for day in range(6)),
            *(complaint(at(24, hour), None, (-6.3001, 106.9501)) for hour in (1, 2, 3)),
        ],
    )


def open_hot_spots(open_page: Any, live_server: str, email: str) -> Page:
    page: Page = open_page(viewport=PHONE, is_mobile=True, has_touch=True)
    sign_in(page, live_server, email, start=f"/login?next={PAGE}")
    expect(page).to_have_url(f"{live_server}{PAGE}")
    return page


@pytest.mark.needs_plugins("routing")
def test_dlh_staff_see_the_week_s_hot_spots_on_a_phone(
    app, live_server, open_page, make_account, demo_districts, garbage_weeks, tmp_path: Path
):
    staff = make_account("staff", agency="dlh")
    page = open_hot_spots(open_page, live_server, staff.email)

    rows = page.locator("#hot-spot-rows tr")
    expect(rows).to_have_count(3)
    expect(rows.locator("th button")).to_have_text(
        ["Tanah Abang", "Penjaringan", "Around -6.3001, 106.9501"]
    )
    expect(rows.locator("td.rank")).to_have_text(["1", "2", "3"])
    expect(rows.locator("td.count")).to_have_text(["5", "4", "3"])
    expect(rows.locator("td.change")).to_have_text(["+3 from 2", "\u22122 from 6", "+3 from 0"])
    expect(rows.nth(1).locator("td.change")).to_have_attribute("title", "down 2 from 6")
    expect(rows.nth(2)).to_contain_text("a square of about 250 m")
    expect(page.locator("#hot-spot-window")).to_contain_text("Week 2026-W48")
    expect(page.locator("#hot-spot-window")).to_contain_text("3 hot spots")
    expect(page.get_by_label("Week")).to_have_value("2026-W48")

    # One circle a hot spot, bigger for more complaints; rising ones marked so; one square.
    circles = page.locator("path.hot-spot-circle")
    expect(circles).to_have_count(3)
    expect(page.locator("path.hot-spot-circle.hot-spot-rising")).to_have_count(2)
    expect(page.locator("path.hot-spot-cell")).to_have_count(1)
    # The paths' own geometry, read at one instant: a bounding box on screen shrinks while the
    # map still zooms in to fit the spots, and reading one circle at a time spans that zoom.
    sizes = circles.evaluate_all("paths => paths.map((path) => path.getBBox().width)")
    assert sizes[0] > sizes[1] > sizes[2]

    # The navigation links the page; everything fits a 360 px phone; every control is labelled.
    expect(page.get_by_role("link", name="Hot spots")).to_have_attribute("aria-current", "page")
    assert fits_width(page, PHONE["width"])
    assert unlabelled_controls(page) == []
    page.screenshot(path=tmp_path / "hot-spots-phone.png", full_page=True)

    # A spot in the table, found on the map.
    rows.nth(1).get_by_role("button", name="Penjaringan").click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("Penjaringan")
    expect(popup).to_contain_text("4 complaints")


@pytest.mark.needs_plugins("routing")
def test_picking_another_week_shows_its_hot_spots(
    app, live_server, open_page, make_account, demo_districts, garbage_weeks
):
    head = make_account("head", agency="dlh")
    page = open_hot_spots(open_page, live_server, head.email)
    expect(page.locator("#hot-spot-rows tr")).to_have_count(3)

    page.get_by_label("Week").fill("2026-W47")
    page.get_by_role("button", name="Show").click()
    rows = page.locator("#hot-spot-rows tr")
    expect(rows.locator("th button")).to_have_text(["Penjaringan"])
    expect(rows.locator("td.change")).to_have_attribute("title", "up 6 from 0")
    expect(page.locator("path.hot-spot-circle")).to_have_count(1)
    expect(page).to_have_url(f"{live_server}{PAGE}?week=2026-W47")

    page.get_by_label("Week").fill("2026-W40")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#hot-spot-rows tr")).to_have_count(0)
    expect(page.locator("#hot-spots-empty")).to_have_text(
        "No area had 3 or more complaints in this week."
    )
    expect(page.locator("path.hot-spot-circle")).to_have_count(0)

    # The page's address keeps the week: a reload shows it again.
    page.reload()
    expect(page.get_by_label("Week")).to_have_value("2026-W40")


def test_the_page_speaks_indonesian(app, live_server, open_page, make_account, garbage_weeks):
    staff = make_account("staff", agency="dlh")
    page = open_hot_spots(open_page, live_server, staff.email)
    page.goto(f"{live_server}/language/id?next={PAGE}")
    expect(page.get_by_role("heading", name="Titik rawan sampah")).to_be_visible()
    rows = page.locator("#hot-spot-rows tr")
    expect(rows.nth(0).locator("td.change")).to_have_attribute("title", "naik 3 dari 2")
    expect(page.get_by_role("link", name="Titik rawan")).to_be_visible()
    assert unlabelled_controls(page) == []
