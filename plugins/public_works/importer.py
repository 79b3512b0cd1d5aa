"""Import the city's assets from GeoJSON: every feature checked first, then one transaction."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import db
from core.geojson import (
    GEOMETRY_TYPES,
    Feature,
    ImportRefused,
    bbox,
    features_from_geojson,
    read_features,
    refused_file_error,
    text_problems,
)
from plugins.public_works.models import KINDS, CityAsset

MAX_ID = 80
MAX_NAME = 200
MAX_DISTRICT = 60


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
        return bbox(self.geometry)


def read_asset_file(path: Path, kind: str | None = None) -> list[AssetRow]:
    features = read_features(path, GEOMETRY_TYPES, MAX_ID, partial(_problems, kind=kind))
    return [_row(feature, kind) for feature in features]


def asset_rows_from_geojson(text: str, kind: str | None = None) -> list[AssetRow]:
    """The assets of a GeoJSON FeatureCollection of Points, LineStrings or MultiLineStrings,
    each with an ``id`` (the feature's or its properties'), a ``kind`` (its properties', else
    ``kind``), and optionally a ``name`` (else its id) and a ``district`` code ("feature N"
    counts from 1). Raises ``ImportRefused`` listing every problem of the file."""
    features = features_from_geojson(text, GEOMETRY_TYPES, MAX_ID, partial(_problems, kind=kind))
    return [_row(feature, kind) for feature in features]


def _problems(properties: dict[str, Any], kind: str | None) -> Iterable[str]:
    feature_kind = properties.get("kind") or kind
    if feature_kind is None:
        yield "kind is missing (give it in the properties or with --kind)"
    elif feature_kind not in KINDS:
        yield f"kind {feature_kind!r} is not one of {', '.join(KINDS)}"
    yield from text_problems(properties, "name", MAX_NAME)
    yield from text_problems(properties, "district", MAX_DISTRICT)


def _row(feature: Feature, kind: str | None) -> AssetRow:
    properties = feature.properties
    district = (properties.get("district") or "").strip()
    return AssetRow(
        where=feature.where,
        id=feature.id,
        kind=str(properties.get("kind") or kind),
        name=(properties.get("name") or "").strip() or feature.id,
        geometry=feature.geometry,
        district=district or None,
    )


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
    except ImportRefused as error:
        session.rollback()
        raise refused_file_error(file.name, error.problems) from error
    session.commit()
    click.echo(f"{file.name}: {added} asset(s) added, {updated} updated")
