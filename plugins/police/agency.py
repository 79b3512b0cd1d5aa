"""Polda Metro Jaya as the catalogue knows it: the agency, its offices, its categories (the
emergencies among them) and the routing rules that send its complaints to it."""

from __future__ import annotations

from core.catalog import catalog
from core.types import (
    AgencySpec,
    CategorySpec,
    ComplaintDraft,
    RoutingDecision,
    RoutingRule,
    UnitSpec,
)
from plugins.police.settings import emergency_line

AGENCY = "polda"
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

AGENCY_SPEC = AgencySpec(
    code=AGENCY,
    name="Kepolisian Daerah Metro Jaya",
    short_name="Polda Metro Jaya",
    description="Kejahatan, kecelakaan dan gangguan ketertiban.",
    units=UNITS,
)

_GROUP = "Keamanan / Safety"
# Police reports are not public: the reporter and the scene may be at risk. Emergencies are
# urgent: offered to the nearest patrol at once (the dispatch plugin), sounded in the duty
# room, and their reporters told to call the police's line rather than wait.
CATEGORIES = (
    CategorySpec(
        code="crime",
        agency=AGENCY,
        name_id="Tindak kejahatan",
        name_en="Crime",
        sla_acknowledge_minutes=10,
        sla_resolve_hours=24,
        public=False,
        urgent=True,
        call_now=emergency_line,
        group=_GROUP,
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
        call_now=emergency_line,
        group=_GROUP,
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
        group=_GROUP,
        keywords=("tawuran", "ribut", "brawl", "noise"),
    ),
)
CATEGORY_CODES = tuple(category.code for category in CATEGORIES)
EMERGENCIES = frozenset(category.code for category in CATEGORIES if category.urgent)

_RULE_NAMES = {
    "crime": "police.crime",
    "accident": "police.accidents",
    "disturbance": "police.disturbance",
}
EMERGENCY_RULE = "police.emergency"


def involved(category: str) -> tuple[str, ...]:
    """Dinas Perhubungan works accidents beside the police, when its plugin is loaded."""
    if category != "accident" or TRAFFIC_AGENCY not in catalog().agencies:
        return ()
    return (TRAFFIC_AGENCY,)


def routing_rules() -> list[RoutingRule]:
    return [
        RoutingRule(name, AGENCY, categories=(category,), involve=involved(category))
        for category, name in _RULE_NAMES.items()
    ]


def emergency_decision(draft: ComplaintDraft) -> RoutingDecision:
    """An emergency no rule took: to the police all the same, said in names and signs like a
    rule's decision (read alike in every language)."""
    category = draft.category_name or draft.category
    return RoutingDecision(
        agency=AGENCY,
        rule=EMERGENCY_RULE,
        reason=f"{category} → {draft.category_agency_name} ({EMERGENCY_RULE})",
        involved=involved(draft.category),
    )
