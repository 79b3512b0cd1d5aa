"""Dinas Pekerjaan Umum (public works): roads, drainage, flooding and streetlights."""

from __future__ import annotations

from core import hookimpl
from core.types import AgencySpec, CategorySpec, RoutingRule, UnitSpec

AGENCY = "dpu"
UNITS = (
    UnitSpec("bina-marga", "Bidang Bina Marga (jalan / roads)"),
    UnitSpec("sda", "Bidang Sumber Daya Air (saluran / drains)"),
    UnitSpec("pju", "Bidang Penerangan Jalan Umum (streetlights)"),
)
# The water utility is not part of the city government, but burst mains are reported to
# the city: PU forwards them there.
WATER_UTILITY = "pam-jaya"


@hookimpl
def register_agencies() -> list[AgencySpec]:
    return [
        AgencySpec(
            code=AGENCY,
            name="Dinas Pekerjaan Umum",
            short_name="Dinas PU",
            description="Jalan, saluran air, banjir dan penerangan jalan umum.",
            units=UNITS,
        ),
        AgencySpec(
            code=WATER_UTILITY,
            name="PAM Jaya (Perusahaan Air Minum Jaya)",
            short_name="PAM Jaya",
            description="Perusahaan air minum daerah: pipa bocor, air tidak mengalir.",
            external=True,
            sla_acknowledge_minutes=240,
            sla_resolve_hours=72,
        ),
    ]


@hookimpl
def register_categories() -> list[CategorySpec]:
    group = "Jalan dan saluran / Roads and drains"
    return [
        CategorySpec(
            code="pothole",
            agency=AGENCY,
            name_id="Jalan berlubang",
            name_en="Pothole",
            sla_acknowledge_minutes=240,
            sla_resolve_hours=168,
            group=group,
            keywords=("lubang", "jalan rusak", "pothole"),
        ),
        CategorySpec(
            code="blocked_drain",
            agency=AGENCY,
            name_id="Saluran air tersumbat",
            name_en="Blocked drain",
            sla_acknowledge_minutes=120,
            sla_resolve_hours=72,
            group=group,
            keywords=("got", "selokan", "drain"),
        ),
        CategorySpec(
            code="flooding",
            agency=AGENCY,
            name_id="Banjir / genangan",
            name_en="Flooding",
            sla_acknowledge_minutes=30,
            sla_resolve_hours=24,
            group=group,
            keywords=("banjir", "genangan", "flood"),
            attributes=(
                {
                    "code": "water_depth_cm",
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
            group=group,
            keywords=("PJU", "lampu jalan", "streetlight"),
        ),
        CategorySpec(
            code="water_leak",
            agency=WATER_UTILITY,
            name_id="Pipa air bocor",
            name_en="Water main leak",
            group=group,
            keywords=("pipa bocor", "PAM", "water leak"),
        ),
    ]


@hookimpl
def register_routing_rules() -> list[RoutingRule]:
    rule_names = [
        ("pothole", "public_works.roads"),
        ("blocked_drain", "public_works.drainage"),
        ("flooding", "public_works.flooding"),
        ("streetlight", "public_works.streetlights"),
    ]
    rules = [RoutingRule(name, AGENCY, categories=(category,)) for category, name in rule_names]
    return [*rules, RoutingRule("public_works.water-mains", WATER_UTILITY, ("water_leak",))]
