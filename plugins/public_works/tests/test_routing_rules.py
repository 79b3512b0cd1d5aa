"""The public works rules: road damage, drainage, flooding, streetlights and bridges to Dinas PU,
to the office (Suku Dinas) of the city the report is in, and to the agency as a whole where no
office's district holds; burst mains to PAM Jaya."""

from __future__ import annotations

from typing import Any

import pytest

from plugins.public_works.agency import CATEGORY_CODES, DEFAULT_UNIT_DISTRICTS, routing_rules

# The routing plugin evaluates the rules and knows the districts.
pytestmark = pytest.mark.needs_plugins("routing")

MONAS = (-6.1754, 106.8272)  # Gambir, Jakarta Pusat
TAMAN_MENTENG = (-6.1963, 106.8326)  # Menteng, Jakarta Pusat
PLUIT = (-6.1170, 106.7900)  # Penjaringan, Jakarta Utara
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


@pytest.mark.parametrize(
    "category, point, unit, district, office",
    [
        ("pothole", MONAS, "jakpus", "jkt-pusat-gambir", "Jakarta Pusat"),
        ("flooding", PLUIT, "jakut", "jkt-utara-penjaringan", "Jakarta Utara"),
        ("blocked_drain", GROGOL, "jakbar", "jkt-barat-grogol-petamburan", "Jakarta Barat"),
        ("streetlight", BLOK_M, "jaksel", "jkt-selatan-kebayoran-baru", "Jakarta Selatan"),
        ("bridge_damage", KANAL_BANJIR_TIMUR, "jaktim", "jkt-timur-cakung", "Jakarta Timur"),
    ],
)
def test_a_report_goes_to_the_office_of_its_city(
    client, demo_districts, category, point, unit, district, office
):
    created = report(client, category, point)
    assert (created["agency"], created["unit"]) == ("dpu", unit)
    assert created["routing"]["rule"] == f"public_works.sudin-{unit}"
    assert created["routing"]["district"] == district
    assert f"(Suku Dinas PU {office})" in created["routing"]["reason"]


@pytest.mark.parametrize("category", CATEGORY_CODES)
def test_every_category_goes_to_the_office_of_the_city(client, demo_districts, category):
    created = report(client, category, TAMAN_MENTENG)
    assert (created["agency"], created["unit"]) == ("dpu", "jakpus")


@pytest.mark.parametrize(
    "category, rule",
    [
        ("pothole", "public_works.roads"),
        ("blocked_drain", "public_works.drainage"),
        ("flooding", "public_works.flooding"),
        ("streetlight", "public_works.streetlights"),
        ("bridge_damage", "public_works.bridges"),
    ],
)
def test_outside_every_office_s_city_the_agency_as_a_whole_gets_it(
    client, demo_districts, category, rule
):
    created = report(client, category, OFF_THE_MAP)
    assert (created["agency"], created["unit"], created["routing"]["rule"]) == ("dpu", None, rule)
    assert created["routing"]["district"] is None


def test_without_a_district_map_the_agency_as_a_whole_gets_it(client):
    created = report(client, "flooding", MONAS)
    assert (created["agency"], created["unit"]) == ("dpu", None)
    assert created["routing"]["rule"] == "public_works.flooding"


@pytest.mark.parametrize("point", [MONAS, OFF_THE_MAP])
def test_burst_mains_still_go_to_the_water_utility(client, demo_districts, point):
    created = report(client, "water_leak", point)
    assert (created["agency"], created["unit"]) == ("pam-jaya", None)
    assert created["routing"]["rule"] == "public_works.water-mains"


@pytest.mark.parametrize(
    "app_settings",
    [{"public_works": {"unit_districts": {"jakpus": ["jkt-pusat-gambir"], "jakut": []}}}],
)
def test_an_operator_names_the_districts_of_each_office(client, demo_districts):
    assert report(client, "pothole", MONAS)["unit"] == "jakpus"
    # Elsewhere in Jakarta Pusat, and in cities whose office serves no district: the agency.
    for point in (TAMAN_MENTENG, PLUIT, BLOK_M):
        created = report(client, "pothole", point)
        assert (created["unit"], created["routing"]["rule"]) == (None, "public_works.roads")


def test_the_field_units_stay_for_forwarding_by_hand(client, make_account, demo_districts):
    created = report(client, "blocked_drain", MONAS)
    staff = make_account("staff", agency="dpu")
    forwarded = client.post(
        f"/api/v1/complaints/{created['id']}/forward",
        json={"agency": "dpu", "unit": "sda", "reason": "Saluran tersumbat."},
        headers=staff.headers,
    )
    assert forwarded.status_code == 200, forwarded.json
    assert (forwarded.json["agency"], forwarded.json["unit"]) == ("dpu", "sda")


def test_office_rules_are_tried_before_the_city_wide_ones():
    rules = routing_rules(DEFAULT_UNIT_DISTRICTS)
    offices = [rule for rule in rules if rule.unit]
    city_wide = [rule for rule in rules if not rule.unit and rule.agency == "dpu"]
    assert {rule.unit for rule in offices} == {"jakpus", "jakut", "jakbar", "jaksel", "jaktim"}
    assert all(rule.categories == CATEGORY_CODES for rule in offices)
    assert all(rule.agency == "dpu" for rule in offices)
    assert min(rule.specificity for rule in offices) > max(rule.specificity for rule in city_wide)
    assert sorted(code for rule in city_wide for code in rule.categories) == sorted(CATEGORY_CODES)
