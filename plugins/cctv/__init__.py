"""CCTV: the city's cameras on the map, the nearest ones beside every complaint, their frames
through the server (cached, one fetch for everyone) and kept as evidence, and their health."""

from __future__ import annotations

import csv
import io
from importlib import resources
from pathlib import Path
from typing import Any

import click
from flask import Blueprint, Flask, current_app
from sqlalchemy.orm import Session

from core import db, hookimpl
from core.catalog import catalog
from core.models import Complaint
from core.types import (
    TRIAGE_AGENCY,
    Actor,
    CameraSighting,
    CategorySpec,
    ComplaintDraft,
    NavLink,
    RoutingDecision,
)
from plugins.cctv.models import Camera
from plugins.cctv.outages import OUTAGE_CATEGORY
from plugins.cctv.state import EXTENSION, build_state, cctv_state

NEAREST_ON_A_COMPLAINT = 3


@hookimpl
def register_migrations() -> list[str]:
    return [str(Path(__file__).parent / "migrations")]


@hookimpl
def register_categories() -> list[CategorySpec]:
    return [
        CategorySpec(
            code=OUTAGE_CATEGORY,
            # The city's triage queue, unless the report names a known camera: then its owner
            # (route_complaint below). No agency plugin is needed for cameras to be reported.
            agency=TRIAGE_AGENCY,
            name_id="CCTV mati atau rusak",
            name_en="Broken CCTV camera",
            group="Kota / City",
            keywords=("cctv", "kamera", "camera"),
            attributes=(
                {
                    "code": "camera_id",
                    "label": "Camera id (on its sign or the cameras page), if known",
                    "datatype": "string",
                    "required": False,
                },
            ),
        )
    ]


@hookimpl(tryfirst=True)
def route_complaint(draft: ComplaintDraft) -> RoutingDecision | None:
    """A broken camera goes to the agency that owns it."""
    camera_id = draft.attributes.get("camera_id")
    if draft.category != OUTAGE_CATEGORY or not isinstance(camera_id, str):
        return None
    camera = db.session().get(Camera, camera_id)
    if camera is None or camera.agency_code is None:
        return None
    agency = catalog().agencies[camera.agency_code]
    reason = f"Camera {camera.name} belongs to {agency.name}"
    return RoutingDecision(camera.agency_code, "cctv.camera-owner", reason)


@hookimpl
def register_blueprints() -> list[Blueprint]:
    from plugins.cctv.views import api, pages

    return [api, pages]


@hookimpl
def register_translations() -> list[str]:
    return [str(Path(__file__).parent / "translations")]


@hookimpl
def register_nav_links() -> list[NavLink]:
    return [NavLink("Cameras", "/cameras")]


@hookimpl
def register_commands() -> list[click.Command]:
    from plugins.cctv.importer import import_cameras_command

    import_group = click.Group("import", help="Import cameras, districts and more from files.")
    import_group.add_command(import_cameras_command)
    return [import_group]


@hookimpl
def load_demo(session: Session) -> None:
    from plugins.cctv.importer import camera_rows_from_csv, upsert_cameras

    text = resources.files("config").joinpath("demo/cameras.csv").read_text(encoding="utf-8")
    named = {line["agency"] for line in csv.DictReader(io.StringIO(text)) if line["agency"]}
    rows = camera_rows_from_csv(text, agencies=named)
    # The cameras of an agency whose plugin is not loaded stay out of the demo.
    loaded = catalog().agencies
    upsert_cameras(session, [row for row in rows if row.agency_code in (None, *loaded)])


@hookimpl
def app_started(app: Flask) -> None:
    app.extensions[EXTENSION] = build_state(app)


@hookimpl
def server_started(app: Flask) -> None:
    from plugins.cctv.health import start_monitor

    start_monitor(app)


@hookimpl
def complaint_api_extra(complaint: Complaint, actor: Actor) -> dict[str, Any] | None:
    """The cameras nearest the complaint that the viewer may see."""
    from plugins.cctv.nearby import nearest_cameras
    from plugins.cctv.views import camera_payload

    settings = cctv_state().settings
    point = (complaint.lat, complaint.lon)
    found = nearest_cameras(
        actor, point, NEAREST_ON_A_COMPLAINT, settings.nearest_radius_m, settings.cover_range_m
    )
    return {"cameras": [camera_payload(item.camera, item) for item in found]}


@hookimpl
def cameras_along(
    geometries: list[dict[str, Any]], within_m: float, actor: Actor
) -> list[list[CameraSighting]]:
    """For each geometry, the cameras within ``within_m`` that the actor may see, nearest first."""
    from plugins.cctv.nearby import cameras_along as found_along
    from plugins.cctv.views import camera_sighting

    return [
        [camera_sighting(item) for item in found]
        for found in found_along(actor, geometries, within_m)
    ]


@hookimpl
def complaint_created(complaint: Complaint) -> None:
    """Traffic and flooding complaints get the covering camera's frame, in the background."""
    from plugins.cctv.evidence import attach_in_background

    if complaint.category_code in cctv_state().settings.evidence_categories:
        attach_in_background(current_app._get_current_object(), complaint.id)  # type: ignore[attr-defined]
