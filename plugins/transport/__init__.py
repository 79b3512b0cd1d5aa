"""Dinas Perhubungan (transport agency): traffic lights, signs, parking and congestion."""

from __future__ import annotations

from core import hookimpl
from core.types import AgencySpec, CategorySpec, RoutingRule, UnitSpec

AGENCY = "dishub"
# Each of Jakarta's five administrative cities has its own office.
UNITS = (
    UnitSpec("jakpus", "Suku Dinas Perhubungan Jakarta Pusat"),
    UnitSpec("jakut", "Suku Dinas Perhubungan Jakarta Utara"),
    UnitSpec("jakbar", "Suku Dinas Perhubungan Jakarta Barat"),
    UnitSpec("jaksel", "Suku Dinas Perhubungan Jakarta Selatan"),
    UnitSpec("jaktim", "Suku Dinas Perhubungan Jakarta Timur"),
)


@hookimpl
def register_agencies() -> list[AgencySpec]:
    return [
        AgencySpec(
            code=AGENCY,
            name="Dinas Perhubungan",
            short_name="Dishub",
            description="Lalu lintas: lampu lalu lintas, rambu, parkir, kemacetan.",
            units=UNITS,
        )
    ]


@hookimpl
def register_categories() -> list[CategorySpec]:
    group = "Lalu lintas / Traffic"
    return [
        CategorySpec(
            code="traffic_light",
            agency=AGENCY,
            name_id="Lampu lalu lintas mati",
            name_en="Traffic light out",
            sla_acknowledge_minutes=30,
            sla_resolve_hours=12,
            group=group,
            keywords=("lampu merah", "traffic light", "apill"),
        ),
        CategorySpec(
            code="damaged_sign",
            agency=AGENCY,
            name_id="Rambu lalu lintas rusak",
            name_en="Damaged road sign",
            sla_acknowledge_minutes=240,
            sla_resolve_hours=120,
            group=group,
            keywords=("rambu", "sign"),
        ),
        CategorySpec(
            code="illegal_parking",
            agency=AGENCY,
            name_id="Parkir liar",
            name_en="Illegal parking",
            sla_acknowledge_minutes=60,
            sla_resolve_hours=6,
            group=group,
            keywords=("parkir", "parking"),
        ),
        CategorySpec(
            code="congestion",
            agency=AGENCY,
            name_id="Kemacetan",
            name_en="Traffic jam",
            sla_acknowledge_minutes=30,
            sla_resolve_hours=4,
            group=group,
            keywords=("macet", "jam", "congestion"),
        ),
    ]


@hookimpl
def register_routing_rules() -> list[RoutingRule]:
    rule_names = [
        ("traffic_light", "transport.traffic-lights"),
        ("damaged_sign", "transport.signs"),
        ("illegal_parking", "transport.illegal-parking"),
        ("congestion", "transport.congestion"),
    ]
    return [RoutingRule(name, AGENCY, categories=(category,)) for category, name in rule_names]
