"""Dinas Lingkungan Hidup (environment agency): garbage, dumping and rubbish in rivers."""

from __future__ import annotations

from core import hookimpl
from core.types import AgencySpec, CategorySpec, RoutingRule, UnitSpec

AGENCY = "dlh"
# Each of Jakarta's five administrative cities has its own office.
UNITS = (
    UnitSpec("jakpus", "Suku Dinas Lingkungan Hidup Jakarta Pusat"),
    UnitSpec("jakut", "Suku Dinas Lingkungan Hidup Jakarta Utara"),
    UnitSpec("jakbar", "Suku Dinas Lingkungan Hidup Jakarta Barat"),
    UnitSpec("jaksel", "Suku Dinas Lingkungan Hidup Jakarta Selatan"),
    UnitSpec("jaktim", "Suku Dinas Lingkungan Hidup Jakarta Timur"),
)


@hookimpl
def register_agencies() -> list[AgencySpec]:
    return [
        AgencySpec(
            code=AGENCY,
            name="Dinas Lingkungan Hidup",
            short_name="DLH",
            description="Kebersihan kota: sampah, pembuangan liar, sungai.",
            units=UNITS,
        )
    ]


@hookimpl
def register_categories() -> list[CategorySpec]:
    group = "Kebersihan / Cleanliness"
    return [
        CategorySpec(
            code="garbage",
            agency=AGENCY,
            name_id="Sampah menumpuk",
            name_en="Pile of garbage",
            sla_acknowledge_minutes=60,
            sla_resolve_hours=24,
            group=group,
            keywords=("sampah", "garbage", "trash", "rubbish"),
        ),
        CategorySpec(
            code="illegal_dumping",
            agency=AGENCY,
            name_id="Pembuangan sampah liar",
            name_en="Illegal dumping",
            sla_acknowledge_minutes=120,
            sla_resolve_hours=48,
            group=group,
            keywords=("buang sampah", "dumping", "puing"),
        ),
        CategorySpec(
            code="missed_collection",
            agency=AGENCY,
            name_id="Sampah tidak diangkut",
            name_en="Missed garbage collection",
            sla_acknowledge_minutes=120,
            sla_resolve_hours=24,
            group=group,
            keywords=("angkut", "truk sampah", "collection"),
        ),
        CategorySpec(
            code="river_trash",
            agency=AGENCY,
            name_id="Sampah di sungai",
            name_en="Trash in a river",
            sla_acknowledge_minutes=120,
            sla_resolve_hours=72,
            group=group,
            keywords=("kali", "sungai", "river"),
        ),
    ]


@hookimpl
def register_routing_rules() -> list[RoutingRule]:
    rule_names = [
        ("garbage", "sanitation.garbage"),
        ("illegal_dumping", "sanitation.illegal-dumping"),
        ("missed_collection", "sanitation.missed-collection"),
        ("river_trash", "sanitation.river-trash"),
    ]
    return [RoutingRule(name, AGENCY, categories=(category,)) for category, name in rule_names]
