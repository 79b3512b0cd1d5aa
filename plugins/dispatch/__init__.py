"""Dispatch: field officers' duty and positions, the nearest free ones, and the chain of offers
that sends one of them to a complaint."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, Flask
from sqlalchemy import select

from core import db, hookimpl
from core.catalog import catalog
from core.models import Complaint, ComplaintEvent
from core.types import SYSTEM, Actor, NavLink
from plugins.dispatch.state import EXTENSION, build_state


@hookimpl
def register_migrations() -> list[str]:
    return [str(Path(__file__).parent / "migrations")]


@hookimpl
def register_blueprints() -> list[Blueprint]:
    from plugins.dispatch.pages import pages
    from plugins.dispatch.views import api

    return [api, pages]


@hookimpl
def register_translations() -> list[str]:
    return [str(Path(__file__).parent / "translations")]


@hookimpl
def register_nav_links() -> list[NavLink]:
    return [NavLink("My work", "/officer", roles=("officer",))]


@hookimpl
def register_live_events() -> dict[str, Any]:
    from plugins.dispatch.socket_events import LIVE_EVENTS

    return LIVE_EVENTS


@hookimpl
def app_started(app: Flask) -> None:
    app.extensions[EXTENSION] = build_state(app)


@hookimpl
def server_started(app: Flask) -> None:
    from plugins.dispatch.watch import start_watch

    start_watch(app)


@hookimpl
def live_rooms(actor: Actor) -> list[str]:
    if actor.role == "officer" and actor.user_id is not None:
        return [f"officer:{actor.user_id}"]
    return []


@hookimpl
def complaint_created(complaint: Complaint) -> None:
    """Urgent categories (police emergencies) go to the nearest free officer at once."""
    from plugins.dispatch.offers import dispatch_complaint

    category = catalog().categories.get(complaint.category_code)
    if category is not None and category.urgent:
        dispatch_complaint(complaint, SYSTEM)


@hookimpl
def complaint_status_changed(complaint: Complaint, event: ComplaintEvent) -> None:
    from plugins.dispatch.offers import ENDED_STATUSES, release

    if complaint.status in ENDED_STATUSES:
        release(complaint, "finished", event.at)


@hookimpl
def complaint_forwarded(complaint: Complaint, event: ComplaintEvent, old_agency: str) -> None:
    from plugins.dispatch.offers import release

    if complaint.agency_code != old_agency:
        release(complaint, "withdrawn", event.at)


@hookimpl
def complaint_api_extra(complaint: Complaint, actor: Actor) -> dict[str, Any] | None:
    """Who is sent, for the owning agency's people (the console's complaint panel)."""
    from plugins.dispatch.models import Assignment, Offer
    from plugins.dispatch.offers import assignment_payload

    if actor.role != "admin" and actor.agency != complaint.agency_code:
        return None
    session = db.session()
    assignment = session.get(Assignment, complaint.id)
    if assignment is None:
        return {"assignment": None}
    open_offer = session.scalar(
        select(Offer).where(Offer.complaint_id == complaint.id, Offer.answer.is_(None))
    )
    return {"assignment": assignment_payload(assignment, open_offer)}
