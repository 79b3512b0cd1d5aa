"""Dinas Pekerjaan Umum (public works): roads, drainage, flooding and streetlights."""

from __future__ import annotations

from core import hookimpl
from core.types import AgencySpec, CategorySpec, RoutingRule

AGENCY = "dpu"


@hookimpl
def register_agencies() -> list[AgencySpec]:
    return [
        AgencySpec(
            code=AGENCY,
            name="Dinas Pekerjaan Umum",
            short_name="Dinas PU",
            description="Jalan, saluran air, banjir dan penerangan jalan umum.",
        )
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
    ]


@hookimpl
def register_routing_rules() -> list[RoutingRule]:
    rule_names = [
        ("pothole", "public_works.roads"),
        ("blocked_drain", "public_works.drainage"),
        ("flooding", "public_works.flooding"),
        ("streetlight", "public_works.streetlights"),
    ]
    return [RoutingRule(name, AGENCY, categories=(category,)) for category, name in rule_names]
