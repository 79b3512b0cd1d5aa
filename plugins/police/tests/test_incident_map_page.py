"""The incident map in a real browser, on a phone: the police's open complaints as pins and a
list, emergencies marked, new ones arriving and finished ones leaving without a reload.

Only SQLite, like tests/test_browser.py: the page is the subject here.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests
from playwright.sync_api import expect

from core.testing import fits_width, sign_in

pytestmark = [
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
    pytest.mark.needs_plugins("sanitation"),
]

PHONE = {"width": 360, "height": 740}


def report(live_server: str, category: str, description: str, lat: float, lon: float) -> int:
    body = {"category": category, "description": description, "lat": lat, "lon": lon}
    answer = requests.post(f"{live_server}/api/v1/complaints", json=body, timeout=5)
    assert answer.status_code == 201, answer.text
    complaint_id: int = answer.json()["id"]
    return complaint_id


def change(live_server: str, complaint_id: int, headers: dict[str, str], **body: Any) -> None:
    answer = requests.patch(
        f"{live_server}/api/v1/complaints/{complaint_id}", json=body, headers=headers, timeout=5
    )
    assert answer.status_code == 200, answer.text


@pytest.mark.needs_plugins("routing")
def test_the_incident_map_shows_a_new_incident_live_on_a_phone(
    live_server, open_page, make_account
):
    staff = make_account("staff", agency="polda")
    brawl = report(live_server, "disturbance", "Tawuran pelajar di jembatan.", -6.2, 106.84)
    report(live_server, "garbage", "Sampah menumpuk di trotoar.", -6.18, 106.83)
    page = open_page(viewport=PHONE, is_mobile=True, has_touch=True)
    sign_in(page, live_server, staff.email)
    page.get_by_role("link", name="Incident map").click()
    expect(page.locator("[data-live-indicator]")).to_have_text("Live")

    incidents = page.locator("#incidents li")
    pins = page.locator("#incident-map .leaflet-marker-icon")
    expect(incidents).to_have_count(1)
    expect(incidents.first).to_contain_text("Gangguan ketertiban")
    expect(pins).to_have_count(1)
    expect(page.locator("#incident-count")).to_have_text("1 open incident.")

    crime = report(live_server, "crime", "Jambret di halte bus.", -6.1754, 106.8272)

    expect(incidents).to_have_count(2)
    newest = incidents.first
    expect(newest).to_have_attribute("data-id", str(crime))
    expect(newest.locator(".incident-emergency-badge")).to_have_text("Emergency")
    expect(pins).to_have_count(2)
    expect(page.locator(f"#incident-map [data-complaint='{crime}']")).to_have_class(
        re.compile(r"\bincident-emergency\b")
    )
    expect(page.locator("#incident-count")).to_have_text("2 open incidents, 1 of them emergencies.")

    # Dealt with, it leaves the map.
    change(
        live_server, brawl, staff.headers, status="rejected", note="Sudah bubar.", note_public=True
    )
    expect(incidents).to_have_count(1)
    expect(pins).to_have_count(1)
    assert fits_width(page, PHONE["width"])
