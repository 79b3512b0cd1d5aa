"""Polda Metro Jaya (regional police): crime, accidents and disturbances, private by default."""

from __future__ import annotations

from core import hookimpl
from core.types import AgencySpec, CategorySpec, RoutingRule

AGENCY = "polda"


@hookimpl
def register_agencies() -> list[AgencySpec]:
    return [
        AgencySpec(
            code=AGENCY,
            name="Kepolisian Daerah Metro Jaya",
            short_name="Polda Metro Jaya",
            description="Kejahatan, kecelakaan dan gangguan ketertiban.",
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
    return [RoutingRule(name, AGENCY, categories=(category,)) for category, name in rule_names]
