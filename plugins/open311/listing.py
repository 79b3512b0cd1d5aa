"""GET Service Requests: public complaints in Open311's shape, a page of them in four queries
(the page, its photos, its latest public notes, and with extensions its public histories)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from flask import request
from flask_babel import gettext
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import lazyload

from core import db
from core.catalog import catalog
from core.complaints import visible_complaints
from core.geo import degrees_around
from core.models import OPEN_STATUSES, Complaint, ComplaintEvent
from core.types import ANONYMOUS
from plugins.open311.arguments import (
    comma_list,
    date_window,
    decimal,
    request_id_number,
    w3c_argument,
    whole_number,
)
from plugins.open311.formats import Open311Error, w3c_datetime
from plugins.open311.intake import ServiceNotices
from plugins.open311.models import FiledRequest
from plugins.open311.services import service_names
from plugins.open311.settings import open311_state
from plugins.open311.statuses import GEOREPORT_FILTER, GEOREPORT_STATUS

# GeoReport v2: at most 1000 requests an answer (also the pagination extension's page_size).
MAX_RESULTS = 1000
METRES_PER_DEGREE = 111_320
DEFAULT_RADIUS_M = 1000
MAX_RADIUS_M = 100_000

Row = Any  # (Complaint, FiledRequest.media_url, FiledRequest.address_id)


def public_complaints() -> Select[Any]:
    """What an anonymous visitor may see (the plugins' visibility, one query), and never a
    confidential complaint whatever a plugin grants."""
    return visible_complaints(ANONYMOUS).where(Complaint.public.is_(True))


def find_requests(values: Mapping[str, str], extensions: bool) -> list[Row]:
    """The page of public complaints the arguments ask for, newest first."""
    wanted = comma_list(values, "service_request_id")
    if wanted:
        # GeoReport v2: service_request_id overrides every other argument.
        found = (request_id_number(text) for text in wanted)
        ids = [number for number in found if number is not None][:MAX_RESULTS]
        query = public_complaints().where(Complaint.id.in_(ids))
        return _page(query, 1, MAX_RESULTS, extensions)
    query = _filtered(public_complaints(), values)
    page = whole_number(values, "page", 1, 1, 1_000_000)
    page_size = whole_number(values, "page_size", MAX_RESULTS, 1, MAX_RESULTS)
    return _page(query, page, page_size, extensions)


def find_request(complaint_id: int, extensions: bool) -> Row | None:
    rows = _page(public_complaints().where(Complaint.id == complaint_id), 1, 1, extensions)
    return rows[0] if rows else None


def _page(query: Select[Any], page: int, page_size: int, extensions: bool) -> list[Row]:
    query = (
        query.outerjoin(FiledRequest, FiledRequest.complaint_id == Complaint.id)
        .add_columns(FiledRequest.media_url, FiledRequest.address_id)
        # The agencies working beside the owner are not shown: not loaded.
        .options(lazyload(Complaint.involved))
        .order_by(Complaint.created_at.desc(), Complaint.id.desc())
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    return list(db.session().execute(query).all())


def _filtered(query: Select[Any], values: Mapping[str, str]) -> Select[Any]:
    timezone = open311_state().timezone
    start, end = date_window(values, timezone)
    query = query.where(Complaint.created_at.between(start, end))
    codes = comma_list(values, "service_code")
    if codes:
        query = query.where(Complaint.category_code.in_(codes))
    statuses = comma_list(values, "status")
    if statuses:
        unknown = [status for status in statuses if status not in GEOREPORT_FILTER]
        if unknown:
            raise Open311Error(400, gettext("status is open, closed or both (open,closed)."))
        query = query.where(
            Complaint.status.in_([ours for name in statuses for ours in GEOREPORT_FILTER[name]])
        )
    updated_after = w3c_argument(values, "updated_after", timezone)
    if updated_after is not None:
        query = query.where(Complaint.updated_at >= updated_after)
    updated_before = w3c_argument(values, "updated_before", timezone)
    if updated_before is not None:
        query = query.where(Complaint.updated_at <= updated_before)
    return _near(_in_box(query, values), values)


def _in_box(query: Select[Any], values: Mapping[str, str]) -> Select[Any]:
    """``bbox=min_long,min_lat,max_long,max_lat``."""
    parts = comma_list(values, "bbox")
    if not parts:
        return query
    try:
        min_lon, min_lat, max_lon, max_lat = (float(part) for part in parts)
    except ValueError as error:
        raise Open311Error(
            400, gettext("bbox is min_long,min_lat,max_long,max_lat in degrees.")
        ) from error
    return query.where(
        Complaint.lat.between(min_lat, max_lat), Complaint.lon.between(min_lon, max_lon)
    )


def _near(query: Select[Any], values: Mapping[str, str]) -> Select[Any]:
    """``lat`` and ``long`` with ``radius`` in metres (default 1000): a box on the (lat, lon)
    index first, then the distance, flat-Earth, which at a city's scale is within a metre."""
    lat = decimal(values, "lat", -90, 90)
    lon = decimal(values, "long", -180, 180)
    if lat is None and lon is None:
        return query
    if lat is None or lon is None:
        raise Open311Error(400, gettext("Send both lat and long."))
    radius = decimal(values, "radius", 1, MAX_RADIUS_M) or DEFAULT_RADIUS_M
    half_lat, half_lon = degrees_around((lat, lon), radius)
    north = (Complaint.lat - lat) * METRES_PER_DEGREE
    east = (Complaint.lon - lon) * (METRES_PER_DEGREE * math.cos(math.radians(lat)))
    return query.where(
        Complaint.lat.between(lat - half_lat, lat + half_lat),
        Complaint.lon.between(lon - half_lon, lon + half_lon),
        north * north + east * east <= radius * radius,
    )


# --- shape -----------------------------------------------------------------------------------


def shape_requests(rows: list[Row], extensions: bool) -> list[dict[str, Any]]:
    """Each complaint as GeoReport v2 shows a request; no personal data, ever."""
    ids = [row[0].id for row in rows]
    notes = _latest_public_notes(ids)
    histories = _public_histories(ids) if extensions else {}
    names = service_names()
    notices = ServiceNotices()
    agencies = catalog().agencies
    timezone = open311_state().timezone
    media_root = f"{request.url_root}media/"
    shaped = []
    for complaint, linked_media, address_id in rows:
        agency = agencies.get(complaint.agency_code)
        photos = [f"{media_root}{media.id}" for media in complaint.photos]
        is_open = complaint.status in OPEN_STATUSES
        item: dict[str, Any] = {
            "service_request_id": str(complaint.id),
            "status": GEOREPORT_STATUS.get(complaint.status, "open"),
            "status_notes": notes.get(complaint.id),
            "service_name": names.get(complaint.category_code, complaint.category_code),
            "service_code": complaint.category_code,
            "description": complaint.description or None,
            "agency_responsible": agency.name if agency else complaint.agency_code,
            "service_notice": notices.notice(complaint) if is_open else None,
            "requested_datetime": w3c_datetime(complaint.created_at, timezone),
            "updated_datetime": w3c_datetime(complaint.updated_at, timezone),
            "expected_datetime": w3c_datetime(complaint.expected_at, timezone),
            "address": complaint.address,
            "address_id": address_id,
            "zipcode": None,
            "lat": complaint.lat,
            "long": complaint.lon,
            "media_url": photos[0] if photos else linked_media,
        }
        if extensions:
            item["extended_attributes"] = {
                "attributes": complaint.attributes or {},
                "photos": photos,
                "notes": [
                    {
                        "datetime": w3c_datetime(complaint.created_at, timezone),
                        "status": "open",
                        "description": None,
                    },
                    *histories.get(complaint.id, []),
                ],
            }
        shaped.append(item)
    return shaped


def _latest_public_notes(ids: list[int]) -> dict[int, str]:
    """Each complaint's latest public note (a status change's reason, a public remark), in one
    query for the whole page."""
    if not ids:
        return {}
    latest = (
        select(func.max(ComplaintEvent.id))
        .where(
            ComplaintEvent.complaint_id.in_(ids),
            ComplaintEvent.public.is_(True),
            ComplaintEvent.note.is_not(None),
            ComplaintEvent.note != "",
        )
        .group_by(ComplaintEvent.complaint_id)
    )
    rows = db.session().execute(
        select(ComplaintEvent.complaint_id, ComplaintEvent.note).where(
            ComplaintEvent.id.in_(latest)
        )
    )
    return {complaint_id: note for complaint_id, note in rows if note}


def _public_histories(ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Each complaint's public history as Open311 notes, with the status each change left it
    in: its public events, and its status changes (their note only when public)."""
    if not ids:
        return {}
    rows = db.session().execute(
        select(
            ComplaintEvent.complaint_id,
            ComplaintEvent.at,
            ComplaintEvent.to_status,
            ComplaintEvent.note,
            ComplaintEvent.public,
        )
        .where(
            ComplaintEvent.complaint_id.in_(ids),
            or_(ComplaintEvent.public.is_(True), ComplaintEvent.to_status.is_not(None)),
        )
        .order_by(ComplaintEvent.complaint_id, ComplaintEvent.id)
    )
    timezone = open311_state().timezone
    histories: dict[int, list[dict[str, Any]]] = {}
    for complaint_id, at, to_status, note, public in rows:
        history = histories.setdefault(complaint_id, [])
        status = to_status or (history[-1]["status"] if history else "open")
        history.append(
            {
                "datetime": w3c_datetime(at, timezone),
                "status": GEOREPORT_STATUS.get(status, status),
                "description": (note or None) if public else None,
            }
        )
    return histories
