"""The REST API under /api/v1 (flask-smorest, OpenAPI at /api/openapi.json) and /health."""

from __future__ import annotations

from typing import Any

import flask
from flask import Flask
from flask_smorest import Api
from flask_smorest import Blueprint as ApiBlueprint

from core import __version__
from core.api import auth, casework, catalog, complaints, discussion, health
from core.schemas import ErrorSchema

API_PREFIX = "/api/v1"


class SmartcityApi(Api):
    """flask-smorest, documenting errors in the contract's one shape."""

    ERROR_SCHEMA = ErrorSchema


def init_app(app: Flask, plugin_blueprints: list[Any]) -> Api:
    app.config.update(
        API_TITLE="smartcity",
        API_VERSION=__version__,
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api",
        OPENAPI_JSON_PATH="openapi.json",
    )
    api = SmartcityApi(
        app, spec_kwargs={"info": {"description": "Residents report, agencies answer."}}
    )
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    app.register_blueprint(health.blueprint)
    core_blueprints = (
        auth.blueprint,
        catalog.blueprint,
        complaints.blueprint,
        casework.blueprint,
        discussion.blueprint,
    )
    for blueprint in core_blueprints:
        api.register_blueprint(blueprint, url_prefix=API_PREFIX)
    for blueprint in plugin_blueprints:
        if isinstance(blueprint, ApiBlueprint):
            api.register_blueprint(blueprint, url_prefix=f"{API_PREFIX}/{blueprint.name}")
        elif isinstance(blueprint, flask.Blueprint):
            prefix = blueprint.url_prefix or f"/{blueprint.name}"
            app.register_blueprint(blueprint, url_prefix=prefix)
        else:
            raise TypeError(f"register_blueprints returned {blueprint!r}, not a Blueprint")
    return api
