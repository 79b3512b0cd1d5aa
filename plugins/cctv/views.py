"""The cameras API and the public cameras page. No response ever carries a camera's source
URL: frames go through ``/cameras/<id>/snapshot``."""

from __future__ import annotations

from typing import Any

import flask
from flask import Response, jsonify, render_template
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy import select

from core import db
from core.auth import current_actor, require_roles
from core.catalog import catalog
from core.complaints import get_visible_or_404
from core.errors import ApiError
from core.types import CameraSighting
from plugins.cctv.evidence import take_evidence
from plugins.cctv.models import SOURCE_KINDS, STATUSES, VISIBILITIES, Camera
from plugins.cctv.nearby import NearbyCamera, may_see, nearest_cameras, visible_cameras
from plugins.cctv.snapshots import SnapshotUnavailable
from plugins.cctv.sources import check_url, guess_kind, source_of
from plugins.cctv.state import camera_source, cctv_state

api = Blueprint("cctv", __name__, description="Cameras: registry, nearest, snapshots, evidence.")
pages = flask.Blueprint(
    "cctv_pages",
    __name__,
    url_prefix="/cameras",
    template_folder="templates",
    static_folder="static",
)
MAX_LISTED = 2000
MAX_NEAREST = 20
SOURCE_FIELDS = ("snapshot_url", "stream_url", "source_kind", "source_name")


def snapshot_path(camera: Camera) -> str | None:
    """The API path of the camera's latest frame; None when its source gives no still frames."""
    source = camera_source(camera)
    if source is None or not source.has_frames:
        return None
    return f"/api/v1/cctv/cameras/{camera.id}/snapshot"


def camera_sighting(nearby: NearbyCamera) -> CameraSighting:
    """A camera as the ``cameras_along`` hook gives it to other plugins."""
    camera = nearby.camera
    return CameraSighting(
        id=camera.id,
        name=camera.name,
        lat=camera.lat,
        lon=camera.lon,
        status=camera.status,
        distance_m=nearby.distance_m,
        snapshot=snapshot_path(camera),
        tags=tuple(camera.tags or ()),
    )


def camera_payload(camera: Camera, nearby: NearbyCamera | None = None) -> dict[str, Any]:
    """A camera as browsers see it: where, whose, what it shows and whether it works."""
    payload: dict[str, Any] = {
        "id": camera.id,
        "name": camera.name,
        "lat": camera.lat,
        "lon": camera.lon,
        "area": camera.area,
        "agency": camera.agency_code,
        "heading": camera.heading,
        "fov_deg": camera.fov_deg,
        "visibility": camera.visibility,
        "tags": list(camera.tags or []),
        "source_kind": camera.source_kind,
        "status": camera.status,
        "status_reason": camera.status_reason,
        "status_changed_at": camera.status_changed_at.isoformat()
        if camera.status_changed_at
        else None,
        "snapshot": snapshot_path(camera),
    }
    if nearby is not None:
        payload["distance_m"] = round(nearby.distance_m, 1)
        payload["covers"] = nearby.covers
    return payload


class ListArgsSchema(Schema):
    bbox = fields.String(metadata={"description": "min_lon,min_lat,max_lon,max_lat"})
    tag = fields.String()
    status = fields.String(validate=validate.OneOf(STATUSES))


class NearestArgsSchema(Schema):
    lat = fields.Float(required=True, validate=validate.Range(min=-90, max=90))
    lon = fields.Float(required=True, validate=validate.Range(min=-180, max=180))
    k = fields.Integer(load_default=5, validate=validate.Range(min=1, max=MAX_NEAREST))
    radius_m = fields.Float(load_default=500, validate=validate.Range(min=1, max=20_000))


class CameraSchema(Schema):
    """An admin's camera: the source fields are written, never read back."""

    id = fields.String(required=True, validate=validate.Length(min=1, max=60))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    lat = fields.Float(required=True, validate=validate.Range(min=-90, max=90))
    lon = fields.Float(required=True, validate=validate.Range(min=-180, max=180))
    area = fields.String(allow_none=True, validate=validate.Length(max=100))
    agency = fields.String(allow_none=True)
    snapshot_url = fields.String(allow_none=True, validate=validate.Length(max=1000))
    stream_url = fields.String(allow_none=True, validate=validate.Length(max=1000))
    source_kind = fields.String(validate=validate.OneOf(SOURCE_KINDS))
    source_name = fields.String(allow_none=True, validate=validate.Length(max=300))
    visibility = fields.String(validate=validate.OneOf(VISIBILITIES))
    heading = fields.Float(allow_none=True, validate=validate.Range(min=0, max=360))
    fov_deg = fields.Float(allow_none=True, validate=validate.Range(min=1, max=360))
    tags = fields.List(fields.String(validate=validate.Length(min=1, max=40)))

    @validates_schema
    def check_urls_and_agency(self, data: dict[str, Any], **_kwargs: Any) -> None:
        problems: dict[str, list[str]] = {}
        for field, rtsp in (("snapshot_url", False), ("stream_url", True)):
            try:
                check_url(data.get(field), field, allow_rtsp=rtsp)
            except ValueError as error:
                problems[field] = [str(error)]
        if data.get("agency") and data["agency"] not in catalog().agencies:
            problems["agency"] = ["Unknown agency."]
        if problems:
            raise ValidationError(problems)


class CameraChangesSchema(CameraSchema):
    class Meta:
        exclude = ("id",)


class EvidenceSchema(Schema):
    camera_id = fields.String(required=True)


def _visible_camera(camera_id: str) -> Camera:
    camera = db.session().get(Camera, camera_id)
    if camera is None or not may_see(current_actor(), camera):
        raise ApiError(404, "not_found", "No such camera.")
    return camera


def _apply(camera: Camera, data: dict[str, Any]) -> None:
    """Set the given fields and check that the source they describe is usable."""
    simple = ("name", "lat", "lon", "area", "visibility", "heading", "fov_deg", "tags")
    for field in simple:
        if field in data:
            setattr(camera, field, data[field])
    if "agency" in data:
        camera.agency_code = data["agency"]
    for field in ("snapshot_url", "stream_url", "source_name"):
        if field in data:
            setattr(camera, field, data[field])
    if "source_kind" in data:
        camera.source_kind = data["source_kind"]
    elif {"snapshot_url", "stream_url"} & set(data):
        camera.source_kind = guess_kind(camera.snapshot_url, camera.stream_url)
    if {"snapshot_url", "stream_url", "source_kind", "source_name"} & set(data):
        try:
            source_of(
                camera.source_kind, camera.snapshot_url, camera.stream_url, camera.source_name
            )
        except ValueError as error:
            raise ApiError(
                400, "validation_failed", "Some fields are invalid.", {"source": [str(error)]}
            ) from error
        cctv_state().cache.forget(camera.id)


# --- reading ---------------------------------------------------------------------------------


@api.get("/cameras")
@api.arguments(ListArgsSchema, location="query", as_kwargs=True)
def list_cameras(
    bbox: str | None = None, tag: str | None = None, status: str | None = None
) -> Response:
    """Cameras you may see (public ones for everyone), in a box of the map when given."""
    query = select(Camera).where(visible_cameras(current_actor())).order_by(Camera.id)
    if bbox:
        try:
            min_lon, min_lat, max_lon, max_lat = (float(part) for part in bbox.split(","))
        except ValueError as error:
            raise ApiError(
                400,
                "validation_failed",
                "Some fields are invalid.",
                {"bbox": ["min_lon,min_lat,max_lon,max_lat"]},
            ) from error
        query = query.where(
            Camera.lat.between(min_lat, max_lat), Camera.lon.between(min_lon, max_lon)
        )
    if status:
        query = query.where(Camera.status == status)
    cameras = list(db.session().scalars(query.limit(MAX_LISTED)))
    if tag:
        cameras = [camera for camera in cameras if tag in (camera.tags or [])]
    return jsonify([camera_payload(camera) for camera in cameras])


@api.get("/cameras/nearest")
@api.arguments(NearestArgsSchema, location="query", as_kwargs=True)
def nearest(lat: float, lon: float, k: int, radius_m: float) -> Response:
    """The ``k`` cameras nearest the point within ``radius_m``, those whose field of view covers
    it first; each with ``distance_m`` and ``covers``."""
    range_m = cctv_state().settings.cover_range_m
    found = nearest_cameras(current_actor(), (lat, lon), k, radius_m, range_m)
    return jsonify([camera_payload(item.camera, item) for item in found])


@api.get("/cameras/<camera_id>")
def show(camera_id: str) -> Response:
    return jsonify(camera_payload(_visible_camera(camera_id)))


@api.get("/cameras/<camera_id>/snapshot")
def snapshot(camera_id: str) -> Response:
    """The camera's latest frame (JPEG) through the server, cached for a few seconds and
    fetched once for everyone asking at the same moment. ``Age`` says how old it is; a dead
    camera's last good frame comes with ``X-Snapshot-Stale: true``, else a 503."""
    camera = _visible_camera(camera_id)
    source = camera_source(camera)
    if source is None or not source.has_frames:
        raise ApiError(404, "no_frames", "This camera gives no still frames.")
    state = cctv_state()
    try:
        frame = state.cache.get(camera.id, source)
    except SnapshotUnavailable as error:
        raise ApiError(
            503, "camera_unavailable", "The camera gave no frame (%(error)s).", error=str(error)
        ) from error
    response = Response(frame.data, mimetype="image/jpeg")
    age = frame.age_s(state.cache.now())
    response.headers["Age"] = str(int(age))
    response.headers["X-Snapshot-Taken-At"] = frame.fetched_at.isoformat()
    response.headers["X-Snapshot-Stale"] = "true" if frame.stale else "false"
    private = "public" if camera.visibility == "public" else "private"
    response.headers["Cache-Control"] = (
        f"{private}, max-age={int(state.settings.snapshot_cache_seconds)}"
    )
    return response


# --- admins edit the registry ----------------------------------------------------------------


@api.post("/cameras")
@api.arguments(CameraSchema)
@api.doc(security=[{"bearer": []}])
@require_roles("admin")
def create(data: dict[str, Any]) -> tuple[Response, int]:
    if db.session().get(Camera, data["id"]) is not None:
        raise ApiError(409, "camera_exists", "A camera %(id)r exists; PATCH it.", id=data["id"])
    camera = Camera(
        id=data["id"], tags=[], source_kind="jpeg", status="unknown", visibility="public"
    )
    _apply(
        camera,
        {
            **data,
            "source_kind": data.get("source_kind")
            or guess_kind(data.get("snapshot_url"), data.get("stream_url")),
        },
    )
    db.session().add(camera)
    db.session().commit()
    return jsonify(camera_payload(camera)), 201


@api.patch("/cameras/<camera_id>")
@api.arguments(CameraChangesSchema(partial=True))
@api.doc(security=[{"bearer": []}])
@require_roles("admin")
def update(data: dict[str, Any], camera_id: str) -> Response:
    camera = db.session().get(Camera, camera_id)
    if camera is None:
        raise ApiError(404, "not_found", "No such camera.")
    _apply(camera, data)
    db.session().commit()
    return jsonify(camera_payload(camera))


class CameraTagsSchema(Schema):
    tags = fields.List(
        fields.String(validate=validate.Length(min=1, max=40)),
        required=True,
        validate=validate.Length(max=20),
    )


@api.put("/cameras/<camera_id>/tags")
@api.arguments(CameraTagsSchema)
@api.doc(security=[{"bearer": []}])
@require_roles("staff", "head", "admin")
def set_tags(data: dict[str, Any], camera_id: str) -> Response:
    """What a camera's operators see on it, as labels (``macet`` on a jammed road's camera: the
    transport plugin's suggestion counts it). The staff and heads of the camera's agency set
    them, and admins; the list replaces the camera's tags."""
    actor = current_actor()
    camera = _visible_camera(camera_id)
    if actor.role != "admin" and (camera.agency_code is None or actor.agency != camera.agency_code):
        raise ApiError(403, "forbidden", "Only the camera's agency tags it.")
    camera.tags = list(dict.fromkeys(data["tags"]))
    db.session().commit()
    return jsonify(camera_payload(camera))


@api.delete("/cameras/<camera_id>")
@api.doc(security=[{"bearer": []}])
@require_roles("admin")
def delete(camera_id: str) -> tuple[str, int]:
    camera = db.session().get(Camera, camera_id)
    if camera is None:
        raise ApiError(404, "not_found", "No such camera.")
    db.session().delete(camera)
    db.session().commit()
    cctv_state().cache.forget(camera_id)
    return "", 204


# --- evidence --------------------------------------------------------------------------------


@api.post("/complaints/<int:complaint_id>/evidence")
@api.arguments(EvidenceSchema)
@api.doc(security=[{"bearer": []}])
@require_roles("staff", "head", "admin")
def evidence(data: dict[str, Any], complaint_id: int) -> tuple[Response, int]:
    """Keep the camera's current frame on the complaint, with the camera, the capture time,
    you, and the SHA-256 of the frame as the camera sent it."""
    actor = current_actor()
    complaint = get_visible_or_404(complaint_id, actor)
    camera = _visible_camera(data["camera_id"])
    media, kept = take_evidence(complaint, camera, actor)
    return jsonify(
        {
            "media_id": media.id,
            "url": f"/media/{media.id}",
            "camera_id": kept.camera_id,
            "captured_at": kept.captured_at.isoformat(),
            "taken_by": kept.taken_by_id,
            "sha256": media.sha256,
            "frame_sha256": kept.frame_sha256,
        }
    ), 201


# --- the public page -------------------------------------------------------------------------


@pages.get("")
def cameras_page() -> str:
    return render_template("cctv/cameras.html")
