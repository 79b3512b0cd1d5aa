"""Routing: each complaint to the agency its rules name, by district, keyword and hour."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Blueprint, Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import db, hookimpl
from core.catalog import catalog
from core.types import ComplaintDraft, NavLink, RoutingDecision
from plugins.routing.addresses import locate_address as locate_in_districts
from plugins.routing.districts import DistrictIndexHolder
from plugins.routing.importer import import_districts_command, load_demo_districts
from plugins.routing.models import District
from plugins.routing.rules import Place
from plugins.routing.sla import start_watch
from plugins.routing.state import EXTENSION, build_state, routing_state


@hookimpl
def register_migrations() -> list[str]:
    return [str(Path(__file__).parent / "migrations")]


@hookimpl
def register_commands() -> list[click.Command]:
    import_group = click.Group("import", help="Import cameras, districts and more from files.")
    import_group.add_command(import_districts_command)
    return [import_group]


@hookimpl
def register_blueprints() -> list[Blueprint]:
    from plugins.routing.views import api, pages

    return [api, pages]


@hookimpl
def register_translations() -> list[str]:
    return [str(Path(__file__).parent / "translations")]


@hookimpl
def register_nav_links() -> list[NavLink]:
    return [NavLink("Accountability", "/routing/dashboard")]


@hookimpl
def load_demo(session: Session) -> None:
    load_demo_districts(session)


@hookimpl
def app_started(app: Flask) -> None:
    districts = DistrictIndexHolder()

    def locate(lat: float, lon: float) -> Place:
        index = districts.current(db.session)
        return Place(tuple((found.code, found.name) for found in index.locate(lat, lon)))

    app.extensions[EXTENSION] = build_state(app, locate)


@hookimpl
def server_started(app: Flask) -> None:
    start_watch(app)


@hookimpl
def route_complaint(draft: ComplaintDraft) -> RoutingDecision | None:
    state = routing_state()
    reported_at = (draft.reported_at or state.now()).astimezone(state.timezone)
    return state.engine.decide(draft, reported_at, catalog())


@hookimpl
def locate_address(
    address_string: str | None, address_id: str | None
) -> tuple[float, float] | None:
    """A district code as the address id, or a district named in the address: its centroid."""
    return locate_in_districts(db.session(), address_string, address_id)


@hookimpl
def find_district_names(codes: list[str]) -> dict[str, str]:
    """The names of the imported districts among ``codes``, in one query."""
    rows = db.session().execute(
        select(District.code, District.name).where(District.code.in_(codes))
    )
    return {row.code: row.name for row in rows}
