"""A camera's frame kept on a complaint as evidence: by staff on request, or automatically for
new complaints in the categories the config names, in the background."""

from __future__ import annotations

import logging

import gevent
from flask import Flask

from core import db
from core.changes import new_event, record_change, require_right
from core.errors import ApiError
from core.media import add_media, check_image
from core.models import Complaint, Media
from core.types import SYSTEM, Actor
from plugins.cctv.models import Camera, Evidence
from plugins.cctv.nearby import nearest_cameras
from plugins.cctv.snapshots import SnapshotUnavailable
from plugins.cctv.state import camera_source, cctv_state

log = logging.getLogger(__name__)
# Automatic evidence looks at cameras as an admin would, then keeps only those it may use.
EVERY_CAMERA = Actor(role="admin")


def may_publish(camera: Camera, complaint: Complaint) -> bool:
    """A public complaint shows its media to everyone: only a public camera's frame goes there."""
    return camera.visibility == "public" or not complaint.public


def take_evidence(complaint: Complaint, camera: Camera, actor: Actor) -> tuple[Media, Evidence]:
    """Fetch the camera's current frame (through the snapshot cache) and keep it on the
    complaint with the camera, the capture time, who took it and the frame's SHA-256.

    409 ``would_publish_restricted_frame`` for a non-public camera on a public complaint;
    409 ``no_frames`` for a camera that gives no frames; 503 ``camera_unavailable``.
    """
    if actor is not SYSTEM:
        require_right(actor, complaint, "evidence")
    if not may_publish(camera, complaint):
        raise ApiError(
            409,
            "would_publish_restricted_frame",
            "This complaint is public and the camera is not: its frame would become public.",
        )
    source = camera_source(camera)
    if source is None or not source.has_frames:
        raise ApiError(409, "no_frames", "This camera gives no still frames.")
    try:
        snapshot = cctv_state().cache.get(camera.id, source)
    except SnapshotUnavailable as error:
        raise ApiError(
            503, "camera_unavailable", "The camera gave no frame (%(error)s).", error=str(error)
        ) from error
    media = add_media(complaint, check_image(snapshot.data), "camera", actor.user_id, None)
    media.captured_at = snapshot.fetched_at
    db.session().flush()
    evidence = Evidence(
        media_id=media.id,
        camera_id=camera.id,
        complaint_id=complaint.id,
        captured_at=snapshot.fetched_at,
        taken_by_id=actor.user_id,
        frame_sha256=snapshot.sha256,
    )
    db.session().add(evidence)
    note = f"Frame of camera {camera.name} ({camera.id}) at {snapshot.fetched_at.isoformat()}"
    note += ", its last good one (the camera is not answering)." if snapshot.stale else "."
    record_change(complaint, new_event(complaint, actor, "camera_snapshot", note=note))
    return media, evidence


def attach_in_background(app: Flask, complaint_id: int) -> gevent.Greenlet:
    """Spawned on a new complaint in an evidence category: the 201 does not wait for it."""
    return gevent.spawn(_attach_nearest, app, complaint_id)


def _attach_nearest(app: Flask, complaint_id: int) -> None:
    with app.app_context():
        try:
            complaint = db.session().get(Complaint, complaint_id)
            if complaint is None:
                return
            settings = cctv_state().settings
            point = (complaint.lat, complaint.lon)
            radius = settings.cover_range_m
            for nearby in nearest_cameras(EVERY_CAMERA, point, 10, radius, radius):
                source = camera_source(nearby.camera)
                usable = source is not None and source.has_frames
                if nearby.covers and usable and may_publish(nearby.camera, complaint):
                    take_evidence(complaint, nearby.camera, SYSTEM)
                    return
        except (ApiError, SnapshotUnavailable) as error:
            log.info("no automatic evidence for complaint %s: %s", complaint_id, error)
        except Exception:
            log.exception("automatic evidence for complaint %s failed", complaint_id)
        finally:
            db.database().session.remove()
