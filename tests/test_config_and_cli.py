"""Settings precedence, plugin selection, migrations and the smartcity command."""

from __future__ import annotations

import importlib
import os
import stat
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from core.app import create_app
from core.cli import main
from core.config import load_settings
from core.db import Database
from core.models import Base
from core.testing import in_tree_plugins

ROOT = Path(__file__).resolve().parent.parent
PLUGINS_WITH_MODELS = sorted(path.parent.name for path in ROOT.glob("plugins/*/models.py"))


def test_environment_overrides_file_overrides_defaults(tmp_path):
    config_file = tmp_path / "site.toml"
    config_file.write_text(
        'message_queue = "redis://from-file"\nmax_photos = 2\n[cctv]\nsnapshot_ttl = 5\n'
    )
    environ = {
        "SMARTCITY_CONFIG": str(config_file),
        "SMARTCITY_INSTANCE_PATH": str(tmp_path / "instance"),
        "SMARTCITY_MAX_PHOTOS": "1",
        "SMARTCITY_RATE_LIMIT_ENABLED": "false",
        "SMARTCITY_DISABLE_PLUGINS": "cctv, police",
        "SMARTCITY_CCTV__SNAPSHOT_TTL": "9",
    }
    settings = load_settings(environ=environ)
    assert settings["message_queue"] == "redis://from-file"
    assert settings["max_photos"] == 1
    assert settings["rate_limit_enabled"] is False
    assert settings["disable_plugins"] == ["cctv", "police"]
    assert settings["cctv"] == {"snapshot_ttl": 9}
    assert settings["database_url"].endswith("instance/smartcity.sqlite3")


def test_secret_key_is_generated_once_and_kept_private(tmp_path):
    environ = {"SMARTCITY_INSTANCE_PATH": str(tmp_path)}
    first = load_settings(environ=environ)["secret_key"]
    second = load_settings(environ=environ)["secret_key"]
    assert first == second and len(first) == 64
    mode = stat.S_IMODE(os.stat(tmp_path / "secret_key").st_mode)
    assert mode == 0o600
    other = load_settings(environ={"SMARTCITY_INSTANCE_PATH": str(tmp_path / "other")})
    assert other["secret_key"] != first


def entry_point_app(tmp_path, **settings):
    return create_app(config={"instance_path": str(tmp_path), **settings})


def test_entry_points_load_every_in_tree_plugin(tmp_path):
    app = entry_point_app(tmp_path)
    names = {name for name, _ in app.extensions["smartcity.pm"].list_name_plugin()}
    assert {name for name, _ in in_tree_plugins()} <= names


def test_allow_list_and_deny_list_choose_plugins(tmp_path):
    allowed = entry_point_app(tmp_path, load_plugins=["routing", "sanitation", "cctv"])
    names = {name for name, _ in allowed.extensions["smartcity.pm"].list_name_plugin()}
    assert {name for name in names if not name.startswith("core.")} == {
        "routing",
        "sanitation",
        "cctv",
    }
    denied = entry_point_app(tmp_path, disable_plugins=["police"])
    assert denied.extensions["smartcity.pm"].get_plugin("police") is None
    assert denied.extensions["smartcity.pm"].get_plugin("routing") is not None


def test_unknown_plugin_in_allow_list_stops_the_start(tmp_path):
    with pytest.raises(RuntimeError, match="unknown plugins"):
        entry_point_app(tmp_path, load_plugins=["routing", "routign"])


def test_misspelt_hook_fails_at_boot(tmp_path):
    from pluggy import PluginValidationError

    from core import hookimpl

    class Typo:
        @hookimpl
        def complaint_creatd(self, complaint):
            return None

    with pytest.raises(PluginValidationError):
        create_app(config={"instance_path": str(tmp_path)}, plugins=[("typo", Typo())])


# The template database holds the tables of the plugins under test only.
@pytest.mark.needs_plugins(*PLUGINS_WITH_MODELS)
def test_migrations_build_exactly_the_models(tmp_path, database_url):
    # Every plugin's tables are part of the metadata compared, whatever ran before.
    for models in sorted(ROOT.glob("plugins/*/models.py")):
        importlib.import_module(f"plugins.{models.parent.name}.models")

    engine = create_engine(database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == []


@pytest.mark.needs_plugins("cctv")
def test_db_upgrade_creates_a_fresh_database(tmp_path, app_plugins):
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    app = create_app(
        config={"instance_path": str(tmp_path), "database_url": url}, plugins=app_plugins
    )
    result = app.test_cli_runner().invoke(main, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "database is up to date" in result.output
    tables = set(inspect(create_engine(url)).get_table_names())
    assert {
        "complaint",
        "complaint_event",
        "user_account",
        "cctv_camera",
        "alembic_version",
    } <= tables
    again = app.test_cli_runner().invoke(main, ["db", "upgrade"])
    assert again.exit_code == 0


@pytest.mark.needs_plugins("sanitation")
def test_demo_loads_once_and_prints_the_accounts(runner):
    first = runner.invoke(main, ["demo"])
    assert first.exit_code == 0, first.output
    assert "demo city loaded." in first.output
    assert "dlh@demo.smartcity" in first.output
    second = runner.invoke(main, ["demo"])
    assert "already loaded" in second.output
    assert "dlh@demo.smartcity" in second.output


@pytest.mark.needs_plugins("sanitation")
def test_demo_accounts_can_sign_in(runner, client):
    runner.invoke(main, ["demo"])
    response = client.post(
        "/api/v1/auth/token", json={"email": "dlh@demo.smartcity", "password": "dlh-demo-2014"}
    )
    assert response.status_code == 200
    assert response.json["user"]["agency"] == "dlh"


@pytest.mark.needs_plugins("transport")
def test_users_create(runner, client):
    result = runner.invoke(
        main,
        [
            "users",
            "create",
            "--email",
            "Kepala@Dishub.go.id",
            "--password",
            "rahasia-123",
            "--role",
            "head",
            "--agency",
            "dishub",
        ],
    )
    assert result.exit_code == 0, result.output
    token = client.post(
        "/api/v1/auth/token", json={"email": "kepala@dishub.go.id", "password": "rahasia-123"}
    )
    assert token.json["user"]["role"] == "head"


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--role", "staff"], "a staff belongs to an agency"),
        (["--role", "staff", "--agency", "atlantis"], "unknown agency"),
        (["--role", "mayor"], "Invalid value for '--role'"),
        (["--role", "resident", "--password", "short"], "at least 8 characters"),
    ],
)
def test_users_create_refuses_bad_input(runner, arguments, message):
    base = ["users", "create", "--email", "x@example.org", "--password", "long-enough"]
    result = runner.invoke(main, base + arguments)
    assert result.exit_code != 0
    assert message in result.output


def test_users_create_refuses_a_duplicate_email(runner):
    arguments = ["users", "create", "--email", "x@example.org", "--password", "long-enough"]
    assert runner.invoke(main, [*arguments, "--role", "resident"]).exit_code == 0
    duplicate = runner.invoke(main, [*arguments, "--role", "resident"])
    assert duplicate.exit_code != 0
    assert "exists already" in duplicate.output


def test_plugins_command_lists_versions_hooks_and_routes(runner):
    result = runner.invoke(main, ["plugins"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    for name, _ in in_tree_plugins():
        listed = lines.index(f"{name} 0.1.0")
        assert lines[listed + 1].startswith("  hooks:  ")
        assert "register_blueprints" in lines[listed + 1].replace(",", " ").split()
        assert lines[listed + 2].startswith("  routes: /")


def test_database_reports_its_url_without_password():
    database = Database("postgresql+psycopg://user:secret@127.0.0.1:1/x")
    assert "secret" not in database.engine.url.render_as_string(hide_password=True)
