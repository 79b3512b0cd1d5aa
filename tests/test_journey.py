"""The whole journey in a real browser, four people at once: a resident reports with a photo by
clicking the map; the agency's console, already open, shows it at once; staff acknowledge and
send the nearest officer; the officer's phone gets the offer, accepts, photographs the fix and
resolves it; the resident's page follows every step live. With SMARTCITY_SCREENSHOTS=1
(`make screenshots`) its screenshots replace those of the README in docs/screenshots/."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from core.testing import after_photo, fits_width, sign_in

pytestmark = [
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
    pytest.mark.needs_plugins("dispatch", "routing", "sanitation"),
]

README_SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
PHONE = {"width": 360, "height": 740}
DESK = {"width": 1280, "height": 800}
DESCRIPTION = "Tumpukan sampah di depan pasar, sudah tiga hari tidak diangkut."


def street_photo() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (96, 72), (120, 90, 30)).save(output, "JPEG", quality=80)
    return output.getvalue()


def test_a_report_travels_from_the_resident_to_the_officer_and_back_live(
    live_server, open_page, make_account, tmp_path
):
    shots = README_SCREENSHOTS if os.environ.get("SMARTCITY_SCREENSHOTS") == "1" else tmp_path
    resident = make_account("resident")
    staff = make_account("staff", agency="dlh")
    officer = make_account("officer", agency="dlh")

    console = open_page(viewport=DESK)
    sign_in(console, live_server, staff.email, start="/console")
    expect(console.locator("[data-live-indicator]")).to_have_text("Live")

    # The officer is on duty, his phone sharing where he is.
    phone = open_page(
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        geolocation={"latitude": -6.2009, "longitude": 106.8, "accuracy": 10},
        permissions=["geolocation"],
    )
    sign_in(phone, live_server, officer.email, start="/officer")
    phone.get_by_role("button", name="Available").tap()
    expect(phone.locator("#position-state")).to_contain_text("Position shared")

    # A resident reports a pile of garbage with a photo, by clicking the map.
    resident_page = open_page(viewport=PHONE, is_mobile=True, has_touch=True)
    sign_in(resident_page, live_server, resident.email)
    resident_page.goto(f"{live_server}/report")
    resident_page.get_by_label("What is the problem?").select_option("garbage")
    resident_page.get_by_label("Describe it").fill(DESCRIPTION)
    resident_page.locator("#report-map").click()
    resident_page.get_by_label("Latitude").fill("-6.2")
    resident_page.get_by_label("Longitude").fill("106.8")
    resident_page.get_by_label("Photos").set_input_files(
        files=[{"name": "sampah.jpg", "mimeType": "image/jpeg", "buffer": street_photo()}]
    )
    resident_page.screenshot(path=shots / "report.png", full_page=True)
    resident_page.get_by_role("button", name="Send report").click()
    resident_page.wait_for_url(re.compile(r"/complaints/\d+$"))
    status = resident_page.locator("#complaint [data-fact='Status']")
    expect(status).to_have_text("open")

    # The console shows it without a reload (how fast: bench/live.py).
    queued = console.locator("#queue li").filter(has_text="Sampah menumpuk")
    expect(queued).to_have_count(1)
    console.screenshot(path=shots / "console.png")
    queued.get_by_role("button").first.click()
    console.get_by_role("button", name="Acknowledge", exact=True).click()
    expect(status).to_have_text("acknowledged")
    console.get_by_role("button", name="Send the nearest free officer").click()
    expect(console.locator("#dispatch-state")).to_contain_text("Offered to")

    # The officer's phone gets the offer and takes it; the resident sees it live.
    offer = phone.locator("#offer")
    expect(offer).to_contain_text(DESCRIPTION)
    expect(offer.locator("[data-fact='Distance']")).to_have_text("100 m")
    phone.screenshot(path=shots / "officer-offer.png", full_page=True)
    phone.get_by_role("button", name="Accept").tap()
    expect(phone.locator("#assignment-state")).to_contain_text("on your way")
    expect(status).to_have_text("in progress")
    expect(resident_page.locator(".timeline")).to_contain_text(
        "An officer accepted and is on the way."
    )
    expect(console.locator("#dispatch-state")).to_contain_text("accepted and is on the way")

    # He photographs the fixed spot and resolves it; the resident sees that live too.
    phone.get_by_label("After photo").set_input_files(
        files=[{"name": "after.jpg", "mimeType": "image/jpeg", "buffer": after_photo()}]
    )
    expect(phone.locator("#photo-done")).to_contain_text("After photo attached")
    phone.screenshot(path=shots / "officer-job.png", full_page=True)
    phone.get_by_role("button", name="Fixed").tap()
    expect(status).to_have_text("resolved")
    expect(resident_page.locator(".photos img")).to_have_count(2)
    expect(phone.get_by_role("button", name="Available")).to_have_attribute("aria-pressed", "true")
    resident_page.screenshot(path=shots / "complaint.png", full_page=True)
    assert fits_width(resident_page, PHONE["width"]) and fits_width(phone, PHONE["width"])

    home = open_page(viewport=DESK)
    home.goto(f"{live_server}/")
    expect(home.locator("#feed li")).to_have_count(1)
    home.screenshot(path=shots / "home.png")
