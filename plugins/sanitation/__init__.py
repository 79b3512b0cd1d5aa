"""Dinas Lingkungan Hidup (environment agency): garbage, dumping and rubbish in rivers, routed to
the office of the city they are in, and the garbage hot spots of each week on a staff map."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, current_app
from sqlalchemy.orm import Session

from core import hookimpl
from core.types import STAFF_ROLES, AgencySpec, CategorySpec, NavLink, RoutingRule
from plugins.sanitation.agency import AGENCY_SPEC, CATEGORIES, routing_rules
from plugins.sanitation.settings import EXTENSION, build_state, sanitation_settings


@hookimpl
def register_agencies() -> list[AgencySpec]:
    return [AGENCY_SPEC]


@hookimpl
def register_categories() -> list[CategorySpec]:
    return list(CATEGORIES)


@hookimpl
def register_routing_rules() -> list[RoutingRule]:
    settings = sanitation_settings(current_app.config["SMARTCITY"])
    return routing_rules(settings.unit_districts)


@hookimpl
def register_blueprints() -> list[Blueprint]:
    from plugins.sanitation.views import api, pages

    return [api, pages]


@hookimpl
def register_translations() -> list[str]:
    return [str(Path(__file__).parent / "translations")]


@hookimpl
def register_nav_links() -> list[NavLink]:
    """The hot spots, for the staff and heads of the agency owning the sanitation categories
    and for admins: the people who may open them."""
    from plugins.sanitation.views import owning_agencies

    owners = tuple(sorted(owning_agencies()))
    return [NavLink("Hot spots", "/sanitation/hot-spots", roles=STAFF_ROLES, agencies=owners)]


# After the routing plugin's districts are in the session: the demo's complaints are routed
# through them like any report.
@hookimpl(trylast=True)
def load_demo(session: Session) -> None:
    from plugins.sanitation.demo import add_demo_complaints

    add_demo_complaints(session)


@hookimpl
def app_started(app: Flask) -> None:
    app.extensions[EXTENSION] = build_state(app)
