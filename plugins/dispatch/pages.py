"""The field officer's phone page: duty, position sharing, offers, and the job at hand."""

from __future__ import annotations

import flask
from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from core.auth import current_actor

pages = flask.Blueprint(
    "dispatch_pages",
    __name__,
    url_prefix="/officer",
    template_folder="templates",
    static_folder="static",
)


@pages.get("")
def officer_page() -> str | Response:
    """Officers only: a visitor signs in first; anyone else is told whose page it is."""
    actor = current_actor()
    if actor.is_anonymous:
        return redirect(url_for("web.login", next=request.path))
    if actor.role != "officer":
        abort(
            403,
            gettext("This page is for field officers: it takes dispatch offers on their phones."),
        )
    return render_template("dispatch/officer.html")
