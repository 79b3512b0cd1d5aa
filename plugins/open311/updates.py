"""mySociety's service request updates: the public changes of public complaints, and updates an
agency's own system posts to the agency's complaints (once per update id)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from flask_babel import gettext
from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError

from core import db
from core.changes import update_complaint
from core.models import Complaint, ComplaintEvent
from plugins.open311.arguments import argument, date_window, request_id_number, w3c_argument
from plugins.open311.formats import Open311Error, w3c_datetime
from plugins.open311.keys import system_actor
from plugins.open311.linking import written_with
from plugins.open311.listing import MAX_RESULTS, public_complaints
from plugins.open311.models import ApiKey, ReceivedUpdate
from plugins.open311.settings import open311_state
from plugins.open311.statuses import DUPLICATE, RECEIVED_STATUS, UPDATE_STATUS, received_status

MAX_UPDATE_ID = 100
MAX_DESCRIPTION = 4000


# --- GET -------------------------------------------------------------------------------------


def list_updates(values: Mapping[str, str]) -> list[dict[str, Any]]:
    """The public changes of public complaints between ``start_date`` and ``end_date`` (at most
    90 days; the last 90 by default), oldest first, at most 1000: a client follows on from the
    last ``updated_datetime`` it saw."""
    timezone = open311_state().timezone
    start, end = date_window(values, timezone)
    visible = public_complaints().whereclause
    query = (
        select(ComplaintEvent)
        .join(Complaint, Complaint.id == ComplaintEvent.complaint_id)
        .where(
            ComplaintEvent.at.between(start, end),
            # Every status change (its note only when public), and every public note.
            or_(
                ComplaintEvent.to_status.is_not(None),
                and_(ComplaintEvent.public.is_(True), ComplaintEvent.note.is_not(None)),
            ),
        )
        .order_by(ComplaintEvent.at, ComplaintEvent.id)
        .limit(MAX_RESULTS)
    )
    if visible is not None:
        query = query.where(visible)
    events = list(db.session().scalars(query))
    statuses = _statuses_after(events)
    media = _received_media([event.id for event in events])
    return [
        {
            "update_id": str(event.id),
            "service_request_id": str(event.complaint_id),
            "status": statuses[event.id],
            "updated_datetime": w3c_datetime(event.at, timezone),
            "description": (event.note or None) if event.public else None,
            "media_url": media.get(event.id),
        }
        for event in events
    ]


def _statuses_after(events: list[ComplaintEvent]) -> dict[int, str]:
    """The status (mySociety's word) each event left its complaint in: a note keeps the status
    of the change before it, read in one query of the complaints' status changes."""
    if not events:
        return {}
    rows = db.session().execute(
        select(ComplaintEvent.id, ComplaintEvent.complaint_id, ComplaintEvent.to_status)
        .where(
            ComplaintEvent.complaint_id.in_({event.complaint_id for event in events}),
            ComplaintEvent.to_status.is_not(None),
            ComplaintEvent.id <= max(event.id for event in events),
        )
        .order_by(ComplaintEvent.id)
    )
    change_ids: dict[int, list[int]] = {}
    change_statuses: dict[int, list[str]] = {}
    for change_id, complaint_id, to_status in rows:
        if to_status:
            change_ids.setdefault(complaint_id, []).append(change_id)
            change_statuses.setdefault(complaint_id, []).append(to_status)
    statuses = {}
    for event in events:
        if event.kind == "merged" and event.to_status:
            statuses[event.id] = DUPLICATE
            continue
        done = bisect_right(change_ids.get(event.complaint_id, []), event.id)
        status = change_statuses[event.complaint_id][done - 1] if done else "open"
        statuses[event.id] = UPDATE_STATUS.get(status, "OPEN")
    return statuses


def _received_media(event_ids: list[int]) -> dict[int, str]:
    """The media links agencies' systems sent with their updates."""
    if not event_ids:
        return {}
    rows = db.session().execute(
        select(ReceivedUpdate.event_id, ReceivedUpdate.media_url).where(
            ReceivedUpdate.event_id.in_(event_ids), ReceivedUpdate.media_url.is_not(None)
        )
    )
    return {event_id: media_url for event_id, media_url in rows if media_url}


# --- POST ------------------------------------------------------------------------------------


def receive_update(key: ApiKey, values: Mapping[str, str]) -> int:
    """Apply an agency system's update to one of the agency's complaints, as that system, with
    its description as a public note; returns our update id (the history event's). An update
    id the key sent before changes nothing and answers what it answered then."""
    if key.agency_code is None or key.user_id is None:
        raise Open311Error(403, gettext("This api_key may not post updates: it has no agency."))
    update_id = _required(values, "update_id")
    if len(update_id) > MAX_UPDATE_ID:
        raise Open311Error(
            400,
            gettext("update_id is longer than %(limit)s characters.", limit=MAX_UPDATE_ID),
        )
    earlier = _earlier(key, update_id)
    if earlier is not None:
        return earlier
    complaint = _agency_complaint(key, _required(values, "service_request_id"))
    status = _required(values, "status").upper()
    if status not in RECEIVED_STATUS:
        raise Open311Error(
            400,
            gettext("status must be one of %(statuses)s.", statuses=", ".join(RECEIVED_STATUS)),
        )
    w3c_argument(values, "updated_datetime", open311_state().timezone)
    note = argument(values, "description")
    if note is not None and len(note) > MAX_DESCRIPTION:
        raise Open311Error(
            400,
            gettext("description is longer than %(limit)s characters.", limit=MAX_DESCRIPTION),
        )
    received = ReceivedUpdate(
        api_key_id=key.id,
        update_id=update_id,
        complaint_id=complaint.id,
        media_url=_media_url(values),
    )
    target = received_status(status, complaint.status)
    try:
        with written_with(received, "event", ComplaintEvent):
            event = update_complaint(complaint, system_actor(key), target, note, True)
    except IntegrityError:
        # The same update, posted twice at once: the first one stands.
        db.session().rollback()
        replayed = _earlier(key, update_id)
        if replayed is None:
            raise
        return replayed
    return event.id


def _required(values: Mapping[str, str], name: str) -> str:
    value = argument(values, name)
    if value is None:
        raise Open311Error(400, gettext("%(name)s is required.", name=name))
    return value


def _earlier(key: ApiKey, update_id: str) -> int | None:
    return db.session().scalar(
        select(ReceivedUpdate.event_id).where(
            ReceivedUpdate.api_key_id == key.id, ReceivedUpdate.update_id == update_id
        )
    )


def _agency_complaint(key: ApiKey, service_request_id: str) -> Complaint:
    wanted = request_id_number(service_request_id)
    complaint = db.session().get(Complaint, wanted) if wanted is not None else None
    if complaint is None:
        raise Open311Error(
            404,
            gettext("No service request %(id)s.", id=service_request_id),
        )
    if complaint.agency_code != key.agency_code:
        raise Open311Error(
            403,
            gettext("This api_key may update only its agency's service requests."),
        )
    return complaint


def _media_url(values: Mapping[str, str]) -> str | None:
    url = argument(values, "media_url")
    if url is None:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 1000:
        raise Open311Error(400, gettext("media_url must be an http or https URL."))
    return url
