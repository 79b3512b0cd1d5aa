"""GET /media/<id> and its thumbnail: photos, shown only to those who may see the complaint."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, send_file
from PIL import UnidentifiedImageError

from core import db
from core.auth import current_actor
from core.complaints import get_visible_or_404, media_root
from core.errors import ApiError
from core.models import Media
from core.photos import ensure_thumbnail

blueprint = Blueprint("media", __name__)
CACHE_SECONDS = 3600


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
