"""Importing road segments: LineStrings and MultiLineStrings, every problem named by feature,
nothing written when any, updates by id."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from core import db
from core.cli import main
from plugins.transport.models import RoadSegment
from plugins.transport.tests.conftest import GATOT_SUBROTO, THAMRIN, collection, line_feature


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "segments.geojson"
    path.write_text(text, encoding="utf-8")
    return path


def stored(app: Flask) -> dict[str, RoadSegment]:
    with app.app_context():
        session = db.session()
        found = {segment.id: segment for segment in session.scalars(select(RoadSegment))}
        session.expunge_all()
        db.database().session.remove()
    return found


@pytest.fixture
def database_url(sqlite_template: Path, tmp_path: Path) -> str:
    """The importer is the same on every backend: SQLite is enough here."""
    copy = tmp_path / "test.sqlite"
    shutil.copy(sqlite_template, copy)
    return f"sqlite:///{copy}"


def test_import_adds_lines_and_multilines_with_their_bounding_boxes(app, runner, tmp_path):
    path = write(
        tmp_path,
        collection(
            line_feature("thamrin", "Jl. M.H. Thamrin", THAMRIN),
            line_feature("gatot-subroto", " Jl. Gatot Subroto ", GATOT_SUBROTO),
        ),
    )
    result = runner.invoke(main, ["import", "segments", str(path)])
    assert result.exit_code == 0, result.output
    assert "2 segment(s) added, 0 updated" in result.output
    segments = stored(app)
    assert segments["gatot-subroto"].name == "Jl. Gatot Subroto"
    gatot = segments["gatot-subroto"]
    assert (gatot.min_lat, gatot.min_lon, gatot.max_lat, gatot.max_lon) == (
        -6.2365,
        106.8150,
        -6.2200,
        106.8300,
    )
    assert json.loads(gatot.geometry)["type"] == "MultiLineString"
    assert segments["thamrin"].status == "unknown"


def test_an_id_in_the_properties_is_read_too(app, runner, tmp_path):
    feature = line_feature("ignored", "Jl. Sudirman", THAMRIN)
    del feature["id"]
    feature["properties"]["id"] = 42
    result = runner.invoke(main, ["import", "segments", str(write(tmp_path, collection(feature)))])
    assert result.exit_code == 0, result.output
    assert list(stored(app)) == ["42"]


def test_a_bad_file_reports_every_problem_by_feature_and_writes_nothing(app, runner, tmp_path):
    point = {"type": "Point", "coordinates": [106.8, -6.2]}
    no_name = line_feature("a", "", THAMRIN)
    features: list[dict[str, Any]] = [
        line_feature("good", "Jl. Thamrin", THAMRIN),
        no_name,
        {**line_feature("b", "Jl. B", THAMRIN), "geometry": point},
        line_feature("c", "Jl. C", [(106.8, -6.2)]),
        line_feature("d", "Jl. D", [(106.8, -6.2), (200.0, -6.2)]),
        line_feature("good", "Jl. Again", THAMRIN),
        {**line_feature("e", "Jl. E", THAMRIN), "id": None},
    ]
    result = runner.invoke(
        main, ["import", "segments", str(write(tmp_path, collection(*features)))]
    )
    assert result.exit_code != 0
    for expected in (
        "nothing imported, 6 problem(s)",
        "feature 2: name is missing",
        "feature 3: geometry must be a LineString or MultiLineString",
        "feature 4: a line needs at least two points",
        "feature 5: point [200.0, -6.2] is outside",
        "feature 6: id 'good' is already used by feature 1",
        "feature 7: id is missing",
    ):
        assert expected in result.output
    assert stored(app) == {}


def test_a_file_that_is_not_geojson_is_refused(app, runner, tmp_path):
    result = runner.invoke(main, ["import", "segments", str(write(tmp_path, "id,name\n"))])
    assert result.exit_code != 0
    assert "not GeoJSON" in result.output


def test_reimport_updates_by_id_and_keeps_the_status(app, runner, tmp_path, segments):
    with app.app_context():
        thamrin = db.session().get(RoadSegment, "thamrin")
        assert thamrin is not None
        thamrin.status = "macet"
        db.session().commit()
        db.database().session.remove()
    moved = [(106.8230, -6.1815), (106.8230, -6.1960)]
    text = collection(
        line_feature("thamrin", "Jl. M.H. Thamrin (baru)", moved),
        line_feature("sudirman", "Jl. Sudirman", [(106.8229, -6.1948), (106.8170, -6.2155)]),
    )
    result = runner.invoke(main, ["import", "segments", str(write(tmp_path, text))])
    assert result.exit_code == 0, result.output
    assert "1 segment(s) added, 1 updated" in result.output
    segments_now = stored(app)
    assert set(segments_now) == {"thamrin", "gatot-subroto", "sudirman"}
    reimported = segments_now["thamrin"]
    assert reimported.name == "Jl. M.H. Thamrin (baru)"
    assert reimported.min_lat == -6.1960
    assert reimported.status == "macet"
