"""Addresses without coordinates: placed at the centroid of the district they name."""

from __future__ import annotations

import shapely
from flask import Flask

from core import db
from core.plugins import hooks
from plugins.routing.addresses import inner_centroid
from plugins.routing.districts import load_district_index
from plugins.routing.models import District


def located(app: Flask, address_string: str | None, address_id: str | None = None) -> list[str]:
    """The codes of the districts covering the point the hook gives, most specific first."""
    with app.app_context():
        point = hooks().locate_address(address_string=address_string, address_id=address_id)
        assert point is not None, address_string or address_id
        return [found.code for found in load_district_index(db.session()).locate(*point)]


def test_hook_locate_address(app, demo_districts):
    address = "Jl. Medan Merdeka Barat 12, Kec. Gambir, Kota Jakarta Pusat"
    assert located(app, address) == ["jkt-pusat-gambir", "jkt-pusat"]


def test_a_city_alone_is_placed_inside_that_city(app, demo_districts):
    assert located(app, "Pasar Minggu, JAKARTA SELATAN")[-1] == "jkt-selatan"


def test_an_address_id_is_a_district_code(app, demo_districts):
    assert located(app, None, "jkt-timur-cakung")[0] == "jkt-timur-cakung"
    assert located(app, "Menteng", "no-such-code")[0] == "jkt-pusat-menteng"


def test_an_address_naming_no_district_is_not_placed(app, demo_districts):
    with app.app_context():
        assert hooks().locate_address(address_string="Jl. Sudirman 1", address_id=None) is None
        assert hooks().locate_address(address_string=None, address_id="unknown") is None


def test_of_two_namesakes_the_one_in_the_named_city_wins(app):
    boxes = {
        "north": ("North City", None, 106.80),
        "south": ("South City", None, 106.90),
        "north-baru": ("Baru", "north", 106.80),
        "south-baru": ("Baru", "south", 106.90),
    }
    with app.app_context():
        for code, (name, parent, west) in boxes.items():
            area = shapely.box(west, -6.2, west + 0.05, -6.15)
            level = "district" if parent else "city"
            db.session().add(
                District(
                    code=code,
                    name=name,
                    level=level,
                    parent_code=parent,
                    geometry=shapely.to_wkb(area),
                    min_lon=west,
                    min_lat=-6.2,
                    max_lon=west + 0.05,
                    max_lat=-6.15,
                )
            )
            db.session().flush()
        db.session().commit()
        db.database().session.remove()
    assert located(app, "Baru, South City")[0] == "south-baru"
    assert located(app, "Baru, North City")[0] == "north-baru"


def test_a_crescent_is_located_inside_itself():
    crescent = shapely.Point(0, 0).buffer(1).difference(shapely.Point(0.3, 0).buffer(0.9))
    assert not crescent.covers(crescent.centroid)
    lat, lon = inner_centroid(crescent)
    assert crescent.covers(shapely.Point(lon, lat))
