"""Exports of a filtered complaint list as CSV and as GeoJSON (RFC 7946), without personal data."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import Row, Select, func, select

from core import db
from core.complaints import filtered_complaints
from core.errors import ApiError
from core.models import Complaint
from core.types import Actor

DEFAULT_MAX_ROWS = 10_000
BATCH_SIZE = 500

# Only these columns are ever read: no reporter, contact or address can leak into an export.
EXPORTED = {
    "id": Complaint.id,
    "category": Complaint.category_code,
    "status": Complaint.status,
    "agency": Complaint.agency_code,
    "district": Complaint.district,
    "created_at": Complaint.created_at,
    "updated_at": Complaint.updated_at,
    "acknowledged_at": Complaint.acknowledged_at,
    "resolved_at": Complaint.resolved_at,
    "expected_at": Complaint.expected_at,
    "description": Complaint.description,
}
CSV_HEADER = (*EXPORTED, "lat", "lon")
# A cell starting with one of these is a formula to a spreadsheet (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def export_max_rows() -> int:
    """``routing.export_max_rows``: the most complaints one export holds."""
    routing = current_app.config["SMARTCITY"].get("routing", {})
    return int(routing.get("export_max_rows", DEFAULT_MAX_ROWS))


def exported_complaints(actor: Actor, filters: dict[str, Any], max_rows: int) -> Iterator[Row]:
    """The complaints ``actor`` may see that match the list ``filters``, oldest first.

    An export is whole or refused: more than ``max_rows`` matches is a 400
    naming the count, checked before the first byte is sent. Rows arrive in
    batches up to the newest id matching now, so rows added meanwhile do not
    stretch it.
    """
    query = filtered_complaints(actor, filters).with_only_columns(
        *(column.label(name) for name, column in EXPORTED.items()), Complaint.lat, Complaint.lon
    )
    matching, newest_id = (
        db.session().execute(select(func.count(), func.max(query.subquery().c.id))).one()
    )
    if matching > max_rows:
        raise ApiError(
            400,
            "too_many_rows",
            "%(matching)s complaints match; an export holds at most %(most)s. "
            "Narrow it with since, bbox, status, agency or category.",
            matching=matching,
            most=max_rows,
        )
    return _in_batches(query, newest_id or 0)


def _in_batches(query: Select, newest_id: int) -> Iterator[Row]:
    after_id = 0
    while True:
        batch = list(
            db.session().execute(
                query.where(Complaint.id > after_id, Complaint.id <= newest_id)
                .order_by(Complaint.id)
                .limit(BATCH_SIZE)
            )
        )
        yield from batch
        if len(batch) < BATCH_SIZE:
            return
        after_id = batch[-1].id


def csv_chunks(rows: Iterator[Row]) -> Iterator[str]:
    """RFC 4180 CSV: a header row, then one row per complaint, a chunk per hundred rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    for count, row in enumerate(rows, start=1):
        properties = _properties(row)
        properties["description"] = _spreadsheet_safe(properties["description"])
        writer.writerow([*(_cell(value) for value in properties.values()), row.lat, row.lon])
        if count % 100 == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def geojson_chunks(rows: Iterator[Row]) -> Iterator[str]:
    """An RFC 7946 FeatureCollection of Points, [longitude, latitude], a chunk per feature."""
    yield '{"type": "FeatureCollection", "features": ['
    separator = ""
    for row in rows:
        feature = {
            "type": "Feature",
            "id": row.id,
            "geometry": {"type": "Point", "coordinates": [row.lon, row.lat]},
            "properties": _properties(row),
        }
        yield separator + json.dumps(feature, ensure_ascii=False, default=_iso)
        separator = ", "
    yield "]}\n"


def _properties(row: Row) -> dict[str, Any]:
    return {name: getattr(row, name) for name in EXPORTED}


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    return _iso(value) if isinstance(value, datetime) else value


def _iso(value: datetime) -> str:
    return value.isoformat()


def _spreadsheet_safe(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
