"""Dinas Pekerjaan Umum (public works): roads, drainage, flooding, streetlights and bridges,
routed to the office of the city they are in; the city's streetlights, drains and bridges as
assets a report can name; and the flood reports of the last hours on a public heat map."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Blueprint, Flask, current_app
from sqlalchemy.orm import Session

from core import hookimpl
from core.types import AgencySpec, Asset, CategorySpec, NavLink, RoutingRule
from plugins.public_works.agency import (
    AGENCY_SPEC,
    CATEGORIES,
    WATER_UTILITY_SPEC,
    routing_rules,
)
from plugins.public_works.settings import (
    EXTENSION,
    build_state,
    public_works_settings,
    public_works_state,
)


@hookimpl
def register_agencies() -> list[AgencySpec]:
    return [AGENCY_SPEC, WATER_UTILITY_SPEC]


@hookimpl
def register_categories() -> list[CategorySpec]:
    return list(CATEGORIES)


@hookimpl
def register_routing_rules() -> list[RoutingRule]:
    settings = public_works_settings(current_app.config["SMARTCITY"])
    return routing_rules(settings.unit_districts)


@hookimpl
def register_migrations() -> list[str]:
    return [str(Path(__file__).parent / "migrations")]


@hookimpl
def register_blueprints() -> list[Blueprint]:
    from plugins.public_works.views import api, pages

    return [api, pages]


@hookimpl
def register_translations() -> list[str]:
    return [str(Path(__file__).parent / "translations")]


@hookimpl
def register_nav_links() -> list[NavLink]:
    return [NavLink("Floods", "/floods")]


@hookimpl
def register_commands() -> list[click.Command]:
    from plugins.public_works.importer import import_assets_command

    import_group = click.Group("import", help="Import cameras, districts and more from files.")
    import_group.add_command(import_assets_command)
    return [import_group]


@hookimpl
def assets_near(category: str, point: tuple[float, float], limit: int) -> list[Asset]:
    from plugins.public_works.assets import assets_near as nearest_assets

    radius_m = public_works_state().settings.asset_radius_m
    return nearest_assets(category, point, limit, radius_m)


@hookimpl
def find_asset(category: str, asset_id: str) -> Asset | None:
    from plugins.public_works.assets import find_asset as asset_by_id

    return asset_by_id(category, asset_id)


# After the routing plugin's districts are in the session: the demo's flood reports are routed
# through them like any report.
@hookimpl(trylast=True)
def load_demo(session: Session) -> None:
    from plugins.public_works.demo import add_demo_assets, add_demo_floods

    add_demo_assets(session)
    add_demo_floods(session)


@hookimpl
def app_started(app: Flask) -> None:
    app.extensions[EXTENSION] = build_state(app)
