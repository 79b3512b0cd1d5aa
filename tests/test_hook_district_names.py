"""The ``find_district_names`` hook as core calls it: every plugin's names merged into one dict,
the first answer winning a clash, no plugin asked for no codes."""

from __future__ import annotations

from core import hookimpl
from core.plugins import hooks


class CityRegister:
    def __init__(self) -> None:
        self.asked: list[list[str]] = []

    @hookimpl
    def find_district_names(self, codes):
        self.asked.append(codes)
        known = {"gambir": "Gambir", "menteng": "Menteng"}
        return {code: known[code] for code in codes if code in known}


class OldMaps:
    def __init__(self) -> None:
        self.asked: list[list[str]] = []

    @hookimpl
    def find_district_names(self, codes):
        self.asked.append(codes)
        known = {"gambir": "Kecamatan Gambir (1990)", "kemayoran": "Kemayoran"}
        return {code: known[code] for code in codes if code in known}


def test_hook_find_district_names(app, register_plugin):
    city, old_maps = CityRegister(), OldMaps()
    register_plugin(old_maps, "old_maps")
    register_plugin(city, "city_register")
    codes = ["gambir", "menteng", "kemayoran", "atlantis"]

    with app.app_context():
        names = hooks().find_district_names(codes=codes)

    # Pluggy calls the plugin registered last first: its name of a shared code wins.
    assert names == {"gambir": "Gambir", "menteng": "Menteng", "kemayoran": "Kemayoran"}
    assert city.asked[0] == old_maps.asked[0] == codes


def test_codes_no_plugin_knows_are_left_out(app, register_plugin):
    register_plugin(CityRegister(), "city_register")

    with app.app_context():
        assert hooks().find_district_names(codes=["atlantis", "lemuria"]) == {}


def test_no_codes_ask_no_plugin(app, register_plugin):
    city = CityRegister()
    register_plugin(city, "city_register")

    with app.app_context():
        assert hooks().find_district_names(codes=[]) == {}

    assert city.asked == []
