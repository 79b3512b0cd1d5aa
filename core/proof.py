"""Proof of a fix: an after-photo taken since the complaint was assigned, near the complaint."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from PIL import ExifTags

from core.changes import new_event, record_change, require_right
from core.errors import ApiError
from core.geo import haversine_m
from core.media import add_media, check_image
from core.models import OPEN_STATUSES, Complaint, Media, utcnow
from core.photos import open_image
from core.types import Actor

DATE_TIME_ORIGINAL = 0x9003
OFFSET_TIME_ORIGINAL = 0x9011
# A phone's clock may run a little ahead of the server's.
CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class Capture:
    """When and where the camera says the photo was taken (None when it does not say)."""

    taken_at: datetime | None
    point: tuple[float, float] | None


def read_capture(data: bytes, city_timezone: ZoneInfo) -> Capture:
    """The capture time and GPS position from a photo's EXIF, read before it is stripped.

    A capture time without an offset is the city's local time, as phones write it.
    """
    try:
        exif = open_image(data).getexif()
        details = exif.get_ifd(ExifTags.IFD.Exif)
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    except (OSError, SyntaxError, ValueError):
        return Capture(None, None)
    return Capture(_taken_at(details, city_timezone), _gps_point(gps))


def _taken_at(details: dict[int, object], city_timezone: ZoneInfo) -> datetime | None:
    raw = details.get(DATE_TIME_ORIGINAL)
    if not isinstance(raw, str):
        return None
    try:
        taken = datetime.strptime(raw.strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    offset = details.get(OFFSET_TIME_ORIGINAL)
    if isinstance(offset, str):
        try:
            return datetime.fromisoformat(f"{taken.isoformat()}{offset.strip(chr(0))}")
        except ValueError:
            pass
    return taken.replace(tzinfo=city_timezone)


def _gps_point(gps: dict[int, object]) -> tuple[float, float] | None:
    try:
        lat = _degrees(gps[2]) * (-1 if gps.get(1) == "S" else 1)
        lon = _degrees(gps[4]) * (-1 if gps.get(3) == "W" else 1)
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None
    return (lat, lon) if -90 <= lat <= 90 and -180 <= lon <= 180 else None


def _degrees(parts: Any) -> float:
    degrees, minutes, seconds = (float(part) for part in parts)
    return degrees + minutes / 60 + seconds / 3600


FIELD_PHOTO_NOTES = {
    "before": "Photo of the spot before the work.",
    "after": "Photo of the fixed spot.",
}


def attach_field_photo(
    complaint: Complaint, actor: Actor, data: bytes, kind: str = "after"
) -> Media:
    """Check and store the agency's photo of the spot: ``after`` the fix (it lets a field
    complaint be resolved) or ``before`` the work (a record, not proof).

    422 when the photo carries no capture time, was taken before the
    complaint reached its current owner, or (when it carries a position) far
    from the complaint.
    """
    require_right(actor, complaint, "photo")
    if complaint.status not in OPEN_STATUSES:
        raise ApiError(
            409,
            "invalid_transition",
            "The complaint is already %(state)s.",
            state=complaint.status,
        )
    settings = current_app.config["SMARTCITY"]
    capture = read_capture(data, ZoneInfo(settings["timezone"]))
    photo = check_image(data)
    now = utcnow()
    _check_capture(complaint, capture, now, settings["proof_radius_m"])
    media = add_media(complaint, photo, kind, actor.user_id, capture.taken_at)
    note = FIELD_PHOTO_NOTES[kind]
    record_change(complaint, new_event(complaint, actor, "photo", note=note, at=now))
    return media


def _check_capture(complaint: Complaint, capture: Capture, now: datetime, radius_m: int) -> None:
    if capture.taken_at is None:
        raise ApiError(
            422,
            "capture_time_missing",
            "The photo does not say when it was taken; send the camera's original file.",
        )
    # EXIF times are whole seconds.
    if capture.taken_at < complaint.assigned_at.replace(microsecond=0):
        raise ApiError(
            422,
            "photo_too_old",
            "The photo was taken at %(taken)s, before the complaint was assigned at %(assigned)s.",
            taken=capture.taken_at.isoformat(),
            assigned=complaint.assigned_at.isoformat(),
        )
    if capture.taken_at > now + CLOCK_SKEW:
        raise ApiError(422, "photo_from_future", "The photo's capture time is in the future.")
    if capture.point is not None:
        distance = haversine_m(capture.point, (complaint.lat, complaint.lon))
        if distance > radius_m:
            raise ApiError(
                422,
                "photo_too_far",
                "The photo was taken %(distance).0f m from the complaint; at most %(radius)s m.",
                distance=distance,
                radius=radius_m,
            )
