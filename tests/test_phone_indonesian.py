"""Every page fits a 360 px phone in Indonesian, whose sentences run longer than English ones.

The pages are read off the app's routes, so a plugin's page is checked when the plugin is
loaded; each is opened by the first role that may see it.
"""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import expect

from core.testing import fits_width, sign_in

pytestmark = [
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
    pytest.mark.needs_plugins("sanitation"),
]

PHONE = {"width": 360, "height": 740}
ROLES = (None, "resident", "staff", "head", "officer", "admin")
NOT_PAGES = ("/api/", "/static/", "/vendor/", "/media/", "/language/", "/health", "/open311")


def pages(app: Flask, complaint_id: int) -> list[str]:
    """Every page the app serves: its GET routes without arguments, and one complaint."""
    paths = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or ()) and not rule.arguments
    ]
    found = [path for path in paths if not path.startswith(NOT_PAGES) and "/static/" not in path]
    return [*sorted(found), f"/complaints/{complaint_id}"]


def first_role_that_sees(app: Flask, path: str, accounts: dict) -> str | None:
    client = app.test_client()
    for role in ROLES:
        headers = accounts[role].headers if role else {}
        response = client.get(path, headers=headers)
        if response.status_code == 200 and response.mimetype == "text/html":
            return role
    raise AssertionError(f"no role may see {path}")


def overflowing(page) -> list[str]:
    """The elements reaching past the phone's right edge, for the failure message."""
    return page.evaluate(
        """(width) => Array.from(document.querySelectorAll("body *"))
            .filter((node) => node.getBoundingClientRect().right > width + 0.5)
            .slice(0, 5)
            .map((node) => node.outerHTML.slice(0, 160))""",
        PHONE["width"],
    )


def test_every_page_fits_a_phone_in_indonesian(app, client, live_server, open_page, make_account):
    accounts = {
        role: make_account(role, agency=None if role in ("resident", "admin") else "dlh")
        for role in ROLES
        if role
    }
    report = {
        "category": "garbage",
        "description": "Sampah menumpuk di trotoar",
        "lat": -6.1754,
        "lon": 106.8272,
    }
    created = client.post("/api/v1/complaints", json=report)
    assert created.status_code == 201, created.json

    checked = []
    for path in pages(app, created.json["id"]):
        role = first_role_that_sees(app, path, accounts)
        page = open_page(viewport=PHONE, is_mobile=True, has_touch=True)
        if role:
            sign_in(page, live_server, accounts[role].email)
        page.context.add_cookies([{"name": "lang", "value": "id", "url": live_server}])
        page.goto(f"{live_server}{path}")
        expect(page.locator("html")).to_have_attribute("lang", "id")
        expect(page.get_by_text("Memuat…")).to_have_count(0)
        assert fits_width(page, PHONE["width"]), (path, overflowing(page))
        checked.append(path)

    assert {"/", "/report", "/login", "/console"} <= set(checked)
