"""The pages as served: key elements, labels, signing in and out, the console's guard."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class FormControls(HTMLParser):
    """The form controls of a page and the ids its labels point at."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict[str, str | None]] = []
        self.labelled: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "label" and attributes.get("for"):
            self.labelled.add(attributes["for"] or "")
        if tag in ("input", "select", "textarea"):
            self.controls.append({"tag": tag, **attributes})


def controls_of(html: str) -> FormControls:
    parser = FormControls()
    parser.feed(html)
    return parser


def csrf_token(client, path: str = "/login") -> str:
    match = CSRF.search(client.get(path).get_data(as_text=True))
    assert match, "no csrf_token field"
    return match.group(1)


def sign_in(client, email: str, password: str = "password-123", next_path: str | None = None):
    token = csrf_token(client)
    url = f"/login?next={next_path}" if next_path else "/login"
    return client.post(url, data={"email": email, "password": password, "csrf_token": token})


def page_settings(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="page-settings">(.*?)</script>', html)
    assert match
    return json.loads(match.group(1))


# --- what each page holds --------------------------------------------------------------------


def test_home_page_has_the_map_the_feed_and_their_libraries(client):
    response = client.get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for needle in (
        'id="map"',
        'id="feed"',
        "/vendor/leaflet/dist/leaflet.js",
        "/vendor/leaflet.markercluster/dist/leaflet.markercluster.js",
        "/vendor/socket.io-client/dist/socket.io.min.js",
        "/static/index.js",
        'href="/report"',
    ):
        assert needle in html
    assert 'name="api-token"' not in html


def test_report_page_has_every_field_of_the_contract(client):
    html = client.get("/report").get_data(as_text=True)
    names = {control.get("name") for control in controls_of(html).controls}
    assert {
        "category",
        "description",
        "lat",
        "lon",
        "address",
        "photo",
        "privacy",
        "contact_name",
        "contact_email",
        "contact_phone",
    } <= names
    [photo] = [control for control in controls_of(html).controls if control.get("name") == "photo"]
    assert photo["type"] == "file"
    assert "multiple" in photo
    assert photo["accept"] == "image/*"
    assert 'id="use-location"' in html
    assert 'id="report-map"' in html


def test_report_page_has_a_label_for_every_input_select_and_textarea(client):
    page = controls_of(client.get("/report").get_data(as_text=True))
    visible = [control for control in page.controls if control.get("type") != "hidden"]
    assert len(visible) >= 10
    for control in visible:
        assert control.get("id"), f"{control} has no id for a label to point at"
        assert control["id"] in page.labelled, f"{control['id']} has no <label>"


def test_login_form_fields_are_labelled(client):
    page = controls_of(client.get("/login").get_data(as_text=True))
    for control in page.controls:
        if control.get("type") != "hidden":
            assert control.get("id") in page.labelled, control


def test_complaint_page_names_the_complaint_it_follows(client):
    response = client.get("/complaints/42")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'data-complaint-id="42"' in html
    assert "/static/complaint.js" in html
    assert "/vendor/socket.io-client/dist/socket.io.min.js" in html


def test_page_scripts_and_front_end_libraries_are_served(client):
    for path in (
        "/static/app.css",
        "/static/common.js",
        "/static/index.js",
        "/static/report.js",
        "/static/complaint.js",
        "/static/console.js",
        "/vendor/leaflet/dist/leaflet.css",
        "/vendor/leaflet.markercluster/dist/MarkerCluster.css",
    ):
        assert client.get(path).status_code == 200, path


def test_map_tiles_come_from_config_and_are_allowed_by_the_content_policy(app, client):
    app.config["SMARTCITY"]["map_tile_url"] = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"
    app.config["SMARTCITY"]["map_center"] = [1.5, 2.5]
    response = client.get("/")
    settings = page_settings(response.get_data(as_text=True))["map"]
    assert settings["tile_url"] == "https://{s}.tiles.example.org/{z}/{x}/{y}.png"
    assert settings["center"] == [1.5, 2.5]
    policy = response.headers["Content-Security-Policy"]
    assert "https://*.tiles.example.org" in policy
    assert "script-src 'self'" in policy


def test_map_tiles_default_to_openstreetmap(client):
    settings = page_settings(client.get("/").get_data(as_text=True))["map"]
    assert settings["tile_url"].startswith("https://tile.openstreetmap.org/")
    assert "OpenStreetMap" in settings["tile_attribution"]


# --- the console's guard ---------------------------------------------------------------------


def test_console_sends_an_anonymous_visitor_to_sign_in(client):
    response = client.get("/console")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/console")


def test_console_refuses_a_resident_with_403(client, make_account):
    sign_in(client, make_account("resident").email)
    response = client.get("/console")
    assert response.status_code == 403
    assert "console is for agency staff" in response.get_data(as_text=True)


@pytest.mark.needs_plugins("sanitation")
def test_console_opens_for_agency_staff_with_their_token(client, make_account):
    sign_in(client, make_account("staff", agency="dlh").email)
    response = client.get("/console")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="queue"' in html
    assert 'id="detail"' in html
    assert 'data-agency="dlh"' in html
    assert '<meta name="api-token" content="' in html
    assert 'href="/console"' in html


# --- signing in and out ----------------------------------------------------------------------


def test_login_page_has_its_form(client):
    html = client.get("/login").get_data(as_text=True)
    names = {control.get("name") for control in controls_of(html).controls}
    assert {"email", "password", "csrf_token"} <= names


@pytest.mark.needs_plugins("sanitation")
def test_login_with_a_wrong_password_shows_an_error_with_401(client, make_account):
    account = make_account("staff", agency="dlh")
    response = sign_in(client, account.email, password="not-the-password")
    assert response.status_code == 401
    assert "Wrong email or password." in response.get_data(as_text=True)
    with client.session_transaction() as session:
        assert "api_token" not in session


@pytest.mark.needs_plugins("sanitation")
def test_login_without_the_form_token_is_refused(client, make_account):
    account = make_account("staff", agency="dlh")
    response = client.post("/login", data={"email": account.email, "password": "password-123"})
    assert response.status_code == 400


@pytest.mark.needs_plugins("sanitation")
def test_login_with_the_right_password_redirects_and_starts_a_session(client, make_account):
    account = make_account("staff", agency="dlh")
    response = sign_in(client, account.email)
    assert response.status_code == 302
    assert response.headers["Location"] == "/console"
    with client.session_transaction() as session:
        token = session["api_token"]
    html = client.get("/").get_data(as_text=True)
    assert f'<meta name="api-token" content="{token}">' in html
    assert "Sign out" in html
    assert account.email in html
    me = client.get("/api/v1/complaints", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200


def test_login_returns_to_the_page_that_asked_for_it_but_never_off_site(client, make_account):
    account = make_account("resident")
    assert sign_in(client, account.email, next_path="/report").headers["Location"] == "/report"
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert sign_in(client, account.email, next_path="//evil.example").headers["Location"] == "/"


@pytest.mark.needs_plugins("sanitation")
def test_sign_out_button_ends_the_session_and_revokes_its_token(client, make_account):
    sign_in(client, make_account("staff", agency="dlh").email)
    with client.session_transaction() as session:
        token = session["api_token"]
    html = client.get("/").get_data(as_text=True)
    assert 'action="/logout"' in html
    response = client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert response.status_code == 302
    html = client.get("/").get_data(as_text=True)
    assert 'name="api-token"' not in html
    assert "Sign in" in html
    revoked = client.get("/api/v1/complaints", headers={"Authorization": f"Bearer {token}"})
    assert revoked.status_code == 401


def test_a_tile_server_on_the_same_site_needs_no_extra_source(app, client):
    app.config["SMARTCITY"]["map_tile_url"] = "/tiles/{z}/{x}/{y}.png"
    policy = client.get("/report").headers["Content-Security-Policy"]
    assert "img-src 'self' data: blob: 'self';" in policy


def test_front_end_libraries_are_served_from_their_packages(client):
    import xstatic.pkg.leaflet

    leaflet = client.get("/vendor/leaflet/dist/leaflet.js")
    assert leaflet.status_code == 200
    assert leaflet.data == (Path(xstatic.pkg.leaflet.BASE_DIR) / "leaflet.js").read_bytes()
    assert client.get("/vendor/leaflet/dist/images/marker-icon.png").status_code == 200
    assert client.get("/vendor/socket.io-client/dist/socket.io.min.js").status_code == 200
    assert client.get("/vendor/leaflet.markercluster/dist/MarkerCluster.css").status_code == 200
    assert client.get("/vendor/leaflet/package.json").status_code == 404
    assert client.get("/vendor/leaflet/dist/../../../setup.cfg").status_code == 404
