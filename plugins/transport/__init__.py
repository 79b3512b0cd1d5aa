"""Dinas Perhubungan (transport agency): traffic lights, signs, parking and congestion, and the
city's road segments with their live traffic status (lancar / padat / macet) on /transport."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Blueprint, Flask
from sqlalchemy.orm import Session

from core import hookimpl
from core.types import AgencySpec, CategorySpec, ConsolePanel, NavLink, RoutingRule
from plugins.transport.agency import AGENCY_SPEC, CATEGORIES, routing_rules
from plugins.transport.settings import EXTENSION, build_state


@hookimpl
def register_agencies() -> list[AgencySpec]:
    return [AGENCY_SPEC]


@hookimpl
def register_categories() -> list[CategorySpec]:
    return list(CATEGORIES)


@hookimpl
def register_routing_rules() -> list[RoutingRule]:
    return routing_rules()


@hookimpl
def register_migrations() -> list[str]:
    return [str(Path(__file__).parent / "migrations")]


@hookimpl
def register_blueprints() -> list[Blueprint]:
    from plugins.transport.views import api, pages

    return [api, pages]


@hookimpl
def register_translations() -> list[str]:
    return [str(Path(__file__).parent / "translations")]


@hookimpl
def register_nav_links() -> list[NavLink]:
    return [NavLink("Traffic", "/transport")]


@hookimpl
def register_console_panels() -> list[ConsolePanel]:
    """The road status form on the consoles of the agencies owning the traffic categories."""
    from plugins.transport.segments import owning_agencies

    agencies = tuple(sorted(owning_agencies()))
    return [ConsolePanel("transport/console_panel.html", agencies=agencies)] if agencies else []


@hookimpl
def register_commands() -> list[click.Command]:
    from plugins.transport.importer import import_segments_command

    import_group = click.Group("import", help="Import cameras, districts and more from files.")
    import_group.add_command(import_segments_command)
    return [import_group]


@hookimpl
def load_demo(session: Session) -> None:
    from plugins.transport.demo import demo_geojson
    from plugins.transport.importer import segment_rows_from_geojson, upsert_segments

    upsert_segments(session, segment_rows_from_geojson(demo_geojson()))


@hookimpl
def app_started(app: Flask) -> None:
    app.extensions[EXTENSION] = build_state(app)
