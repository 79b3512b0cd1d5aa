"""The routing plugin's web surface: explained decisions, accountability figures, exports, pages."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from functools import wraps
from typing import Any
from zoneinfo import ZoneInfo

import flask
from babel.dates import format_date
from flask import Response, abort, jsonify, render_template, request, stream_with_context
from flask_babel import get_locale, gettext
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate, validates
from sqlalchemy import select

from core import db
from core.auth import current_actor, require_roles
from core.catalog import catalog
from core.errors import ApiError
from core.plugins import hooks
from core.schemas import ErrorSchema, RoutingSchema
from core.types import Actor
from plugins.routing.exports import (
    csv_chunks,
    export_max_rows,
    exported_complaints,
    geojson_chunks,
)
from plugins.routing.models import District
from plugins.routing.schemas import (
    DashboardArgsSchema,
    ExportArgsSchema,
    StatsArgsSchema,
    StatsSchema,
)
from plugins.routing.state import routing_state
from plugins.routing.stats import (
    BELOW_MIN_SAMPLE,
    NO_DISTRICT,
    NOT_LOCATED,
    NOTHING_DUE_YET,
    Window,
    accountability,
    daily_trend,
    overdue_complaints,
    ranking_min_sample,
    report_window,
    todays_figures,
)

api = Blueprint(
    "routing", __name__, description="Routing decisions explained; accountability figures."
)
# Pages: the blueprint name "routing" is the API's, so this one names its prefix itself.
pages = flask.Blueprint(
    "routing_pages",
    __name__,
    url_prefix="/routing",
    template_folder="templates",
    static_folder="static",
)
dashboard_args = DashboardArgsSchema()


class ExplainRequestSchema(Schema):
    category = fields.String(required=True)
    description = fields.String(load_default="", validate=validate.Length(max=5000))
    lat = fields.Float(required=True, validate=validate.Range(min=-90, max=90))
    lon = fields.Float(required=True, validate=validate.Range(min=-180, max=180))
    at = fields.AwareDateTime(format="iso", metadata={"description": "when; default now"})

    @validates("category")
    def _known_category(self, value: str, **_kwargs: Any) -> None:
        if value not in catalog().categories:
            raise ValidationError(f"Unknown category {value!r}.")


class VerdictSchema(Schema):
    rule = fields.String()
    agency = fields.String()
    unit = fields.String(allow_none=True)
    priority = fields.Integer()
    specificity = fields.Integer()
    matched = fields.Boolean()
    reasons = fields.List(fields.String())


class ExplanationSchema(Schema):
    decision = fields.Nested(RoutingSchema)
    triage = fields.Boolean(metadata={"description": "no rule held: the city's triage queue"})
    districts = fields.List(fields.Dict(), metadata={"description": "most specific first"})
    at = fields.String()
    rules = fields.List(fields.Nested(VerdictSchema))


@api.post("/explain")
@api.arguments(ExplainRequestSchema)
@api.response(200, ExplanationSchema)
@api.doc(security=[{"bearer": []}])
@require_roles("staff", "head", "admin")
def explain(request: dict[str, Any]) -> dict[str, Any]:
    """Route a would-be complaint without storing it: the decision and every rule, in order."""
    category = catalog().categories[request["category"]]
    state = routing_state()
    at: datetime = (request.get("at") or state.now()).astimezone(state.timezone)
    point = (request["lat"], request["lon"])
    draft = catalog().draft(category, request["description"], point, at)
    place, verdicts = state.engine.explain(draft, at)
    decision = hooks().route_complaint(draft=draft)
    return {
        "decision": decision,
        "triage": decision.rule == "core.triage",
        "districts": [{"code": code, "name": name} for code, name in place.districts],
        "at": at.isoformat(),
        "rules": [verdict.as_dict() for verdict in verdicts],
    }


class DistrictListArgsSchema(Schema):
    level = fields.String(validate=validate.OneOf(("city", "district", "subdistrict")))
    within = fields.String(metadata={"description": "this area and every area inside it"})


@api.get("/districts")
@api.arguments(DistrictListArgsSchema, location="query", as_kwargs=True)
@api.doc(security=[{}, {"bearer": []}])
def districts(level: str | None = None, within: str | None = None) -> Response:
    """The city's areas (code, name, level, parent), by name: the complaint lists' ``district``
    filter takes these codes (``within`` gives an area with all its own). No outlines."""
    rows = db.session().execute(
        select(District.code, District.name, District.level, District.parent_code).order_by(
            District.name, District.code
        )
    )
    areas = [
        {"code": row.code, "name": row.name, "level": row.level, "parent": row.parent_code}
        for row in rows
    ]
    if within is not None:
        inside = {within}
        grew = True
        while grew:
            found = {area["code"] for area in areas if area["parent"] in inside}
            grew = not found <= inside
            inside |= found
        areas = [area for area in areas if area["code"] in inside]
    if level:
        areas = [area for area in areas if area["level"] == level]
    return jsonify(areas)


# --- accountability --------------------------------------------------------------------------


@api.get("/stats")
@api.arguments(StatsArgsSchema, location="query", as_kwargs=True)
@api.response(200, StatsSchema)
@api.alt_response(400, schema=ErrorSchema, description="Invalid filters or an empty window.")
@api.doc(security=[{}, {"bearer": []}])
def stats(**args: Any) -> dict[str, Any]:
    """Per agency and per district: received, within SLA, medians, reopen rate, score and rank.

    The figures are over the complaints you may see, reported in the window
    (default: the last 30 days). ``ranking`` publishes the formula, the
    minimum sample and what each figure counts.
    """
    now = routing_state().clock()
    try:
        window = report_window(now, args.get("since"), args.get("until"))
    except ValueError as error:
        raise ApiError(
            400, "validation_failed", "Some fields are invalid.", {"since": [str(error)]}
        ) from error
    filters = _unit_filters(args)
    return accountability(current_actor(), window, filters, now, ranking_min_sample())


def _unit_filters(args: dict[str, Any]) -> dict[str, str]:
    return {key: args[key] for key in ("agency", "category") if args.get(key)}


# --- exports ---------------------------------------------------------------------------------

EXPORT_ERRORS = "Invalid filters, or more complaints than an export holds (narrow the filters)."


def _export(extension: str, content_type: str, description: str, schema: dict[str, str]) -> Any:
    """Route and document one export format; the view returns its chunks."""

    def decorate(chunks_of: Any) -> Any:
        @api.get(f"/exports/complaints.{extension}", endpoint=f"export_{extension}")
        @api.arguments(ExportArgsSchema, location="query", as_kwargs=True)
        @api.alt_response(
            200,
            description=description,
            schema=schema,
            content_type=content_type.split(";")[0],
            success=True,
        )
        @api.alt_response(400, schema=ErrorSchema, description=EXPORT_ERRORS)
        @api.doc(security=[{}, {"bearer": []}], description=chunks_of.__doc__)
        @wraps(chunks_of)
        def view(**filters: Any) -> Response:
            rows = exported_complaints(current_actor(), filters, export_max_rows())
            return _download(chunks_of(rows), content_type, extension)

        return view

    return decorate


@_export(
    "csv",
    "text/csv; charset=utf-8; header=present",
    "A header row, then one row per complaint.",
    {"type": "string"},
)
def export_csv(rows: Any) -> Iterator[str]:
    """The complaints you may see matching the list filters, as CSV; no personal data.

    Whole or refused: more than ``routing.export_max_rows`` matches is a 400
    naming the count. Text starting like a spreadsheet formula gets a ``'``.
    """
    return csv_chunks(rows)


@_export(
    "geojson",
    "application/geo+json",
    "An RFC 7946 FeatureCollection of Points ([longitude, latitude]).",
    {"type": "object"},
)
def export_geojson(rows: Any) -> Iterator[str]:
    """The complaints you may see matching the list filters, as GeoJSON; no personal data.

    Whole or refused: more than ``routing.export_max_rows`` matches is a 400
    naming the count.
    """
    return geojson_chunks(rows)


def _download(chunks: Iterator[str], content_type: str, extension: str) -> Response:
    response = Response(stream_with_context(chunks), content_type=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="complaints.{extension}"'
    # Staff exports hold confidential complaints: no shared cache may keep one.
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- pages -----------------------------------------------------------------------------------


@pages.get("/dashboard")
def dashboard() -> str:
    """Today and the last two weeks of the visitor's agency (or the city), then the figures
    and ranks as tables, all rendered on the server. Staff also get the agency's officers
    and overdue complaints on a map, heads and admins the SLA breaches as they happen:
    those need the page's script."""
    try:
        args = dashboard_args.load({key: value for key, value in request.args.items() if value})
    except ValidationError as error:
        abort(400, _first_problem(error))
    state = routing_state()
    now = state.clock()
    window = _days_window(now, args.get("since"), args.get("until"), state.timezone)
    filters = _unit_filters(args)
    export_filters: dict[str, Any] = {"since": window.since.isoformat(), **filters}
    actor = current_actor()
    return render_template(
        "routing/dashboard.html",
        report=_translated(accountability(actor, window, filters, now, ranking_min_sample())),
        form=_form_values(window, filters, state.timezone),
        timezone=state.timezone,
        agencies=sorted(catalog().agencies.values(), key=lambda agency: agency.name),
        categories=sorted(catalog().categories.values(), key=lambda category: category.name_en),
        exports={
            extension: flask.url_for(f"routing.export_{extension}", **export_filters)
            for extension in ("csv", "geojson")
        },
        export_max_rows=export_max_rows(),
        **_at_a_glance(actor, now, state.timezone),
    )


def _at_a_glance(actor: Actor, now: datetime, timezone: ZoneInfo) -> dict[str, Any]:
    """The top of the dashboard: an agency's staff see their agency, everyone else the city."""
    agency = actor.agency if actor.is_staff else None
    scope = {"agency": agency} if agency else {}
    trend = daily_trend(actor, scope, now, timezone)
    spec = catalog().agencies.get(agency) if agency else None
    today = todays_figures(actor, scope, now, timezone)
    return {
        "scope": {"agency": agency, "name": spec.name if spec else agency or gettext("the city")},
        "today": {**today, "definitions": _translated_definitions(today["definitions"])},
        "trend": trend,
        "chart": trend_chart(trend),
        "overdue": overdue_complaints(actor, scope, now) if actor.is_staff else [],
    }


def _days_window(
    now: datetime, first: date | None, last: date | None, timezone: ZoneInfo
) -> Window:
    """From the start of the first day to the end of the last, in the city's time."""
    since = None if first is None else datetime.combine(first, time.min, tzinfo=timezone)
    after = None if last is None else last + timedelta(days=1)
    until = None if after is None else datetime.combine(after, time.min, tzinfo=timezone)
    try:
        return report_window(now, since, until)
    except ValueError:
        abort(400, gettext("The first day must not be after the last day."))


def _first_problem(error: ValidationError) -> str:
    name, problems = next(iter(error.normalized_messages().items()))
    return f"{name}: {problems[0] if isinstance(problems, list) else problems}"


def _translated(report: dict[str, Any]) -> dict[str, Any]:
    """The figures as the page shows them: the texts the API publishes in English translated."""
    min_sample = report["ranking"]["min_sample"]
    notes = {
        NOT_LOCATED: gettext(NOT_LOCATED),
        BELOW_MIN_SAMPLE % {"count": min_sample}: gettext(BELOW_MIN_SAMPLE, count=min_sample),
        NOTHING_DUE_YET: gettext(NOTHING_DUE_YET),
    }
    for unit in (*report["agencies"], *report["districts"]):
        unit["note"] = notes.get(unit["note"], unit["note"])
        if unit["code"] is None and unit["name"] == NO_DISTRICT:
            unit["name"] = gettext(NO_DISTRICT)
    definitions = _translated_definitions(report["ranking"]["definitions"])
    return {**report, "ranking": {**report["ranking"], "definitions": definitions}}


def _translated_definitions(definitions: dict[str, str]) -> dict[str, str]:
    return {name: gettext(meaning) for name, meaning in definitions.items()}


def _form_values(window: Window, filters: dict[str, str], timezone: ZoneInfo) -> dict[str, Any]:
    """What the form shows: the window as the city's days, its last day included."""
    last_moment = window.until.astimezone(timezone) - timedelta(microseconds=1)
    return {
        "since": window.since.astimezone(timezone).date().isoformat(),
        "until": last_moment.date().isoformat(),
        **filters,
    }


# --- the trend chart, drawn on the server as SVG ---------------------------------------------

CHART_WIDTH, CHART_HEIGHT = 380, 200
PLOT_LEFT, PLOT_TOP, PLOT_BOTTOM = 30, 8, 176
BAR_WIDTH = 9


def trend_chart(days: list[dict[str, Any]]) -> dict[str, Any]:
    """Received and resolved bars per day, the value axis' ticks and the days of the month
    under the bars, in the coordinates of a ``CHART_WIDTH`` x ``CHART_HEIGHT`` viewBox; the
    days spanned, and a summary to read out."""
    highest = max(max(day["received"], day["resolved"]) for day in days)
    step = _tick_step(highest)
    top = step * max(1, math.ceil(highest / step))
    slot = (CHART_WIDTH - PLOT_LEFT) / len(days)

    def height(count: int) -> float:
        return round(count / top * (PLOT_BOTTOM - PLOT_TOP), 1)

    bars, labels = [], []
    for index, day in enumerate(days):
        left = PLOT_LEFT + index * slot + (slot - 2 * BAR_WIDTH - 2) / 2
        when = _day_name(day["day"])
        for offset, figure in enumerate(("received", "resolved")):
            tall = height(day[figure])
            bars.append(
                {
                    "figure": figure,
                    "x": round(left + offset * (BAR_WIDTH + 2), 1),
                    "y": round(PLOT_BOTTOM - tall, 1),
                    "height": tall,
                    "title": _bar_title(when, figure, day[figure]),
                }
            )
        labels.append({"x": round(PLOT_LEFT + (index + 0.5) * slot, 1), "text": day["day"].day})
    ticks = [
        {"y": round(PLOT_BOTTOM - height(value), 1), "text": str(value)}
        for value in range(0, top + 1, step)
    ]
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "plot": {"left": PLOT_LEFT, "right": CHART_WIDTH, "bottom": PLOT_BOTTOM},
        "bar_width": BAR_WIDTH,
        "bars": bars,
        "ticks": ticks,
        "labels": labels,
        "days": gettext(
            "%(first)s to %(last)s",
            first=_day_name(days[0]["day"]),
            last=_day_name(days[-1]["day"]),
        ),
        "summary": _trend_summary(days),
    }


def _tick_step(highest: int) -> int:
    """A round step (1, 2, 5, 10, 20, 50…) giving the value axis about four ticks."""
    wanted = max(highest / 4, 1)
    magnitude = 10 ** math.floor(math.log10(wanted))
    return next(step * magnitude for step in (1, 2, 5, 10) if step * magnitude >= wanted)


def _day_name(day: date) -> str:
    """The day in the visitor's language ("1 March 2026"); English outside a request."""
    return format_date(day, "d MMMM y", locale=get_locale() or "en")


def _bar_title(when: str, figure: str, count: int) -> str:
    if figure == "received":
        return gettext("%(day)s: %(count)s received", day=when, count=count)
    return gettext("%(day)s: %(count)s resolved", day=when, count=count)


def _trend_summary(days: list[dict[str, Any]]) -> str:
    """What the chart shows, in one sentence for a screen reader."""
    figures = {
        "days": len(days),
        "first": _day_name(days[0]["day"]),
        "last": _day_name(days[-1]["day"]),
        "received": sum(day["received"] for day in days),
        "resolved": sum(day["resolved"] for day in days),
    }
    if not figures["received"]:
        return gettext(
            "Complaints received and resolved per day, %(days)s days from %(first)s to"
            " %(last)s: %(received)s received and %(resolved)s resolved in all.",
            **figures,
        )
    busiest = max(days, key=lambda day: day["received"])
    return gettext(
        "Complaints received and resolved per day, %(days)s days from %(first)s to"
        " %(last)s: %(received)s received and %(resolved)s resolved in all; most received"
        " in a day: %(most)s, on %(busiest)s.",
        most=busiest["received"],
        busiest=_day_name(busiest["day"]),
        **figures,
    )
