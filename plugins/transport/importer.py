"""Import road segments from GeoJSON: every feature checked first, then one transaction."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import db
from plugins.transport.models import RoadSegment

LINE_TYPES = ("LineString", "MultiLineString")
MAX_ID = 60
MAX_NAME = 200
MAX_PROBLEMS_SHOWN = 50


class SegmentImportError(Exception):
    """The file was refused; ``problems`` names every one, each with its feature."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class SegmentRow:
    """One checked segment of an import file; ``geometry`` is its GeoJSON geometry."""

    where: str
    id: str
    name: str
    geometry: dict[str, Any]

    def lines(self) -> list[list[list[float]]]:
        coordinates = self.geometry["coordinates"]
        return [coordinates] if self.geometry["type"] == "LineString" else list(coordinates)

    def bbox(self) -> tuple[float, float, float, float]:
        """(min_lat, min_lon, max_lat, max_lon)."""
        points = [point for line in self.lines() for point in line]
        lons = [point[0] for point in points]
        lats = [point[1] for point in points]
        return min(lats), min(lons), max(lats), max(lons)


def read_segment_file(path: Path) -> list[SegmentRow]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise SegmentImportError([f"{path.name}: cannot be read ({error})"]) from error
    return segment_rows_from_geojson(text)


def segment_rows_from_geojson(text: str) -> list[SegmentRow]:
    """The segments of a GeoJSON FeatureCollection of LineStrings or MultiLineStrings, each
    with an ``id`` (the feature's or its properties') and a ``name`` ("feature N" counts from
    1). Raises ``SegmentImportError`` listing every problem of the file."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise SegmentImportError([f"not GeoJSON: {error}"]) from error
    features = document.get("features") if isinstance(document, dict) else None
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise SegmentImportError(["not a GeoJSON FeatureCollection"])
    if not isinstance(features, list):
        raise SegmentImportError(["the FeatureCollection has no list of features"])
    rows: list[SegmentRow] = []
    problems: list[str] = []
    seen: dict[str, str] = {}
    for number, feature in enumerate(features, start=1):
        where = f"feature {number}"
        found = list(_feature_problems(feature))
        if found:
            problems.extend(f"{where}: {problem}" for problem in found)
            continue
        row = _row(where, feature)
        if row.id in seen:
            problems.append(f"{where}: id {row.id!r} is already used by {seen[row.id]}")
            continue
        seen[row.id] = where
        rows.append(row)
    if problems:
        raise SegmentImportError(problems)
    return rows


def _feature_id(feature: dict[str, Any]) -> Any:
    properties = feature.get("properties") or {}
    return feature.get("id", properties.get("id") if isinstance(properties, dict) else None)


def _feature_problems(feature: Any) -> Iterable[str]:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        yield "not a GeoJSON Feature"
        return
    properties = feature.get("properties")
    if properties is not None and not isinstance(properties, dict):
        yield "properties must be an object"
        return
    segment_id = _feature_id(feature)
    if isinstance(segment_id, int) and not isinstance(segment_id, bool):
        segment_id = str(segment_id)
    if not isinstance(segment_id, str) or not segment_id.strip():
        yield "id is missing"
    elif len(segment_id.strip()) > MAX_ID:
        yield f"id is longer than {MAX_ID} characters"
    name = (properties or {}).get("name")
    if not isinstance(name, str) or not name.strip():
        yield "name is missing"
    elif len(name.strip()) > MAX_NAME:
        yield f"name is longer than {MAX_NAME} characters"
    yield from _geometry_problems(feature.get("geometry"))


def _geometry_problems(geometry: Any) -> Iterable[str]:
    if not isinstance(geometry, dict) or geometry.get("type") not in LINE_TYPES:
        yield "geometry must be a LineString or MultiLineString"
        return
    coordinates = geometry.get("coordinates")
    lines = [coordinates] if geometry["type"] == "LineString" else coordinates
    if not isinstance(lines, list) or not lines:
        yield "geometry has no coordinates"
        return
    for line in lines:
        if not isinstance(line, list) or len(line) < 2:
            yield "a line needs at least two points"
            return
        for point in line:
            problem = _point_problem(point)
            if problem:
                yield problem
                return


def _point_problem(point: Any) -> str | None:
    if not isinstance(point, list) or len(point) < 2:
        return "a point must be [longitude, latitude]"
    lon, lat = point[0], point[1]
    numbers = [value for value in (lon, lat) if isinstance(value, int | float)]
    if len(numbers) < 2 or any(
        isinstance(value, bool) or not math.isfinite(value) for value in numbers
    ):
        return "a point must be [longitude, latitude] numbers"
    if not -180 <= lon <= 180 or not -90 <= lat <= 90:
        return f"point [{lon}, {lat}] is outside longitude -180..180, latitude -90..90"
    return None


def _row(where: str, feature: dict[str, Any]) -> SegmentRow:
    geometry = feature["geometry"]
    return SegmentRow(
        where=where,
        id=str(_feature_id(feature)).strip(),
        name=feature["properties"]["name"].strip(),
        # Only the type and the [lon, lat] pairs are kept: altitudes and foreign members go.
        geometry={
            "type": geometry["type"],
            "coordinates": _plain(geometry["type"], geometry["coordinates"]),
        },
    )


def _plain(kind: str, coordinates: list[Any]) -> list[Any]:
    def line(points: list[Any]) -> list[list[float]]:
        return [[float(point[0]), float(point[1])] for point in points]

    return line(coordinates) if kind == "LineString" else [line(each) for each in coordinates]


def upsert_segments(session: Session, rows: Sequence[SegmentRow]) -> tuple[int, int]:
    """Add the new segments and update the known ones by id (their status is kept); flushed,
    not committed. Returns (added, updated)."""
    ids = [row.id for row in rows]
    existing = {
        segment.id: segment
        for segment in session.scalars(select(RoadSegment).where(RoadSegment.id.in_(ids)))
    }
    added = updated = 0
    for row in rows:
        segment = existing.get(row.id)
        if segment is None:
            segment = RoadSegment(id=row.id)
            session.add(segment)
            added += 1
        else:
            updated += 1
        segment.name = row.name
        segment.geometry = json.dumps(row.geometry, separators=(",", ":"))
        segment.min_lat, segment.min_lon, segment.max_lat, segment.max_lon = row.bbox()
    session.flush()
    return added, updated


@click.command("segments")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_segments_command(file: Path) -> None:
    """Import road segments (a GeoJSON FeatureCollection of LineStrings or MultiLineStrings,
    each with an id and a name); a segment already known by its id is updated."""
    session = db.session()
    try:
        added, updated = upsert_segments(session, read_segment_file(file))
    except SegmentImportError as error:
        session.rollback()
        shown = error.problems[:MAX_PROBLEMS_SHOWN]
        more = len(error.problems) - len(shown)
        lines = [*shown, *([f"... and {more} more"] if more else [])]
        raise click.ClickException(
            f"{file.name}: nothing imported, {len(error.problems)} problem(s):\n" + "\n".join(lines)
        ) from error
    session.commit()
    click.echo(f"{file.name}: {added} segment(s) added, {updated} updated")
