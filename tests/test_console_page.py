"""The staff console in a real browser: filters, new-report alerts, the map with its officers,
keyboard shortcuts and the heads' alert banners.

Only SQLite, like tests/test_browser.py: the page is the subject here.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask
from playwright.sync_api import Page, expect

from core import db, live
from core.testing import Account, fits_width, sign_in, unlabelled_controls

pytestmark = [
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
    pytest.mark.needs_plugins("sanitation"),
]

PHONE = {"width": 360, "height": 740}
MONAS = {"lat": -6.1754, "lon": 106.8272}  # Gambir, Jakarta Pusat
PLUIT = {"lat": -6.1170, "lon": 106.7900}  # Penjaringan, Jakarta Utara
DESKTOP = {"width": 1280, "height": 800}
GARBAGE = "Sampah menumpuk · Pile of garbage"

# Stand-ins for the browser's sound and notifications, which a headless test can neither hear
# nor see: they count what the page asks of them.
FAKE_SOUND_AND_NOTIFICATIONS = """
window.beeps = 0;
window.notifications = [];
window.permissionRequests = 0;
window.tabHidden = false;
window.AudioContext = class {
  constructor() { this.state = "running"; this.currentTime = 0; this.destination = {}; }
  resume() { return Promise.resolve(); }
  createOscillator() {
    const start = () => { window.beeps += 1; };
    return { frequency: {}, connect: (next) => next, start, stop() {} };
  }
  createGain() {
    const gain = { setValueAtTime() {}, exponentialRampToValueAtTime() {} };
    return { gain, connect: (next) => next };
  }
};
window.Notification = class {
  static permission = "default";
  static requestPermission() {
    window.permissionRequests += 1;
    window.Notification.permission = "granted";
    return Promise.resolve("granted");
  }
  constructor(title, options) { window.notifications.push({ title, body: options.body }); }
  close() {}
};
Object.defineProperty(document, "hidden", { configurable: true, get: () => window.tabHidden });
"""


@pytest.fixture
def app_settings() -> dict[str, Any]:
    # Every position goes out to the consoles at once, so a test need not wait for the gate.
    return {"dispatch": {"stream_interval_seconds": 0.01}}


def report(
    live_server: str,
    description: str,
    category: str = "garbage",
    lat: float = -6.2,
    lon: float = 106.8,
) -> dict[str, Any]:
    body = {"category": category, "description": description, "lat": lat, "lon": lon}
    answer = requests.post(f"{live_server}/api/v1/complaints", json=body, timeout=5)
    assert answer.status_code == 201, answer.text
    created: dict[str, Any] = answer.json()
    return created


def open_console(open_page, live_server: str, account: Account, viewport=DESKTOP) -> Page:
    console: Page = open_page(viewport=viewport)
    console.add_init_script(FAKE_SOUND_AND_NOTIFICATIONS)
    sign_in(console, live_server, account.email, start="/console")
    expect(console).to_have_url(f"{live_server}/console")
    expect(console.locator("[data-live-indicator]")).to_have_text("Live")
    return console


def officer_on_duty(live_server: str, officer: Account, lat: float, lon: float) -> None:
    api = f"{live_server}/api/v1/dispatch/officers/me"
    duty = requests.put(api, json={"state": "available"}, headers=officer.headers, timeout=5)
    assert duty.status_code == 200, duty.text
    moved = requests.put(
        f"{api}/position", json={"lat": lat, "lon": lon}, headers=officer.headers, timeout=5
    )
    assert moved.status_code == 200, moved.text


@pytest.mark.needs_plugins("routing")
def test_filters_narrow_the_queue_and_arrivals_outside_them_still_count(
    app: Flask, live_server, open_page, make_account, tmp_path: Path
):
    from plugins.routing.importer import load_demo_districts

    with app.app_context():
        load_demo_districts(db.session())
        db.session().commit()
        db.database().session.remove()
    staff = make_account("staff", agency="dlh")
    market = report(live_server, "Tumpukan sampah di depan pasar.", **MONAS)
    river = report(live_server, "Sampah hanyut di kali.", category="river_trash", **PLUIT)
    school = report(live_server, "Sampah di samping sekolah.", lon=106.82)
    acknowledged = requests.patch(
        f"{live_server}/api/v1/complaints/{school['id']}",
        json={"status": "acknowledged"},
        headers=staff.headers,
        timeout=5,
    )
    assert acknowledged.status_code == 200, acknowledged.text

    console = open_console(open_page, live_server, staff, viewport=PHONE)
    queued = console.locator("#queue li:visible")
    expect(queued).to_have_count(3)
    category = console.get_by_label("Category")
    expect(category.locator("option")).to_have_count(5)  # all, and dlh's own four
    expect(category.locator("option", has_text="Sampah di sungai")).to_have_count(1)

    console.get_by_label("Status").select_option("open")
    expect(queued).to_have_count(2)
    with console.expect_request(re.compile(r"status=open&category=river_trash")):
        category.select_option("river_trash")
    expect(queued).to_have_count(1)
    expect(queued.first).to_contain_text(f"#{river['id']}")
    console.get_by_role("button", name="Clear filters").click()
    expect(queued).to_have_count(3)

    console.get_by_label("Area").select_option(label="Jakarta Utara")
    expect(queued).to_have_count(1)
    expect(queued.first).to_contain_text(f"#{river['id']}")
    console.get_by_label("Area").select_option("")
    expect(queued).to_have_count(3)

    search = console.get_by_label("Search the descriptions")
    with console.expect_request(re.compile(r"/api/v1/complaints\?.*q=PASAR")):
        search.fill("PASAR")
    expect(queued).to_have_count(1)
    expect(queued.first).to_contain_text(f"#{market['id']}")
    search.fill("sekolah samping")
    expect(queued).to_have_count(1)
    expect(queued.first).to_contain_text(f"#{school['id']}")
    search.fill("")
    console.get_by_label("Status").select_option("acknowledged")
    expect(queued).to_have_count(1)

    # An open report arriving now is counted and beeped, but the acknowledged view stays.
    newcomer = report(live_server, "Sampah baru di taman.", lon=106.83)
    expect(console).to_have_title(re.compile(r"^\(1\) Console"))
    expect(queued).to_have_count(1)
    expect(console.locator("#unseen-hidden")).to_contain_text(
        "1 new report does not match the filters."
    )
    expect(console.get_by_role("status").filter(has_text="New report")).to_have_text(
        f"New report #{newcomer['id']}: {GARBAGE}, not shown with these filters."
    )
    assert console.evaluate("window.beeps") == 1
    assert unlabelled_controls(console) == []
    assert fits_width(console, PHONE["width"])
    console.screenshot(path=tmp_path / "console-filtered-phone.png", full_page=True)

    console.get_by_role("button", name="Show all reports").click()
    expect(queued).to_have_count(4)
    expect(queued.first).to_contain_text(f"#{newcomer['id']}")
    expect(queued.first).to_have_class(re.compile(r"\bunseen\b"))
    expect(console.locator("#unseen-hidden")).to_be_hidden()

    queued.first.get_by_role("button").click()
    expect(console.locator("#detail-info")).to_contain_text("Sampah baru di taman.")
    expect(console).to_have_title("Console · smartcity")
    assert unlabelled_controls(console) == []
    assert fits_width(console, PHONE["width"])


@pytest.mark.needs_plugins("routing")
def test_new_report_arrives_within_two_seconds_with_a_beep_and_a_notification(
    live_server, open_page, make_account
):
    staff = make_account("staff", agency="dlh")
    console = open_console(open_page, live_server, staff)
    expect(console.locator("#queue-empty")).to_be_visible()
    notify = console.get_by_role("button", name="Notify me of new reports")
    expect(notify).to_be_visible()
    assert console.evaluate("window.permissionRequests") == 0  # never asked on load

    notify.click()
    expect(console.locator("#notify-state")).to_have_text(
        "Notifications on while this tab is in the background."
    )
    expect(notify).to_be_hidden()
    assert console.evaluate("window.permissionRequests") == 1

    console.evaluate("window.tabHidden = true")
    created = report(live_server, "Sampah menutup trotoar.")
    queued = console.locator("#queue li")
    expect(queued).to_have_count(1)
    expect(console).to_have_title(re.compile(r"^\(1\) Console"))
    assert console.evaluate("window.beeps") == 1
    assert console.evaluate("window.notifications") == [
        {"title": f"New report #{created['id']}", "body": f"{GARBAGE}: Sampah menutup trotoar."}
    ]

    # Seen in the foreground, a report beeps without a notification; with the sound off, not even.
    console.evaluate("window.tabHidden = false")
    report(live_server, "Sampah kedua.")
    expect(console).to_have_title(re.compile(r"^\(2\) Console"))
    assert console.evaluate("window.notifications.length") == 1
    assert console.evaluate("window.beeps") == 2
    console.get_by_label("Beep on new reports").uncheck()
    report(live_server, "Sampah ketiga.")
    expect(console).to_have_title(re.compile(r"^\(3\) Console"))
    assert console.evaluate("window.beeps") == 2


@pytest.mark.needs_plugins("dispatch", "routing")
def test_map_shows_the_reports_and_the_officers_moving_live(
    live_server, open_page, make_account, tmp_path: Path
):
    staff = make_account("staff", agency="dlh")
    officer = make_account("officer", agency="dlh")
    officer_on_duty(live_server, officer, -6.19, 106.81)
    first = report(live_server, "Sampah di utara.", lat=-6.18, lon=106.80)
    second = report(live_server, "Sampah di selatan.", lat=-6.23, lon=106.84)

    console = open_console(open_page, live_server, staff)
    pins = console.locator(".leaflet-marker-icon.pin")
    expect(pins).to_have_count(2)
    expect(
        console.get_by_role("button", name=f"Report #{first['id']}: Sampah menumpuk")
    ).to_be_visible()
    officer_pin = console.locator(".leaflet-marker-icon.officer-pin")
    expect(officer_pin).to_have_count(1)
    expect(officer_pin).to_have_attribute("title", re.compile(r"^Officer .+: available"))
    expect(console.locator("#officer-legend")).to_be_visible()
    officer_pin.hover()
    expect(console.locator(".leaflet-tooltip")).to_contain_text("available")

    placed = officer_pin.get_attribute("style")
    officer_on_duty(live_server, officer, -6.21, 106.83)
    expect(officer_pin).not_to_have_attribute("style", placed or "")
    busy = requests.put(
        f"{live_server}/api/v1/dispatch/officers/me",
        json={"state": "busy"},
        headers=officer.headers,
        timeout=5,
    )
    assert busy.status_code == 200, busy.text
    expect(officer_pin).to_have_attribute("title", re.compile(r": busy"))
    expect(officer_pin).to_have_class(re.compile(r"\bofficer-busy\b"))

    console.get_by_role("button", name=f"Report #{second['id']}: Sampah menumpuk").click()
    expect(console.locator("#detail-info")).to_contain_text("Sampah di selatan.")
    expect(console.locator("#queue li.selected")).to_contain_text(f"#{second['id']}")
    expect(console.locator(".leaflet-marker-icon.pin-selected")).to_have_count(1)

    # A new report gets its marker at once; filtering hides the others' markers.
    report(live_server, "Sampah di timur.", lat=-6.20, lon=106.86)
    expect(pins).to_have_count(3)
    console.get_by_label("Search the descriptions").fill("timur")
    expect(pins).to_have_count(2)  # the match, and the selected report kept in view
    console.screenshot(path=tmp_path / "console-map.png")

    console.set_viewport_size(PHONE)
    assert fits_width(console, PHONE["width"])
    console.get_by_text("Map of the reports").click()
    expect(console.locator("#console-map")).to_be_hidden()
    assert fits_width(console, PHONE["width"])


def test_without_the_dispatch_plugin_there_is_no_officer_layer(
    live_server, open_page, make_account
):
    staff = make_account("staff", agency="dlh")
    report(live_server, "Sampah di pasar.")
    console: Page = open_page(viewport=DESKTOP)
    console.route(
        re.compile(r"/api/v1/dispatch/officers$"),
        lambda route: route.fulfill(
            status=404,
            json={"error": {"code": "not_found", "message": "No such page."}},
        ),
    )
    sign_in(console, live_server, staff.email, start="/console")
    expect(console.locator(".leaflet-marker-icon.pin")).to_have_count(1)
    expect(console.locator("#officer-legend")).to_be_hidden()
    expect(console.locator(".officer-pin")).to_have_count(0)
    expect(console.locator("#officer-count")).to_have_text("")


@pytest.mark.needs_plugins("routing")
def test_a_note_typed_while_an_action_is_on_its_way_is_kept(live_server, open_page, make_account):
    complaint = report(live_server, "Sampah di gang.")
    console = open_console(open_page, live_server, make_account("staff", agency="dlh"))
    console.locator("#queue li").first.get_by_role("button").click()
    detail = console.locator("#detail-info")
    expect(detail).to_contain_text("Sampah di gang.")
    note = console.get_by_label("Note (optional with a status change)")
    add_note = console.get_by_role("button", name="Add note")

    # The acknowledgement is held on its way while the person writes the next note.
    held: list[Any] = []
    the_report = f"**/api/v1/complaints/{complaint['id']}"
    console.route(
        the_report,
        lambda route: held.append(route) if route.request.method == "PATCH" else route.continue_(),
    )
    console.get_by_role("button", name="Acknowledge", exact=True).click()
    expect(add_note).to_be_disabled()
    for _ in range(250):
        if held:
            break
        console.wait_for_timeout(20)
    assert held, "the acknowledgement was sent"
    note.fill("Truk dikirim besok pagi.")
    held[0].continue_()
    console.unroute(the_report)
    expect(detail.locator("[data-fact='Status']")).to_have_text("acknowledged")
    expect(add_note).to_be_enabled()
    expect(note).to_have_value("Truk dikirim besok pagi.")

    # Sent and untouched, the note is cleared once it is saved.
    add_note.click()
    expect(console.get_by_text("Note added.")).to_be_visible()
    expect(note).to_have_value("")
    expect(detail).to_contain_text("Truk dikirim besok pagi.")


@pytest.mark.needs_plugins("routing")
def test_keyboard_moves_through_the_queue_and_acknowledges(live_server, open_page, make_account):
    staff = make_account("staff", agency="dlh")
    oldest = report(live_server, "Sampah pertama.")
    middle = report(live_server, "Sampah kedua.", lon=106.81)
    newest = report(live_server, "Sampah ketiga.", lon=106.82)
    console = open_console(open_page, live_server, staff)
    expect(console.locator("#queue li")).to_have_count(3)
    detail = console.locator("#detail-info")
    selected = console.locator("#queue li.selected")

    console.keyboard.press("j")
    expect(selected).to_contain_text(f"#{newest['id']}")
    expect(detail).to_contain_text("Sampah ketiga.")
    console.keyboard.press("j")
    console.keyboard.press("j")
    expect(selected).to_contain_text(f"#{oldest['id']}")
    expect(selected.get_by_role("button")).to_be_focused()
    console.keyboard.press("k")
    expect(selected).to_contain_text(f"#{middle['id']}")
    expect(detail).to_contain_text("Sampah kedua.")

    console.keyboard.press("a")
    expect(detail.locator("[data-fact='Status']")).to_have_text("acknowledged")
    expect(console.get_by_role("button", name="Acknowledge", exact=True)).to_be_disabled()

    # n puts the cursor in the note, without typing an "n"; there j is a letter, not a move.
    console.keyboard.press("n")
    note = console.get_by_label("Note (optional with a status change)")
    expect(note).to_be_focused()
    console.keyboard.type("jika")
    expect(note).to_have_value("jika")
    expect(selected).to_contain_text(f"#{middle['id']}")
    note.blur()

    console.keyboard.press("/")
    search = console.get_by_label("Search the descriptions")
    expect(search).to_be_focused()
    expect(search).to_have_value("")
    search.blur()
    console.keyboard.press("f")
    expect(console.get_by_label("Agency", exact=True)).to_be_focused()
    console.keyboard.press("j")  # a select is a field: the report stays
    expect(selected).to_contain_text(f"#{middle['id']}")
    console.locator("body").click(position={"x": 5, "y": 5})

    help_list = console.locator("#shortcuts")
    expect(help_list).to_be_hidden()
    console.keyboard.press("?")
    expect(help_list).to_be_visible()
    expect(help_list.get_by_role("list").get_by_role("listitem")).to_have_count(8)
    expect(console.get_by_role("button", name="Keyboard shortcuts")).to_have_attribute(
        "aria-expanded", "true"
    )
    console.keyboard.press("?")
    expect(help_list).to_be_hidden()

    # The same moves as buttons.
    console.get_by_role("button", name="Next report").click()
    expect(selected).to_contain_text(f"#{oldest['id']}")
    console.get_by_role("button", name="Previous report").click()
    expect(selected).to_contain_text(f"#{middle['id']}")
    assert unlabelled_controls(console) == []


def test_head_sees_alert_banners_that_open_the_report(
    app: Flask, live_server, open_page, make_account, tmp_path: Path
):
    head = make_account("head", agency="dlh")
    late = report(live_server, "Sampah sudah seminggu.")
    refused = report(live_server, "Sampah tidak diambil petugas.", lon=106.81)
    public = {
        each["id"]: requests.get(f"{live_server}/api/v1/complaints/{each['id']}", timeout=5).json()
        for each in (late, refused)
    }
    console = open_console(open_page, live_server, head, viewport=PHONE)
    expect(console.locator("#queue li")).to_have_count(2)

    with app.app_context():
        live.publish(
            "head:dlh",
            "sla.breached",
            {
                "deadline": "acknowledge",
                "due_at": late["created_at"],
                "complaint": public[late["id"]],
            },
        )
        live.publish(
            "head:dlh",
            "dispatch.alert",
            {"reason": "refused", "refusals": 3, "complaint": public[refused["id"]]},
        )
    alerts = console.get_by_role("alert").filter(has=console.locator(".banner"))
    banners = alerts.locator(".banner")
    expect(banners).to_have_count(2)
    expect(banners.first).to_contain_text(
        f"No officer takes report #{refused['id']} ({GARBAGE}): 3 refused."
    )
    expect(banners.nth(1)).to_contain_text(
        f"Deadline missed: report #{late['id']} ({GARBAGE}) was not acknowledged by"
    )
    assert fits_width(console, PHONE["width"])
    console.screenshot(path=tmp_path / "console-head-alerts.png")

    banners.nth(1).get_by_role("button", name=re.compile("^Deadline missed")).click()
    expect(console.locator("#detail-info")).to_contain_text("Sampah sudah seminggu.")
    expect(console.locator("#queue li.selected")).to_contain_text(f"#{late['id']}")
    console.get_by_role("button", name=f"Dismiss the alert about report #{refused['id']}").click()
    expect(banners).to_have_count(1)
    assert unlabelled_controls(console) == []


@pytest.mark.needs_plugins("routing")
def test_two_staff_on_one_report_see_each_others_changes_live(live_server, open_page, make_account):
    first = make_account("staff", agency="dlh")
    second = make_account("staff", agency="dlh")
    created = report(live_server, "Sampah di halte.")
    consoles = [open_console(open_page, live_server, account) for account in (first, second)]
    for console in consoles:
        console.locator("#queue li").filter(has_text="Sampah di halte.").get_by_role(
            "button"
        ).first.click()
        expect(console.locator("#detail-info")).to_contain_text(f"#{created['id']}")
    mine, theirs = consoles

    mine.get_by_label("Note (optional with a status change)").fill("Truk dijadwalkan besok pagi.")
    mine.get_by_role("button", name="Acknowledge", exact=True).click()
    expect(theirs.locator("#detail-info [data-fact='Status']")).to_have_text("acknowledged")
    expect(theirs.locator("#detail-info")).to_contain_text("Truk dijadwalkan besok pagi.")
    expect(theirs.get_by_role("button", name="Acknowledge", exact=True)).to_be_disabled()

    # Rejecting needs a public reason; the page says so first.
    theirs.get_by_label("Note (optional with a status change)").fill("Bukan wewenang kami.")
    theirs.get_by_role("button", name="Reject").click()
    expect(theirs.get_by_role("alert")).to_contain_text("Say publicly why")
    theirs.get_by_label("Public note: the resident sees it").check()
    theirs.get_by_role("button", name="Reject").click()
    expect(mine.locator("#detail-info [data-fact='Status']")).to_have_text("rejected")
    expect(mine.locator("#detail-info")).to_contain_text("Bukan wewenang kami.")
