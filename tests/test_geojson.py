"""Reading a FeatureCollection to import: checked features with plain coordinates, or every
problem of the file by its feature."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click
import pytest

from core.geojson import (
    GEOMETRY_TYPES,
    ImportRefused,
    bbox,
    features_from_geojson,
    read_features,
    refused_file_error,
    text_problems,
)

LINES = ("LineString", "MultiLineString")


def name_required(properties: dict[str, Any]) -> Iterable[str]:
    return text_problems(properties, "name", 20, required=True)


def collection(*features: Any) -> str:
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


def feature(feature_id: Any, geometry: Any, **properties: Any) -> dict[str, Any]:
    return {"type": "Feature", "id": feature_id, "properties": properties, "geometry": geometry}


def line(*points: Any) -> dict[str, Any]:
    return {"type": "LineString", "coordinates": [list(point) for point in points]}


def refused(text: str, types: tuple[str, ...] = LINES) -> list[str]:
    with pytest.raises(ImportRefused) as error:
        features_from_geojson(text, types, 10, name_required)
    return error.value.problems


def test_a_good_file_gives_each_feature_its_place_id_properties_and_plain_geometry():
    text = collection(
        feature(" road-1 ", line((106.8, -6.2, 12.5), (106.9, -6.1)), name="Jl. Satu", lanes=4),
        {
            "type": "Feature",
            "properties": {"id": 7, "name": "Jl. Tujuh"},
            "geometry": {
                "type": "MultiLineString",
                "coordinates": [[[106, -6], [107, -7]], [[105.5, -6.5], [106, -6]]],
                "crs": "foreign member",
            },
        },
    )
    first, second = features_from_geojson(text, LINES, 10, name_required)
    assert (first.where, first.id, first.properties) == (
        "feature 1",
        "road-1",
        {"name": "Jl. Satu", "lanes": 4},
    )
    # The altitude goes; only the type and [lon, lat] floats are kept.
    assert first.geometry == {"type": "LineString", "coordinates": [[106.8, -6.2], [106.9, -6.1]]}
    assert (second.where, second.id) == ("feature 2", "7")
    assert second.geometry == {
        "type": "MultiLineString",
        "coordinates": [[[106.0, -6.0], [107.0, -7.0]], [[105.5, -6.5], [106.0, -6.0]]],
    }
    assert all(isinstance(value, float) for value in second.geometry["coordinates"][0][0])


def test_points_are_taken_only_where_the_importer_allows_them():
    point = {"type": "Point", "coordinates": [106.8, -6.2, 3]}
    (light,) = features_from_geojson(
        collection(feature("pju-1", point, name="PJU")), GEOMETRY_TYPES, 10, name_required
    )
    assert light.geometry == {"type": "Point", "coordinates": [106.8, -6.2]}
    assert refused(collection(feature("pju-1", point, name="PJU"))) == [
        "feature 1: geometry must be a LineString or MultiLineString"
    ]


def test_every_problem_of_the_file_is_named_by_its_feature():
    good = line((106.8, -6.2), (106.9, -6.1))
    problems = refused(
        collection(
            feature("ok", good, name="Jl. A"),
            "not a feature",
            {"type": "Feature", "id": "x", "properties": [], "geometry": good},
            feature(None, good, name="Jl. B"),
            feature("a-very-long-id", good, name="Jl. C"),
            feature("blank", good, name="  "),
            feature("number", good, name=7),
            feature("long-name", good, name="x" * 21),
            feature("polygon", {"type": "Polygon", "coordinates": []}, name="Jl. D"),
            feature("empty", {"type": "MultiLineString", "coordinates": []}, name="Jl. E"),
            feature("short", line((106.8, -6.2)), name="Jl. F"),
            feature("text", line((106.8, -6.2), ("106.9", -6.1)), name="Jl. G"),
            feature("bool", line((True, -6.2), (106.9, -6.1)), name="Jl. H"),
            feature("nan", line((106.8, float("nan")), (106.9, -6.1)), name="Jl. I"),
            feature("far", line((106.8, -6.2), (200, -6.1)), name="Jl. J"),
            feature("alone", {"type": "LineString", "coordinates": [[106.8], [106.9]]}, name="K"),
            feature("ok", good, name="Jl. Again"),
            feature(3, good),
        )
    )
    assert problems == [
        "feature 2: not a GeoJSON Feature",
        "feature 3: properties must be an object",
        "feature 4: id is missing",
        "feature 5: id is longer than 10 characters",
        "feature 6: name is missing",
        "feature 7: name must be text",
        "feature 8: name is longer than 20 characters",
        "feature 9: geometry must be a LineString or MultiLineString",
        "feature 10: geometry has no coordinates",
        "feature 11: a line needs at least two points",
        "feature 12: a point must be [longitude, latitude] numbers",
        "feature 13: a point must be [longitude, latitude] numbers",
        "feature 14: a point must be [longitude, latitude] numbers",
        "feature 15: point [200, -6.1] is outside longitude -180..180, latitude -90..90",
        "feature 16: a point must be [longitude, latitude]",
        "feature 17: id 'ok' is already used by feature 1",
        "feature 18: name is missing",
    ]


def test_a_feature_reports_each_of_its_problems():
    assert refused(collection(feature("x" * 11, line((106.8, 95.0), (106.9, -6.1))))) == [
        "feature 1: id is longer than 10 characters",
        "feature 1: name is missing",
        "feature 1: point [106.8, 95.0] is outside longitude -180..180, latitude -90..90",
    ]


@pytest.mark.parametrize(
    "text, problem",
    [
        ("{", "not GeoJSON: "),
        ('{"type": "Feature"}', "not a GeoJSON FeatureCollection"),
        ("[]", "not a GeoJSON FeatureCollection"),
        ('{"type": "FeatureCollection"}', "the FeatureCollection has no list of features"),
    ],
)
def test_a_document_that_is_not_a_feature_collection_is_refused(text, problem):
    (only,) = refused(text)
    assert only.startswith(problem)


def test_optional_text_may_be_absent_or_empty_but_not_anything_else():
    assert list(text_problems({}, "district", 5)) == []
    assert list(text_problems({"district": ""}, "district", 5)) == []
    assert list(text_problems({"district": " abcde "}, "district", 5)) == []
    assert list(text_problems({"district": "abcdef"}, "district", 5)) == [
        "district is longer than 5 characters"
    ]
    assert list(text_problems({"district": ["a"]}, "district", 5)) == ["district must be text"]


def test_bbox_is_min_lat_min_lon_max_lat_max_lon():
    assert bbox({"type": "Point", "coordinates": [106.8, -6.2]}) == (-6.2, 106.8, -6.2, 106.8)
    assert bbox(line((106.8, -6.2), (106.7, -6.1))) == (-6.2, 106.7, -6.1, 106.8)
    multi = {"type": "MultiLineString", "coordinates": [[[106, -6], [107, -7]], [[105, -5]]]}
    assert bbox(multi) == (-7, 105, -5, 107)


def test_a_file_is_read_without_its_byte_order_mark(tmp_path: Path):
    path = tmp_path / "roads.geojson"
    path.write_text(
        collection(feature("r", line((106.8, -6.2), (106.9, -6.1)), name="R")), "utf-8-sig"
    )
    (road,) = read_features(path, LINES, 10, name_required)
    assert road.id == "r"


def test_an_unreadable_file_is_refused_by_name(tmp_path: Path):
    path = tmp_path / "latin1.geojson"
    path.write_bytes(b"\xff\xfe\xfa")
    with pytest.raises(ImportRefused) as error:
        read_features(path, LINES, 10, name_required)
    (problem,) = error.value.problems
    assert problem.startswith("latin1.geojson: cannot be read (")


def test_the_command_error_counts_every_problem_and_shows_fifty():
    many = [f"feature {number}: id is missing" for number in range(1, 61)]
    message = refused_file_error("roads.geojson", many).message
    lines = message.splitlines()
    assert lines[0] == "roads.geojson: nothing imported, 60 problem(s):"
    assert lines[1:51] == many[:50]
    assert lines[51:] == ["... and 10 more"]


def test_the_command_error_adds_nothing_when_all_are_shown():
    error = refused_file_error("roads.geojson", ["feature 1: id is missing"])
    assert isinstance(error, click.ClickException)
    assert (
        error.message == "roads.geojson: nothing imported, 1 problem(s):\nfeature 1: id is missing"
    )
