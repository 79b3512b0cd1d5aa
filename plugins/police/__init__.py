"""Polda Metro Jaya (regional police): crime, accidents and disturbances, private by default;
emergencies straight to the police and the nearest patrol, and an incident map for the police."""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask
from sqlalchemy import ColumnElement, or_, select

from core import hookimpl
from core.models import Complaint, Involvement
from core.types import (
    STAFF_ROLES,
    TRIAGE_AGENCY,
    Actor,
    AgencySpec,
    CategorySpec,
    ComplaintDraft,
    NavLink,
    RoutingDecision,
    RoutingRule,
)
from plugins.police.agency import (
    AGENCY,
    AGENCY_SPEC,
    CATEGORIES,
    CATEGORY_CODES,
    EMERGENCIES,
    emergency_decision,
    routing_rules,
)
from plugins.police.settings import EXTENSION, police_settings


@hookimpl
def register_agencies() -> list[AgencySpec]:
    return [AGENCY_SPEC]


@hookimpl
def register_categories() -> list[CategorySpec]:
    return list(CATEGORIES)


@hookimpl
def register_routing_rules() -> list[RoutingRule]:
    return routing_rules()


@hookimpl(wrapper=True)
def route_complaint(
    draft: ComplaintDraft,
) -> Generator[None, RoutingDecision | None, RoutingDecision | None]:
    """Emergencies never wait in the city's triage queue: when no rule took one (the routing
    plugin is off, or an operator's rule sends everything to triage), the police get it."""
    decision = yield
    if draft.category in EMERGENCIES and (decision is None or decision.agency == TRIAGE_AGENCY):
        return emergency_decision(draft)
    return decision


@hookimpl
def app_started(app: Flask) -> None:
    app.extensions[EXTENSION] = police_settings(app.config["SMARTCITY"])


@hookimpl
def register_blueprints() -> list[Blueprint]:
    from plugins.police.pages import pages

    return [pages]


@hookimpl
def register_translations() -> list[str]:
    return [str(Path(__file__).parent / "translations")]


@hookimpl
def register_nav_links() -> list[NavLink]:
    """The incident map, for the police's staff and heads and for admins only."""
    return [NavLink("Incident map", "/police/incidents", roles=STAFF_ROLES, agencies=(AGENCY,))]


def _is_police_staff(actor: Actor) -> bool:
    return actor.agency == AGENCY and actor.role in ("officer", "staff", "head")


@hookimpl
def complaint_visibility(actor: Actor) -> list[ColumnElement[bool]]:
    """Police staff keep sight of police reports even when another agency owns one."""
    return [Complaint.category_code.in_(CATEGORY_CODES)] if _is_police_staff(actor) else []


@hookimpl
def complaint_visibility_limits(actor: Actor) -> list[ColumnElement[bool]]:
    """Police reports stay out of every public output (feed, room, Open311, exports):
    besides police staff and admins, only their reporter, their owner and the agencies
    a rule involved see them, whatever another plugin grants."""
    if actor.role == "admin" or _is_police_staff(actor):
        return []
    allowed: list[ColumnElement[Any]] = [Complaint.category_code.not_in(CATEGORY_CODES)]
    if actor.user_id is not None:
        allowed.append(Complaint.reporter_id == actor.user_id)
    if actor.agency is not None:
        involving = select(Involvement.complaint_id).where(Involvement.agency_code == actor.agency)
        allowed += [Complaint.agency_code == actor.agency, Complaint.id.in_(involving)]
    return [or_(*allowed)]
