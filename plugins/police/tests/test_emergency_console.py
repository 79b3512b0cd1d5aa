"""The duty room's console in a real browser: an emergency sounds a siren of its own, not the
beep of an ordinary report, and stands out in the queue.

Only SQLite, like tests/test_console_page.py: the page is the subject here.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests
from playwright.sync_api import Page, expect

from core.testing import Account, fits_width, sign_in

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}
BEEP = {"frequency": 880, "type": "sine"}
SIREN = [{"frequency": 988, "type": "square"}, {"frequency": 659, "type": "square"}] * 3

# The browser's sound and notifications, which a headless test can neither hear nor see: each
# tone started is recorded with its pitch, wave and start, each notification with its title.
FAKE_SOUND_AND_NOTIFICATIONS = """
window.tones = [];
window.notifications = [];
window.tabHidden = false;
window.AudioContext = class {
  constructor() { this.state = "running"; this.currentTime = 0; this.destination = {}; }
  resume() { return Promise.resolve(); }
  createOscillator() {
    const oscillator = {
      type: "sine",
      frequency: {},
      connect: (next) => next,
      start(at) {
        window.tones.push({ frequency: oscillator.frequency.value, type: oscillator.type, at });
      },
      stop() {},
    };
    return oscillator;
  }
  createGain() {
    const gain = { setValueAtTime() {}, exponentialRampToValueAtTime() {} };
    return { gain, connect: (next) => next };
  }
};
window.Notification = class {
  static permission = "granted";
  static requestPermission() { return Promise.resolve("granted"); }
  constructor(title, options) {
    window.notifications.push({ title, requireInteraction: Boolean(options.requireInteraction) });
  }
  close() {}
};
Object.defineProperty(document, "hidden", { configurable: true, get: () => window.tabHidden });
"""


def report(live_server: str, category: str, description: str) -> dict[str, Any]:
    body = {"category": category, "description": description, "lat": -6.1754, "lon": 106.8272}
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
    console.locator("h1").click()  # browsers start sound only once the page has been used
    return console


def tones(console: Page) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = console.evaluate("window.tones")
    return found


def pattern(played: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"frequency": tone["frequency"], "type": tone["type"]} for tone in played]


@pytest.mark.needs_plugins("routing")
def test_an_emergency_sounds_a_siren_and_is_marked_in_the_queue(
    live_server, open_page, make_account
):
    console = open_console(open_page, live_server, make_account("staff", agency="polda"))
    queued = console.locator("#queue li")

    ordinary = report(live_server, "disturbance", "Tetangga ribut sampai larut malam.")
    expect(queued).to_have_count(1)
    expect(console).to_have_title(re.compile(r"^\(1\) Console"))
    assert pattern(tones(console)) == [BEEP]
    expect(queued.first).not_to_have_class(re.compile(r"\bemergency\b"))

    console.evaluate("window.tabHidden = true")
    crime = report(live_server, "crime", "Jambret merampas tas di halte.")
    expect(queued).to_have_count(2)
    expect(console.locator("#console-status")).to_have_text(
        f"Emergency: report #{crime['id']}, Tindak kejahatan · Crime."
    )
    played = tones(console)
    assert pattern(played) == [BEEP, *SIREN]
    siren_starts = [tone["at"] for tone in played[1:]]
    assert siren_starts == sorted(siren_starts) and len(set(siren_starts)) == len(SIREN)
    assert console.evaluate("window.notifications") == [
        {"title": f"Emergency: report #{crime['id']}", "requireInteraction": True}
    ]

    emergency = console.locator(f"#queue li[data-id='{crime['id']}']")
    expect(emergency).to_have_class(re.compile(r"\bemergency\b"))
    expect(emergency.locator(".badge-emergency")).to_have_text("Emergency")
    expect(
        console.locator(f"#queue li[data-id='{ordinary['id']}'] .badge-emergency")
    ).to_have_count(0)


def test_the_siren_keeps_quiet_with_the_sound_off_and_fits_a_phone(
    live_server, open_page, make_account
):
    console = open_console(open_page, live_server, make_account("head", agency="polda"), PHONE)
    console.get_by_label("Beep on new reports").uncheck()

    report(live_server, "accident", "Tabrakan motor dan mobil di perempatan.")

    emergency = console.locator("#queue li.emergency")
    expect(emergency).to_have_count(1)
    expect(emergency.locator(".badge-emergency")).to_be_visible()
    assert tones(console) == []
    assert fits_width(console, PHONE["width"])
