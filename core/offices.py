"""An agency's offices by district: their routing rules, and their map read from the config."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.types import AgencySpec, RoutingRule


def office_rules(
    agency: str,
    office_rule_prefix: str,
    unit_districts: Mapping[str, tuple[str, ...]],
    city_wide_rules: Mapping[str, str],
) -> list[RoutingRule]:
    """The agency's complaints to the office serving their district, else to the agency.

    ``unit_districts`` maps each office (a unit of ``agency``) to the district codes it serves;
    an office serving none gets no rule. ``city_wide_rules`` maps each category to the name of
    its rule for the agency as a whole. An office's rule, named ``office_rule_prefix`` + unit,
    takes every one of those categories within its districts: the district condition makes it
    more specific, so it is tried before the city-wide ones, which follow it in the list.
    For example ``office_rules("dlh", "sanitation.sudin-", {"jakpus": ("jkt-pusat",)},
    {"garbage": "sanitation.garbage"})``.
    """
    categories = tuple(city_wide_rules)
    by_office = [
        RoutingRule(
            f"{office_rule_prefix}{unit}",
            agency,
            categories=categories,
            districts=districts,
            unit=unit,
        )
        for unit, districts in unit_districts.items()
        if districts
    ]
    city_wide = [
        RoutingRule(name, agency, categories=(category,))
        for category, name in city_wide_rules.items()
    ]
    return [*by_office, *city_wide]


def parse_unit_districts(
    section_name: str, value: Any, agency: AgencySpec
) -> dict[str, tuple[str, ...]]:
    """The ``unit_districts`` setting of the config section ``section_name``, {unit: [district
    codes]}, as {unit: (district codes)}. Raises ``RuntimeError`` (which stops the start) when
    it is not such a mapping or names a unit ``agency`` does not have."""
    problem = f"[{section_name}] unit_districts must map unit codes to lists of district codes"
    if not isinstance(value, Mapping):
        raise RuntimeError(problem)
    units = {unit.code for unit in agency.units}
    mapped: dict[str, tuple[str, ...]] = {}
    for unit, districts in value.items():
        if unit not in units:
            raise RuntimeError(
                f"[{section_name}] unit_districts: {agency.code} has no unit {unit!r} "
                f"(its units: {', '.join(sorted(units))})"
            )
        if not isinstance(districts, list) or not all(isinstance(code, str) for code in districts):
            raise RuntimeError(f"{problem} (unit {unit!r})")
        mapped[str(unit)] = tuple(districts)
    return mapped
