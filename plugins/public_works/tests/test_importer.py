"""Importing assets: Points, LineStrings and MultiLineStrings with their kind and bounding box,
every problem named by feature with nothing written, updates by id."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from core import db
from core.cli import main
from plugins.public_works.models import CityAsset
from plugins.public_works.tests.conftest import (
    KNOWN_ASSETS,
    THAMRIN_DRAIN,
    WAHID_HASYIM,
    at,
    collection,
    feature,
    point,
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "assets.geojson"
    path.write_text(text, encoding="utf-8")
    return path


def stored(app: Flask) -> dict[str, CityAsset]:
    with app.app_context():
        session = db.session()
        found = {asset.id: asset for asset in session.scalars(select(CityAsset))}
        session.expunge_all()
        db.database().session.remove()
    return found


@pytest.fixture
def database_url(sqlite_template: Path, tmp_path: Path) -> str:
    """The importer is the same on every backend: SQLite is enough here."""
    copy = tmp_path / "test.sqlite"
    shutil.copy(sqlite_template, copy)
    return f"sqlite:///{copy}"


def test_import_adds_points_lines_and_multilines_with_kinds_and_bounding_boxes(
    app, runner, tmp_path
):
    result = runner.invoke(main, ["import", "assets", str(write(tmp_path, KNOWN_ASSETS))])
    assert result.exit_code == 0, result.output
    assert "assets.geojson: 6 asset(s) added, 0 updated" in result.output
    assets = stored(app)
    assert {asset_id: asset.kind for asset_id, asset in assets.items()} == {
        "pju-10": "streetlight",
        "pju-30": "streetlight",
        "pju-100": "streetlight",
        "sal-wahid-hasyim": "drain",
        "sal-thamrin": "drain",
        "jbt-sarinah": "bridge",
    }
    drain = assets["sal-wahid-hasyim"]
    assert drain.name == "Saluran Wahid Hasyim"
    assert (drain.min_lat, drain.min_lon, drain.max_lat, drain.max_lon) == (
        -6.1872,
        106.8228,
        -6.1872,
        106.8300,
    )
    assert json.loads(drain.geometry) == {"type": "MultiLineString", "coordinates": WAHID_HASYIM}
    light = assets["pju-10"]
    assert (light.min_lat, light.min_lon) == (light.max_lat, light.max_lon) == at(metres_east=10)
    assert assets["sal-thamrin"].district == "jkt-pusat-menteng"
    assert assets["pju-10"].district is None


def test_kind_comes_from_the_option_when_the_properties_name_none(app, runner, tmp_path):
    text = collection(
        {
            "type": "Feature",
            "properties": {"id": 42, "name": "PJU 42"},
            "geometry": point(at()),
        },
        feature("sal-1", {"type": "LineString", "coordinates": THAMRIN_DRAIN}, kind="drain"),
    )
    result = runner.invoke(
        main, ["import", "assets", str(write(tmp_path, text)), "--kind", "streetlight"]
    )
    assert result.exit_code == 0, result.output
    assets = stored(app)
    assert (assets["42"].kind, assets["42"].name) == ("streetlight", "PJU 42")
    # Its own kind wins over the option; without a name, its id names it.
    assert (assets["sal-1"].kind, assets["sal-1"].name) == ("drain", "sal-1")


def test_a_bad_file_imports_nothing_and_names_every_problem_by_feature(app, runner, tmp_path):
    text = collection(
        feature("pju-ok", point(at())),
        feature("pju-ok", point(at(metres_east=5))),
        feature(None, point(at())),
        feature("no-kind", point(at()), kind=None),
        feature("lamp-post", point(at()), kind="hydrant"),
        feature("polygon", {"type": "Polygon", "coordinates": [[[106.8, -6.1]] * 4]}),
        feature("short", {"type": "LineString", "coordinates": [[106.8, -6.1]]}, kind="drain"),
        feature("far", point((-95.0, 106.8))),
        feature("x" * 81, point(at()), name=7),
        {"type": "Feature", "id": "props", "properties": [], "geometry": point(at())},
        "not a feature",
    )
    result = runner.invoke(main, ["import", "assets", str(write(tmp_path, text))])
    assert result.exit_code != 0
    assert "assets.geojson: nothing imported, 11 problem(s):" in result.output
    for problem in (
        "feature 2: id 'pju-ok' is already used by feature 1",
        "feature 3: id is missing",
        "feature 4: kind is missing (give it in the properties or with --kind)",
        "feature 5: kind 'hydrant' is not one of streetlight, drain, bridge",
        "feature 6: geometry must be a Point, LineString or MultiLineString",
        "feature 7: a line needs at least two points",
        "feature 8: point [106.8, -95.0] is outside longitude -180..180, latitude -90..90",
        "feature 9: id is longer than 80 characters",
        "feature 9: name must be text",
        "feature 10: properties must be an object",
        "feature 11: not a GeoJSON Feature",
    ):
        assert problem in result.output
    assert stored(app) == {}


@pytest.mark.parametrize(
    "text, problem",
    [
        ("{", "not GeoJSON"),
        ('{"type": "Feature"}', "not a GeoJSON FeatureCollection"),
        ('{"type": "FeatureCollection"}', "the FeatureCollection has no list of features"),
    ],
)
def test_a_file_that_is_not_a_feature_collection_is_refused(app, runner, tmp_path, text, problem):
    result = runner.invoke(main, ["import", "assets", str(write(tmp_path, text))])
    assert result.exit_code != 0
    assert problem in result.output
    assert stored(app) == {}


def test_a_bad_file_leaves_the_assets_imported_before_unchanged(app, runner, tmp_path):
    assert (
        runner.invoke(main, ["import", "assets", str(write(tmp_path, KNOWN_ASSETS))]).exit_code == 0
    )
    before = {asset_id: asset.name for asset_id, asset in stored(app).items()}
    text = collection(
        feature("pju-10", point(at()), name="Renamed"),
        feature("pju-new", point(at()), kind="hydrant"),
    )
    result = runner.invoke(main, ["import", "assets", str(write(tmp_path, text))])
    assert result.exit_code != 0
    assert {asset_id: asset.name for asset_id, asset in stored(app).items()} == before


def test_importing_again_updates_the_assets_by_id(app, runner, tmp_path):
    assert (
        runner.invoke(main, ["import", "assets", str(write(tmp_path, KNOWN_ASSETS))]).exit_code == 0
    )
    moved = at(metres_north=50)
    text = collection(
        feature("pju-10", point(moved), name="PJU Sarinah (dipindah)"),
        feature("sal-thamrin", point(at()), kind="drain", name="Saluran Thamrin"),
        feature("pju-200", point(at(metres_east=200)), name="PJU baru"),
    )
    result = runner.invoke(main, ["import", "assets", str(write(tmp_path, text))])
    assert result.exit_code == 0, result.output
    assert "1 asset(s) added, 2 updated" in result.output
    assets = stored(app)
    assert len(assets) == 7
    assert assets["pju-10"].name == "PJU Sarinah (dipindah)"
    assert (assets["pju-10"].min_lat, assets["pju-10"].min_lon) == moved
    # The district the new file does not name is gone with the old line.
    assert json.loads(assets["sal-thamrin"].geometry)["type"] == "Point"
    assert assets["sal-thamrin"].district is None
