"""Complaints' media: stored checked and stripped of metadata; served (GET /media/<id> and its
thumbnail) only to those who may see the complaint."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from flask import Blueprint, Response, current_app, send_file
from PIL import UnidentifiedImageError

from core import db
from core.auth import current_actor
from core.complaints import get_visible_or_404, media_root
from core.errors import ApiError
from core.models import Complaint, Media, utcnow
from core.photos import CheckedPhoto, check_photo, ensure_thumbnail, store_photo

blueprint = Blueprint("media", __name__)
CACHE_SECONDS = 3600


def check_image(data: bytes) -> CheckedPhoto:
    """An uploaded or fetched image checked by its bytes, its metadata stripped: 415 for
    anything but JPEG, PNG or WebP, 413 over the configured limits, 400 when corrupt."""
    settings = current_app.config["SMARTCITY"]
    return check_photo(data, settings["max_photo_bytes"], settings["max_photo_pixels"])


def add_media(
    complaint: Complaint,
    image: CheckedPhoto,
    kind: str,
    uploaded_by_id: int | None,
    captured_at: datetime | None,
) -> Media:
    """Store a checked image and add it to the complaint, in the session: the caller commits
    with its event.

    ``kind`` says whose it is: ``photo`` (the reporter's), ``after`` (proof of the fix), or a
    plugin's own (the cctv plugin's ``camera`` evidence). ``Media.sha256`` is the stored file's.
    """
    media = Media(
        complaint_id=complaint.id,
        kind=kind,
        path=store_photo(image, media_root()),
        content_type=image.content_type,
        width=image.width,
        height=image.height,
        size_bytes=len(image.data),
        sha256=image.sha256,
        captured_at=captured_at,
        uploaded_by_id=uploaded_by_id,
        created_at=utcnow(),
    )
    db.session().add(media)
    complaint.photos.append(media)
    return media


def _visible_media(media_id: int) -> Media:
    media = db.session().get(Media, media_id)
    if media is None or media.complaint_id is None:
        raise ApiError(404, "not_found", "No such photo.")
    get_visible_or_404(media.complaint_id, current_actor())
    return media


@blueprint.get("/media/<int:media_id>")
def photo(media_id: int) -> Response:
    media = _visible_media(media_id)
    return _send(media_root() / media.path, media.content_type)


@blueprint.get("/media/<int:media_id>/thumbnail")
def thumbnail(media_id: int) -> Response:
    media = _visible_media(media_id)
    side = current_app.config["SMARTCITY"]["thumbnail_pixels"]
    try:
        path = ensure_thumbnail(media_root(), media.path, side)
    except (OSError, UnidentifiedImageError) as error:
        raise ApiError(404, "not_found", "This photo has no thumbnail.") from error
    return _send(path, "image/jpeg")


def _send(path: Path, mimetype: str) -> Response:
    if not path.exists():
        raise ApiError(404, "not_found", "The photo file is missing.")
    response = send_file(path, mimetype=mimetype, max_age=CACHE_SECONDS, conditional=True)
    response.headers["Cache-Control"] = f"private, max-age={CACHE_SECONDS}"
    return response
