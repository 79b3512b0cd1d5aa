"""The public works plugin's web surface: the flood API and the /floods page that maps it."""

from __future__ import annotations

from typing import Any

import flask
from flask import render_template
from flask_smorest import Blueprint

from core.auth import current_actor
from core.schemas import ErrorSchema
from plugins.public_works.floods import flood_payload, flood_window, recent_floods
from plugins.public_works.schemas import FloodArgsSchema, FloodsSchema
from plugins.public_works.settings import public_works_state

api = Blueprint("public_works", __name__, description="Dinas PU: flood reports.")
# The page sits at the site's top level, /floods, for everyone; the blueprint name
# "public_works" is the API's, so this one has a name of its own.
pages = flask.Blueprint(
    "public_works_pages",
    __name__,
    url_prefix="/floods",
    template_folder="templates",
    static_folder="static",
)


@api.get("/floods")
@api.arguments(FloodArgsSchema, location="query", as_kwargs=True)
@api.response(200, FloodsSchema)
@api.alt_response(400, schema=ErrorSchema, description="hours is not a whole number from 1 to 72.")
def list_floods(hours: int | None = None) -> dict[str, Any]:
    """The flood reports of the last ``hours`` hours that the caller may see (the public ones
    for the public), newest first, not rejected and not merged into another: each with its
    point and the water's depth its reporter gave (``depth_cm``, null when not given)."""
    state = public_works_state()
    window = flood_window(hours or state.settings.flood_hours, state.now())
    return {
        "window": {
            "hours": window.hours,
            "since": window.since.isoformat(),
            "until": window.until.isoformat(),
        },
        "floods": [flood_payload(flood) for flood in recent_floods(current_actor(), window)],
    }


@pages.get("")
def floods_page() -> str:
    """The flood reports as a heat map and a list, live; the page's script asks the API."""
    return render_template(
        "public_works/floods.html", hours=public_works_state().settings.flood_hours
    )
