"""The sanitation rules: every category to Dinas Lingkungan Hidup, to the office (Suku Dinas) of
the city the report is in, and to the agency as a whole where no office's district holds."""

from __future__ import annotations

from typing import Any

import pytest

from core.app import create_app
from core.testing import in_tree_plugins
from plugins.sanitation.agency import CATEGORY_CODES, DEFAULT_UNIT_DISTRICTS, routing_rules

MONAS = (-6.1754, 106.8272)  # Gambir, Jakarta Pusat
TAMAN_MENTENG = (-6.1963, 106.8326)  # Menteng, Jakarta Pusat
MUARA_ANGKE = (-6.1065, 106.7745)  # Penjaringan, Jakarta Utara
GROGOL = (-6.1667, 106.7900)  # Grogol Petamburan, Jakarta Barat
BLOK_M = (-6.2443, 106.7990)  # Kebayoran Baru, Jakarta Selatan
KANAL_BANJIR_TIMUR = (-6.1950, 106.9350)  # Cakung, Jakarta Timur
OFF_THE_MAP = (-6.4500, 106.6000)  # south-west of every demo district


def report(client: Any, category: str, point: tuple[float, float]) -> dict[str, Any]:
    body = {"category": category, "description": "Laporan warga", "lat": point[0], "lon": point[1]}
    response = client.post("/api/v1/complaints", json=body)
    assert response.status_code == 201, response.json
    created: dict[str, Any] = response.json
    return created


@pytest.mark.needs_plugins("routing")
@pytest.mark.parametrize(
    "category, point, unit, district, office",
    [
        ("garbage", MONAS, "jakpus", "jkt-pusat-gambir", "Jakarta Pusat"),
        ("river_trash", MUARA_ANGKE, "jakut", "jkt-utara-penjaringan", "Jakarta Utara"),
        ("missed_collection", GROGOL, "jakbar", "jkt-barat-grogol-petamburan", "Jakarta Barat"),
        ("garbage", BLOK_M, "jaksel", "jkt-selatan-kebayoran-baru", "Jakarta Selatan"),
        ("illegal_dumping", KANAL_BANJIR_TIMUR, "jaktim", "jkt-timur-cakung", "Jakarta Timur"),
    ],
)
def test_a_report_goes_to_the_office_of_its_city(
    client, demo_districts, category, point, unit, district, office
):
    created = report(client, category, point)
    assert (created["agency"], created["unit"]) == ("dlh", unit)
    assert created["routing"]["rule"] == f"sanitation.sudin-{unit}"
    assert created["routing"]["district"] == district
    assert f"(Suku Dinas Lingkungan Hidup {office})" in created["routing"]["reason"]


@pytest.mark.needs_plugins("routing")
@pytest.mark.parametrize("category", CATEGORY_CODES)
def test_every_category_goes_to_the_office_of_the_city(client, demo_districts, category):
    created = report(client, category, TAMAN_MENTENG)
    assert (created["agency"], created["unit"]) == ("dlh", "jakpus")


@pytest.mark.needs_plugins("routing")
@pytest.mark.parametrize(
    "category, rule",
    [
        ("garbage", "sanitation.garbage"),
        ("illegal_dumping", "sanitation.illegal-dumping"),
        ("missed_collection", "sanitation.missed-collection"),
        ("river_trash", "sanitation.river-trash"),
    ],
)
def test_outside_every_office_s_city_the_agency_as_a_whole_gets_it(
    client, demo_districts, category, rule
):
    created = report(client, category, OFF_THE_MAP)
    assert (created["agency"], created["unit"], created["routing"]["rule"]) == ("dlh", None, rule)
    assert created["routing"]["district"] is None


@pytest.mark.needs_plugins("routing")
def test_without_a_district_map_the_agency_as_a_whole_gets_it(client):
    created = report(client, "garbage", MONAS)
    assert (created["agency"], created["unit"]) == ("dlh", None)
    assert created["routing"]["rule"] == "sanitation.garbage"


@pytest.mark.needs_plugins("routing")
@pytest.mark.parametrize(
    "app_settings",
    [{"sanitation": {"unit_districts": {"jakpus": ["jkt-pusat-gambir"], "jakut": []}}}],
)
def test_an_operator_names_the_districts_of_each_office(client, demo_districts):
    assert report(client, "garbage", MONAS)["unit"] == "jakpus"
    # Elsewhere in Jakarta Pusat, and in cities whose office serves no district: the agency.
    for point in (TAMAN_MENTENG, MUARA_ANGKE, BLOK_M):
        created = report(client, "garbage", point)
        assert (created["unit"], created["routing"]["rule"]) == (None, "sanitation.garbage")


def test_an_office_the_agency_does_not_have_stops_the_start(tmp_path, database_url):
    settings = {
        "instance_path": str(tmp_path),
        "database_url": database_url,
        "sanitation": {"unit_districts": {"jakarta-raya": ["jkt-pusat"]}},
    }
    with pytest.raises(RuntimeError, match="dlh has no unit 'jakarta-raya'"):
        create_app(config=settings, plugins=in_tree_plugins())


@pytest.mark.parametrize(
    "section, problem",
    [
        ({"hot_spot_min_complaints": 0}, "hot_spot_min_complaints"),
        ({"hot_spot_cell_m": "big"}, "hot_spot_cell_m"),
        ({"unit_districts": {"jakpus": "jkt-pusat"}}, "unit_districts"),
        ({"hotspot_min": 3}, "unknown keys"),
    ],
)
def test_wrong_settings_stop_the_start(tmp_path, section, problem):
    settings = {"instance_path": str(tmp_path), "sanitation": section}
    with pytest.raises(RuntimeError, match=problem):
        create_app(config=settings, plugins=in_tree_plugins())


def test_office_rules_are_tried_before_the_city_wide_ones():
    rules = routing_rules(DEFAULT_UNIT_DISTRICTS)
    offices = [rule for rule in rules if rule.unit]
    city_wide = [rule for rule in rules if not rule.unit]
    assert {rule.unit for rule in offices} == {"jakpus", "jakut", "jakbar", "jaksel", "jaktim"}
    assert all(rule.categories == CATEGORY_CODES for rule in offices)
    assert all(rule.agency == "dlh" for rule in rules)
    assert min(rule.specificity for rule in offices) > max(rule.specificity for rule in city_wide)
    assert sorted(code for rule in city_wide for code in rule.categories) == sorted(CATEGORY_CODES)


@pytest.mark.needs_plugins("routing")
def test_reports_routed_into_a_district_make_a_hot_spot_named_after_it(
    client, demo_districts, make_account
):
    for _ in range(3):
        report(client, "garbage", MONAS)
    staff = make_account("staff", agency="dlh")
    spots = client.get("/api/v1/sanitation/hot-spots", headers=staff.headers).json["hot_spots"]
    assert [(spot["area"]["code"], spot["area"]["name"], spot["count"]) for spot in spots] == [
        ("jkt-pusat-gambir", "Gambir", 3)
    ]
    assert (spots[0]["lat"], spots[0]["lon"]) == pytest.approx(MONAS)
