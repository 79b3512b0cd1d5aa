"""Dinas Perhubungan's agency, its categories and the routing rules that send them to it."""

from __future__ import annotations

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
AGENCY_SPEC = AgencySpec(
    code=AGENCY,
    name="Dinas Perhubungan",
    short_name="Dishub",
    description="Lalu lintas: lampu lalu lintas, rambu, parkir, kemacetan.",
    units=UNITS,
)
GROUP = "Lalu lintas / Traffic"
CATEGORIES = (
    CategorySpec(
        code="traffic_light",
        agency=AGENCY,
        name_id="Lampu lalu lintas mati",
        name_en="Traffic light out",
        sla_acknowledge_minutes=30,
        sla_resolve_hours=12,
        group=GROUP,
        keywords=("lampu merah", "traffic light", "apill"),
    ),
    CategorySpec(
        code="damaged_sign",
        agency=AGENCY,
        name_id="Rambu lalu lintas rusak",
        name_en="Damaged road sign",
        sla_acknowledge_minutes=240,
        sla_resolve_hours=120,
        group=GROUP,
        keywords=("rambu", "sign"),
    ),
    CategorySpec(
        code="illegal_parking",
        agency=AGENCY,
        name_id="Parkir liar",
        name_en="Illegal parking",
        sla_acknowledge_minutes=60,
        sla_resolve_hours=6,
        group=GROUP,
        keywords=("parkir", "parking"),
    ),
    CategorySpec(
        code="congestion",
        agency=AGENCY,
        name_id="Kemacetan",
        name_en="Traffic jam",
        sla_acknowledge_minutes=30,
        sla_resolve_hours=4,
        group=GROUP,
        keywords=("macet", "jam", "congestion"),
    ),
)
CATEGORY_CODES = tuple(category.code for category in CATEGORIES)
RULE_NAMES = {
    "traffic_light": "transport.traffic-lights",
    "damaged_sign": "transport.signs",
    "illegal_parking": "transport.illegal-parking",
    "congestion": "transport.congestion",
}
# Accidents are the police's (plugins/police: "police.accidents", urgent, Dishub involved).


def routing_rules() -> list[RoutingRule]:
    return [
        RoutingRule(name, AGENCY, categories=(category,)) for category, name in RULE_NAMES.items()
    ]
