"""The application factory: settings, database, plugins, API, live feed, pages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

import click
from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.middleware.proxy_fix import ProxyFix

from core import api, errors, i18n, live, web
from core.auth import current_actor
from core.catalog import build_catalog
from core.config import load_settings
from core.db import Database
from core.media import blueprint as media_blueprint
from core.plugins import Hooks, build_manager


def create_app(
    config: Mapping[str, Any] | None = None, plugins: Sequence[tuple[str, object]] | None = None
) -> Flask:
    """Build the app. ``config`` overrides settings; ``plugins`` replaces entry-point discovery.

    Each app owns its plugin manager, database, Socket.IO server and rate
    limiter in ``app.extensions``, so several apps (tests, benchmarks) can live
    in one process without sharing state.
    """
    settings = load_settings(config)
    app = Flask("core", instance_path=settings["instance_path"])
    app.config.update(
        SMARTCITY=settings,
        SECRET_KEY=settings["secret_key"],
        MAX_CONTENT_LENGTH=settings["max_request_bytes"],
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(days=settings["token_lifetime_days"]),
    )
    app.json.sort_keys = False  # type: ignore[attr-defined]
    if settings["trusted_proxies"]:
        hops = settings["trusted_proxies"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    pm = build_manager(plugins, settings["load_plugins"], settings["disable_plugins"])
    hooks = Hooks(pm)
    app.extensions["smartcity.pm"] = pm
    app.extensions["smartcity.hooks"] = hooks
    app.extensions["smartcity.catalog"] = build_catalog(hooks, settings["sla"])

    Database(settings["database_url"], hooks.register_migrations()).init_app(app)
    api.init_app(app, hooks.register_blueprints())
    errors.init_app(app)
    app.register_blueprint(media_blueprint)
    i18n.init_app(app, hooks.register_translations())
    web.init_app(app)
    _init_rate_limits(app, settings)
    live.init_app(app)
    _add_commands(app, hooks.register_commands())
    hooks.app_started(app=app)
    return app


def _add_commands(app: Flask, commands: list[click.Command]) -> None:
    """Mount plugin commands; groups of the same name merge (``smartcity import ...``)."""
    for command in commands:
        existing = app.cli.commands.get(command.name or "")
        if isinstance(existing, click.Group) and isinstance(command, click.Group):
            subcommands = {**existing.commands, **command.commands}
            command = click.Group(command.name, commands=subcommands, help=existing.help)
        app.cli.add_command(command)


def _init_rate_limits(app: Flask, settings: Mapping[str, Any]) -> None:
    """Anonymous intake is limited per client address; signed-in users are not."""
    app.config.update(
        RATELIMIT_ENABLED=settings["rate_limit_enabled"],
        RATELIMIT_STORAGE_URI=settings["rate_limit_storage_url"],
        RATELIMIT_HEADERS_ENABLED=True,
    )
    limiter = Limiter(get_remote_address, app=app)
    app.extensions["smartcity.limiter"] = limiter
    if not settings["rate_limit_enabled"]:
        return
    endpoint = "complaints.create"
    app.view_functions[endpoint] = limiter.limit(  # type: ignore[assignment]
        settings["anonymous_intake_limit"],
        exempt_when=lambda: not current_actor().is_anonymous,
        override_defaults=True,
    )(app.view_functions[endpoint])
