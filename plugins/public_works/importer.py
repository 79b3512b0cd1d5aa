"""Import the city's assets from GeoJSON: every feature checked first, then one transaction."""

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
from core.geo import geometry_lines
from plugins.public_works.models import KINDS, CityAsset

GEOMETRY_TYPES = ("Point", "LineString", "MultiLineString")
MAX_ID = 80
MAX_NAME = 200
MAX_DISTRICT = 60
MAX_PROBLEMS_SHOWN = 50


class AssetImportError(Exception):
    """The file was refused; ``problems`` names every one, each with its feature."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class AssetRow:
    """One checked asset of an import file; ``geometry`` is its GeoJSON geometry."""

    where: str
    id: str
    kind: str
    name: str
    geometry: dict[str, Any]
    district: str | None = None

    def bbox(self) -> tuple[float, float, float, float]:
        """(min_lat, min_lon, max_lat, max_lon)."""
        points = [point for line in geometry_lines(self.geometry) for point in line]
        lats = [point[0] for point in points]
        lons = [point[1] for point in points]
        return min(lats), min(lons), max(lats), max(lons)


def read_asset_file(path: Path, kind: str | None = None) -> list[AssetRow]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise AssetImportError([f"{path.name}: cannot be read ({error})"]) from error
    return asset_rows_from_geojson(text, kind)


def asset_rows_from_geojson(text: str, kind: str | None = None) -> list[AssetRow]:
    """The assets of a GeoJSON FeatureCollection of Points, LineStrings or MultiLineStrings,
    each with an ``id`` (the feature's or its properties'), a ``kind`` (its properties', else
    ``kind``), and optionally a ``name`` (else its id) and a ``district`` code ("feature N"
    counts from 1). Raises ``AssetImportError`` listing every problem of the file."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise AssetImportError([f"not GeoJSON: {error}"]) from error
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise AssetImportError(["not a GeoJSON FeatureCollection"])
    features = document.get("features")
    if not isinstance(features, list):
        raise AssetImportError(["the FeatureCollection has no list of features"])
    rows: list[AssetRow] = []
    problems: list[str] = []
    seen: dict[str, str] = {}
    for number, feature in enumerate(features, start=1):
        where = f"feature {number}"
        found = list(_feature_problems(feature, kind))
        if found:
            problems.extend(f"{where}: {problem}" for problem in found)
            continue
        row = _row(where, feature, kind)
        if row.id in seen:
            problems.append(f"{where}: id {row.id!r} is already used by {seen[row.id]}")
            continue
        seen[row.id] = where
        rows.append(row)
    if problems:
        raise AssetImportError(problems)
    return rows


def _feature_id(feature: dict[str, Any]) -> Any:
    properties = feature.get("properties") or {}
    found = feature.get("id", properties.get("id"))
    return str(found) if isinstance(found, int) and not isinstance(found, bool) else found


def _feature_problems(feature: Any, kind: str | None) -> Iterable[str]:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        yield "not a GeoJSON Feature"
        return
    properties = feature.get("properties")
    if properties is not None and not isinstance(properties, dict):
        yield "properties must be an object"
        return
    properties = properties or {}
    asset_id = _feature_id(feature)
    if not isinstance(asset_id, str) or not asset_id.strip():
        yield "id is missing"
    elif len(asset_id.strip()) > MAX_ID:
        yield f"id is longer than {MAX_ID} characters"
    feature_kind = properties.get("kind") or kind
    if feature_kind is None:
        yield "kind is missing (give it in the properties or with --kind)"
    elif feature_kind not in KINDS:
        yield f"kind {feature_kind!r} is not one of {', '.join(KINDS)}"
    yield from _text_problems(properties, "name", MAX_NAME)
    yield from _text_problems(properties, "district", MAX_DISTRICT)
    yield from _geometry_problems(feature.get("geometry"))


def _text_problems(properties: dict[str, Any], key: str, longest: int) -> Iterable[str]:
    value = properties.get(key)
    if value is None:
        return
    if not isinstance(value, str):
        yield f"{key} must be text"
    elif len(value.strip()) > longest:
        yield f"{key} is longer than {longest} characters"


def _geometry_problems(geometry: Any) -> Iterable[str]:
    if not isinstance(geometry, dict) or geometry.get("type") not in GEOMETRY_TYPES:
        yield "geometry must be a Point, LineString or MultiLineString"
        return
    kind, coordinates = geometry["type"], geometry.get("coordinates")
    if kind == "Point":
        problem = _point_problem(coordinates)
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
            problem = _point_problem(point)
            if problem:
                yield problem
                return


def _point_problem(point: Any) -> str | None:
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


def _row(where: str, feature: dict[str, Any], kind: str | None) -> AssetRow:
    properties = feature.get("properties") or {}
    geometry = feature["geometry"]
    asset_id = str(_feature_id(feature)).strip()
    district = (properties.get("district") or "").strip()
    return AssetRow(
        where=where,
        id=asset_id,
        kind=str(properties.get("kind") or kind),
        name=(properties.get("name") or "").strip() or asset_id,
        # Only the type and the [lon, lat] pairs are kept: altitudes and foreign members go.
        geometry={
            "type": geometry["type"],
            "coordinates": _plain(geometry["type"], geometry["coordinates"]),
        },
        district=district or None,
    )


def _plain(kind: str, coordinates: list[Any]) -> list[Any]:
    def point(position: list[Any]) -> list[float]:
        return [float(position[0]), float(position[1])]

    if kind == "Point":
        return point(coordinates)
    if kind == "LineString":
        return [point(position) for position in coordinates]
    return [[point(position) for position in line] for line in coordinates]


def upsert_assets(session: Session, rows: Sequence[AssetRow]) -> tuple[int, int]:
    """Add the new assets and update the known ones by id; flushed, not committed.
    Returns (added, updated)."""
    ids = [row.id for row in rows]
    existing = {
        asset.id: asset for asset in session.scalars(select(CityAsset).where(CityAsset.id.in_(ids)))
    }
    added = updated = 0
    for row in rows:
        asset = existing.get(row.id)
        if asset is None:
            asset = CityAsset(id=row.id)
            session.add(asset)
            added += 1
        else:
            updated += 1
        asset.kind = row.kind
        asset.name = row.name
        asset.district = row.district
        asset.geometry = json.dumps(row.geometry, separators=(",", ":"))
        asset.min_lat, asset.min_lon, asset.max_lat, asset.max_lon = row.bbox()
    session.flush()
    return added, updated


@click.command("assets")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--kind",
    type=click.Choice(KINDS),
    help="The kind of the features whose properties name none.",
)
@with_appcontext
def import_assets_command(file: Path, kind: str | None) -> None:
    """Import streetlights, drains and bridges (a GeoJSON FeatureCollection of Points,
    LineStrings or MultiLineStrings, each with an id, a kind unless --kind gives it, and
    optionally a name and a district); an asset already known by its id is updated."""
    session = db.session()
    try:
        added, updated = upsert_assets(session, read_asset_file(file, kind))
    except AssetImportError as error:
        session.rollback()
        shown = error.problems[:MAX_PROBLEMS_SHOWN]
        more = len(error.problems) - len(shown)
        lines = [*shown, *([f"... and {more} more"] if more else [])]
        raise click.ClickException(
            f"{file.name}: nothing imported, {len(error.problems)} problem(s):\n" + "\n".join(lines)
        ) from error
    session.commit()
    click.echo(f"{file.name}: {added} asset(s) added, {updated} updated")
