"""PAM Jaya's plugin in a smartcity app built by smartcity's own fixtures (core.testing)."""

from __future__ import annotations

import pytest
from core.app import create_app
from core.testing import in_tree_plugins

import smartcity_pam_jaya

MONAS = {"lat": -6.1754, "lon": 106.8272}  # Gambir, Jakarta Pusat
HOTLINE = "(021) 555 0100"


@pytest.fixture
def app_plugins():
    """The city's own plugins and this one, handed to the ``app`` fixture explicitly."""
    return [*in_tree_plugins(), ("pamjaya", smartcity_pam_jaya)]


@pytest.fixture
def app_settings():
    return {"pamjaya": {"hotline": HOTLINE}}


def report(client, category, description="Air mati sejak pagi"):
    body = {"category": category, "description": description, **MONAS}
    return client.post("/api/v1/complaints", json=body)


def test_no_water_goes_to_the_distribution_unit(client):
    created = report(client, "pamjaya_no_water")
    assert created.status_code == 201, created.json
    assert created.json["agency"] == "pamjaya"
    assert created.json["unit"] == "distribusi"
    assert created.json["routing"]["rule"] == "pamjaya.supply"


def test_cloudy_water_goes_to_the_laboratory(client):
    created = report(client, "pamjaya_water_quality", "Air keruh dan berbau")
    assert created.json["unit"] == "laboratorium"
    assert created.json["routing"]["rule"] == "pamjaya.water-quality"


def test_page_counts_open_reports_and_shows_the_hotline(client):
    report(client, "pamjaya_low_pressure", "Air kecil sekali")
    report(client, "pamjaya_low_pressure", "Tekanan air lemah")
    page = client.get("/pamjaya")
    assert page.status_code == 200
    assert HOTLINE in page.text
    row = page.text.split('data-category="pamjaya_low_pressure"')[1].split("</tr>")[0]
    assert "<td>2</td>" in row


def test_a_misspelt_setting_stops_the_start(tmp_path):
    with pytest.raises(RuntimeError, match="unknown keys"):
        create_app(
            config={"instance_path": str(tmp_path), "pamjaya": {"hotlne": HOTLINE}},
            plugins=[("pamjaya", smartcity_pam_jaya)],
        )
