"""The sanitation plugin's web surface: the hot-spot API and the staff page that maps it."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import flask
from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_smorest import Blueprint
from werkzeug.wrappers import Response

from core.auth import current_actor, require_roles
from core.catalog import catalog
from core.errors import ApiError
from core.schemas import ErrorSchema
from core.types import Actor
from plugins.sanitation.agency import CATEGORY_CODES
from plugins.sanitation.hotspots import (
    Grid,
    HotSpot,
    Window,
    days_window,
    hot_spots,
    iso_week,
    monday_of,
    week_window,
)
from plugins.sanitation.schemas import HotSpotArgsSchema, HotSpotsSchema
from plugins.sanitation.settings import sanitation_state

api = Blueprint("sanitation", __name__, description="Garbage hot spots for Dinas Lingkungan Hidup.")
# Pages: the blueprint name "sanitation" is the API's, so this one names its prefix itself.
pages = flask.Blueprint(
    "sanitation_pages",
    __name__,
    url_prefix="/sanitation",
    template_folder="templates",
    static_folder="static",
)


# --- who may look ----------------------------------------------------------------------------


def owning_agencies() -> set[str]:
    """The agencies that own the sanitation categories (Dinas Lingkungan Hidup)."""
    categories = catalog().categories
    return {categories[code].agency for code in CATEGORY_CODES if code in categories}


def may_see_hot_spots(actor: Actor) -> bool:
    """Admins, and the staff and heads of the agency that owns the sanitation categories."""
    if actor.role == "admin":
        return True
    return actor.role in ("staff", "head") and actor.agency in owning_agencies()


def _owners_names() -> str:
    agencies = catalog().agencies
    return ", ".join(sorted(agencies[code].name for code in owning_agencies() if code in agencies))


# --- the API ---------------------------------------------------------------------------------


@api.get("/hot-spots")
@api.arguments(HotSpotArgsSchema, location="query", as_kwargs=True)
@api.response(200, HotSpotsSchema)
@api.alt_response(400, schema=ErrorSchema, description="Not a week, or a week and days.")
@api.alt_response(403, schema=ErrorSchema, description="Not the sanitation agency's staff.")
@api.doc(security=[{"bearer": []}])
@require_roles("staff", "head", "admin")
def list_hot_spots(limit: int, week: str | None = None, days: int | None = None) -> dict[str, Any]:
    """The areas with repeated garbage complaints in a week (default: the current one, in the
    city's time zone) or in the last ``days`` days, most complaints first.

    An area is the most specific district a complaint was routed in, or, for complaints in no
    known district, a square of about ``cell_size_m`` metres. An area is listed from
    ``min_complaints`` complaints (``[sanitation] hot_spot_min_complaints``), rejected ones
    not counted, with its count in the window before for the change. For the staff and heads
    of the agency owning the sanitation categories, and admins.
    """
    actor = current_actor()
    if not may_see_hot_spots(actor):
        raise ApiError(
            403,
            "forbidden",
            "Hot spots are for the staff and heads of %(agencies)s, and admins.",
            agencies=_owners_names(),
        )
    state = sanitation_state()
    now = state.now()
    window = days_window(days, now) if days else week_window(week, now, state.timezone)
    settings = state.settings
    grid = Grid.at(state.reference_lat, settings.hot_spot_cell_m)
    found = hot_spots(actor, window, CATEGORY_CODES, settings.hot_spot_min_complaints, grid, limit)
    return {
        "window": _window_payload(window, state.timezone.key),
        "categories": list(CATEGORY_CODES),
        "min_complaints": settings.hot_spot_min_complaints,
        "cell_size_m": grid.side_m,
        "hot_spots": [_hot_spot_payload(spot, state.timezone) for spot in found],
    }


def _window_payload(window: Window, timezone: str) -> dict[str, Any]:
    return {
        "week": window.week,
        "days": window.days,
        "since": window.since,
        "until": window.until,
        "previous_since": window.previous_since,
        "timezone": timezone,
    }


def _hot_spot_payload(spot: HotSpot, timezone: ZoneInfo) -> dict[str, Any]:
    bounds = spot.area.bounds
    return {
        "rank": spot.rank,
        "area": {
            "kind": spot.area.kind,
            "code": spot.area.code,
            "name": spot.area.name,
            "bounds": [[round(lat, 6), round(lon, 6)] for lat, lon in bounds] if bounds else None,
        },
        "count": spot.count,
        "previous_count": spot.previous_count,
        "change": spot.change,
        "lat": round(spot.lat, 6),
        "lon": round(spot.lon, 6),
        "latest_at": spot.latest_at.astimezone(timezone),
    }


# --- the staff page --------------------------------------------------------------------------


@pages.get("/hot-spots")
def hot_spots_page() -> str | Response:
    """The hot spots of a week on a map and in a ranked table; the page's script asks the API."""
    actor = current_actor()
    if actor.is_anonymous:
        return redirect(url_for("web.login", next=request.path))
    if not may_see_hot_spots(actor):
        abort(
            403,
            gettext(
                "Hot spots are for the staff and heads of %(agencies)s, and admins.",
                agencies=_owners_names(),
            ),
        )
    state = sanitation_state()
    today = state.now().date()
    chosen = request.args.get("week") or iso_week(today)
    try:
        monday_of(chosen)
    except ValueError:
        abort(400, gettext("Not a week of the calendar; write it as 2026-W48."))
    return render_template(
        "sanitation/hot_spots.html",
        week=chosen,
        current_week=iso_week(today),
        min_complaints=state.settings.hot_spot_min_complaints,
        cell_size_m=round(state.settings.hot_spot_cell_m),
        timezone=state.timezone.key,
    )
