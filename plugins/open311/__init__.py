"""Open311 GeoReport v2: any Open311 app files and follows complaints, and an agency's own
system posts its progress back (mySociety's service request updates)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Blueprint, Flask

from core import hookimpl
from plugins.open311.settings import EXTENSION, open311_settings

# The endpoint of POST Service Request: limited per client like the native report.
INTAKE_ENDPOINT = "open311.create_request"


@hookimpl
def register_migrations() -> list[str]:
    return [str(Path(__file__).parent / "migrations")]


@hookimpl
def register_blueprints() -> list[Blueprint]:
    from plugins.open311.views import blueprint

    return [blueprint]


@hookimpl
def register_commands() -> list[click.Command]:
    from plugins.open311.keys import open311_group

    return [open311_group]


@hookimpl
def register_translations() -> list[str]:
    return [str(Path(__file__).parent / "translations")]


@hookimpl
def app_started(app: Flask) -> None:
    """Check ``[open311]``; limit Open311 intake like core limits anonymous native reports."""
    settings = app.config["SMARTCITY"]
    app.extensions[EXTENSION] = open311_settings(settings)
    if settings["rate_limit_enabled"]:
        limiter = app.extensions["smartcity.limiter"]
        app.view_functions[INTAKE_ENDPOINT] = limiter.limit(
            settings["anonymous_intake_limit"], override_defaults=True
        )(app.view_functions[INTAKE_ENDPOINT])
