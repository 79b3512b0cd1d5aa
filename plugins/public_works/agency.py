"""Dinas Pekerjaan Umum as the catalogue knows it: the agency and its offices, the water utility
it forwards burst mains to, their categories, and the routing rules that send complaints there."""

from __future__ import annotations

from collections.abc import Mapping

from core.offices import office_rules
from core.types import AgencySpec, CategorySpec, RoutingRule, UnitSpec

AGENCY = "dpu"
# The water utility is not part of the city government, but burst mains are reported to
# the city: PU forwards them there.
WATER_UTILITY = "pam-jaya"
# The agency's fields of work (complaints are forwarded to them by hand), then the office of
# each of Jakarta's five administrative cities (complaints are routed to them by district).
UNITS = (
    UnitSpec("bina-marga", "Bidang Bina Marga (jalan / roads)"),
    UnitSpec("sda", "Bidang Sumber Daya Air (saluran / drains)"),
    UnitSpec("pju", "Bidang Penerangan Jalan Umum (streetlights)"),
    UnitSpec("jakpus", "Suku Dinas PU Jakarta Pusat"),
    UnitSpec("jakut", "Suku Dinas PU Jakarta Utara"),
    UnitSpec("jakbar", "Suku Dinas PU Jakarta Barat"),
    UnitSpec("jaksel", "Suku Dinas PU Jakarta Selatan"),
    UnitSpec("jaktim", "Suku Dinas PU Jakarta Timur"),
)
# The city (kota) each office serves, by the district codes of the demo city's map; a city
# whose map has other codes names its own in ``[public_works] unit_districts``.
DEFAULT_UNIT_DISTRICTS: Mapping[str, tuple[str, ...]] = {
    "jakpus": ("jkt-pusat",),
    "jakut": ("jkt-utara",),
    "jakbar": ("jkt-barat",),
    "jaksel": ("jkt-selatan",),
    "jaktim": ("jkt-timur",),
}

AGENCY_SPEC = AgencySpec(
    code=AGENCY,
    name="Dinas Pekerjaan Umum",
    short_name="Dinas PU",
    description="Jalan, saluran air, banjir dan penerangan jalan umum.",
    units=UNITS,
)
WATER_UTILITY_SPEC = AgencySpec(
    code=WATER_UTILITY,
    name="PAM Jaya (Perusahaan Air Minum Jaya)",
    short_name="PAM Jaya",
    description="Perusahaan air minum daerah: pipa bocor, air tidak mengalir.",
    external=True,
    sla_acknowledge_minutes=240,
    sla_resolve_hours=72,
)

FLOODING = "flooding"
# The flood form's extra question: how deep the water stands.
WATER_DEPTH = "water_depth_cm"
_GROUP = "Jalan dan saluran / Roads and drains"
CATEGORIES = (
    CategorySpec(
        code="pothole",
        agency=AGENCY,
        name_id="Jalan berlubang",
        name_en="Pothole",
        sla_acknowledge_minutes=240,
        sla_resolve_hours=168,
        group=_GROUP,
        keywords=("lubang", "jalan rusak", "pothole"),
    ),
    CategorySpec(
        code="blocked_drain",
        agency=AGENCY,
        name_id="Saluran air tersumbat",
        name_en="Blocked drain",
        sla_acknowledge_minutes=120,
        sla_resolve_hours=72,
        group=_GROUP,
        keywords=("got", "selokan", "drain"),
    ),
    CategorySpec(
        code=FLOODING,
        agency=AGENCY,
        name_id="Banjir / genangan",
        name_en="Flooding",
        sla_acknowledge_minutes=30,
        sla_resolve_hours=24,
        group=_GROUP,
        keywords=("banjir", "genangan", "flood"),
        attributes=(
            {
                "code": WATER_DEPTH,
                "label": "Kedalaman air (cm) / Water depth (cm)",
                "datatype": "number",
                "required": False,
            },
        ),
    ),
    CategorySpec(
        code="streetlight",
        agency=AGENCY,
        name_id="Lampu jalan mati",
        name_en="Streetlight out",
        sla_acknowledge_minutes=240,
        sla_resolve_hours=72,
        group=_GROUP,
        keywords=("PJU", "lampu jalan", "streetlight"),
    ),
    CategorySpec(
        code="bridge_damage",
        agency=AGENCY,
        name_id="Jembatan rusak",
        name_en="Damaged bridge",
        sla_acknowledge_minutes=120,
        sla_resolve_hours=168,
        group=_GROUP,
        keywords=("jembatan", "bridge"),
    ),
    CategorySpec(
        code="water_leak",
        agency=WATER_UTILITY,
        name_id="Pipa air bocor",
        name_en="Water main leak",
        group=_GROUP,
        keywords=("pipa bocor", "PAM", "water leak"),
    ),
)
# Anywhere in the city: the agency as a whole (the rule names complaints already carry).
_CITY_WIDE_RULES = {
    "pothole": "public_works.roads",
    "blocked_drain": "public_works.drainage",
    "flooding": "public_works.flooding",
    "streetlight": "public_works.streetlights",
    "bridge_damage": "public_works.bridges",
}
CATEGORY_CODES = tuple(_CITY_WIDE_RULES)


def routing_rules(unit_districts: Mapping[str, tuple[str, ...]]) -> list[RoutingRule]:
    """Every PU complaint to Dinas PU: within a city that has an office, to that office (a
    district condition makes those rules more specific, so they are tried first); elsewhere, or
    where the map has no such district, to the agency as a whole. Burst mains to PAM Jaya."""
    water_mains = RoutingRule("public_works.water-mains", WATER_UTILITY, ("water_leak",))
    return [
        *office_rules(AGENCY, "public_works.sudin-", unit_districts, _CITY_WIDE_RULES),
        water_mains,
    ]
