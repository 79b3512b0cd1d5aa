"""The project's pytest plugin: apps with explicit plugins on fresh databases, live servers.

Loaded with ``-p core.testing`` (setup.cfg), before any test module, so gevent
is patched before anything imports sockets or a database driver.
"""

from gevent import monkey

monkey.patch_all()

import io  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import uuid  # noqa: E402
from collections.abc import Callable, Iterator, Mapping  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from importlib import resources  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import gevent  # noqa: E402
import pytest  # noqa: E402
from flask import Flask  # noqa: E402
from PIL import ExifTags, Image  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from core import auth, db  # noqa: E402
from core.app import create_app  # noqa: E402
from core.catalog import build_catalog, sync_catalog  # noqa: E402
from core.cli import main as smartcity_cli  # noqa: E402
from core.db import Database  # noqa: E402
from core.models import Base  # noqa: E402
from core.plugins import Hooks, build_manager, entry_points  # noqa: E402

POSTGRES_URL = os.environ.get(
    "SMARTCITY_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("SMARTCITY_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
IN_CI = os.environ.get("CI", "").lower() == "true"


# The matrix (`make test-matrix`) runs the suite once per in-tree plugin with that plugin left
# out: every app, migrated template database and `smartcity` process of the tests then lacks it,
# and the tests that need it (a ``needs_plugins`` marker, or living in its package) are
# deselected, so the rest prove they work without it.
LEAVE_OUT_VARIABLE = "SMARTCITY_TEST_WITHOUT"
# Which backends the ``database_url`` fixture runs each test on (the matrix uses SQLite alone).
DATABASES_VARIABLE = "SMARTCITY_TEST_DATABASES"
DATABASES = ("sqlite", "postgresql")


def in_tree_plugin_names() -> list[str]:
    """The names of the in-tree plugins declared in setup.cfg, none left out."""
    return [
        entry_point.name
        for entry_point in entry_points()
        if entry_point.value.startswith("plugins.")
    ]


def left_out_plugin() -> str | None:
    """The in-tree plugin SMARTCITY_TEST_WITHOUT leaves out of the tests, if any."""
    name = os.environ.get(LEAVE_OUT_VARIABLE, "").strip()
    if not name:
        return None
    if name not in in_tree_plugin_names():
        raise pytest.UsageError(
            f"{LEAVE_OUT_VARIABLE}={name!r} is not an in-tree plugin; "
            f"choose one of {', '.join(in_tree_plugin_names())}"
        )
    return name


def in_tree_plugins() -> list[tuple[str, object]]:
    """Every in-tree plugin as declared in setup.cfg, loaded now and handed over explicitly,
    but the one SMARTCITY_TEST_WITHOUT leaves out.

    Tests pass this list to ``create_app`` so that neither other installed
    distributions nor SMARTCITY_LOAD_PLUGINS change what they test.
    """
    left_out = left_out_plugin()
    return [
        (entry_point.name, entry_point.load())
        for entry_point in entry_points()
        if entry_point.value.startswith("plugins.") and entry_point.name != left_out
    ]


def process_environ(base: Mapping[str, str] | None = None, **settings: str) -> dict[str, str]:
    """The environment of a ``smartcity`` process a test starts: ``base`` (default: this
    process's) and ``settings``, with the plugin SMARTCITY_TEST_WITHOUT leaves out added to
    SMARTCITY_DISABLE_PLUGINS, since such a process finds its plugins through entry points."""
    environ = {**(os.environ if base is None else base), **settings}
    left_out = left_out_plugin()
    if left_out is not None:
        disabled = environ.get("SMARTCITY_DISABLE_PLUGINS", "")
        environ["SMARTCITY_DISABLE_PLUGINS"] = ",".join(filter(None, [disabled, left_out]))
    return environ


def unavailable(reason: str) -> None:
    """Skip a test whose service is missing, except in CI, where every backend must run."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true requires it)")
    pytest.skip(f"{reason}; set CI=true to require it")


def _chosen_databases() -> list[str]:
    raw = os.environ.get(DATABASES_VARIABLE, "")
    return [name.strip() for name in raw.split(",") if name.strip()] or list(DATABASES)


# --- the plugins a test needs ---------------------------------------------------------------

NEEDS_PLUGINS = "needs_plugins"
_DESELECTED = pytest.StashKey[int]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{NEEDS_PLUGINS}(*names): the test needs these in-tree plugins (a test in "
        f"plugins/<name>/ needs <name> anyway); {LEAVE_OUT_VARIABLE} deselects it without them",
    )
    unknown = sorted(set(_chosen_databases()) - set(DATABASES))
    if unknown:
        raise pytest.UsageError(
            f"{DATABASES_VARIABLE} names unknown databases {unknown}; choose from {DATABASES}"
        )
    left_out_plugin()


def needed_plugins(item: pytest.Item, known: list[str]) -> set[str]:
    """The in-tree plugins (of those ``known``) a test needs: its package's, and those its
    markers name."""
    needed = {name for marker in item.iter_markers(NEEDS_PLUGINS) for name in marker.args}
    unknown = sorted(needed - set(known))
    if unknown:
        raise pytest.UsageError(f"{item.nodeid}: {NEEDS_PLUGINS} names no plugin {unknown}")
    parts = item.path.parts[len(item.config.rootpath.parts) :]
    if len(parts) > 2 and parts[0] == "plugins" and parts[1] in known:
        needed.add(parts[1])
    return needed


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    left_out, known = left_out_plugin(), in_tree_plugin_names()
    kept: list[pytest.Item] = []
    deselected: list[pytest.Item] = []
    for item in items:
        needs_it = left_out in needed_plugins(item, known)
        (deselected if needs_it else kept).append(item)
    config.stash[_DESELECTED] = len(deselected)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


def pytest_report_collectionfinish(config: pytest.Config) -> list[str]:
    left_out = left_out_plugin()
    if left_out is None:
        return []
    count = config.stash.get(_DESELECTED, 0)
    return [
        f"without the plugin {left_out!r} ({LEAVE_OUT_VARIABLE}): "
        f"{count} tests that need it deselected"
    ]


# --- databases -------------------------------------------------------------------------------


def _migration_folders() -> list[str]:
    return Hooks(build_manager(in_tree_plugins())).register_migrations()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (migrating once is the slow part)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    database = Database(f"sqlite:///{path}", _migration_folders())
    database.upgrade()
    database.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A throw-away PostgreSQL database, migrated once for the session."""
    name = f"smartcity_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # any driver or network error means: no server here
        admin.dispose()
        unavailable(f"PostgreSQL unreachable at {POSTGRES_URL}: {type(error).__name__}")
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    database = Database(url, _migration_folders())
    database.upgrade()
    database.dispose()
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _empty_postgres(url: str) -> None:
    engine = create_engine(url)
    tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=_chosen_databases())
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path
) -> Iterator[str]:
    """Each test using the database runs once on SQLite and once on PostgreSQL (or on those
    SMARTCITY_TEST_DATABASES names)."""
    if request.param == "sqlite":
        path = tmp_path / "smartcity.sqlite3"
        shutil.copyfile(sqlite_template, path)
        yield f"sqlite:///{path}"
        return
    url = request.getfixturevalue("postgres_database")
    yield url
    _empty_postgres(url)


@pytest.fixture
def redis_url() -> str:
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as error:
        unavailable(f"Redis unreachable at {REDIS_URL}: {type(error).__name__}")
    finally:
        client.close()
    return REDIS_URL


# --- apps ------------------------------------------------------------------------------------


@pytest.fixture
def app_plugins() -> list[tuple[str, object]]:
    """The plugins of the ``app`` fixture; override in a module to test with others."""
    return in_tree_plugins()


@pytest.fixture
def app_settings() -> dict[str, Any]:
    """Settings overrides of the ``app`` fixture; override in a module to change them."""
    return {}


def prepared_app(settings: dict[str, Any], plugins: list[tuple[str, object]]) -> Flask:
    """An app on an already migrated database, its catalogue synced, ready for requests."""
    app = create_app(config=settings, plugins=plugins)
    app.config["TESTING"] = True
    _sync(app)
    return app


def _sync(app: Flask) -> None:
    with app.app_context():
        sync_catalog(db.session(), app.extensions["smartcity.catalog"])
        db.database().session.remove()


@pytest.fixture
def app(
    tmp_path: Path,
    database_url: str,
    app_plugins: list[tuple[str, object]],
    app_settings: dict[str, Any],
) -> Iterator[Flask]:
    settings = {
        "instance_path": str(tmp_path / "instance"),
        "database_url": database_url,
        "message_queue_channel": f"smartcity-test-{uuid.uuid4().hex}",
        # The tests read English pages unless a test asks for another language.
        "default_locale": "en",
        **app_settings,
    }
    app = prepared_app(settings, app_plugins)
    yield app
    db_handle: Database = app.extensions["smartcity.db"]
    db_handle.dispose()


@pytest.fixture
def client(app: Flask) -> Any:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> Any:
    return app.test_cli_runner()


@pytest.fixture
def demo_districts(runner: Any) -> None:
    """The demo city's districts (Gambir, Menteng, Tanah Abang, ...), imported as an operator
    would: ``smartcity import districts config/demo/districts.geojson``. The routing plugin
    imports districts, so a test using this needs it (``needs_plugins("routing")`` outside
    ``plugins/routing``)."""
    with resources.as_file(resources.files("config") / "demo/districts.geojson") as path:
        result = runner.invoke(smartcity_cli, ["import", "districts", str(path)])
    assert result.exit_code == 0, result.output


@pytest.fixture
def register_plugin(app: Flask) -> Callable[[object, str], None]:
    """Register a test plugin on the running app (and sync what it registers)."""

    def register(plugin: object, name: str) -> None:
        app.extensions["smartcity.pm"].register(plugin, name=name)
        hooks = app.extensions["smartcity.hooks"]
        sla_overrides = app.config["SMARTCITY"]["sla"]
        app.extensions["smartcity.catalog"] = build_catalog(hooks, sla_overrides)
        _sync(app)

    return register


@dataclass
class Account:
    id: int
    email: str
    role: str
    agency: str | None
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def after_photo(
    taken_at: datetime | None = None, point: tuple[float, float] | None = None
) -> bytes:
    """A JPEG as a phone camera writes it: its capture time (default: now) and, when given,
    its GPS position in EXIF."""
    taken_at = taken_at or datetime.now(UTC)
    exif = Image.Exif()
    details = exif.get_ifd(ExifTags.IFD.Exif)
    details[0x9003] = taken_at.strftime("%Y:%m:%d %H:%M:%S")
    details[0x9011] = taken_at.strftime("%z")[:3] + ":" + taken_at.strftime("%z")[3:]
    if point is not None:
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
        gps[1], gps[2] = ("S" if point[0] < 0 else "N"), (abs(point[0]), 0.0, 0.0)
        gps[3], gps[4] = ("W" if point[1] < 0 else "E"), (abs(point[1]), 0.0, 0.0)
    output = io.BytesIO()
    Image.new("RGB", (64, 48), "green").save(output, "JPEG", exif=exif)
    return output.getvalue()


def attach_proof(client: Any, complaint_id: int, headers: dict[str, str]) -> Any:
    """Attach a fresh after-photo through the API (Flask test client), as an officer would."""
    return client.post(
        f"/api/v1/complaints/{complaint_id}/photos",
        data={"photo": (io.BytesIO(after_photo()), "after.jpg")},
        headers=headers,
        content_type="multipart/form-data",
    )


@pytest.fixture
def make_account(app: Flask) -> Callable[..., Account]:
    """Create a user with a bearer token: ``make_account("staff", agency="dlh")``."""
    counter = iter(range(1, 10_000))

    def make(role: str, agency: str | None = None, password: str = "password-123") -> Account:
        email = f"{role}{next(counter)}-{agency or 'city'}@test.smartcity"
        with app.app_context():
            user = auth.create_user(email, password, role, agency)
            db.session().flush()
            token = auth.issue_token(user)
            db.session().commit()
            account = Account(user.id, user.email, role, agency, token)
            db.database().session.remove()
        return account

    return make


# --- live server and Socket.IO clients -------------------------------------------------------


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The app served by gevent on a free port of 127.0.0.1, in this process; yields its URL."""
    from core.server import make_server

    server = make_server(app, "127.0.0.1", 0)
    server.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.stop(timeout=2)


@dataclass
class LiveClient:
    """A real Socket.IO client that records every event it hears."""

    client: Any
    events: list[tuple[str, Any]] = field(default_factory=list)

    def named(self, event: str) -> list[Any]:
        return [payload for name, payload in self.events if name == event]

    def wait_for(self, event: str, count: int = 1, timeout: float = 5.0) -> list[Any]:
        with gevent.Timeout(timeout, False):
            while len(self.named(event)) < count:
                gevent.sleep(0.01)
        return self.named(event)


@pytest.fixture
def live_client(live_server: str) -> Iterator[Callable[..., LiveClient]]:
    """Connect Socket.IO clients to ``live_server``: ``live_client(token=...)``."""
    import socketio

    clients: list[Any] = []

    def connect(
        token: str | None = None, url: str | None = None, transports: list[str] | None = None
    ) -> LiveClient:
        client = socketio.Client(reconnection=False)
        live = LiveClient(client)
        client.on("*", lambda event, payload: live.events.append((event, payload)))
        client.connect(
            url or live_server,
            auth={"token": token} if token else None,
            transports=transports or ["websocket"],
            wait_timeout=5,
        )
        clients.append(client)
        return live

    yield connect
    for client in clients:
        client.disconnect()


# --- a real browser --------------------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# Chromium logs every failed request (a refused map tile, an API error a test provokes) as a
# console error; those are judged by what the page shows. Any other console error fails a test.
FAILED_REQUEST = "Failed to load resource"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium through Playwright, shared by a module's tests.

    Playwright's sync API runs in this gevent-patched process beside the in-process
    ``live_server``: its driver connection waits in asyncio, whose selector gevent has
    patched, so while the browser works the gevent hub keeps serving the app.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page_errors() -> Iterator[list[str]]:
    """Script errors and console errors (a refused script, a CSP violation) of every page."""
    errors: list[str] = []
    yield errors
    assert errors == []


@pytest.fixture
def open_page(
    browser: Any, live_server: str, page_errors: list[str]
) -> Iterator[Callable[..., Any]]:
    """A page in a fresh browser context (its own cookies) that may reach only the live
    server: every other request (map tiles, any CDN) is refused."""
    contexts: list[Any] = []

    def open_(**context_options: Any) -> Any:
        context = browser.new_context(**context_options)
        context.set_default_timeout(10_000)
        context.route(
            lambda url: not url.startswith(f"{live_server}/"), lambda route: route.abort()
        )
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: page_errors.append(f"{page.url}: {error}"))
        page.on(
            "console",
            lambda message: (
                page_errors.append(f"{page.url}: {message.text}")
                if message.type == "error" and not message.text.startswith(FAILED_REQUEST)
                else None
            ),
        )
        return page

    yield open_
    for context in contexts:
        context.close()


def fits_width(page: Any, width: int) -> bool:
    """No horizontal scrolling at this width (a phone's)."""
    return bool(page.evaluate(f"document.documentElement.scrollWidth <= {width}"))


def unlabelled_controls(page: Any) -> list[str]:
    """Every visible form control without a label, as HTML."""
    found: list[str] = page.evaluate(
        """() => Array.from(document.querySelectorAll("input, select, textarea"))
            .filter((control) => control.type !== "hidden" && control.labels.length === 0)
            .map((control) => control.outerHTML)"""
    )
    return found


def sign_in(page: Any, live_server: str, email: str, start: str = "/login") -> None:
    """Sign in through the login form (the test accounts' password), from ``start``."""
    page.goto(f"{live_server}{start}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("password-123")
    page.get_by_role("button", name="Sign in").click()
