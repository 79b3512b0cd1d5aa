"""The traffic page in a real browser on a 360 px phone: the roads coloured on the map with the
cameras along them, a status set by Dishub from the page (suggested from the complaints and the
cameras' tags) reaching a visitor's page live, in English and Indonesian.

As in ``tests/test_browser.py``: every request off the live server (map tiles) is refused; any
script or console error fails the test. Only SQLite: the page is the subject here.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from core.testing import fits_width, sign_in, unlabelled_controls
from plugins.transport.tests.conftest import add_camera, add_complaint, east_of_thamrin

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

PHONE = {"width": 360, "height": 740}
PAGE = "/transport"
RED = "#c62828"


def phone(open_page: Any) -> Page:
    page: Page = open_page(viewport=PHONE, is_mobile=True, has_touch=True)
    return page


@pytest.mark.needs_plugins("cctv")
def test_dishub_sets_a_status_from_the_page_and_a_visitor_sees_it_live(
    app, client, live_server, open_page, make_account, segments, clock, jpeg_camera
):
    admin = make_account("admin")
    add_camera(client, admin, "Kamera Sarinah", east_of_thamrin(40), snapshot_url=jpeg_camera)
    add_camera(client, admin, "Kamera jauh", east_of_thamrin(600))
    # Dishub's own camera: its staff see it (and its tag votes), visitors do not.
    add_camera(
        client,
        admin,
        "Kamera Dishub",
        east_of_thamrin(-60),
        tags=["Padat"],
        visibility="restricted",
        agency="dishub",
        snapshot_url=jpeg_camera,
    )
    for metres in (10, 20, 30):
        add_complaint(app, east_of_thamrin(metres), clock.now - timedelta(minutes=2))
    visitor = phone(open_page)
    visitor.goto(f"{live_server}{PAGE}")
    expect(visitor.get_by_role("heading", name="Traffic", level=1)).to_be_visible()
    expect(visitor.locator("path.road-line")).to_have_count(2)
    expect(visitor.locator("[data-live-indicator]")).to_have_attribute("data-state", "live")
    expect(visitor.locator("#road-changes-empty")).to_be_visible()
    expect(visitor.locator("#road-status-form")).to_have_count(0)
    expect(visitor.locator("#road-cameras li")).to_have_text(
        ["Kamera Sarinah · Jl. M.H. Thamrin (traffic)"]
    )
    expect(visitor.locator("path.road-camera")).to_have_count(1)
    assert fits_width(visitor, PHONE["width"])
    # The camera's dot on the map opens its latest picture below.
    visitor.locator("path.road-camera").click()
    assert shows_a_picture(visitor, "Latest picture from Kamera Sarinah")
    assert fits_width(visitor, PHONE["width"])

    staff = phone(open_page)
    sign_in(staff, live_server, make_account("staff", agency="dishub").email, f"/login?next={PAGE}")
    expect(staff).to_have_url(f"{live_server}{PAGE}")
    assert unlabelled_controls(staff) == []
    assert fits_width(staff, PHONE["width"])
    expect(staff.locator("#road-cameras li")).to_have_text(
        ["Kamera Dishub · Jl. M.H. Thamrin (Padat)", "Kamera Sarinah · Jl. M.H. Thamrin (traffic)"]
    )
    # A camera only Dishub may see: its picture comes with the staff's token.
    staff.locator("#road-cameras summary", has_text="Kamera Dishub").click()
    assert shows_a_picture(staff, "Latest picture from Kamera Dishub")
    staff.get_by_label("Road", exact=True).select_option(label="Jl. M.H. Thamrin")
    staff.get_by_role("button", name="Suggest from complaints and cameras").click()
    suggestion = staff.locator("#road-suggestion")
    expect(suggestion).to_contain_text("3 traffic complaints within 100 m")
    expect(suggestion).to_contain_text("Cameras along it tagged: Kamera Dishub (padat).")
    expect(suggestion).to_contain_text("Suggested: macet.")
    expect(suggestion).to_contain_text("Check the cameras along it: Kamera Sarinah, Kamera Dishub.")
    expect(staff.get_by_label("Status", exact=True)).to_have_value("macet")
    staff.get_by_role("button", name="Set status").click()
    expect(staff.locator("#road-suggestion")).to_have_text("Saved.")

    change = visitor.locator("#road-changes li")
    expect(change).to_have_count(1)
    expect(change).to_contain_text("macet · Jl. M.H. Thamrin")
    expect(change).to_contain_text("confirmed from complaints")
    expect(visitor.locator(f'path.road-line[stroke="{RED}"]')).to_have_count(1)
    expect(visitor.locator("#road-changes-empty")).to_be_hidden()


def shows_a_picture(page: Page, name: str) -> bool:
    picture = page.get_by_role("img", name=name)
    expect(picture).to_be_visible()
    return bool(picture.evaluate("image => image.complete && image.naturalWidth === 160"))


@pytest.mark.needs_plugins("cctv")
def test_a_camera_without_a_picture_now_says_so(
    client, live_server, open_page, make_account, segments
):
    add_camera(client, make_account("admin"), "Kamera mati", east_of_thamrin(30))
    visitor = phone(open_page)
    visitor.goto(f"{live_server}{PAGE}")
    visitor.locator("#road-cameras summary", has_text="Kamera mati").click()
    picture = visitor.locator(".road-camera-picture")
    expect(picture).to_have_text("No picture from this camera right now. All cameras")
    expect(picture.get_by_role("link", name="All cameras")).to_have_attribute("href", "/cameras")


def test_the_page_speaks_indonesian(live_server, open_page, segments):
    page = phone(open_page)
    page.goto(f"{live_server}/language/id?next={PAGE}")
    expect(page.get_by_role("heading", name="Lalu lintas", level=1)).to_be_visible()
    expect(page.locator(".road-legend")).to_contain_text("tidak diketahui")
    expect(page.get_by_role("link", name="Lalu lintas")).to_be_visible()
