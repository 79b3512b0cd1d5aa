"""Officers' position reports as they arrive (the API, or Traccar Client's OsmAnd protocol),
checked and turned into ``Position``s: a bad report is refused with the reason, never stored."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask_babel import gettext

from core.errors import ApiError

KNOT_MPS = 0.514444
# A phone's clock may run a little ahead of the server's.
CLOCK_SKEW = timedelta(seconds=60)


@dataclass(frozen=True)
class Fix:
    """One position report, before it is known whose it is (a device id may come with it)."""

    lat: float
    lon: float
    at: datetime
    device_id: str | None = None
    accuracy_m: float | None = None
    speed_mps: float | None = None
    bearing_deg: float | None = None
    battery_pct: float | None = None


def fix_from_api(body: Mapping[str, Any], now: datetime) -> Fix:
    """``PUT .../officers/me/position``: ``lat``, ``lon``, optional ``accuracy`` (m),
    ``timestamp``, ``speed`` (m/s), ``bearing`` (degrees), ``battery`` (percent)."""
    return Fix(
        lat=_required_number(body, "lat"),
        lon=_required_number(body, "lon"),
        at=_timestamp(body.get("timestamp"), now),
        accuracy_m=_number(body, "accuracy"),
        speed_mps=_number(body, "speed"),
        bearing_deg=_number(body, "bearing"),
        battery_pct=_number(body, "battery"),
    )


def fix_from_osmand(values: Mapping[str, Any], now: datetime) -> Fix:
    """The OsmAnd protocol as Traccar Client sends it: ``id``, ``lat``, ``lon``, ``timestamp``
    (seconds, milliseconds or ISO 8601), ``speed`` (knots), ``bearing``, ``accuracy``, ``batt``
    (percent), in the query string or a form body."""
    device_id = _text(values, "id") or _text(values, "deviceid")
    speed_knots = _number(values, "speed")
    return Fix(
        lat=_required_number(values, "lat"),
        lon=_required_number(values, "lon"),
        at=_timestamp(values.get("timestamp"), now),
        device_id=device_id,
        accuracy_m=_number(values, "accuracy"),
        speed_mps=speed_knots * KNOT_MPS if speed_knots is not None else None,
        bearing_deg=_number(values, "bearing") or _number(values, "heading"),
        battery_pct=_number(values, "batt"),
    )


def fix_from_traccar_json(body: Mapping[str, Any], now: datetime) -> Fix:
    """Traccar Client 9's JSON body: ``{"device_id", "location": {"timestamp", "coords":
    {"latitude", "longitude", "accuracy", "speed" (m/s), "heading"}, "battery": {"level"}}}``."""
    location = body.get("location")
    coords = location.get("coords") if isinstance(location, Mapping) else None
    if not isinstance(coords, Mapping):
        raise _invalid("location", "Expected location.coords with latitude and longitude.")
    battery = location.get("battery") if isinstance(location, Mapping) else None
    level = _number(battery, "level") if isinstance(battery, Mapping) else None
    return Fix(
        lat=_required_number(coords, "latitude", "lat"),
        lon=_required_number(coords, "longitude", "lon"),
        at=_timestamp(location.get("timestamp"), now),
        device_id=_text(body, "device_id"),
        accuracy_m=_number(coords, "accuracy"),
        speed_mps=_number(coords, "speed"),
        bearing_deg=_number(coords, "heading"),
        battery_pct=level * 100 if level is not None and level <= 1 else level,
    )


def check_fix(fix: Fix, now: datetime, max_age: timedelta) -> Fix:
    """Refuse what cannot be a real, current position: off the globe, from the future, stale."""
    problems: dict[str, list[str]] = {}
    if not -90 <= fix.lat <= 90:
        problems["lat"] = [gettext("Latitude must be between -90 and 90.")]
    if not -180 <= fix.lon <= 180:
        problems["lon"] = [gettext("Longitude must be between -180 and 180.")]
    if fix.accuracy_m is not None and fix.accuracy_m < 0:
        problems["accuracy"] = [gettext("Accuracy is a distance in metres, not negative.")]
    if fix.at > now + CLOCK_SKEW:
        problems["timestamp"] = [
            gettext("The position is from the future: check the phone's clock.")
        ]
    elif fix.at < now - max_age:
        seconds = int(max_age.total_seconds())
        problems["timestamp"] = [
            gettext("The position is older than %(seconds)s s: not current.", seconds=seconds)
        ]
    if problems:
        raise ApiError(400, "validation_failed", "The position report is not valid.", problems)
    return fix


def _invalid(field: str, message: str) -> ApiError:
    return ApiError(
        400, "validation_failed", "The position report is not valid.", {field: [message]}
    )


def _text(values: Mapping[str, Any], key: str) -> str | None:
    value = values.get(key)
    return str(value).strip() or None if value is not None else None


def _number(values: Mapping[str, Any] | None, key: str) -> float | None:
    if values is None or values.get(key) in (None, ""):
        return None
    try:
        number = float(values[key])
    except (TypeError, ValueError) as error:
        raise _invalid(key, "Expected a number.") from error
    if number != number or number in (float("inf"), float("-inf")):
        raise _invalid(key, "Expected a finite number.")
    return number


def _required_number(values: Mapping[str, Any], key: str, *aliases: str) -> float:
    for name in (key, *aliases):
        number = _number(values, name)
        if number is not None:
            return number
    raise _invalid(key, "Required.")


def _timestamp(raw: Any, now: datetime) -> datetime:
    """Seconds or milliseconds since 1970, or ISO 8601; absent: the time it arrived."""
    if raw in (None, ""):
        return now
    try:
        if isinstance(raw, int | float) or str(raw).replace(".", "", 1).isdigit():
            seconds = float(raw)
            return datetime.fromtimestamp(seconds / 1000 if seconds > 1e11 else seconds, UTC)
        parsed = datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
    except (ValueError, OverflowError, OSError) as error:
        raise _invalid("timestamp", "Expected seconds since 1970 or an ISO 8601 time.") from error
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
