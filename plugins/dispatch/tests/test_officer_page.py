"""The officer's phone page in a real browser (system Chromium through Playwright): going on
duty shares the phone's position, an offer arrives live with a countdown, is accepted, and the
job ends with an after-photo and "Fixed"; the page fits a phone and refuses anyone else.

As in ``tests/test_browser.py``: the browser runs in this gevent-patched process beside the
in-process ``live_server``; every request off the live server is refused; any script or
console error fails the test. Only SQLite: the page is the subject here.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import Page, expect

from core.testing import Account, after_photo, fits_width, sign_in, unlabelled_controls
from plugins.dispatch.tests.helpers import MONAS, north_of

pytestmark = [
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
    pytest.mark.needs_plugins("sanitation"),
]

PHONE = {"width": 360, "height": 740}
DESCRIPTION = "Sampah menumpuk di trotoar depan halte, baunya sampai ke jalan."


def on_the_phone(open_page: Any, where: tuple[float, float]) -> Page:
    """A phone whose browser may tell the page where it is."""
    page: Page = open_page(
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        geolocation={"latitude": where[0], "longitude": where[1], "accuracy": 12},
        permissions=["geolocation"],
    )
    return page


def garbage_at(live_server: str, point: tuple[float, float]) -> int:
    body = {"category": "garbage", "description": DESCRIPTION, "lat": point[0], "lon": point[1]}
    response = requests.post(f"{live_server}/api/v1/complaints", json=body, timeout=5)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def officer_seen_by_server(live_server: str, officer: Account) -> dict[str, Any]:
    response = requests.get(
        f"{live_server}/api/v1/dispatch/officers/me", headers=officer.headers, timeout=5
    )
    assert response.status_code == 200, response.text
    seen: dict[str, Any] = response.json()
    return seen


def wait_for_position(live_server: str, officer: Account, timeout: float = 5.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    seen = officer_seen_by_server(live_server, officer)
    while not seen["position_known"] and time.monotonic() < deadline:
        time.sleep(0.1)
        seen = officer_seen_by_server(live_server, officer)
    return seen


@pytest.mark.needs_plugins("routing")
def test_officer_goes_on_duty_takes_an_offer_live_and_fixes_it_with_an_after_photo(
    app, live_server, open_page, make_account, tmp_path: Path
):
    officer = make_account("officer", agency="dlh")
    staff = make_account("staff", agency="dlh")
    complaint_id = garbage_at(live_server, MONAS)
    here = north_of(MONAS, 150)
    phone = on_the_phone(open_page, here)

    sign_in(phone, live_server, officer.email, start="/officer")
    expect(phone).to_have_url(f"{live_server}/officer")
    expect(phone.get_by_role("link", name="My work")).to_have_attribute("aria-current", "page")
    expect(phone.locator("[data-live-indicator]")).to_have_text("Live")
    expect(phone.locator("#duty-state")).to_have_text("You are off duty.")
    expect(phone.get_by_role("button", name="Off duty")).to_have_attribute("aria-pressed", "true")
    expect(phone.locator("#position-state")).to_contain_text("not shared")

    phone.get_by_role("button", name="Available").tap()
    expect(phone.get_by_role("button", name="Available")).to_have_attribute("aria-pressed", "true")
    expect(phone.locator("#position-state")).to_contain_text("Position shared")
    seen = wait_for_position(live_server, officer)
    assert seen["state"] == "available" and seen["position_known"] is True
    assert (seen["position"]["lat"], seen["position"]["lon"]) == pytest.approx(here)
    phone.evaluate("window.notReloaded = true")

    # Staff send the nearest free officer: the phone shows the offer without a reload.
    sent = requests.post(
        f"{live_server}/api/v1/dispatch/complaints/{complaint_id}",
        json={},
        headers=staff.headers,
        timeout=5,
    )
    assert sent.status_code == 201, sent.text
    offer = phone.locator("#offer")
    expect(offer).to_be_visible()
    expect(offer).to_contain_text("Sampah menumpuk")
    expect(offer).to_contain_text(DESCRIPTION)
    expect(offer.locator("[data-fact='Distance']")).to_have_text("150 m")
    expect(phone.locator("#offer-countdown")).to_contain_text("Answer within")
    expect(phone.get_by_role("button", name="Available")).to_be_disabled()
    assert phone.evaluate("window.notReloaded") is True
    assert fits_width(phone, PHONE["width"])
    phone.screenshot(path=tmp_path / "officer-offer.png", full_page=True)

    phone.get_by_role("button", name="Accept").tap()
    job = phone.locator("#assignment")
    expect(job).to_be_visible()
    expect(offer).to_be_hidden()
    expect(job).to_contain_text(DESCRIPTION)
    expect(phone.locator("#assignment-state")).to_have_text("You accepted this job: on your way.")
    expect(job.locator("[data-fact='Status']")).to_have_text("in progress")
    route = f"{here[0]}%2C{here[1]}%3B{MONAS[0]}%2C{MONAS[1]}"
    expect(phone.locator("#directions")).to_have_attribute(
        "href", f"https://www.openstreetmap.org/directions?route={route}"
    )
    expect(phone.get_by_role("button", name="Working on it")).to_be_disabled()
    assert unlabelled_controls(phone) == []
    assert fits_width(phone, PHONE["width"])

    # Fixed before the proof: the refusal is said in words beside the button.
    phone.get_by_role("button", name="Fixed").tap()
    expect(phone.locator("#status-error")).to_contain_text("Attach a photo of the fixed spot")

    phone.get_by_label("After photo").set_input_files(
        files=[{"name": "after.jpg", "mimeType": "image/jpeg", "buffer": after_photo()}]
    )
    expect(phone.locator("#photo-done")).to_have_text(
        "After photo attached: you can mark the job fixed."
    )
    expect(job.locator(".photos img")).to_have_count(1)
    phone.screenshot(path=tmp_path / "officer-job.png", full_page=True)

    phone.get_by_label("Note for the resident (optional, public)").fill("Sudah diangkut.")
    phone.get_by_role("button", name="Fixed").tap()
    expect(phone.locator("#news")).to_contain_text(f"Report #{complaint_id} is fixed.")
    expect(job).to_be_hidden()
    expect(phone.get_by_role("button", name="Available")).to_have_attribute("aria-pressed", "true")
    expect(phone.get_by_role("button", name="Available")).to_be_enabled()
    assert phone.evaluate("window.notReloaded") is True

    stored = requests.get(
        f"{live_server}/api/v1/complaints/{complaint_id}", headers=staff.headers, timeout=5
    ).json()
    assert stored["status"] == "resolved"
    assert stored["history"][-1]["note"] == "Sudah diangkut." and stored["history"][-1]["public"]
    seen = officer_seen_by_server(live_server, officer)
    assert (seen["state"], seen["offer"], seen["assignment"]) == ("available", None, None)


@pytest.mark.needs_plugins("public_works", "routing")
def test_an_open_offer_survives_a_reload_and_a_withdrawn_one_disappears_with_a_message(
    app, live_server, open_page, make_account
):
    officer = make_account("officer", agency="dlh")
    staff = make_account("staff", agency="dlh")
    complaint_id = garbage_at(live_server, MONAS)
    phone = on_the_phone(open_page, north_of(MONAS, 400))
    sign_in(phone, live_server, officer.email, start="/officer")
    phone.get_by_role("button", name="Available").click()
    assert wait_for_position(live_server, officer)["position_known"] is True
    sent = requests.post(
        f"{live_server}/api/v1/dispatch/complaints/{complaint_id}",
        json={},
        headers=staff.headers,
        timeout=5,
    )
    assert sent.status_code == 201, sent.text
    expect(phone.locator("#offer")).to_be_visible()

    phone.reload()
    expect(phone.locator("#offer")).to_contain_text(DESCRIPTION)
    expect(phone.locator("#offer [data-fact='Distance']")).to_have_text("400 m")
    expect(phone.locator("[data-live-indicator]")).to_have_text("Live")

    # The complaint leaves the agency: its offer is withdrawn from the phone.
    moved = requests.post(
        f"{live_server}/api/v1/complaints/{complaint_id}/forward",
        json={"agency": "dpu", "reason": "Ini saluran air, bukan sampah."},
        headers=staff.headers,
        timeout=5,
    )
    assert moved.status_code == 200, moved.text
    expect(phone.locator("#offer")).to_be_hidden()
    expect(phone.locator("#news")).to_have_text(
        "The offered report went to another agency: nothing to do."
    )
    expect(phone.locator("#idle")).to_be_visible()


def test_the_officer_page_is_for_officers_only(app, live_server, client, open_page, make_account):
    staff = make_account("staff", agency="dlh")

    answer = client.get("/officer")
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith("/login?next=/officer")

    page = open_page(viewport=PHONE)
    sign_in(page, live_server, staff.email, start="/officer")
    expect(page).to_have_url(f"{live_server}/officer")
    expect(page.get_by_role("heading", name="403")).to_be_visible()
    expect(page.locator("main")).to_contain_text("This page is for field officers")
    expect(page.get_by_role("link", name="My work")).to_have_count(0)
    response = page.goto(f"{live_server}/officer")
    assert response is not None and response.status == 403
