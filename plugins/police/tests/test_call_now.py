"""The line to call in an emergency, in a real browser: the report form shows it the moment an
emergency is chosen and keeps it in front of the reporter once the report is filed; the
complaint's page shows it to its reporter while the police work it.

Only SQLite, like tests/test_browser.py: the pages are the subject here.
"""

from __future__ import annotations

import re

import pytest
import requests
from playwright.sync_api import Page, expect

from core.testing import fits_width, sign_in, unlabelled_controls

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

PHONE = {"width": 360, "height": 740}
MONAS = ("-6.175400", "106.827200")


def fill_emergency(page: Page) -> None:
    page.get_by_label("What is the problem?").select_option("crime")
    page.get_by_label("Describe it").fill("Jambret merampas tas di halte, pelakunya lari ke utara.")
    page.get_by_label("Latitude").fill(MONAS[0])
    page.get_by_label("Longitude").fill(MONAS[1])


@pytest.mark.needs_plugins("sanitation")
def test_the_form_shows_the_line_to_call_as_soon_as_an_emergency_is_chosen(live_server, open_page):
    page = open_page(viewport=PHONE, is_mobile=True, has_touch=True)
    page.goto(f"{live_server}/report")
    call = page.get_by_role("link", name="Call 110 now")
    category = page.get_by_label("What is the problem?")
    expect(category.locator("option[value='crime']")).to_have_count(1)
    expect(call).to_be_hidden()

    category.select_option("crime")
    expect(call).to_be_visible()
    expect(call).to_have_attribute("href", "tel:110")
    category.select_option("garbage")
    expect(call).to_be_hidden()
    category.select_option("disturbance")  # the police's, but not an emergency
    expect(call).to_be_hidden()

    fill_emergency(page)
    expect(call).to_be_visible()
    assert unlabelled_controls(page) == []
    assert fits_width(page, PHONE["width"])
    page.get_by_role("button", name="Send report").click()

    sent = page.locator("#report-sent")
    expect(sent).to_have_text(re.compile(r"^Report #\d+ received\.\s*$"))
    expect(page.locator("#report-form")).to_be_hidden()
    expect(call).to_be_visible()
    # Sent anonymously, a confidential report is the agency's alone: nothing to follow.
    expect(sent.get_by_role("link")).to_have_count(0)
    expect(page).to_have_url(f"{live_server}/report")
    assert fits_width(page, PHONE["width"])


@pytest.mark.parametrize("app_settings", [{"police": {"call_now_label": "Telepon polisi: 110"}}])
def test_the_reporter_s_page_shows_the_line_while_the_police_work_it(
    live_server, open_page, make_account
):
    resident = make_account("resident")
    staff = make_account("staff", agency="polda")
    page = open_page(viewport=PHONE, is_mobile=True, has_touch=True)
    sign_in(page, live_server, resident.email)
    page.goto(f"{live_server}/report")
    fill_emergency(page)
    page.get_by_role("button", name="Send report").click()
    follow = page.locator("#report-sent").get_by_role("link", name=re.compile(r"^Follow report #"))
    expect(follow).to_be_visible()
    expect(page.get_by_role("link", name="Telepon polisi: 110")).to_be_visible()

    follow.click()
    page.wait_for_url(re.compile(r"/complaints/\d+$"))
    complaint_id = int(page.url.rsplit("/", 1)[1])
    call = page.get_by_role("link", name="Telepon polisi: 110")
    expect(page.locator("#complaint [data-fact='Status']")).to_have_text("open")
    expect(call).to_be_visible()
    expect(call).to_have_attribute("href", "tel:110")
    expect(page.locator("[data-live-indicator]")).to_have_text("Live")
    assert fits_width(page, PHONE["width"])

    # The duty room's own page does not tell the police to call the police.
    desk = open_page(viewport=PHONE)
    sign_in(desk, live_server, staff.email)
    desk.goto(f"{live_server}/complaints/{complaint_id}")
    expect(desk.locator("#complaint [data-fact='Status']")).to_have_text("open")
    expect(desk.locator("#call-now")).to_be_hidden()

    rejected = requests.patch(
        f"{live_server}/api/v1/complaints/{complaint_id}",
        json={"status": "rejected", "note": "Laporan ganda.", "note_public": True},
        headers=staff.headers,
        timeout=5,
    )
    assert rejected.status_code == 200, rejected.text
    expect(page.locator("#complaint [data-fact='Status']")).to_have_text("rejected")
    expect(call).to_be_hidden()
