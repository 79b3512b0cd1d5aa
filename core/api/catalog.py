"""What the plugins contributed: agencies, categories, and the plugins themselves."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_smorest import Blueprint
from sqlalchemy import select

from core import db
from core.models import Agency, Category
from core.plugins import describe_plugins
from core.schemas import AgencySchema, CategorySchema, PluginSchema

blueprint = Blueprint("catalog", __name__, description="Agencies, categories and plugins.")


@blueprint.get("/agencies")
@blueprint.response(200, AgencySchema(many=True))
def agencies() -> list[Agency]:
    return list(db.session().scalars(select(Agency).order_by(Agency.code)))


@blueprint.get("/categories")
@blueprint.response(200, CategorySchema(many=True))
def categories() -> list[Category]:
    query = select(Category).where(Category.active.is_(True)).order_by(Category.code)
    return list(db.session().scalars(query))


@blueprint.get("/plugins")
@blueprint.response(200, PluginSchema(many=True))
def plugins() -> list[dict[str, Any]]:
    return describe_plugins(current_app.extensions["smartcity.pm"], current_app)
