"""Dinas Lingkungan Hidup as the catalogue knows it: the agency, its offices, its categories and
the routing rules that send its complaints to it."""

from __future__ import annotations

from collections.abc import Mapping

from core.offices import office_rules
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
# The city (kota) each office serves, by the district codes of the demo city's map; a city
# whose map has other codes names its own in ``[sanitation] unit_districts``.
DEFAULT_UNIT_DISTRICTS: Mapping[str, tuple[str, ...]] = {
    "jakpus": ("jkt-pusat",),
    "jakut": ("jkt-utara",),
    "jakbar": ("jkt-barat",),
    "jaksel": ("jkt-selatan",),
    "jaktim": ("jkt-timur",),
}

AGENCY_SPEC = AgencySpec(
    code=AGENCY,
    name="Dinas Lingkungan Hidup",
    short_name="DLH",
    description="Kebersihan kota: sampah, pembuangan liar, sungai.",
    units=UNITS,
)

_GROUP = "Kebersihan / Cleanliness"
CATEGORIES = (
    CategorySpec(
        code="garbage",
        agency=AGENCY,
        name_id="Sampah menumpuk",
        name_en="Pile of garbage",
        sla_acknowledge_minutes=60,
        sla_resolve_hours=24,
        group=_GROUP,
        keywords=("sampah", "garbage", "trash", "rubbish"),
    ),
    CategorySpec(
        code="illegal_dumping",
        agency=AGENCY,
        name_id="Pembuangan sampah liar",
        name_en="Illegal dumping",
        sla_acknowledge_minutes=120,
        sla_resolve_hours=48,
        group=_GROUP,
        keywords=("buang sampah", "dumping", "puing"),
    ),
    CategorySpec(
        code="missed_collection",
        agency=AGENCY,
        name_id="Sampah tidak diangkut",
        name_en="Missed garbage collection",
        sla_acknowledge_minutes=120,
        sla_resolve_hours=24,
        group=_GROUP,
        keywords=("angkut", "truk sampah", "collection"),
    ),
    CategorySpec(
        code="river_trash",
        agency=AGENCY,
        name_id="Sampah di sungai",
        name_en="Trash in a river",
        sla_acknowledge_minutes=120,
        sla_resolve_hours=72,
        group=_GROUP,
        keywords=("kali", "sungai", "river"),
    ),
)
CATEGORY_CODES = tuple(category.code for category in CATEGORIES)

# Anywhere in the city: the agency as a whole (the rule names complaints already carry).
_CITY_WIDE_RULES = {
    "garbage": "sanitation.garbage",
    "illegal_dumping": "sanitation.illegal-dumping",
    "missed_collection": "sanitation.missed-collection",
    "river_trash": "sanitation.river-trash",
}


def routing_rules(unit_districts: Mapping[str, tuple[str, ...]]) -> list[RoutingRule]:
    """Every sanitation complaint to DLH: within a city that has an office, to that office
    (a district condition makes those rules more specific, so they are tried first); elsewhere,
    or where the map has no such district, to the agency as a whole."""
    return office_rules(AGENCY, "sanitation.sudin-", unit_districts, _CITY_WIDE_RULES)
