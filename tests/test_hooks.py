"""Each hook, proven through a plugin registered the way a third party's would be."""

from __future__ import annotations

import logging
import re

import click
import flask
import pytest
from flask_smorest import Blueprint as ApiBlueprint
from sqlalchemy import true

from core import hookimpl
from core.app import create_app
from core.models import Complaint
from core.testing import attach_proof, in_tree_plugins, prepared_app
from core.types import AgencySpec, CategorySpec, NavLink, RoutingDecision, RoutingRule

GARBAGE = {"category": "garbage", "description": "Sampah di trotoar", "lat": -6.2, "lon": 106.8}


def build(tmp_path, database_url, *extra_plugins):
    settings = {"instance_path": str(tmp_path / "instance"), "database_url": database_url}
    return create_app(config=settings, plugins=[*in_tree_plugins(), *extra_plugins])


class WaterUtility:
    @hookimpl
    def register_agencies(self):
        return [AgencySpec(code="aetra", name="Aetra Air Jakarta", external=True)]

    @hookimpl
    def register_categories(self):
        return [
            CategorySpec(code="no_water", agency="aetra", name_id="Air mati", name_en="No water")
        ]

    @hookimpl
    def register_routing_rules(self):
        return [RoutingRule("water.outages", "aetra", categories=("no_water",))]


def test_hook_register_agencies(client, register_plugin):
    register_plugin(WaterUtility(), "water")
    agencies = {agency["code"]: agency for agency in client.get("/api/v1/agencies").json}
    assert agencies["aetra"]["external"] is True


@pytest.mark.needs_plugins("routing")
def test_hook_register_categories(tmp_path, database_url):
    settings = {"instance_path": str(tmp_path / "instance"), "database_url": database_url}
    client = prepared_app(settings, [*in_tree_plugins(), ("water", WaterUtility())]).test_client()
    categories = {category["code"]: category for category in client.get("/api/v1/categories").json}
    assert categories["no_water"]["agency"] == "aetra"
    response = client.post("/api/v1/complaints", json={**GARBAGE, "category": "no_water"})
    assert response.status_code == 201
    assert response.json["routing"] == {
        "agency": "aetra",
        "rule": "water.outages",
        "reason": "Air mati → Aetra Air Jakarta (water.outages)",
        "district": None,
    }


@pytest.mark.needs_plugins("sanitation")
def test_duplicate_agency_codes_stop_the_start(client, register_plugin):
    class Impostor:
        @hookimpl
        def register_agencies(self):
            return [AgencySpec(code="dlh", name="Another DLH")]

    with pytest.raises(RuntimeError, match="two plugins register the agency 'dlh'"):
        register_plugin(Impostor(), "impostor")


def test_category_of_an_unknown_agency_stops_the_start(client, register_plugin):
    class Orphan:
        @hookimpl
        def register_categories(self):
            return [CategorySpec(code="x", agency="nowhere", name_id="X", name_en="X")]

    with pytest.raises(RuntimeError, match="unregistered agency 'nowhere'"):
        register_plugin(Orphan(), "orphan")


def test_hook_register_blueprints(tmp_path, database_url):
    api = ApiBlueprint("parking", __name__)
    pages = flask.Blueprint("parkingpages", __name__)

    @api.get("/spots")
    def spots():
        return {"spots": 3}

    @pages.get("/")
    def page():
        return "parking page"

    class Parking:
        @hookimpl
        def register_blueprints(self):
            return [api, pages]

    app = build(tmp_path, database_url, ("parking", Parking()))
    client = app.test_client()
    assert client.get("/api/v1/parking/spots").json == {"spots": 3}
    assert client.get("/parkingpages/").get_data(as_text=True) == "parking page"
    assert "/api/v1/parking/spots" in client.get("/api/openapi.json").json["paths"]


def test_hook_register_commands(tmp_path, database_url):
    @click.command("hello")
    def hello():
        click.echo("hello from a plugin")

    class Greeter:
        @hookimpl
        def register_commands(self):
            return [hello]

    from core.cli import main

    app = build(tmp_path, database_url, ("greeter", Greeter()))
    result = app.test_cli_runner().invoke(main, ["hello"])
    assert result.output == "hello from a plugin\n"


@pytest.mark.needs_plugins("cctv")
def test_hook_register_migrations(app):
    folders = app.extensions["smartcity.hooks"].register_migrations()
    assert any(folder.endswith("plugins/cctv/migrations") for folder in folders)


@pytest.mark.needs_plugins("cctv", "transport")  # most demo cameras are Dishub's
def test_hook_load_demo(runner, app):
    from sqlalchemy import func, select

    from core import db
    from core.cli import main

    result = runner.invoke(main, ["demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        from plugins.cctv.models import Camera

        assert db.session().scalar(select(func.count()).select_from(Camera)) >= 5
        db.database().session.remove()


def test_hook_app_started(tmp_path, database_url):
    seen = []

    class Watcher:
        @hookimpl
        def app_started(self, app):
            seen.append(app.name)
            app.extensions["watcher"] = "ready"

    app = build(tmp_path, database_url, ("watcher", Watcher()))
    assert seen == ["core"]
    assert app.extensions["watcher"] == "ready"


def test_hook_server_started(app, runner, register_plugin):
    from core.cli import main

    seen = []

    class Starter:
        @hookimpl
        def server_started(self, app):
            seen.append(app.name)
            raise SystemExit(0)  # stop here instead of serving forever

    register_plugin(Starter(), "starter")
    result = runner.invoke(main, ["run", "--port", "0"])
    assert seen == ["core"]
    assert result.exit_code == 0


def test_hook_register_live_events(tmp_path, database_url):
    import socketio

    from core.errors import ApiError
    from core.server import make_server

    class Echo:
        @hookimpl
        def register_live_events(self):
            def ping(actor, message):
                return {"role": actor.role, "heard": message["say"]}

            def refuse(actor, message):
                raise ApiError(409, "not_now", "Not now.", {"say": ["Too loud."]})

            return {"echo.ping": ping, "echo.refuse": refuse}

    settings = {"instance_path": str(tmp_path / "instance"), "database_url": database_url}
    server = make_server(
        prepared_app(settings, [*in_tree_plugins(), ("echo", Echo())]), "127.0.0.1", 0
    )
    server.start()
    client = socketio.Client(reconnection=False)
    try:
        client.connect(f"http://127.0.0.1:{server.server_port}", transports=["websocket"])
        assert client.call("echo.ping", {"say": "halo"}, timeout=5) == {
            "ok": True,
            "role": "anonymous",
            "heard": "halo",
        }
        refused = client.call("echo.refuse", {}, timeout=5)
        assert refused["ok"] is False
        assert refused["error"] == {
            "code": "not_now",
            "message": "Not now.",
            "fields": {"say": ["Too loud."]},
        }
    finally:
        client.disconnect()
        server.stop(timeout=2)

    class Thief:
        @hookimpl
        def register_live_events(self):
            return {"follow": lambda actor, message: None}

    with pytest.raises(RuntimeError, match="'follow' is taken"):
        build(tmp_path, database_url, ("thief", Thief()))


def test_hook_register_translations(tmp_path, database_url):
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo

    folder = tmp_path / "translations"
    (folder / "id" / "LC_MESSAGES").mkdir(parents=True)
    catalog = Catalog(locale="id")
    catalog.add("Weather", "Cuaca")
    with (folder / "id" / "LC_MESSAGES" / "messages.mo").open("wb") as handle:
        write_mo(handle, catalog)

    class Weather:
        @hookimpl
        def register_translations(self):
            return [str(folder)]

        @hookimpl
        def register_nav_links(self):
            return [NavLink("Weather", "/weather")]

    settings = {"instance_path": str(tmp_path / "instance"), "database_url": database_url}
    app = prepared_app(settings, [*in_tree_plugins(), ("weather", Weather())])
    client = app.test_client()
    indonesian = client.get("/", headers={"Accept-Language": "id"}).get_data(as_text=True)
    assert 'href="/weather">Cuaca</a>' in indonesian
    assert ">Peta</a>" in indonesian  # core's own catalogue still applies
    english = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'href="/weather">Weather</a>' in english


@pytest.mark.needs_plugins("public_works", "sanitation")
def test_hook_register_nav_links(client, register_plugin, make_account):
    class Reports:
        @hookimpl
        def register_nav_links(self):
            return [
                NavLink("Heads' report", "/reports/weekly", roles=("head",)),
                NavLink("Drains", "/drains", roles=("head",), agencies=("dpu",)),
            ]

    register_plugin(Reports(), "reports")
    assert "/reports/weekly" not in client.get("/").text

    def signed_in_page(account):
        visitor = client.application.test_client()
        page = visitor.get("/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        login = {"email": account.email, "password": "password-123", "csrf_token": token}
        assert visitor.post("/login", data=login).status_code == 302
        return visitor.get("/").text

    dlh_head = signed_in_page(make_account("head", agency="dlh"))
    assert 'href="/reports/weekly"' in dlh_head and 'href="/drains"' not in dlh_head
    assert 'href="/drains"' in signed_in_page(make_account("head", agency="dpu"))


@pytest.mark.needs_plugins("public_works", "routing", "sanitation")
def test_hook_route_complaint(client, register_plugin):
    class Keyword:
        @hookimpl(tryfirst=True)
        def route_complaint(self, draft):
            if "kali" in draft.description:
                return RoutingDecision("dpu", "test.river", "Rivers are PU's", district="gambir")
            return None

    register_plugin(Keyword(), "keyword")
    river = client.post("/api/v1/complaints", json={**GARBAGE, "description": "Sampah di kali"})
    assert river.json["routing"] == {
        "agency": "dpu",
        "rule": "test.river",
        "reason": "Rivers are PU's",
        "district": "gambir",
    }
    street = client.post("/api/v1/complaints", json=GARBAGE)
    assert street.json["routing"]["rule"] == "sanitation.garbage"


@pytest.mark.needs_plugins("sanitation")
def test_unrouted_complaint_goes_to_triage(tmp_path, database_url):
    plugins = [pair for pair in in_tree_plugins() if pair[0] != "routing"]
    settings = {"instance_path": str(tmp_path / "instance"), "database_url": database_url}
    client = prepared_app(settings, plugins).test_client()
    response = client.post("/api/v1/complaints", json=GARBAGE)
    assert response.status_code == 201
    assert response.json["agency"] == "triage"
    assert response.json["routing"]["rule"] == "core.triage"


@pytest.mark.needs_plugins("sanitation")
def test_hook_complaint_created(client, register_plugin):
    created = []

    class Listener:
        @hookimpl
        def complaint_created(self, complaint):
            created.append((complaint.id, complaint.status))

    register_plugin(Listener(), "listener")
    response = client.post("/api/v1/complaints", json=GARBAGE)
    assert created == [(response.json["id"], "open")]


@pytest.mark.needs_plugins("sanitation")
def test_a_failing_plugin_does_not_lose_the_complaint(client, register_plugin, caplog):
    heard = []

    class Broken:
        @hookimpl
        def complaint_created(self, complaint):
            raise RuntimeError("vendor API down")

    class Healthy:
        @hookimpl
        def complaint_created(self, complaint):
            heard.append(complaint.id)

    register_plugin(Broken(), "broken")
    register_plugin(Healthy(), "healthy")
    with caplog.at_level(logging.ERROR):
        response = client.post("/api/v1/complaints", json=GARBAGE)
    assert response.status_code == 201
    assert heard == [response.json["id"]]
    assert client.get(f"/api/v1/complaints/{response.json['id']}").status_code == 200
    assert "plugin 'broken' failed in complaint_created" in caplog.text


@pytest.mark.needs_plugins("routing", "sanitation")
def test_hook_complaint_status_changed(client, register_plugin, make_account):
    changes = []

    class Listener:
        @hookimpl
        def complaint_status_changed(self, complaint, event, old_status):
            changes.append((old_status, complaint.status, event.actor_id))

    register_plugin(Listener(), "listener")
    staff = make_account("staff", agency="dlh")
    created = client.post("/api/v1/complaints", json=GARBAGE).json
    url = f"/api/v1/complaints/{created['id']}"
    client.patch(url, json={"status": "in_progress"}, headers=staff.headers)
    client.patch(url, json={"note": "notes are not status changes"}, headers=staff.headers)
    assert changes == [("open", "in_progress", staff.id)]


@pytest.mark.needs_plugins("public_works", "routing", "sanitation")
def test_hook_complaint_forwarded(client, register_plugin, make_account):
    moves = []

    class Listener:
        @hookimpl
        def complaint_forwarded(self, complaint, event, old_agency):
            moves.append((old_agency, complaint.agency_code, event.note))

    register_plugin(Listener(), "listener")
    staff = make_account("staff", agency="dlh")
    created = client.post("/api/v1/complaints", json=GARBAGE).json
    client.post(
        f"/api/v1/complaints/{created['id']}/forward",
        json={"agency": "dpu", "reason": "drain"},
        headers=staff.headers,
    )
    assert moves == [("dlh", "dpu", "drain")]


@pytest.mark.needs_plugins("sanitation")
def test_hook_complaint_api_extra(client, register_plugin):
    class Weather:
        @hookimpl
        def complaint_api_extra(self, complaint, actor):
            return {"rain_mm": 12, "viewer": actor.role}

    register_plugin(Weather(), "weather")
    created = client.post("/api/v1/complaints", json=GARBAGE).json
    shown = client.get(f"/api/v1/complaints/{created['id']}").json
    assert shown["extra"]["weather"] == {"rain_mm": 12, "viewer": "anonymous"}


@pytest.mark.needs_plugins("sanitation", "transport")
def test_hook_complaint_visibility(client, register_plugin, make_account):
    class Ombudsman:
        @hookimpl
        def complaint_visibility(self, actor):
            return [true()] if actor.role == "head" else []

    confidential = {**GARBAGE, "privacy": "confidential"}
    created = client.post("/api/v1/complaints", json=confidential).json
    head = make_account("head", agency="dishub")
    url = f"/api/v1/complaints/{created['id']}"
    assert client.get(url, headers=head.headers).status_code == 404
    register_plugin(Ombudsman(), "ombudsman")
    assert client.get(url, headers=head.headers).status_code == 200
    listed = client.get("/api/v1/complaints", headers=head.headers).json["items"]
    assert [item["id"] for item in listed] == [created["id"]]


@pytest.mark.needs_plugins("sanitation")
def test_hook_complaint_visibility_limits(client, register_plugin, make_account):
    class Embargo:
        @hookimpl
        def complaint_visibility_limits(self, actor):
            return [] if actor.role == "admin" else [Complaint.category_code != "garbage"]

    created = client.post("/api/v1/complaints", json=GARBAGE).json
    staff, admin = make_account("staff", agency="dlh"), make_account("admin")
    url = f"/api/v1/complaints/{created['id']}"
    assert client.get(url).status_code == 200
    register_plugin(Embargo(), "embargo")
    assert client.get(url).status_code == 404
    assert client.get(url, headers=staff.headers).status_code == 404
    assert client.get("/api/v1/complaints", headers=staff.headers).json["items"] == []
    assert client.get(url, headers=admin.headers).status_code == 200


@pytest.mark.needs_plugins("routing", "sanitation")
def test_hook_can_change_complaint(client, register_plugin, make_account):
    class Freeze:
        @hookimpl
        def can_change_complaint(self, actor, complaint, action):
            return False if action == "status:rejected" else None

    register_plugin(Freeze(), "freeze")
    staff = make_account("staff", agency="dlh")
    created = client.post("/api/v1/complaints", json=GARBAGE).json
    url = f"/api/v1/complaints/{created['id']}"
    assert client.patch(url, json={"status": "rejected"}, headers=staff.headers).status_code == 403
    assert attach_proof(client, created["id"], staff.headers).status_code == 201
    assert client.patch(url, json={"status": "resolved"}, headers=staff.headers).status_code == 200


@pytest.mark.needs_plugins("dispatch")
def test_hook_live_rooms(app, register_plugin):
    class Newsroom:
        @hookimpl
        def live_rooms(self, actor):
            return ["newsroom"] if actor.role == "head" else []

    register_plugin(Newsroom(), "newsroom")
    from core.types import Actor

    hooks = app.extensions["smartcity.hooks"]
    with app.app_context():
        assert hooks.live_rooms(actor=Actor(user_id=1, role="head", agency="dlh")) == [
            "agency:dlh",
            "head:dlh",
            "newsroom",
        ]
        assert hooks.live_rooms(actor=Actor(user_id=2, role="officer", agency="dlh")) == [
            "officer:2",
            "officers:dlh",
        ]
        assert hooks.live_rooms(actor=Actor()) == ["public"]


@pytest.mark.needs_plugins("sanitation")
def test_visibility_is_one_query_for_any_number_of_plugins(client, register_plugin, app):
    """Plugins contribute conditions, never a question per row."""
    from sqlalchemy import event

    class Grant:
        @hookimpl
        def complaint_visibility(self, actor):
            return [Complaint.category_code == "crime"]

    for number in range(5):
        register_plugin(Grant(), f"grant{number}")
    for _ in range(20):
        client.post("/api/v1/complaints", json=GARBAGE)
    statements = []
    engine = app.extensions["smartcity.db"].engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        items = client.get("/api/v1/complaints?limit=50").json["items"]
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert len(items) == 20
    complaint_selects = [sql for sql in statements if re.search(r"FROM complaint\b", sql)]
    assert len(complaint_selects) == 1
