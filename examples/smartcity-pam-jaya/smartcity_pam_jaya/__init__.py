"""PAM Jaya's own integration: the water utility's customer desk, its categories and routing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core import hookimpl
from core.types import AgencySpec, CategorySpec, NavLink, RoutingRule, UnitSpec

if TYPE_CHECKING:
    from flask import Blueprint, Flask

# The entry name in pyproject.toml: also the blueprint's name, the URL prefix of the page and
# the config section ([pamjaya], SMARTCITY_PAMJAYA__<KEY>).
NAME = "pamjaya"
# Not "pam-jaya": the in-tree public_works plugin registers that agency (Dinas PU forwards
# burst mains to it), and two plugins registering one code stop the start-up.
AGENCY = "pamjaya"
DISTRIBUTION_UNIT = "distribusi"
LABORATORY_UNIT = "laboratorium"
# Category codes are shared by every installed plugin: a third party prefixes its own.
NO_WATER = "pamjaya_no_water"
LOW_PRESSURE = "pamjaya_low_pressure"
WATER_QUALITY = "pamjaya_water_quality"
CATEGORIES = (NO_WATER, LOW_PRESSURE, WATER_QUALITY)


@hookimpl
def register_agencies() -> list[AgencySpec]:
    return [
        AgencySpec(
            code=AGENCY,
            name="PAM Jaya Layanan Pelanggan",
            short_name="PAM Jaya CS",
            description="Layanan pelanggan air minum: air mati, tekanan lemah, kualitas air.",
            external=True,
            units=(
                UnitSpec(DISTRIBUTION_UNIT, "Divisi Distribusi (jaringan pipa / mains)"),
                UnitSpec(LABORATORY_UNIT, "Laboratorium Kualitas Air (water quality)"),
            ),
            sla_acknowledge_minutes=120,
            sla_resolve_hours=48,
        )
    ]


@hookimpl
def register_categories() -> list[CategorySpec]:
    group = "Air minum / Drinking water"
    return [
        CategorySpec(
            code=NO_WATER,
            agency=AGENCY,
            name_id="Air PAM tidak mengalir",
            name_en="No tap water",
            sla_resolve_hours=24,
            group=group,
            keywords=("air mati", "tidak mengalir", "no water"),
            field_work=False,
            duplicate_radius_m=500,
        ),
        CategorySpec(
            code=LOW_PRESSURE,
            agency=AGENCY,
            name_id="Tekanan air lemah",
            name_en="Low water pressure",
            group=group,
            keywords=("air kecil", "tekanan", "pressure"),
            field_work=False,
            duplicate_radius_m=500,
        ),
        CategorySpec(
            code=WATER_QUALITY,
            agency=AGENCY,
            name_id="Air keruh atau berbau",
            name_en="Cloudy or smelly water",
            sla_acknowledge_minutes=60,
            group=group,
            keywords=("keruh", "bau", "cloudy", "smell"),
            attributes=(
                {
                    "code": "looks",
                    "label": "Seperti apa airnya? / What is the water like?",
                    "datatype": "singlevaluelist",
                    "required": False,
                    "values": [
                        {"key": "cloudy", "name": "Keruh / Cloudy"},
                        {"key": "coloured", "name": "Berwarna / Coloured"},
                        {"key": "smelly", "name": "Berbau / Smelly"},
                    ],
                },
            ),
        ),
    ]


@hookimpl
def register_routing_rules() -> list[RoutingRule]:
    return [
        RoutingRule(f"{NAME}.supply", AGENCY, (NO_WATER, LOW_PRESSURE), unit=DISTRIBUTION_UNIT),
        RoutingRule(f"{NAME}.water-quality", AGENCY, (WATER_QUALITY,), unit=LABORATORY_UNIT),
    ]


@hookimpl
def register_blueprints() -> list[Blueprint]:
    from smartcity_pam_jaya.views import pages

    return [pages]


@hookimpl
def register_nav_links() -> list[NavLink]:
    return [NavLink("Water", f"/{NAME}")]


@hookimpl
def app_started(app: Flask) -> None:
    from smartcity_pam_jaya.settings import read_settings

    app.extensions[NAME] = read_settings(app.config["SMARTCITY"].get(NAME, {}))
