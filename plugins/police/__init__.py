"""Polda Metro Jaya (regional police): crime, accidents and disturbances, private by default."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, or_, select

from core import hookimpl
from core.models import Complaint, Involvement
from core.types import Actor, AgencySpec, CategorySpec, RoutingRule, UnitSpec

AGENCY = "polda"
CATEGORIES = ("crime", "accident", "disturbance")
# Traffic accidents block roads: Dinas Perhubungan works them beside the police.
TRAFFIC_AGENCY = "dishub"
# Each of Jakarta's five administrative cities has its own office.
UNITS = (
    UnitSpec("jakpus", "Polres Metro Jakarta Pusat"),
    UnitSpec("jakut", "Polres Metro Jakarta Utara"),
    UnitSpec("jakbar", "Polres Metro Jakarta Barat"),
    UnitSpec("jaksel", "Polres Metro Jakarta Selatan"),
    UnitSpec("jaktim", "Polres Metro Jakarta Timur"),
)


@hookimpl
def register_agencies() -> list[AgencySpec]:
    return [
        AgencySpec(
            code=AGENCY,
            name="Kepolisian Daerah Metro Jaya",
            short_name="Polda Metro Jaya",
            description="Kejahatan, kecelakaan dan gangguan ketertiban.",
            units=UNITS,
        )
    ]


@hookimpl
def register_categories() -> list[CategorySpec]:
    group = "Keamanan / Safety"
    # Police reports are not public: the reporter and the scene may be at risk.
    return [
        CategorySpec(
            code="crime",
            agency=AGENCY,
            name_id="Tindak kejahatan",
            name_en="Crime",
            sla_acknowledge_minutes=10,
            sla_resolve_hours=24,
            public=False,
            urgent=True,
            group=group,
            keywords=("copet", "jambret", "curi", "theft", "robbery"),
        ),
        CategorySpec(
            code="accident",
            agency=AGENCY,
            name_id="Kecelakaan lalu lintas",
            name_en="Traffic accident",
            sla_acknowledge_minutes=10,
            sla_resolve_hours=6,
            public=False,
            urgent=True,
            group=group,
            keywords=("tabrakan", "kecelakaan", "accident", "crash"),
        ),
        CategorySpec(
            code="disturbance",
            agency=AGENCY,
            name_id="Gangguan ketertiban",
            name_en="Public disturbance",
            sla_acknowledge_minutes=30,
            sla_resolve_hours=12,
            public=False,
            group=group,
            keywords=("tawuran", "ribut", "brawl", "noise"),
        ),
    ]


@hookimpl
def register_routing_rules() -> list[RoutingRule]:
    rule_names = [
        ("crime", "police.crime"),
        ("accident", "police.accidents"),
        ("disturbance", "police.disturbance"),
    ]
    involve = {"accident": (TRAFFIC_AGENCY,)}
    return [
        RoutingRule(name, AGENCY, categories=(category,), involve=involve.get(category, ()))
        for category, name in rule_names
    ]


def _is_police_staff(actor: Actor) -> bool:
    return actor.agency == AGENCY and actor.role in ("officer", "staff", "head")


@hookimpl
def complaint_visibility(actor: Actor) -> list[ColumnElement[bool]]:
    """Police staff keep sight of police reports even when another agency owns one."""
    return [Complaint.category_code.in_(CATEGORIES)] if _is_police_staff(actor) else []


@hookimpl
def complaint_visibility_limits(actor: Actor) -> list[ColumnElement[bool]]:
    """Police reports stay out of every public output (feed, room, Open311, exports):
    besides police staff and admins, only their reporter, their owner and the agencies
    a rule involved see them, whatever another plugin grants."""
    if actor.role == "admin" or _is_police_staff(actor):
        return []
    allowed: list[ColumnElement[Any]] = [Complaint.category_code.not_in(CATEGORIES)]
    if actor.user_id is not None:
        allowed.append(Complaint.reporter_id == actor.user_id)
    if actor.agency is not None:
        involving = select(Involvement.complaint_id).where(Involvement.agency_code == actor.agency)
        allowed += [Complaint.agency_code == actor.agency, Complaint.id.in_(involving)]
    return [or_(*allowed)]
