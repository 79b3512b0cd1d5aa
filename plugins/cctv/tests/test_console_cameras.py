"""Cameras beside a complaint in a real browser: the resident's complaint page shows the
nearest camera's frame; staff keep it as evidence from the console with one click."""

from __future__ import annotations

import pytest
import requests
from playwright.sync_api import expect

from core import db
from core.testing import sign_in
from plugins.cctv.models import Camera

pytestmark = [
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
    pytest.mark.needs_plugins("routing", "sanitation"),  # a garbage report routed to DLH
]

SPOT = (-6.2, 106.8)


def test_staff_keep_the_nearest_cameras_frame_as_evidence(
    app, live_server, open_page, make_account, camera_server
):
    camera = camera_server("jpeg")
    with app.app_context():
        db.session().add(
            Camera(
                id="pasar-01",
                name="Pasar Baru",
                lat=SPOT[0] - 0.0005,
                lon=SPOT[1],
                heading=0,
                fov_deg=90,
                visibility="public",
                source_kind="jpeg",
                snapshot_url=camera.url,
                tags=["traffic"],
                status="online",
            )
        )
        db.session().commit()
        db.database().session.remove()
    body = {"category": "garbage", "description": "Sampah di pasar", "lat": SPOT[0], "lon": SPOT[1]}
    reported = requests.post(f"{live_server}/api/v1/complaints", json=body, timeout=5).json()

    resident = open_page(viewport={"width": 360, "height": 740})
    resident.goto(f"{live_server}/complaints/{reported['id']}")
    nearby = resident.locator(".cameras-nearby li[data-camera='pasar-01']")
    expect(nearby).to_contain_text("Pasar Baru")
    expect(nearby).to_contain_text("56 m, looks at this spot")
    frame = nearby.get_by_role("img", name="Latest frame of camera Pasar Baru")
    expect(frame).to_be_visible()
    assert frame.evaluate("image => image.naturalWidth") > 0

    staff = make_account("staff", agency="dlh")
    console = open_page(viewport={"width": 1280, "height": 800})
    sign_in(console, live_server, staff.email, start="/console")
    console.locator("#queue li").first.get_by_role("button").click()
    console.get_by_role("button", name="Keep this frame as evidence").click()
    expect(console.locator("#detail .alert-ok")).to_contain_text("Frame of camera pasar-01 kept")
    detail = console.locator("#detail-info")
    expect(detail.locator(".timeline")).to_contain_text("Camera frame kept as evidence")
    expect(
        detail.get_by_role("img", name=f"Camera frame 1 of report #{reported['id']}")
    ).to_be_visible()
