"""Every hook a plugin can implement: the plugin authors' manual.

Call hooks with keywords only. Specs may gain arguments over time, never lose
or rename one, so an implementation may accept any subset of the arguments.
A plugin is a module (or package) with functions marked ``@core.hookimpl``,
declared under the ``smartcity.plugins`` entry-point group in its
distribution's metadata; the entry name is the plugin's name, its blueprint
name and its config section.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core import hookspec

if TYPE_CHECKING:
    from collections.abc import Callable

    import click
    from flask import Blueprint, Flask
    from sqlalchemy import ColumnElement
    from sqlalchemy.orm import Session

    from core.models import Complaint, ComplaintEvent
    from core.types import (
        Actor,
        AgencySpec,
        Asset,
        CameraSighting,
        CategorySpec,
        ComplaintDraft,
        ConsolePanel,
        NavLink,
        RoutingDecision,
        RoutingRule,
    )


# --- start-up --------------------------------------------------------------------------------


@hookspec
def register_agencies() -> list[AgencySpec]:
    """Contribute the agencies this plugin brings.

    Every plugin's list is combined; an agency code must be unique across
    plugins (a duplicate stops the start-up). Agencies are synced into the
    database by ``smartcity db upgrade`` and at server start.

    Returns: a list of ``core.types.AgencySpec``.

    Example::

        @hookimpl
        def register_agencies():
            return [AgencySpec(code="dlh", name="Dinas Lingkungan Hidup")]
    """


@hookspec
def register_categories() -> list[CategorySpec]:
    """Contribute complaint categories, each owned by an agency.

    Every plugin's list is combined; a category code must be unique and its
    ``agency`` must be registered by some plugin.

    Returns: a list of ``core.types.CategorySpec``.

    Example::

        @hookimpl
        def register_categories():
            return [CategorySpec(code="garbage", agency="dlh",
                                 name_id="Sampah menumpuk", name_en="Garbage pile")]
    """


@hookspec
def register_routing_rules() -> list[RoutingRule]:
    """Contribute routing rules: which agency gets which complaints, where and when.

    Every plugin's rules are combined with the operator's rules from config
    (``[[routing.rules]]``) and evaluated by the routing plugin in a defined
    order: ``priority`` (highest first), then specificity, then name. A rule
    name must be unique; prefix it with the plugin's name.

    Returns: a list of ``core.types.RoutingRule``.

    Example::

        @hookimpl
        def register_routing_rules():
            return [RoutingRule(name="transport.traffic-lights", agency="dishub",
                                categories=("traffic_light",))]
    """


@hookspec
def register_blueprints() -> list[Blueprint]:
    """Contribute Flask blueprints.

    A ``flask_smorest.Blueprint`` is mounted under ``/api/v1/<blueprint name>``
    and appears in the OpenAPI document; a plain ``flask.Blueprint`` is
    mounted under ``/<blueprint name>`` (pages) unless it sets its own
    ``url_prefix``.

    Returns: a list of blueprints.

    Example::

        @hookimpl
        def register_blueprints():
            from myplugin.views import api
            return [api]
    """


@hookspec
def register_nav_links() -> list[NavLink]:
    """Add links to the plugin's pages to every page's navigation.

    Returns: a list of ``core.types.NavLink`` (label, path, the roles it is
    shown to, and optionally the agencies whose people see it besides the
    city's admins; empty: everyone), shown after core's own links.

    Example::

        @hookimpl
        def register_nav_links():
            return [NavLink("Cameras", "/cameras")]
    """


@hookspec
def register_console_panels() -> list[ConsolePanel]:
    """Add the plugin's own tools to the agency console (``/console``), where staff work.

    Asked each time a console is shown, so an answer may follow the plugin's
    settings. Each panel is a template of one of the plugin's blueprints
    (``register_blueprints``), rendered below the selected report with the
    console's context (``actor``); it brings its own markup, and its scripts
    as ``<script type="module">`` tags.

    Returns: a list of ``core.types.ConsolePanel`` (the template, and the roles
    and agencies whose consoles show it; empty: every console).

    Example::

        @hookimpl
        def register_console_panels():
            return [ConsolePanel("water/console_panel.html", agencies=("pam",))]
    """


@hookspec
def register_commands() -> list[click.Command]:
    """Contribute ``smartcity`` CLI commands (click commands or groups).

    They run inside the application context, so they can use the database.
    A group named like one that exists already (``import``) adds its
    subcommands to it: ``smartcity import cameras`` and ``smartcity import
    districts`` come from two plugins.

    Returns: a list of click commands.

    Example::

        @hookimpl
        def register_commands():
            @click.command("hello")
            def hello():
                click.echo("hello")
            return [hello]
    """


@hookspec
def register_migrations() -> list[str]:
    """Contribute Alembic version folders for the plugin's own tables.

    A plugin's tables subclass ``core.models.Base``. Its first migration has
    ``down_revision = None``, ``branch_labels = ("<plugin name>",)`` and
    ``depends_on`` core's first revision, so ``smartcity db upgrade`` applies
    core's and every plugin's branch together.

    Returns: a list of absolute folder paths.

    Example::

        @hookimpl
        def register_migrations():
            return [str(Path(__file__).parent / "migrations")]
    """


@hookspec
def register_translations() -> list[str]:
    """Contribute the folders of the plugin's translation catalogues (Flask-Babel).

    A folder holds ``<language>/LC_MESSAGES/messages.mo`` (compiled from
    ``messages.po``); its translations join core's, so the plugin's templates
    translate with ``_()`` and its scripts with ``t()`` from ``core/static/common.js``.
    Core ships Indonesian (``id``); English is the language of the sources.

    Returns: a list of absolute folder paths.

    Example::

        @hookimpl
        def register_translations():
            return [str(Path(__file__).parent / "translations")]
    """


@hookspec
def load_demo(session: Session) -> None:
    """Add the plugin's part of the demo city (``smartcity demo``) to an empty database.

    Arguments:
        session: the SQLAlchemy session of the demo load; add rows to it and
            do not commit (core commits everything at once, or nothing).

    Returns nothing. Example: the cctv plugin adds the demo cameras.
    """


@hookspec
def app_started(app: Flask) -> None:
    """The application is built: every plugin is loaded and every blueprint mounted.

    Arguments:
        app: the Flask application; keep plugin state in
            ``app.extensions["<plugin name>"]``, never on shared objects.

    Returns nothing. Runs for every app, also in tests and one-off commands:
    build state here, but start background work in ``server_started``.
    """


@hookspec
def server_started(app: Flask) -> None:
    """``smartcity run`` is about to serve: the place to start background greenlets.

    Arguments:
        app: the Flask application being served. Every worker process calls
            this, so a job that must run once per deployment (the SLA watch)
            takes a lease in the database or Redis before each round.

    Returns nothing. Start work with ``gevent.spawn`` and return at once;
    never block here.

    Example::

        @hookimpl
        def server_started(app):
            gevent.spawn(watch_cameras, app)
    """


# --- complaint lifecycle ---------------------------------------------------------------------


@hookspec(firstresult=True)
def locate_address(
    address_string: str | None, address_id: str | None
) -> tuple[float, float] | None:
    """Place on the map an address given in words or by its id in an address register.
    ``firstresult``: the first non-None wins.

    Intake that comes without coordinates asks this (the open311 plugin, for a
    request that sends ``address_string`` or ``address_id`` instead of ``lat``
    and ``long``); the complaint is then routed from the point found.

    Arguments:
        address_string: the address as a person wrote it, from the most specific
            part to the most general ("Jl. Medan Merdeka Barat 12, Gambir, Jakarta
            Pusat"), or None.
        address_id: the address's id in the city's address register, or None.
            The routing plugin takes its district codes for ids.

    Returns: the point as ``(lat, lon)`` in WGS84, or None when the plugin cannot
    place the address (the caller then asks for coordinates). The routing plugin
    answers with the centroid of the most specific district (kelurahan, kecamatan,
    kota) the address names.

    Example::

        @hookimpl
        def locate_address(address_string, address_id):
            if address_id in LANDMARKS:
                return LANDMARKS[address_id]
            return None
    """


@hookspec
def assets_near(category: str, point: tuple[float, float], limit: int) -> list[Asset]:
    """The city's assets a report of this category could be about, nearest first.

    The report form asks this once a category and a point are chosen and lets the
    resident pick one ("which streetlight?"): the complaint then carries the asset's
    id, sits at the asset, and its likely duplicates are the reports about the same
    asset rather than everything within the category's radius. Core merges every
    plugin's answers, nearest first, and keeps ``limit``.

    Arguments:
        category: the category code chosen on the form.
        point: the reported point as ``(lat, lon)``.
        limit: how many the caller shows at most.

    Returns: ``core.types.Asset`` items with ``distance_m`` filled, at most
    ``limit``; an empty list for a category without assets or none near. The
    public_works plugin answers with its streetlights, drains and bridges within
    ``[public_works] asset_radius_m``.

    Example::

        @hookimpl
        def assets_near(category, point, limit):
            if category != "hydrant_broken":
                return []
            return nearest_hydrants(point)[:limit]
    """


@hookspec(firstresult=True)
def find_asset(category: str, asset_id: str) -> Asset | None:
    """Look up an asset a new complaint names. ``firstresult``: the first non-None wins.

    Intake asks this for a complaint sent with ``asset_id``; no answer from any
    plugin refuses the complaint with 422 on the ``asset_id`` field.

    Arguments:
        category: the complaint's category code.
        asset_id: the id the client sent, as ``assets_near`` gave it.

    Returns: the ``core.types.Asset`` (``distance_m`` None) when the plugin owns an
    asset with that id that reports of the category can be about, else None.

    Example::

        @hookimpl
        def find_asset(category, asset_id):
            hydrant = HYDRANTS.get(asset_id)
            return hydrant if hydrant and category == "hydrant_broken" else None
    """


@hookspec
def find_district_names(codes: list[str]) -> dict[str, str]:
    """The names of districts known by their codes.

    Core keeps a complaint's district as a code (``Complaint.district``, set by the
    routing decision); pages that show districts (the sanitation plugin's hot spots)
    ask this for their names, once for all the codes they show, so answer with one
    query. Core merges every plugin's answers; when two plugins name the same code,
    the first answer in pluggy's call order wins. Core asks no plugin for no codes.

    Arguments:
        codes: district codes, as ``RoutingDecision.district`` gives them.

    Returns: a dict of code to name for the codes the plugin knows; codes it does not
    know are left out (an empty dict when it knows none), and callers show a code no
    plugin names as it is. The routing plugin answers from the districts it imported.

    Example::

        @hookimpl
        def find_district_names(codes):
            return {code: WARDS[code] for code in codes if code in WARDS}
    """


@hookspec
def cameras_along(
    geometries: list[dict[str, Any]], within_m: float, actor: Actor
) -> list[list[CameraSighting]]:
    """The cameras within ``within_m`` of each of several places, as ``actor`` may see them.

    Pages and plugins that show cameras beside their own map features ask this
    instead of importing a camera plugin (the transport plugin: the cameras along
    its road segments, and their tags for a segment's suggested status). A page
    of many features asks once for all of them, so answer with one query, not
    one per geometry. Every plugin's answers are merged, place by place.

    Arguments:
        geometries: GeoJSON geometries in WGS84: Point, LineString or
            MultiLineString.
        within_m: the greatest distance from a geometry, in metres.
        actor: who will see the answer (``core.types.Actor``): cameras the
            actor may not see are left out.

    Returns: one list a geometry, in the order given, each of
    ``core.types.CameraSighting`` items nearest first (an empty list when none
    is near it). The cctv plugin answers from its camera registry.

    Example::

        @hookimpl
        def cameras_along(geometries, within_m, actor):
            public = [camera for camera in MY_CAMERAS if camera.public]
            return [near(public, geometry, within_m) for geometry in geometries]
    """


@hookspec(firstresult=True)
def route_complaint(draft: ComplaintDraft) -> RoutingDecision | None:
    """Decide which agency owns a new complaint. ``firstresult``: the first non-None wins.

    Arguments:
        draft: the validated complaint about to be stored (category, text,
            point, category's owning agency, extra attributes).

    Returns: a ``core.types.RoutingDecision`` (agency code, rule name, a
    sentence a resident understands, optional district code), or None to let
    the next plugin decide. Core's own last-resort implementation sends the
    complaint to the city's triage queue (agency ``triage``), never nowhere.

    Example::

        @hookimpl
        def route_complaint(draft):
            if draft.category == "garbage":
                return RoutingDecision("dlh", "sanitation.garbage", "Garbage goes to DLH")
    """


@hookspec
def complaint_created(complaint: Complaint) -> None:
    """A complaint was committed. Called after the commit, before the response is sent.

    Arguments:
        complaint: the stored ``core.models.Complaint`` (attached to the
            request's session; read, do not modify it here).

    Returns nothing. An exception is logged and isolated: the complaint
    stands and the resident still gets the 201. Do slow work in a greenlet.
    """


@hookspec
def complaint_status_changed(complaint: Complaint, event: ComplaintEvent, old_status: str) -> None:
    """A complaint's status changed and was committed.

    Arguments:
        complaint: the complaint, with its new status.
        event: the ``core.models.ComplaintEvent`` recording the change (actor, note).
        old_status: the status before the change.

    Returns nothing. Exceptions are logged and isolated.
    """


@hookspec
def complaint_forwarded(complaint: Complaint, event: ComplaintEvent, old_agency: str) -> None:
    """A complaint moved to another agency and the move was committed.

    Arguments:
        complaint: the complaint, now owned by ``complaint.agency_code``.
        event: the ``core.models.ComplaintEvent`` recording the move and its reason.
        old_agency: the code of the agency it left.

    Returns nothing. Exceptions are logged and isolated.
    """


@hookspec
def complaint_api_extra(complaint: Complaint, actor: Actor) -> dict[str, Any] | None:
    """Add keys to a complaint's API representation (single-complaint view).

    Arguments:
        complaint: the complaint being shown.
        actor: who is looking (``core.types.Actor``).

    Returns: a dict merged under ``"extra"`` keyed by plugin name, or None.
    Example: the cctv plugin returns the nearest cameras.
    """


# --- permissions -----------------------------------------------------------------------------


@hookspec
def complaint_visibility(actor: Actor) -> list[ColumnElement[bool]]:
    """Grant an actor sight of complaints, as SQL conditions on ``core.models.Complaint``.

    Every plugin's conditions are OR-ed into one WHERE clause (one query, never
    a question per row). Core's defaults grant: public complaints to everyone,
    its own reports to a reporter, its agency's complaints to that agency's
    officers and staff (and those it is involved in), and everything to admins.

    Arguments:
        actor: who is asking (``core.types.Actor``).

    Returns: a list of SQLAlchemy boolean expressions (possibly empty).

    Example::

        @hookimpl
        def complaint_visibility(actor):
            if actor.agency == "polda":
                return [Complaint.category_code.in_(["crime", "accident"])]
            return []
    """


@hookspec
def can_change_complaint(actor: Actor, complaint: Complaint, action: str) -> bool | None:
    """Decide whether an actor may act on a complaint. ``firstresult``-like: any False denies.

    Arguments:
        actor: who wants to act.
        complaint: the complaint.
        action: one of ``"status:<new status>"``, ``"note"``, ``"forward"``
            (to another agency), ``"dispose"`` (to a unit of the owning
            agency), ``"relocate"`` (correct the location, which routes it
            again), ``"merge"`` (fold a duplicate into another complaint),
            ``"photo"`` (attach an after-photo as proof of the fix),
            ``"hide_comment"`` (hide a comment of the public discussion); plugins
            add their own, such as the dispatch plugin's ``"dispatch"`` (send
            an officer) and the cctv plugin's ``"evidence"`` (keep a camera's
            frame on the complaint).

    Returns: True to allow, False to deny, None to have no opinion. The
    action is allowed when at least one plugin says True and none says False.
    Core's defaults allow admins everything, staff and heads of the owning
    agency everything, officers of that agency notes, after-photos and the
    statuses ``in_progress`` and ``resolved``, and staff of an involved agency notes.
    """


@hookspec
def complaint_visibility_limits(actor: Actor) -> list[ColumnElement[bool]]:
    """Limit what an actor may see, whatever the grants say, as SQL conditions.

    Every plugin's limits are AND-ed onto the OR of all ``complaint_visibility``
    grants, in the same single query: a grant opens, a limit closes.

    Arguments:
        actor: who is asking (``core.types.Actor``).

    Returns: a list of SQLAlchemy boolean expressions on
    ``core.models.Complaint`` (empty when the plugin does not limit this actor).

    Example: the police plugin keeps its categories from everyone but police
    staff, the reporter and the owning agency::

        @hookimpl
        def complaint_visibility_limits(actor):
            if actor.agency == "polda" or actor.role == "admin":
                return []
            mine = Complaint.reporter_id == actor.user_id
            return [or_(Complaint.category_code.not_in(POLICE), mine)]
    """


# --- live feed -------------------------------------------------------------------------------


@hookspec
def live_rooms(actor: Actor) -> list[str]:
    """Name the Socket.IO rooms a new connection joins; the server decides, never the client.

    Arguments:
        actor: the authenticated user of the connection (anonymous if none).

    Returns: a list of room names; every plugin's rooms are joined. Core's
    defaults: ``public`` for anonymous visitors and residents,
    ``agency:<code>`` for an agency's staff and heads (the consoles),
    ``officers:<code>`` for its field officers, ``head:<code>``
    for its heads (SLA breaches), ``city`` and ``agency:triage`` for admins,
    ``complaint:<id>`` for a resident's open reports and those they follow.
    (The dispatch plugin adds ``officer:<user id>`` for officers.)
    """


@hookspec
def register_live_events() -> dict[str, Callable[..., dict[str, Any] | None]]:
    """Handle events that clients send over Socket.IO (an officer's phone sharing its position,
    accepting an offer), beside core's own ``follow``.

    Returns: a dict from event name (prefix it with the plugin's name:
    ``dispatch.accept``) to a handler called with the keywords ``actor`` (the
    connection's authenticated ``core.types.Actor``) and ``message`` (what the
    client sent, unchecked: validate it). The handler may use the database
    session; core closes it afterwards. Its return value (a dict, or None) is
    the acknowledgement the client receives, with ``"ok": true`` added; an
    ``ApiError`` it raises becomes ``{"ok": false, "error": {code, message,
    fields}}`` in the contract's error shape, and its session is rolled back.
    An event name registered twice stops the start-up.

    Example::

        @hookimpl
        def register_live_events():
            def ping(actor, message):
                return {"pong": actor.user_id}
            return {"myplugin.ping": ping}
    """
