"""Without the cctv plugin (no plugin answers ``cameras_along``) the roads, their statuses and
the suggestion work as ever: the segments list no camera, the suggestion counts complaints
alone, and the page has no cameras section."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from core.testing import in_tree_plugins, sign_in
from plugins.transport.tests.conftest import add_complaint, east_of_thamrin
from plugins.transport.tests.test_status_api import put_status, suggestion

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def app_plugins() -> list[tuple[str, object]]:
    return [(name, plugin) for name, plugin in in_tree_plugins() if name != "cctv"]


def test_the_segments_list_no_camera_and_statuses_still_change(client, make_account, segments):
    listed = client.get("/api/v1/transport/segments")
    assert listed.status_code == 200
    assert [each["cameras"] for each in listed.json["segments"]] == [[], []]
    assert client.get("/api/v1/transport/segments/thamrin").json["cameras"] == []
    assert client.get("/api/v1/cctv/cameras").status_code == 404
    changed = put_status(client, make_account("staff", agency="dishub"), "padat")
    assert changed.status_code == 200 and changed.json["status"] == "padat"


def test_the_suggestion_counts_the_complaints_alone(app, client, make_account, segments, clock):
    add_complaint(app, east_of_thamrin(10), clock.now - timedelta(minutes=2))
    found = suggestion(client, make_account("staff", agency="dishub"), "thamrin")
    assert found.status_code == 200
    assert (found.json["status"], found.json["complaints"], found.json["camera_votes"]) == (
        "padat",
        1,
        [],
    )


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_page_works_without_cameras(app, live_server, open_page, make_account, segments, clock):
    add_complaint(app, east_of_thamrin(10), clock.now - timedelta(minutes=2))
    page: Page = open_page(viewport=PHONE, is_mobile=True, has_touch=True)
    staff: Any = make_account("staff", agency="dishub")
    sign_in(page, live_server, staff.email, "/login?next=/transport")
    expect(page.locator("path.road-line")).to_have_count(2)
    expect(page.locator("#road-cameras-section")).to_have_count(0)
    page.get_by_label("Road", exact=True).select_option(label="Jl. M.H. Thamrin")
    page.get_by_role("button", name="Suggest from complaints", exact=True).click()
    expect(page.locator("#road-suggestion")).to_contain_text("1 traffic complaints within 100 m")
    expect(page.locator("#road-suggestion")).not_to_contain_text("camera")
    expect(page.get_by_label("Status", exact=True)).to_have_value("padat")
