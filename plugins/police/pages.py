"""The incident map: the police's open complaints on a map, live, for police staff only."""

from __future__ import annotations

import flask
from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from core.auth import current_actor
from core.types import Actor
from plugins.police.agency import AGENCY

pages = flask.Blueprint(
    "police",
    __name__,
    url_prefix="/police",
    template_folder="templates",
    static_folder="static",
)


def sees_incident_map(actor: Actor) -> bool:
    """The police's staff and heads, and the city's admins (field officers have their phones)."""
    return actor.role == "admin" or (actor.agency == AGENCY and actor.role in ("staff", "head"))


@pages.get("/incidents")
def incident_map() -> str | Response:
    actor = current_actor()
    if actor.is_anonymous:
        return redirect(url_for("web.login", next=request.path))
    if not sees_incident_map(actor):
        abort(403, gettext("The incident map is for police staff, heads and admins."))
    return render_template("police/incidents.html", agency=AGENCY)
