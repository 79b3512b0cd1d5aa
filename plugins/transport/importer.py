"""Import road segments from GeoJSON: every feature checked first, then one transaction."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import db
from core.geojson import (
    Feature,
    ImportRefused,
    bbox,
    features_from_geojson,
    read_features,
    refused_file_error,
    text_problems,
)
from plugins.transport.models import RoadSegment

LINE_TYPES = ("LineString", "MultiLineString")
MAX_ID = 60
MAX_NAME = 200


@dataclass(frozen=True)
class SegmentRow:
    """One checked segment of an import file; ``geometry`` is its GeoJSON geometry."""

    where: str
    id: str
    name: str
    geometry: dict[str, Any]

    def bbox(self) -> tuple[float, float, float, float]:
        """(min_lat, min_lon, max_lat, max_lon)."""
        return bbox(self.geometry)


def read_segment_file(path: Path) -> list[SegmentRow]:
    return [_row(feature) for feature in read_features(path, LINE_TYPES, MAX_ID, _problems)]


def segment_rows_from_geojson(text: str) -> list[SegmentRow]:
    """The segments of a GeoJSON FeatureCollection of LineStrings or MultiLineStrings, each
    with an ``id`` (the feature's or its properties') and a ``name`` ("feature N" counts from
    1). Raises ``ImportRefused`` listing every problem of the file."""
    features = features_from_geojson(text, LINE_TYPES, MAX_ID, _problems)
    return [_row(feature) for feature in features]


def _problems(properties: dict[str, Any]) -> Iterable[str]:
    return text_problems(properties, "name", MAX_NAME, required=True)


def _row(feature: Feature) -> SegmentRow:
    return SegmentRow(
        where=feature.where,
        id=feature.id,
        name=feature.properties["name"].strip(),
        geometry=feature.geometry,
    )


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
    except ImportRefused as error:
        session.rollback()
        raise refused_file_error(file.name, error.problems) from error
    session.commit()
    click.echo(f"{file.name}: {added} segment(s) added, {updated} updated")
