"""Reading a GeoJSON FeatureCollection to import: every feature checked, all of it or nothing.

A plugin's importer says which geometry types it takes and checks its own properties; this
module checks the rest (the document, each feature's id, geometry and [longitude, latitude]
points, ids used twice), names every problem by its place ("feature N: ...", counting from 1),
and keeps only plain coordinates.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

# Points, lines and lists of lines: what can be made plain and measured here.
GEOMETRY_TYPES = ("Point", "LineString", "MultiLineString")
MAX_PROBLEMS_SHOWN = 50

PropertyCheck = Callable[[dict[str, Any]], Iterable[str]]


class ImportRefused(Exception):
    """The file was refused as a whole; ``problems`` names every one, each with its place."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Feature:
    """One checked feature: ``where`` is its place ("feature N"), ``id`` its stripped id (the
    feature's, else its properties'), ``geometry`` its type and plain [lon, lat] coordinates."""

    where: str
    id: str
    properties: dict[str, Any]
    geometry: dict[str, Any]


def read_features(
    path: Path,
    geometry_types: Sequence[str],
    longest_id: int,
    check_properties: PropertyCheck,
) -> list[Feature]:
    """The checked features of the file at ``path`` (a UTF-8 byte-order mark is dropped); as
    ``features_from_geojson``, and ``ImportRefused`` too when the file cannot be read."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise ImportRefused([f"{path.name}: cannot be read ({error})"]) from error
    return features_from_geojson(text, geometry_types, longest_id, check_properties)


def features_from_geojson(
    text: str,
    geometry_types: Sequence[str],
    longest_id: int,
    check_properties: PropertyCheck,
) -> list[Feature]:
    """The features of a GeoJSON FeatureCollection, each of one of ``geometry_types`` (some of
    ``GEOMETRY_TYPES``) with an id of at most ``longest_id`` characters, used once.
    ``check_properties(properties)`` yields the problems of the plugin's own properties.
    Raises ``ImportRefused`` listing every problem of the file."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportRefused([f"not GeoJSON: {error}"]) from error
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise ImportRefused(["not a GeoJSON FeatureCollection"])
    if not isinstance(document.get("features"), list):
        raise ImportRefused(["the FeatureCollection has no list of features"])
    features: list[Feature] = []
    problems: list[str] = []
    seen: dict[str, str] = {}
    for number, feature in enumerate(document["features"], start=1):
        where = f"feature {number}"
        found = list(_feature_problems(feature, geometry_types, longest_id, check_properties))
        if found:
            problems.extend(f"{where}: {problem}" for problem in found)
            continue
        checked = _checked_feature(where, feature)
        if checked.id in seen:
            problems.append(f"{where}: id {checked.id!r} is already used by {seen[checked.id]}")
            continue
        seen[checked.id] = where
        features.append(checked)
    if problems:
        raise ImportRefused(problems)
    return features


def text_problems(
    properties: dict[str, Any], key: str, longest: int, required: bool = False
) -> Iterable[str]:
    """The problems of the text property ``key``: missing (when ``required``; blank counts as
    missing), not text, or longer than ``longest`` characters once stripped."""
    value = properties.get(key)
    if value is None or (required and isinstance(value, str) and not value.strip()):
        if required:
            yield f"{key} is missing"
        return
    if not isinstance(value, str):
        yield f"{key} must be text"
    elif len(value.strip()) > longest:
        yield f"{key} is longer than {longest} characters"


def geometry_problems(geometry: Any, geometry_types: Sequence[str]) -> Iterable[str]:
    """The problems of a GeoJSON geometry that must be one of ``geometry_types``: its type, a
    line of fewer than two points, the first bad point of each kind."""
    if not isinstance(geometry, dict) or geometry.get("type") not in geometry_types:
        yield f"geometry must be a {_one_of(geometry_types)}"
        return
    kind, coordinates = geometry["type"], geometry.get("coordinates")
    if kind == "Point":
        problem = point_problem(coordinates)
        if problem:
            yield problem
        return
    lines = [coordinates] if kind == "LineString" else coordinates
    if not isinstance(lines, list) or not lines:
        yield "geometry has no coordinates"
        return
    for line in lines:
        if not isinstance(line, list) or len(line) < 2:
            yield "a line needs at least two points"
            return
        for point in line:
            problem = point_problem(point)
            if problem:
                yield problem
                return


def point_problem(point: Any) -> str | None:
    """What is wrong with a GeoJSON position, or None: it must be [longitude, latitude] finite
    numbers within range (an altitude may follow)."""
    if not isinstance(point, list) or len(point) < 2:
        return "a point must be [longitude, latitude]"
    lon, lat = point[0], point[1]
    if any(
        isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value)
        for value in (lon, lat)
    ):
        return "a point must be [longitude, latitude] numbers"
    if not -180 <= lon <= 180 or not -90 <= lat <= 90:
        return f"point [{lon}, {lat}] is outside longitude -180..180, latitude -90..90"
    return None


def plain_geometry(geometry: dict[str, Any]) -> dict[str, Any]:
    """A checked Point, LineString or MultiLineString with only its type and [lon, lat] floats:
    altitudes and foreign members go."""
    kind, coordinates = geometry["type"], geometry["coordinates"]

    def point(position: list[Any]) -> list[float]:
        return [float(position[0]), float(position[1])]

    if kind == "Point":
        plain: list[Any] = point(coordinates)
    elif kind == "LineString":
        plain = [point(position) for position in coordinates]
    else:
        plain = [[point(position) for position in line] for line in coordinates]
    return {"type": kind, "coordinates": plain}


def bbox(geometry: dict[str, Any]) -> tuple[float, float, float, float]:
    """(min_lat, min_lon, max_lat, max_lon) of a Point, LineString or MultiLineString."""
    kind, coordinates = geometry["type"], geometry["coordinates"]
    lines = {"Point": [[coordinates]], "LineString": [coordinates]}.get(kind, coordinates)
    lons = [position[0] for line in lines for position in line]
    lats = [position[1] for line in lines for position in line]
    return min(lats), min(lons), max(lats), max(lons)


def refused_file_error(filename: str, problems: Sequence[str]) -> click.ClickException:
    """The error a command raises for a refused file: how many problems, the first
    ``MAX_PROBLEMS_SHOWN`` of them, and how many more there are."""
    shown = list(problems[:MAX_PROBLEMS_SHOWN])
    more = len(problems) - len(shown)
    lines = [*shown, *([f"... and {more} more"] if more else [])]
    return click.ClickException(
        f"{filename}: nothing imported, {len(problems)} problem(s):\n" + "\n".join(lines)
    )


def _feature_problems(
    feature: Any, geometry_types: Sequence[str], longest_id: int, check_properties: PropertyCheck
) -> Iterable[str]:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        yield "not a GeoJSON Feature"
        return
    properties = feature.get("properties")
    if properties is not None and not isinstance(properties, dict):
        yield "properties must be an object"
        return
    feature_id = _feature_id(feature)
    if not isinstance(feature_id, str) or not feature_id.strip():
        yield "id is missing"
    elif len(feature_id.strip()) > longest_id:
        yield f"id is longer than {longest_id} characters"
    yield from check_properties(properties or {})
    yield from geometry_problems(feature.get("geometry"), geometry_types)


def _feature_id(feature: dict[str, Any]) -> Any:
    properties = feature.get("properties") or {}
    found = feature.get("id", properties.get("id"))
    return str(found) if isinstance(found, int) and not isinstance(found, bool) else found


def _checked_feature(where: str, feature: dict[str, Any]) -> Feature:
    return Feature(
        where=where,
        id=str(_feature_id(feature)).strip(),
        properties=feature.get("properties") or {},
        geometry=plain_geometry(feature["geometry"]),
    )


def _one_of(types: Sequence[str]) -> str:
    return types[0] if len(types) == 1 else f"{', '.join(types[:-1])} or {types[-1]}"
