"""Import district polygons from GeoJSON or CSV-WKT: all checked first, then one transaction."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

import click
import shapely
from flask.cli import with_appcontext
from shapely.errors import GEOSException
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import db
from core.geojson import ImportRefused
from core.models import utcnow
from plugins.routing.models import LEVELS, District

CSV_HEADER = ["code", "name", "level", "parent", "wkt"]
GEOMETRY_TYPES = ("Polygon", "MultiPolygon")
# A coarser level has a smaller rank: a parent's rank must be below its child's.
_RANK = {level: rank for rank, level in enumerate(LEVELS)}
_CHUNK = 500

Progress = Callable[[int, int], None]


class DistrictImportError(ImportRefused):
    """The file was refused; ``problems`` names every one, each with its feature or line."""


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int

    @property
    def total(self) -> int:
        return self.added + self.updated


@dataclass
class DistrictFeature:
    """One district as read from the file, before it is checked."""

    label: str
    code: str
    name: str
    level: str
    parent: str | None
    geometry: shapely.Geometry | None
    problems: list[str]

    @property
    def where(self) -> str:
        return f"{self.label} (code {self.code!r})" if self.code else self.label


def import_districts(
    session: Session, path: Path | str, progress: Progress | None = None
) -> ImportResult:
    """Add or update every district of a GeoJSON FeatureCollection or a CSV with WKT polygons.

    Nothing is written unless the whole file is valid: a ``DistrictImportError``
    lists every problem found. The rows are added and flushed, not committed:
    the caller commits, so the import is one transaction with whatever else it does.
    ``progress(done, total)`` is called as the districts are written.
    """
    features = read_district_file(Path(path))
    known_levels = dict(session.execute(select(District.code, District.level)).all())
    problems = _problems(features, known_levels)
    if problems:
        raise DistrictImportError(problems)
    return _save(session, features, set(known_levels), progress or _no_progress)


def load_demo_districts(session: Session) -> ImportResult:
    """The demo city's districts (Jakarta's five cities and some of their kecamatan)."""
    demo = resources.files("config").joinpath("demo/districts.geojson")
    with resources.as_file(demo) as path:
        return import_districts(session, path)


def read_district_file(path: Path) -> list[DistrictFeature]:
    """The file's districts, each carrying the problems found in it alone."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise DistrictImportError([f"{path.name}: cannot be read ({error})"]) from error
    if path.suffix.lower() == ".csv":
        return list(_read_csv(path.name, text))
    if path.suffix.lower() in (".geojson", ".json"):
        return list(_read_geojson(path.name, text))
    raise DistrictImportError([f"{path.name}: expected a .geojson, .json or .csv file"])


def _read_geojson(filename: str, text: str) -> Iterator[DistrictFeature]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise DistrictImportError([f"{filename}: not valid JSON ({error})"]) from error
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise DistrictImportError([f"{filename}: not a GeoJSON FeatureCollection"])
    if not isinstance(document.get("features"), list):
        raise DistrictImportError([f"{filename}: the FeatureCollection has no features list"])
    for number, feature in enumerate(document["features"], start=1):
        label = f"feature {number}"
        if not isinstance(feature, dict) or not isinstance(feature.get("properties"), dict):
            yield DistrictFeature(label, "", "", "", None, None, ["not a Feature with properties"])
            continue
        properties = feature["properties"]
        geometry, problems = _geojson_geometry(feature.get("geometry"))
        yield _feature(label, properties, properties.get("parent"), geometry, problems)


def _geojson_geometry(geometry: Any) -> tuple[shapely.Geometry | None, list[str]]:
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    if kind not in GEOMETRY_TYPES:
        return None, [f"geometry must be a Polygon or MultiPolygon, not {kind or 'missing'}"]
    try:
        return shapely.from_geojson(json.dumps(geometry)), []
    except GEOSException as error:
        return None, [f"unreadable geometry ({error})"]


def _read_csv(filename: str, text: str) -> Iterator[DistrictFeature]:
    reader = csv.DictReader(text.splitlines())
    if reader.fieldnames != CSV_HEADER:
        raise DistrictImportError(
            [f"{filename}: the header must be {','.join(CSV_HEADER)}, not {reader.fieldnames}"]
        )
    for row in reader:
        geometry, problems = _wkt_geometry(row["wkt"] or "")
        yield _feature(f"line {reader.line_num}", row, row["parent"] or None, geometry, problems)


def _wkt_geometry(wkt: str) -> tuple[shapely.Geometry | None, list[str]]:
    try:
        geometry = shapely.from_wkt(wkt) if wkt.strip() else None
    except GEOSException as error:
        return None, [f"unreadable WKT ({error})"]
    if geometry is None or geometry.geom_type not in GEOMETRY_TYPES:
        kind = geometry.geom_type if geometry is not None else "missing"
        return None, [f"geometry must be a Polygon or MultiPolygon, not {kind}"]
    return geometry, []


def _feature(
    label: str,
    properties: dict[str, Any],
    parent: Any,
    geometry: shapely.Geometry | None,
    problems: list[str],
) -> DistrictFeature:
    code, name, level = (properties.get(key) for key in ("code", "name", "level"))
    problems = [*problems]
    if not isinstance(code, str) or not code.strip() or len(code) > 60:
        problems.append("code must be a text of 1 to 60 characters")
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        problems.append("name must be a text of 1 to 200 characters")
    if level not in LEVELS:
        problems.append(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    if parent is not None and not isinstance(parent, str):
        problems.append("parent must be a district code")
    if geometry is not None:
        problems.extend(_geometry_problems(geometry))
    return DistrictFeature(
        label,
        code.strip() if isinstance(code, str) else "",
        name.strip() if isinstance(name, str) else "",
        level if isinstance(level, str) else "",
        parent.strip() or None if isinstance(parent, str) else None,
        geometry,
        problems,
    )


def _geometry_problems(geometry: shapely.Geometry) -> list[str]:
    if geometry.is_empty:
        return ["the geometry is empty"]
    problems = []
    if not shapely.is_valid(geometry):
        problems.append(f"invalid geometry: {shapely.is_valid_reason(geometry)}")
    min_lon, min_lat, max_lon, max_lat = geometry.bounds
    if min_lon < -180 or max_lon > 180 or min_lat < -90 or max_lat > 90:
        problems.append("coordinates are outside lon/lat range (GeoJSON order is lon, lat)")
    return problems


def _problems(features: list[DistrictFeature], known_levels: dict[str, str]) -> list[str]:
    """Every problem of the file, those between features (duplicates, parents) included."""
    first_seen: dict[str, str] = {}
    for feature in features:
        if feature.code in first_seen:
            feature.problems.append(
                f"code {feature.code!r} is already used by {first_seen[feature.code]}"
            )
        elif feature.code:
            first_seen[feature.code] = feature.label
    levels = {**known_levels, **{feature.code: feature.level for feature in features}}
    for feature in features:
        if feature.parent is not None:
            feature.problems.extend(_parent_problems(feature, levels))
    return [f"{feature.where}: {problem}" for feature in features for problem in feature.problems]


def _parent_problems(feature: DistrictFeature, levels: dict[str, str]) -> list[str]:
    parent_level = levels.get(feature.parent or "")
    if parent_level is None:
        return [f"parent {feature.parent!r} is neither in the file nor in the database"]
    if feature.level in _RANK and _RANK.get(parent_level, len(LEVELS)) >= _RANK[feature.level]:
        return [
            f"parent {feature.parent!r} is a {parent_level}, not coarser than a {feature.level}"
        ]
    return []


def _save(
    session: Session, features: list[DistrictFeature], known: set[str], progress: Progress
) -> ImportResult:
    # Parents first, so each row's foreign key finds its parent already written.
    ordered = sorted(features, key=lambda feature: _RANK[feature.level])
    now = utcnow()
    added = updated = 0
    for start in range(0, len(ordered), _CHUNK):
        chunk = ordered[start : start + _CHUNK]
        existing = _existing(session, [feature.code for feature in chunk if feature.code in known])
        for feature in chunk:
            district = existing.get(feature.code)
            if district is None:
                district = District(code=feature.code)
                session.add(district)
                added += 1
            else:
                updated += 1
            _fill(district, feature, now)
        session.flush()
        progress(start + len(chunk), len(ordered))
    return ImportResult(added=added, updated=updated)


def _existing(session: Session, codes: list[str]) -> dict[str, District]:
    if not codes:
        return {}
    districts = session.scalars(select(District).where(District.code.in_(codes)))
    return {district.code: district for district in districts}


def _fill(district: District, feature: DistrictFeature, now: datetime) -> None:
    assert feature.geometry is not None  # checked: a feature without one was refused
    min_lon, min_lat, max_lon, max_lat = feature.geometry.bounds
    district.name = feature.name
    district.level = feature.level
    district.parent_code = feature.parent
    district.geometry = shapely.to_wkb(feature.geometry)
    district.min_lon, district.min_lat = min_lon, min_lat
    district.max_lon, district.max_lat = max_lon, max_lat
    district.updated_at = now


def _no_progress(done: int, total: int) -> None:
    return None


@click.command("districts")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_districts_command(file: Path) -> None:
    """Import district polygons (GeoJSON FeatureCollection, or CSV code,name,level,parent,wkt)."""
    session = db.session()
    try:
        with click.progressbar(length=0, label=f"importing {file.name}") as bar:

            def advance(done: int, total: int) -> None:
                bar.length = total
                bar.update(done - bar.pos)

            result = import_districts(session, file, advance)
        session.commit()
    except DistrictImportError as error:
        session.rollback()
        click.echo(f"no districts imported: {len(error.problems)} problem(s)", err=True)
        for problem in error.problems:
            click.echo(f"  {problem}", err=True)
        click.get_current_context().exit(1)
    click.echo(
        f"imported {result.total} districts ({result.added} added, {result.updated} updated)"
    )
