"""Dishub's console carries the road status form (a ``register_console_panels`` panel): its staff
set a road's status without leaving the reports, and a visitor's /transport page shows it live.
Other agencies' consoles do not have it.

The browser test is as in ``tests/test_browser.py``: SQLite only, no request off the live
server, any script or console error fails it.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from core.testing import fits_width, sign_in, unlabelled_controls

PHONE = {"width": 360, "height": 740}


def phone(open_page: Any) -> Page:
    page: Page = open_page(viewport=PHONE, is_mobile=True, has_touch=True)
    return page


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_dishub_sets_a_road_s_status_from_the_console(
    client, live_server, open_page, make_account, segments
):
    visitor = phone(open_page)
    visitor.goto(f"{live_server}/transport")
    expect(visitor.locator("[data-live-indicator]")).to_have_attribute("data-state", "live")
    expect(visitor.locator("#road-changes-empty")).to_be_visible()

    staff_account = make_account("staff", agency="dishub")
    staff = phone(open_page)
    sign_in(staff, live_server, staff_account.email, "/login?next=/console")
    expect(staff).to_have_url(f"{live_server}/console")
    panel = staff.locator("#road-panel")
    # On a phone the panels come after the queue; a link at its top leads there.
    expect(panel).not_to_be_in_viewport()
    staff.get_by_role("link", name="Agency tools below").click()
    expect(panel).to_be_in_viewport()
    expect(panel.locator("summary")).to_have_text("Roads")
    road = panel.get_by_label("Road", exact=True)
    expect(road.locator("option")).to_have_text(["Jl. Gatot Subroto", "Jl. M.H. Thamrin"])
    assert unlabelled_controls(staff) == []
    assert fits_width(staff, PHONE["width"])

    road.select_option(label="Jl. M.H. Thamrin")
    panel.get_by_role("button", name="Suggest from complaints").click()
    expect(panel.locator("#road-suggestion")).to_contain_text("0 traffic complaints within")
    panel.get_by_label("Status", exact=True).select_option("macet")
    panel.get_by_role("button", name="Set status").click()
    expect(panel.locator("#road-suggestion")).to_have_text("Saved.")
    expect(panel.locator("#road-status-error")).to_be_hidden()

    thamrin = client.get("/api/v1/transport/segments/thamrin").json
    assert (thamrin["status"], thamrin["status_source"]) == ("macet", "staff")
    expect(visitor.locator("#road-changes li")).to_have_count(1)
    expect(visitor.locator("#road-changes li").first).to_contain_text("macet · Jl. M.H. Thamrin")


def console_html(client, account) -> str:
    response = client.get("/console", headers=account.headers)
    assert response.status_code == 200
    return str(response.get_data(as_text=True))


def test_the_panel_is_on_dishub_s_and_the_admins_consoles(client, make_account):
    for account in (make_account("head", agency="dishub"), make_account("admin")):
        html = console_html(client, account)
        assert 'id="road-panel"' in html
        assert "/transport/static/console-roads.js" in html


@pytest.mark.needs_plugins("sanitation")
def test_another_agency_s_console_has_no_road_panel(client, make_account):
    html = console_html(client, make_account("staff", agency="dlh"))
    assert 'id="road-panel"' not in html
    assert 'id="road-status-form"' not in html
