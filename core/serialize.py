"""Complaints and comments as plain dicts in the one shape the API, live feed and pages share."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from core.catalog import catalog
from core.models import Comment, Complaint, ComplaintEvent, Media


def photo_payload(media: Media) -> dict[str, Any]:
    return {
        "id": media.id,
        "url": f"/media/{media.id}",
        "thumbnail_url": f"/media/{media.id}/thumbnail",
        "width": media.width,
        "height": media.height,
        "content_type": media.content_type,
        "kind": media.kind,
        "captured_at": media.captured_at.isoformat() if media.captured_at else None,
    }


def event_payload(event: ComplaintEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "kind": event.kind,
        "at": event.at.isoformat(),
        "actor_role": event.actor_role,
        "actor_id": event.actor_id,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "from_agency": event.from_agency,
        "to_agency": event.to_agency,
        "from_unit": event.from_unit,
        "to_unit": event.to_unit,
        "note": event.note,
        "public": event.public,
    }


def complaint_payload(
    complaint: Complaint, personal: bool, history: list[ComplaintEvent] | None = None
) -> dict[str, Any]:
    """The complaint; ``personal`` adds the reporter, ``history`` the given events."""
    payload: dict[str, Any] = {
        "id": complaint.id,
        "category": complaint.category_code,
        "category_name": catalog().category_names(complaint.category_code),
        "description": complaint.description,
        "lat": complaint.lat,
        "lon": complaint.lon,
        "address": complaint.address,
        "status": complaint.status,
        "agency": complaint.agency_code,
        "unit": complaint.unit_code,
        "involved": [involvement.agency_code for involvement in complaint.involved],
        "routing": {
            "agency": complaint.routing_agency,
            "rule": complaint.routing_rule,
            "reason": complaint.routing_reason,
            "district": complaint.district,
        },
        "privacy": complaint.privacy,
        "public": complaint.public,
        "anonymous": complaint.anonymous,
        "sla": {
            "acknowledge_due_at": _iso(complaint.acknowledge_due_at),
            "expected_at": _iso(complaint.expected_at),
            "paused": complaint.sla_paused_at is not None,
            "overdue": complaint.overdue,
        },
        "reopen_count": complaint.reopen_count,
        "rating": complaint.rating,
        "votes": complaint.vote_count,
        "merged_into": complaint.merged_into_id,
        "attributes": complaint.attributes,
        "asset_id": complaint.asset_id,
        "photos": [photo_payload(media) for media in complaint.photos],
        "created_at": complaint.created_at.isoformat(),
        "updated_at": complaint.updated_at.isoformat(),
    }
    if personal:
        payload["reporter"] = {
            "user_id": complaint.reporter_id,
            "name": complaint.contact_name,
            "email": complaint.contact_email,
            "phone": complaint.contact_phone,
        }
    if history is not None:
        payload["history"] = [creation_payload(complaint, personal)]
        payload["history"] += [event_payload(event) for event in history]
    return payload


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def creation_payload(complaint: Complaint, personal: bool) -> dict[str, Any]:
    """The first entry of every history, read off the complaint row itself."""
    return {
        "id": None,
        "kind": "created",
        "at": complaint.created_at.isoformat(),
        "actor_role": complaint.reporter_role,
        "actor_id": complaint.reporter_id if personal else None,
        "from_status": None,
        "to_status": "open",
        "from_agency": None,
        "to_agency": complaint.routing_agency,
        "from_unit": None,
        "to_unit": None,
        "note": None,
        "public": True,
    }


def public_payload(
    complaint: Complaint, history: list[ComplaintEvent] | None = None
) -> dict[str, Any]:
    """What anyone may see: no reporter, no internal notes, no staff identities."""
    payload = complaint_payload(complaint, personal=False)
    if history is not None:
        payload["history"] = [creation_payload(complaint, personal=False)]
        payload["history"] += [
            _public_event(event) for event in history if event.public or event.kind != "note"
        ]
    return payload


def _public_event(event: ComplaintEvent) -> dict[str, Any]:
    shown = event_payload(event)
    shown["actor_id"] = None
    if not event.public:
        shown["note"] = None
    return shown


# Shown for an author whose account has no display name: never their email.
ROLE_LABELS = {
    "resident": "A resident",
    "officer": "A field officer",
    "staff": "Agency staff",
    "head": "An agency head",
    "admin": "A city administrator",
}


def comment_payload(comment: Comment, can_hide: bool) -> dict[str, Any]:
    """A comment of the public discussion; ``can_hide``: whether the viewer may take it down."""
    return {
        "id": comment.id,
        "complaint_id": comment.complaint_id,
        "body": comment.body,
        "author": comment.author.display_name or ROLE_LABELS.get(comment.author_role, "Someone"),
        "author_role": comment.author_role,
        "created_at": comment.created_at.isoformat(),
        "can_hide": can_hide,
    }
