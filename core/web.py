"""The web shell: pages rendered by Jinja, sign-in with a session, front-end libraries served."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import xstatic.pkg.leaflet
from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from flask_babel import gettext
from werkzeug.wrappers import Response

from core import auth, db
from core.auth import current_actor
from core.i18n import LANGUAGES, current_language, script_messages
from core.plugins import hooks

blueprint = Blueprint("web", __name__)

# Front-end libraries: Leaflet from its XStatic package on PyPI (installed with smartcity), the
# rest installed by npm from package-lock.json; each served from one folder under /vendor/.
NODE_MODULES = Path(__file__).resolve().parent.parent / "node_modules"
VENDOR_FOLDERS = {
    "leaflet/dist": Path(xstatic.pkg.leaflet.BASE_DIR),
    "leaflet.markercluster/dist": NODE_MODULES / "leaflet.markercluster" / "dist",
    "leaflet.heat/dist": NODE_MODULES / "leaflet.heat" / "dist",
    "socket.io-client/dist": NODE_MODULES / "socket.io-client" / "dist",
}


def init_app(app: Flask) -> None:
    app.register_blueprint(blueprint)
    app.context_processor(_page_context)
    # App-wide, so plugins' pages get the same policy as core's.
    app.after_request(_content_security_policy)


def map_settings() -> dict[str, Any]:
    """What the pages' maps need from config, handed to their scripts as JSON."""
    settings = current_app.config["SMARTCITY"]
    return {
        "tile_url": settings["map_tile_url"],
        "tile_attribution": settings["map_tile_attribution"],
        "center": list(settings["map_center"]),
        "zoom": settings["map_zoom"],
    }


def _page_context() -> dict[str, Any]:
    actor = current_actor()
    return {
        "actor": actor,
        "api_token": session.get(auth.SESSION_TOKEN_KEY) if not actor.is_anonymous else None,
        "csrf_token": _csrf_token(),
        "page_settings": {"map": map_settings(), "messages": script_messages()},
        "language": current_language(),
        "languages": LANGUAGES,
        "plugin_nav_links": [link for link in hooks().register_nav_links() if link.shown_to(actor)],
    }


def _tile_source(tile_url: str) -> str:
    """The CSP source of the tile server: its origin, with ``{s}`` subdomains as a wildcard."""
    parts = urlsplit(tile_url)
    if not parts.netloc:
        return "'self'"
    host = parts.netloc.replace("{s}", "*")
    if "{" in host:  # a placeholder CSP cannot express: allow any server of that scheme
        return f"{parts.scheme or 'https'}:"
    return f"{parts.scheme}://{host}" if parts.scheme else host


def _content_security_policy(response: Response) -> Response:
    """Pages run only their own scripts: an API value that slips into markup cannot execute."""
    if response.mimetype == "text/html":
        tiles = _tile_source(map_settings()["tile_url"])
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'; "
            "form-action 'self'; frame-ancestors 'self'; "
            f"img-src 'self' data: blob: {tiles}; style-src 'self'; "
            f"connect-src 'self' ws://{request.host} wss://{request.host}",
        )
    return response


def _csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(24)
    return str(session["csrf"])


def _check_csrf() -> None:
    sent = request.form.get("csrf_token", "")
    if not sent or not secrets.compare_digest(sent, session.get("csrf", "")):
        abort(400, "The form expired; reload the page and try again.")


@blueprint.get("/vendor/<path:filename>")
def vendor(filename: str) -> Response:
    for prefix, folder in VENDOR_FOLDERS.items():
        if filename.startswith(prefix + "/"):
            return send_from_directory(folder, filename.removeprefix(prefix + "/"), max_age=86400)
    abort(404)


@blueprint.get("/")
def index() -> str:
    return render_template("index.html")


@blueprint.get("/report")
def report() -> str:
    return render_template("report.html")


@blueprint.get("/complaints/<int:complaint_id>")
def complaint(complaint_id: int) -> str:
    return render_template("complaint.html", complaint_id=complaint_id)


@blueprint.get("/console")
def console() -> str | Response:
    actor = current_actor()
    if actor.is_anonymous:
        return redirect(url_for("web.login", next=request.path))
    if not actor.is_staff:
        abort(403, gettext("The console is for agency staff, heads and admins."))
    panels = [panel for panel in hooks().register_console_panels() if panel.shown_to(actor)]
    return render_template("console.html", panels=panels)


@blueprint.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int]:
    if request.method == "GET":
        return render_template("login.html", error=None)
    _check_csrf()
    user = auth.authenticate(request.form.get("email", ""), request.form.get("password", ""))
    if user is None:
        return render_template("login.html", error=gettext("Wrong email or password.")), 401
    token = auth.issue_token(user)
    db.session().commit()
    session.clear()
    session.permanent = True
    session[auth.SESSION_TOKEN_KEY] = token
    target = request.args.get("next", "")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("web.console") if user.role in ("staff", "head", "admin") else "/"
    return redirect(target)


@blueprint.post("/logout")
def logout() -> Response:
    _check_csrf()
    token = session.get(auth.SESSION_TOKEN_KEY)
    if token:
        auth.revoke_token(token)
        db.session().commit()
    session.clear()
    return redirect(url_for("web.index"))
