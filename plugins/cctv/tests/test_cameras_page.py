"""The public cameras page in a real browser (system Chromium through Playwright): the cameras an
anonymous visitor may see, by area, on a phone; a camera's latest frame, refreshed while its
panel is open; a dead camera said so in words; statuses followed live.

As in ``tests/test_browser.py``: the browser runs in this gevent-patched process beside the
in-process ``live_server``; every request off the live server (map tiles) is refused; any
script or console error fails the test. Only SQLite: the page is the subject here.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import (
    Page,
    Request,
    expect,
)

from core import db
from core.live import publish
from core.testing import fits_width, unlabelled_controls
from plugins.cctv.models import Camera
from plugins.cctv.tests.camera_servers import CameraServer

pytestmark = [
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
    pytest.mark.needs_plugins("transport"),  # Dishub's restricted camera
]

PHONE = {"width": 360, "height": 740}
SNAPSHOT = re.compile(r"/api/v1/cctv/cameras/[^/]+/snapshot\?t=\d+$")
# Short, so that a camera's failure reaches the page without waiting the default 5 s.
SNAPSHOT_CACHE_SECONDS = 0.2


@pytest.fixture
def app_settings() -> dict[str, Any]:
    return {"cctv": {"snapshot_cache_seconds": SNAPSHOT_CACHE_SECONDS}}


# --- the cameras -----------------------------------------------------------------------------


def add_camera(app: Flask, camera_id: str, **fields: Any) -> None:
    values = {
        "lat": -6.1754,
        "lon": 106.8272,
        "visibility": "public",
        "tags": [],
        "source_kind": "jpeg",
        "status": "unknown",
        **fields,
    }
    with app.app_context():
        db.session().add(Camera(id=camera_id, **values))
        db.session().commit()
        db.database().session.remove()


@pytest.fixture
def city_cameras(app: Flask, camera_server: Callable[..., CameraServer]) -> dict[str, CameraServer]:
    """Two areas: Jakarta Pusat has a working public camera and a restricted one, Jakarta Selatan
    a public camera whose server fails; one public camera without an area gives no stills."""
    working, broken = camera_server("jpeg"), camera_server("broken")
    add_camera(
        app,
        "monas",
        name="Monas Barat",
        area="Jakarta Pusat",
        snapshot_url=working.url,
        status="online",
        tags=["traffic"],
    )
    add_camera(
        app,
        "istana",
        name="Istana Merdeka",
        area="Jakarta Pusat",
        lat=-6.1702,
        lon=106.8243,
        visibility="restricted",
        agency_code="dishub",
        snapshot_url=working.url,
        status="online",
    )
    add_camera(
        app,
        "senayan",
        name="Bundaran Senayan",
        area="Jakarta Selatan",
        lat=-6.2270,
        lon=106.7990,
        snapshot_url=broken.url,
        status="offline",
        tags=["traffic", "flooding"],
    )
    add_camera(
        app,
        "pasar-baru",
        name="Pasar Baru",
        lat=-6.1660,
        lon=106.8340,
        source_kind="hls",
        stream_url="http://127.0.0.1:9/live.m3u8",
    )
    return {"working": working, "broken": broken}


def image_loads(page: Page, url: str | None) -> bool:
    """Whether an image loads from the URL (an object URL: whether it is still alive)."""
    return page.evaluate(
        """(url) => new Promise((resolve) => {
            const probe = new Image();
            probe.onload = () => resolve(true);
            probe.onerror = () => resolve(false);
            probe.src = url;
        })""",
        url,
    )


def note_snapshot(request: Request, snapshots: list[str]) -> None:
    if SNAPSHOT.search(request.url):
        snapshots.append(request.url)


def set_page_hidden(page: Page, hidden: bool) -> None:
    """As when the visitor switches tabs or locks the phone (and back)."""
    page.evaluate(
        """(hidden) => {
            Object.defineProperty(document, "hidden", { value: hidden, configurable: true });
            document.dispatchEvent(new Event("visibilitychange"));
        }""",
        hidden,
    )


def no_request_for_a_while(page: Page, milliseconds: int) -> None:
    """Let the page's (fake) clock run; a request it started would be seen within a moment."""
    page.clock.run_for(milliseconds)
    page.wait_for_timeout(300)


def area_entries(page: Page, area: str) -> Any:
    return (
        page.locator(".camera-group")
        .filter(has=page.get_by_role("heading", name=re.compile(f"^{area}")))
        .locator("li")
    )


def entry(page: Page, name: str) -> Any:
    return page.locator("#camera-groups li").filter(has_text=name)


def open_camera(page: Page, name: str) -> None:
    entry(page, name).get_by_role("button").click()
    expect(page.get_by_role("heading", name=name, exact=True)).to_be_focused()


# --- the tests -------------------------------------------------------------------------------


def test_anonymous_visitor_on_a_phone_sees_public_cameras_by_area_and_not_restricted_ones(
    app, live_server, open_page, city_cameras, tmp_path: Path
):
    page = open_page(viewport=PHONE, is_mobile=True, has_touch=True)
    page.goto(f"{live_server}/cameras")

    groups = page.locator(".camera-group h2")
    expect(groups).to_have_text(["Jakarta Pusat (1)", "Jakarta Selatan (1)", "Other (1)"])
    expect(area_entries(page, "Jakarta Pusat").locator(".title")).to_have_text(["Monas Barat"])
    expect(area_entries(page, "Jakarta Selatan").locator(".title")).to_have_text(
        ["Bundaran Senayan"]
    )
    expect(area_entries(page, "Other").locator(".title")).to_have_text(["Pasar Baru"])
    expect(page.locator("#camera-groups")).not_to_contain_text("Istana")
    expect(entry(page, "Monas Barat").locator(".camera-status")).to_have_text("online")
    expect(entry(page, "Bundaran Senayan").locator(".camera-status")).to_have_text("offline")
    expect(entry(page, "Bundaran Senayan")).to_contain_text("traffic, flooding")
    expect(page.locator("#cameras-count")).to_have_text("3 cameras")

    # Markers: one per visible camera, shaped by status, explained by a legend in words.
    expect(page.locator(".leaflet-marker-icon.camera-pin")).to_have_count(3)
    expect(page.locator(".camera-pin.camera-online")).to_have_attribute(
        "title", "Monas Barat: online"
    )
    expect(page.locator(".camera-pin.camera-offline")).to_have_count(1)
    for words in ("online", "degraded", "offline", "unknown", "no picture"):
        expect(page.locator(".camera-legend")).to_contain_text(words)

    # Everything fits a 360 px phone and every control has a label.
    expect(page.locator("[data-live-indicator]")).to_have_text("Live")
    assert fits_width(page, PHONE["width"])
    assert unlabelled_controls(page) == []
    page.screenshot(path=tmp_path / "cameras-phone.png", full_page=True)

    # The list filters by name, area or tag and by status.
    page.get_by_label("Find a camera").fill("flooding")
    expect(page.locator("#camera-groups .title")).to_have_text(["Bundaran Senayan"])
    page.get_by_label("Find a camera").fill("")
    page.get_by_label("Status").select_option("online")
    expect(page.locator("#camera-groups .title")).to_have_text(["Monas Barat"])
    expect(page.locator(".leaflet-marker-icon.camera-pin")).to_have_count(1)
    expect(page.locator("#cameras-count")).to_have_text("1 of 3 cameras")


def test_camera_panel_shows_fresh_frames_while_open_and_says_when_a_camera_is_down(
    app, live_server, open_page, city_cameras, tmp_path: Path
):
    page = open_page(viewport=PHONE, is_mobile=True, has_touch=True)
    snapshots: list[str] = []
    page.on("request", lambda request: note_snapshot(request, snapshots))
    page.clock.install()
    page.goto(f"{live_server}/cameras")

    open_camera(page, "Monas Barat")
    panel = page.locator("#camera-panel")
    expect(panel.locator("#camera-panel-area")).to_have_text("Jakarta Pusat")
    expect(panel.locator("#camera-panel-status .camera-status")).to_have_text("online")
    expect(panel.locator("#camera-panel-tags")).to_have_text("traffic")
    picture = page.get_by_role("img", name="Latest picture from Monas Barat")
    expect(picture).to_be_visible()
    expect(picture).to_have_js_property("complete", True)
    assert picture.evaluate("image => image.naturalWidth") > 0
    first_url = picture.get_attribute("src")
    assert first_url and first_url.startswith("blob:")
    assert fits_width(page, PHONE["width"])
    page.screenshot(path=tmp_path / "camera-panel.png", full_page=True)

    # Every few seconds a new request (its own query), a new object URL, the old one revoked.
    page.clock.run_for(5_000)
    expect(picture).not_to_have_attribute("src", first_url)
    assert len(snapshots) == 2 and snapshots[0] != snapshots[1]
    assert image_loads(page, picture.get_attribute("src"))
    assert not image_loads(page, first_url)

    # The page hidden: no refresh. Seen again: at once.
    set_page_hidden(page, True)
    no_request_for_a_while(page, 20_000)
    assert len(snapshots) == 2
    with page.expect_request(SNAPSHOT):
        set_page_hidden(page, False)

    # The camera fails: its last good frame is served stale, with its age.
    city_cameras["working"].fail = True
    time.sleep(SNAPSHOT_CACHE_SECONDS * 2)
    page.clock.run_for(5_000)
    expect(page.locator("#camera-frame-note")).to_have_text(re.compile(r"^Last frame \d+ s old"))

    # A camera that is down says so in words, without a picture.
    open_camera(page, "Bundaran Senayan")
    expect(page.locator("#camera-frame-problem")).to_have_text(re.compile(r"This camera is down"))
    expect(page.locator("#camera-image")).to_be_hidden()

    # One that gives no still frames says so too, without asking for one.
    requests_before = len(snapshots)
    open_camera(page, "Pasar Baru")
    expect(page.locator("#camera-frame-problem")).to_have_text(
        "This camera gives no still pictures."
    )
    assert len(snapshots) == requests_before

    # Closed: the focus goes back to the list, and no more frames are fetched.
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(entry(page, "Pasar Baru").get_by_role("button")).to_be_focused()
    open_camera(page, "Monas Barat")
    expect(page.locator("#camera-frame-note")).to_have_text(re.compile(r"^Last frame"))
    counted = len(snapshots)
    page.get_by_role("button", name="Close the camera view").click()
    no_request_for_a_while(page, 20_000)
    assert len(snapshots) == counted


def test_a_camera_status_heard_live_updates_its_list_entry_marker_and_panel(
    app, live_server, open_page, city_cameras, tmp_path: Path
):
    page = open_page(viewport={"width": 1280, "height": 800})
    page.goto(f"{live_server}/cameras")
    expect(page.locator("[data-live-indicator]")).to_have_text("Live")
    open_camera(page, "Monas Barat")
    page.evaluate("window.notReloaded = true")

    with app.app_context():
        publish(
            "public",
            "camera.status",
            {
                "camera_id": "monas",
                "name": "Monas Barat",
                "status": "degraded",
                "reason": "frozen",
                "changed_at": "2025-01-06T03:04:05+00:00",
                "latency_ms": 120.0,
            },
        )

    expect(entry(page, "Monas Barat").locator(".camera-status")).to_have_text("degraded")
    expect(page.locator(".camera-pin.camera-degraded")).to_have_attribute(
        "title", "Monas Barat: degraded"
    )
    expect(page.locator("#camera-panel-status .camera-status")).to_have_text("degraded")
    expect(entry(page, "Bundaran Senayan").locator(".camera-status")).to_have_text("offline")
    assert page.evaluate("window.notReloaded") is True
    page.screenshot(path=tmp_path / "cameras-desktop.png")
