"""An agency's offices by district: their rules tried before the city-wide ones, and their map
from the config checked at start."""

from __future__ import annotations

import pytest

from core.offices import office_rules, parse_unit_districts
from core.types import AgencySpec, RoutingRule, UnitSpec

AGENCY = AgencySpec(
    code="dlh",
    name="Dinas Lingkungan Hidup",
    units=(UnitSpec("jakpus", "Sudin Jakarta Pusat"), UnitSpec("jakut", "Sudin Jakarta Utara")),
)
CITY_WIDE = {"garbage": "sanitation.garbage", "river_trash": "sanitation.river-trash"}


def test_each_office_serving_districts_gets_a_rule_then_each_category_a_city_wide_one():
    rules = office_rules(
        "dlh",
        "sanitation.sudin-",
        {"jakpus": ("jkt-pusat", "jkt-pusat-gambir"), "jakut": ()},
        CITY_WIDE,
    )
    assert rules == [
        RoutingRule(
            "sanitation.sudin-jakpus",
            "dlh",
            categories=("garbage", "river_trash"),
            districts=("jkt-pusat", "jkt-pusat-gambir"),
            unit="jakpus",
        ),
        RoutingRule("sanitation.garbage", "dlh", categories=("garbage",)),
        RoutingRule("sanitation.river-trash", "dlh", categories=("river_trash",)),
    ]


def test_office_rules_are_more_specific_than_the_city_wide_ones():
    rules = office_rules("dlh", "sanitation.sudin-", {"jakpus": ("a",), "jakut": ("b",)}, CITY_WIDE)
    offices = [rule for rule in rules if rule.unit]
    city_wide = [rule for rule in rules if not rule.unit]
    assert [rule.unit for rule in offices] == ["jakpus", "jakut"]
    assert min(rule.specificity for rule in offices) > max(rule.specificity for rule in city_wide)


def test_without_offices_only_the_city_wide_rules_are_left():
    rules = office_rules("dlh", "sanitation.sudin-", {}, CITY_WIDE)
    assert [rule.name for rule in rules] == ["sanitation.garbage", "sanitation.river-trash"]


def test_unit_districts_becomes_tuples_by_unit():
    value = {"jakpus": ["jkt-pusat", "jkt-pusat-gambir"], "jakut": []}
    assert parse_unit_districts("sanitation", value, AGENCY) == {
        "jakpus": ("jkt-pusat", "jkt-pusat-gambir"),
        "jakut": (),
    }


@pytest.mark.parametrize(
    "value, problem",
    [
        (
            ["jkt-pusat"],
            "[sanitation] unit_districts must map unit codes to lists of district codes",
        ),
        (
            {"jakpus": "jkt-pusat"},
            "[sanitation] unit_districts must map unit codes to lists of district codes "
            "(unit 'jakpus')",
        ),
        (
            {"jakpus": ["jkt-pusat", 3]},
            "[sanitation] unit_districts must map unit codes to lists of district codes "
            "(unit 'jakpus')",
        ),
        (
            {"jakarta-raya": ["jkt-pusat"]},
            "[sanitation] unit_districts: dlh has no unit 'jakarta-raya' "
            "(its units: jakpus, jakut)",
        ),
    ],
)
def test_a_wrong_unit_districts_stops_the_start_naming_its_section(value, problem):
    with pytest.raises(RuntimeError) as error:
        parse_unit_districts("sanitation", value, AGENCY)
    assert str(error.value) == problem
