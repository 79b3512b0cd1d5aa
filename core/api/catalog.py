"""What the plugins contributed: agencies, categories, and the plugins themselves."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_smorest import Blueprint

from core.catalog import catalog
from core.plugins import describe_plugins
from core.schemas import AgencySchema, CategorySchema, PluginSchema
from core.types import AgencySpec, CategorySpec

blueprint = Blueprint("catalog", __name__, description="Agencies, categories and plugins.")


@blueprint.get("/agencies")
@blueprint.response(200, AgencySchema(many=True))
def agencies() -> list[AgencySpec]:
    return sorted(catalog().agencies.values(), key=lambda agency: agency.code)


@blueprint.get("/categories")
@blueprint.response(200, CategorySchema(many=True))
def categories() -> list[CategorySpec]:
    return sorted(catalog().categories.values(), key=lambda category: category.code)


@blueprint.get("/plugins")
@blueprint.response(200, PluginSchema(many=True))
def plugins() -> list[dict[str, Any]]:
    return describe_plugins(current_app.extensions["smartcity.pm"], current_app)
