"""The pages in a real browser (system Chromium through Playwright), used as a person would.

Playwright's sync API runs here in the gevent-patched test process, beside the
in-process ``live_server``: its driver connection waits in asyncio, whose
selector gevent has patched, so while the browser works the gevent hub keeps
serving the app. No thread or subprocess is needed.

Only SQLite: the pages are the subject here; both databases are covered by the
API tests, and the live server on SQLite keeps a browser test to seconds.
Every request off the live server (map tiles, any CDN) is refused, so nothing
depends on the network.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
import requests
from flask import Flask
from PIL import Image
from playwright.sync_api import Page, Route, expect
from sqlalchemy import select

from core import db
from core.models import Complaint
from core.testing import after_photo, fits_width, sign_in, unlabelled_controls

pytestmark = [
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
    pytest.mark.needs_plugins("sanitation"),
]

PHONE = {"width": 360, "height": 740}
DESCRIPTION = "Tumpukan sampah di depan pasar, sudah tiga hari tidak diangkut."
ROUTING_REASON = "Sampah menumpuk → Dinas Lingkungan Hidup (sanitation.garbage)"


def small_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 90, 30)).save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def fill_report(page: Page) -> None:
    page.get_by_label("What is the problem?").select_option("garbage")
    page.get_by_label("Describe it").fill(DESCRIPTION)
    page.locator("#report-map").click()
    expect(page.get_by_label("Latitude")).not_to_have_value("")


def complaints_in(app: Flask) -> list[Complaint]:
    with app.app_context():
        complaints = list(db.session().scalars(select(Complaint).order_by(Complaint.id)))
        db.database().session.remove()
    return complaints


@pytest.mark.needs_plugins("routing")
def test_report_reaches_the_console_live_and_its_acknowledgement_reaches_the_resident(
    app, live_server, open_page, make_account, tmp_path: Path
):
    staff = make_account("staff", agency="dlh")
    resident = make_account("resident")

    # The agency's console is open before anything is reported.
    console = open_page(viewport={"width": 1280, "height": 800})
    sign_in(console, live_server, staff.email, start="/console")
    expect(console).to_have_url(f"{live_server}/console")
    expect(console.locator("[data-live-indicator]")).to_have_text("Live")
    expect(console.locator("#queue-empty")).to_be_visible()

    # A resident, on a phone, reports a pile of garbage with a photo.
    phone = open_page(viewport=PHONE, is_mobile=True, has_touch=True)
    sign_in(phone, live_server, resident.email)
    expect(phone.get_by_role("button", name="Sign out")).to_be_visible()
    phone.get_by_role("link", name="Report a problem").first.click()
    fill_report(phone)
    phone.get_by_label("Photos").set_input_files(
        files=[{"name": "sampah.jpg", "mimeType": "image/jpeg", "buffer": small_jpeg()}]
    )
    assert unlabelled_controls(phone) == []
    assert fits_width(phone, PHONE["width"])
    phone.screenshot(path=tmp_path / "report.png", full_page=True)
    phone.get_by_role("button", name="Send report").click()

    phone.wait_for_url(re.compile(r"/complaints/\d+$"))
    complaint_id = int(phone.url.rsplit("/", 1)[1])
    status = phone.locator("#complaint [data-fact='Status']")
    expect(status).to_have_text("open")
    expect(phone.locator(".routing-reason")).to_have_text(ROUTING_REASON)
    expect(phone.locator("#complaint")).to_contain_text(DESCRIPTION)
    thumbnail = phone.locator(".photos img")
    expect(thumbnail).to_have_count(1)
    expect(thumbnail).to_have_js_property("complete", True)
    assert thumbnail.evaluate("image => image.naturalWidth") > 0
    expect(phone.locator("[data-live-indicator]")).to_have_text("Live")
    assert fits_width(phone, PHONE["width"])
    phone.evaluate("window.notReloaded = true")

    # The report appears on the console without a reload, counted as unseen.
    queued = console.locator("#queue li")
    expect(queued).to_have_count(1)
    expect(queued.first).to_contain_text("Sampah menumpuk")
    expect(queued.first).to_have_class(re.compile(r"\bunseen\b"))
    expect(console).to_have_title(re.compile(r"^\(1\) Console"))
    console.screenshot(path=tmp_path / "console-new.png")

    queued.first.get_by_role("button").click()
    detail = console.locator("#detail-info")
    expect(detail).to_contain_text(DESCRIPTION)
    expect(detail.locator(".timeline")).to_contain_text(
        "Reported, routed to Dinas Lingkungan Hidup"
    )
    expect(console).to_have_title("Console · smartcity")
    assert unlabelled_controls(console) == []
    console.get_by_role("button", name="Acknowledge", exact=True).click()
    expect(detail.locator("[data-fact='Status']")).to_have_text("acknowledged")
    expect(detail.locator(".timeline")).to_contain_text("Status: open → acknowledged")
    expect(console.get_by_role("button", name="Acknowledge", exact=True)).to_be_disabled()
    console.screenshot(path=tmp_path / "console-acknowledged.png", full_page=True)

    # The resident's page shows it live.
    expect(status).to_have_text("acknowledged")
    expect(phone.locator(".timeline")).to_contain_text("Status: open → acknowledged")
    assert phone.evaluate("window.notReloaded") is True
    phone.screenshot(path=tmp_path / "complaint.png", full_page=True)

    console.set_viewport_size(PHONE)
    assert fits_width(console, PHONE["width"])
    [stored] = complaints_in(app)
    assert (stored.id, stored.status, stored.reporter_id) == (
        complaint_id,
        "acknowledged",
        resident.id,
    )
    assert stored.idempotency_key and len(stored.photos) == 1


def test_a_send_whose_answer_was_lost_is_retried_and_filed_once(app, live_server, open_page):
    page = open_page(viewport=PHONE)
    keys: list[str | None] = []

    def lose_first_answer(route: Route) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        keys.append(route.request.headers.get("idempotency-key"))
        if len(keys) == 1:
            route.fetch()  # the server stores the report; its answer never reaches the page
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route(re.compile(r"/api/v1/complaints$"), lose_first_answer)
    page.goto(f"{live_server}/report")
    fill_report(page)
    page.get_by_role("button", name="Send report").click()
    expect(page.locator("#form-error")).to_contain_text("Could not reach the server")
    assert len(complaints_in(app)) == 1

    page.get_by_role("button", name="Send again").click()
    page.wait_for_url(re.compile(r"/complaints/\d+$"))
    expect(page.locator("#complaint [data-fact='Status']")).to_have_text("open")
    [stored] = complaints_in(app)
    assert page.url.endswith(f"/complaints/{stored.id}")
    assert len(keys) == 2 and keys[0] == keys[1] == stored.idempotency_key


def test_report_form_shows_errors_beside_their_fields(app, live_server, open_page):
    page = open_page(
        viewport=PHONE,
        geolocation={"latitude": -6.2001, "longitude": 106.8166},
        permissions=["geolocation"],
    )
    page.goto(f"{live_server}/report")
    page.get_by_role("button", name="Send report").click()
    expect(page.locator("#category-error")).to_have_text("Choose what the problem is.")
    expect(page.locator("#description-error")).to_be_visible()
    expect(page.locator("#lat-error")).to_contain_text("Tap the map")
    expect(page.get_by_label("What is the problem?")).to_have_attribute("aria-invalid", "true")

    page.get_by_role("button", name="Use my location").click()
    expect(page.get_by_label("Latitude")).to_have_value("-6.200100")
    expect(page.get_by_label("Longitude")).to_have_value("106.816600")
    expect(page.locator("#lat-error")).to_be_hidden()

    # The API's verdict on a file that only pretends to be a photo lands on the photo field.
    page.get_by_label("What is the problem?").select_option("garbage")
    page.get_by_label("Describe it").fill(DESCRIPTION)
    page.get_by_label("Photos").set_input_files(
        files=[{"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": b"not an image at all"}]
    )
    page.get_by_role("button", name="Send report").click()
    expect(page.locator("#photo-error")).to_have_text("That file is not an image we accept.")
    expect(page).to_have_url(f"{live_server}/report")
    assert complaints_in(app) == []


@pytest.mark.needs_plugins("routing")
def test_home_map_and_feed_follow_public_reports_live(
    app, live_server, open_page, make_account, tmp_path: Path
):
    staff = make_account("staff", agency="dlh")
    body = {"category": "garbage", "lat": -6.2, "lon": 106.8}
    first = requests.post(
        f"{live_server}/api/v1/complaints", json={**body, "description": "Sampah lama"}, timeout=5
    ).json()
    page = open_page(viewport=PHONE)
    page.goto(f"{live_server}/")
    feed = page.locator("#feed li")
    expect(feed).to_have_count(1)
    expect(page.locator("[data-live-indicator]")).to_have_text("Live")

    second = requests.post(
        f"{live_server}/api/v1/complaints",
        json={**body, "description": "Sampah baru <img src=x onerror=alert(1)>", "lon": 106.805},
        timeout=5,
    ).json()
    expect(feed).to_have_count(2)
    expect(feed.first).to_contain_text("Sampah baru <img src=x onerror=alert(1)>")
    expect(page.locator(".leaflet-marker-icon.pin.status-open")).to_have_count(2)

    proof = requests.post(
        f"{live_server}/api/v1/complaints/{first['id']}/photos",
        files={"photo": ("after.jpg", after_photo(), "image/jpeg")},
        headers=staff.headers,
        timeout=5,
    )
    assert proof.status_code == 201, proof.text
    answer = requests.patch(
        f"{live_server}/api/v1/complaints/{first['id']}",
        json={"status": "resolved"},
        headers=staff.headers,
        timeout=5,
    )
    assert answer.status_code == 200, answer.text
    expect(page.locator(".leaflet-marker-icon.pin.status-done")).to_have_count(1)
    expect(feed.nth(1).locator(".badge")).to_have_text("resolved")
    expect(feed.first.locator(".badge")).to_have_text("open")

    # A new open report on the same spot as the resolved one: their cluster turns red.
    requests.post(
        f"{live_server}/api/v1/complaints", json={**body, "description": "Sampah lagi"}, timeout=5
    )
    expect(feed).to_have_count(3)
    expect(page.locator(".cluster.status-open")).to_have_text("2")
    assert fits_width(page, PHONE["width"])
    page.screenshot(path=tmp_path / "home.png", full_page=True)

    feed.nth(1).get_by_role("link").click()
    expect(page).to_have_url(f"{live_server}/complaints/{second['id']}")


@pytest.mark.needs_plugins("public_works", "routing")
def test_console_notes_refusals_and_forwarding(app, live_server, open_page, make_account):
    staff = make_account("staff", agency="dlh")
    reported = requests.post(
        f"{live_server}/api/v1/complaints",
        json={"category": "garbage", "description": DESCRIPTION, "lat": -6.2, "lon": 106.8},
        timeout=5,
    ).json()
    console = open_page(viewport=PHONE)
    sign_in(console, live_server, staff.email, start="/console")
    expect(console.locator("#queue li")).to_have_count(1)
    expect(console).to_have_title("Console · smartcity")
    console.locator("#queue li").first.get_by_role("button").click()
    detail = console.locator("#detail-info")
    status = detail.locator("[data-fact='Status']")
    expect(status).to_have_text("open")

    console.get_by_role("button", name="Resolve", exact=True).click()
    expect(console.get_by_role("alert")).to_contain_text("Attach a photo of the fixed spot")
    expect(status).to_have_text("open")
    console.get_by_label("After-photo").set_input_files(
        files=[{"name": "after.jpg", "mimeType": "image/jpeg", "buffer": after_photo()}]
    )
    console.get_by_role("button", name="Attach photo").click()
    expect(detail.locator(".timeline")).to_contain_text("After-photo attached")
    console.get_by_role("button", name="Resolve", exact=True).click()
    expect(status).to_have_text("resolved")
    console.get_by_role("button", name="Acknowledge", exact=True).click()
    expect(console.get_by_role("alert")).to_have_text(
        "A complaint that is resolved cannot become acknowledged."
    )

    console.get_by_label("Note (optional with a status change)").fill("Truk dikirim besok pagi.")
    console.get_by_label("Public note: the resident sees it").check()
    console.get_by_role("button", name="Add note").click()
    expect(detail.locator(".timeline li").last).to_contain_text("Truk dikirim besok pagi.")
    console.get_by_label("Note (optional with a status change)").fill("Hubungi lurah dulu.")
    console.get_by_label("Public note: the resident sees it").uncheck()
    console.get_by_role("button", name="Add note").click()
    expect(detail.locator(".timeline li").last).to_contain_text("Hubungi lurah dulu.internal")

    console.get_by_label("Unit (optional)").select_option("jakpus")
    console.get_by_label("Reason").fill("Wilayah Sudin Jakarta Pusat.")
    console.get_by_role("button", name="Hand on").click()
    expect(detail.locator("[data-fact='Agency']")).to_contain_text(
        "Suku Dinas Lingkungan Hidup Jakarta Pusat"
    )
    expect(detail.locator(".timeline")).to_contain_text("Handed to unit jakpus")

    console.get_by_label("Agency", exact=True).select_option("dpu")
    console.get_by_label("Reason").fill("Tumpukan menutup saluran air.")
    console.get_by_role("button", name="Hand on").click()
    expect(detail.locator("[data-fact='Agency']")).to_contain_text("(dpu)")
    expect(detail.locator(".timeline")).to_contain_text("Forwarded from")
    expect(console.locator("#queue li").first).to_contain_text("Forwarded to")
    assert fits_width(console, PHONE["width"])

    public = requests.get(f"{live_server}/api/v1/complaints/{reported['id']}", timeout=5).json()
    notes = [event["note"] for event in public["history"] if event["kind"] == "note"]
    assert notes == ["Truk dikirim besok pagi."]


def test_report_form_offers_a_likely_duplicate_and_a_privacy_choice(app, live_server, open_page):
    centre = app.config["SMARTCITY"]["map_center"]
    earlier = requests.post(
        f"{live_server}/api/v1/complaints",
        json={
            "category": "garbage",
            "description": "Sampah sudah lama",
            "lat": centre[0],
            "lon": centre[1],
        },
        timeout=5,
    ).json()
    page = open_page(viewport=PHONE)
    page.goto(f"{live_server}/report")
    fill_report(page)
    offered = page.locator("#duplicate-list li")
    expect(offered).to_have_count(1)
    expect(offered.first.get_by_role("link")).to_have_attribute(
        "href", f"/complaints/{earlier['id']}"
    )
    expect(page.get_by_role("heading", name="Already reported nearby?")).to_be_visible()
    assert unlabelled_controls(page) == []

    page.get_by_label("Everyone, anonymously").check()
    page.get_by_role("button", name="Send report").click()
    page.wait_for_url(re.compile(r"/complaints/\d+$"))
    newest = complaints_in(app)[-1]
    assert (newest.anonymous, newest.public, newest.reporter_id) == (True, True, None)


@pytest.mark.needs_plugins("routing")
def test_reporter_rates_a_poor_fix_and_it_reopens(app, live_server, open_page, make_account):
    resident = make_account("resident")
    staff = make_account("staff", agency="dlh")
    body = {"category": "garbage", "description": DESCRIPTION, "lat": -6.2, "lon": 106.8}
    created = requests.post(
        f"{live_server}/api/v1/complaints", json=body, headers=resident.headers, timeout=5
    ).json()
    url = f"{live_server}/api/v1/complaints/{created['id']}"
    proof = requests.post(
        f"{url}/photos",
        files={"photo": ("after.jpg", after_photo(), "image/jpeg")},
        headers=staff.headers,
        timeout=5,
    )
    assert proof.status_code == 201, proof.text
    resolved = requests.patch(url, json={"status": "resolved"}, headers=staff.headers, timeout=5)
    assert resolved.status_code == 200, resolved.text

    page = open_page(viewport=PHONE)
    sign_in(page, live_server, resident.email)
    page.goto(f"{live_server}/complaints/{created['id']}")
    status = page.locator("#complaint [data-fact='Status']")
    expect(status).to_have_text("resolved")
    expect(page.locator(".photos img")).to_have_count(1)
    expect(page.get_by_role("img", name=re.compile("^After-photo"))).to_be_visible()
    page.get_by_label("2", exact=True).check()
    page.get_by_label("Comment (optional)").fill("Sampahnya masih ada.")
    assert unlabelled_controls(page) == []
    page.get_by_role("button", name="Send rating").click()
    expect(page.locator("#feedback-done")).to_have_text(
        "Thank you. It goes back to the agency for review."
    )
    expect(status).to_have_text("open")
    expect(page.locator(".timeline")).to_contain_text("Rated, reopened")
    expect(page.locator("#feedback")).to_be_hidden()
    assert fits_width(page, PHONE["width"])


@pytest.mark.needs_plugins("routing")
def test_accountability_dashboard_is_one_click_from_every_page(live_server, open_page):
    requests.post(
        f"{live_server}/api/v1/complaints",
        json={"category": "garbage", "description": DESCRIPTION, "lat": -6.2, "lon": 106.8},
        timeout=5,
    )
    page = open_page(viewport=PHONE)
    page.goto(f"{live_server}/")
    page.get_by_role("link", name="Accountability").click()
    expect(page).to_have_url(f"{live_server}/routing/dashboard")
    expect(page.get_by_text("score = 100", exact=False).first).to_be_visible()
    expect(page.get_by_role("rowheader", name=re.compile("Dinas Lingkungan Hidup"))).to_be_visible()
    assert unlabelled_controls(page) == []
    assert fits_width(page, PHONE["width"])


@pytest.mark.needs_plugins("routing")
def test_console_merges_a_report_into_the_same_problem_nearby(live_server, open_page, make_account):
    staff = make_account("staff", agency="dlh")
    body = {"category": "garbage", "description": DESCRIPTION, "lat": -6.2, "lon": 106.8}
    first = requests.post(f"{live_server}/api/v1/complaints", json=body, timeout=5).json()
    second = requests.post(
        f"{live_server}/api/v1/complaints",
        json={**body, "description": "Sampah lagi di sini", "lat": -6.2001},
        timeout=5,
    ).json()
    console = open_page(viewport={"width": 1280, "height": 800})
    sign_in(console, live_server, staff.email, start="/console")
    console.locator("#queue li").filter(has_text="Sampah lagi").get_by_role("button").click()
    detail = console.locator("#detail-info")
    expect(console.get_by_role("heading", name="Likely the same problem")).to_be_visible()
    console.get_by_role("button", name=f"Merge into #{first['id']}").click()
    expect(detail.locator("[data-fact='Status']")).to_have_text("closed")
    expect(detail.locator("[data-fact='Same problem as']")).to_have_text(f"#{first['id']}")
    kept = requests.get(f"{live_server}/api/v1/complaints/{first['id']}", timeout=5).json()
    assert [event["kind"] for event in kept["history"]][-1] == "merged"
    assert second["id"] != first["id"]


@pytest.mark.needs_plugins("dispatch", "routing")
def test_console_sends_the_nearest_officer_and_sees_him_accept(
    live_server, open_page, make_account
):
    staff = make_account("staff", agency="dlh")
    officer = make_account("officer", agency="dlh")
    api = f"{live_server}/api/v1/dispatch"
    duty = requests.put(
        f"{api}/officers/me", json={"state": "available"}, headers=officer.headers, timeout=5
    )
    assert duty.status_code == 200
    where = {"lat": -6.2009, "lon": 106.8}  # 100 m south of the report
    assert (
        requests.put(
            f"{api}/officers/me/position", json=where, headers=officer.headers, timeout=5
        ).status_code
        == 200
    )
    body = {"category": "garbage", "description": DESCRIPTION, "lat": -6.2, "lon": 106.8}
    reported = requests.post(f"{live_server}/api/v1/complaints", json=body, timeout=5).json()
    console = open_page(viewport=PHONE)
    sign_in(console, live_server, staff.email, start="/console")
    console.locator("#queue li").first.get_by_role("button").click()
    state = console.locator("#dispatch-state")
    expect(state).to_have_text("No officer sent yet.")

    console.get_by_role("button", name="Send the nearest free officer").click()

    expect(state).to_contain_text("Offered to officer")
    expect(state).to_contain_text("100 m away")
    expect(console.get_by_role("button", name="Send the nearest free officer")).to_be_disabled()
    offer = requests.get(f"{api}/officers/me", headers=officer.headers, timeout=5).json()["offer"]
    assert offer["complaint_id"] == reported["id"]
    accepted = requests.post(
        f"{api}/offers/{offer['id']}/accept", headers=officer.headers, timeout=5
    )
    assert accepted.status_code == 200
    expect(state).to_contain_text("accepted and is on the way")
    expect(console.locator("#detail-info [data-fact='Status']")).to_have_text("in progress")
    expect(console.locator("#detail-info .timeline")).to_contain_text("Offered to a field officer")


def test_a_resident_says_me_too_and_comments_and_an_open_page_sees_both_live(
    live_server, open_page, make_account
):
    resident = make_account("resident")
    body = {"category": "garbage", "description": DESCRIPTION, "lat": -6.2, "lon": 106.8}
    created = requests.post(f"{live_server}/api/v1/complaints", json=body, timeout=5).json()
    url = f"{live_server}/complaints/{created['id']}"

    # A visitor, not signed in, has the page open: the count and a way to sign in.
    watcher = open_page(viewport=PHONE)
    watcher.goto(url)
    expect(watcher.locator("[data-live-indicator]")).to_have_text("Live")
    expect(watcher.locator("#vote-count")).to_have_text("No one else has this problem yet.")
    expect(watcher.get_by_role("button", name="Me too")).to_have_count(0)
    expect(watcher.locator("#me-too").get_by_role("link", name="Sign in")).to_be_visible()
    expect(watcher.locator("#comments-empty")).to_be_visible()
    watcher.evaluate("window.notReloaded = true")

    page = open_page(viewport=PHONE)
    sign_in(page, live_server, resident.email)
    page.goto(url)
    me_too = page.get_by_role("button", name="Me too")
    expect(me_too).to_have_attribute("aria-pressed", "false")
    me_too.click()
    expect(me_too).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#vote-count")).to_have_text("1 person has this problem too.")
    expect(watcher.locator("#vote-count")).to_have_text("1 person has this problem too.")

    send = page.get_by_role("button", name="Send", exact=True)
    send.click()
    error = page.locator("#comment-body-error")
    expect(error).to_have_text("Write something first.")
    expect(error).to_have_attribute("role", "alert")
    page.get_by_label("Your comment").fill("  Baunya sampai ke sekolah.  ")
    assert unlabelled_controls(page) == []
    send.click()
    expect(page.locator("#comment-list li")).to_have_count(1)
    expect(error).to_be_hidden()
    expect(page.get_by_label("Your comment")).to_have_value("")

    heard = watcher.locator("#comment-list li")
    expect(heard).to_have_count(1)
    expect(heard.first).to_contain_text("Baunya sampai ke sekolah.")
    expect(heard.first).to_contain_text("(resident)")
    expect(heard.first.get_by_role("button")).to_have_count(0)
    expect(watcher.locator("#comments-empty")).to_be_hidden()
    assert resident.email not in heard.first.inner_text()
    assert watcher.evaluate("window.notReloaded") is True
    assert fits_width(page, PHONE["width"])
