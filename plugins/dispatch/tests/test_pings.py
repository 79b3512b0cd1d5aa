"""Position reports as phones send them: parsed, checked, refused with the reason."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.errors import ApiError
from plugins.dispatch.pings import (
    KNOT_MPS,
    check_fix,
    fix_from_api,
    fix_from_osmand,
    fix_from_traccar_json,
)

NOW = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
FIVE_MINUTES = timedelta(minutes=5)


def refused_fields(error: pytest.ExceptionInfo[ApiError]) -> set[str]:
    assert error.value.status == 400
    return set(error.value.fields or {})


def test_osmand_query_as_traccar_client_sends_it():
    values = {
        "id": "862531040000001",
        "lat": "-6.1754",
        "lon": "106.8272",
        "timestamp": str(int(NOW.timestamp()) - 10),
        "speed": "10",
        "bearing": "270.5",
        "accuracy": "12.5",
        "batt": "87",
        "altitude": "9",
    }
    fix = fix_from_osmand(values, NOW)
    assert fix.device_id == "862531040000001"
    assert (fix.lat, fix.lon) == (-6.1754, 106.8272)
    assert fix.at == NOW - timedelta(seconds=10)
    assert fix.speed_mps == pytest.approx(10 * KNOT_MPS)
    assert (fix.bearing_deg, fix.accuracy_m, fix.battery_pct) == (270.5, 12.5, 87.0)


@pytest.mark.parametrize(
    "timestamp",
    [str(int(NOW.timestamp())), str(int(NOW.timestamp() * 1000)), "2026-11-28T03:00:00Z"],
)
def test_osmand_timestamps_in_seconds_milliseconds_or_iso(timestamp):
    fix = fix_from_osmand({"id": "d", "lat": "1", "lon": "2", "timestamp": timestamp}, NOW)
    assert fix.at == NOW


def test_traccar_client_9_json_body():
    body = {
        "device_id": "officer-budi",
        "location": {
            "timestamp": "2026-11-28T02:59:50.000Z",
            "coords": {
                "latitude": -6.2,
                "longitude": 106.8,
                "accuracy": 8,
                "speed": 3.5,
                "heading": 90,
                "altitude": 12,
            },
            "is_moving": True,
            "battery": {"level": 0.42, "is_charging": False},
            "activity": {"type": "walking"},
        },
    }
    fix = fix_from_traccar_json(body, NOW)
    assert fix.device_id == "officer-budi"
    assert (fix.lat, fix.lon, fix.accuracy_m, fix.speed_mps, fix.bearing_deg) == (
        -6.2,
        106.8,
        8.0,
        3.5,
        90.0,
    )
    assert fix.battery_pct == pytest.approx(42)
    assert fix.at == NOW - timedelta(seconds=10)


def test_api_body_without_a_timestamp_is_now():
    fix = fix_from_api({"lat": -6.2, "lon": 106.8, "accuracy": 5}, NOW)
    assert fix.at == NOW and fix.accuracy_m == 5


@pytest.mark.parametrize(
    "values, field",
    [
        ({"lon": "106.8"}, "lat"),
        ({"lat": "north", "lon": "106.8"}, "lat"),
        ({"lat": "nan", "lon": "106.8"}, "lat"),
        ({"lat": "1", "lon": "2", "timestamp": "yesterday"}, "timestamp"),
    ],
)
def test_unreadable_reports_name_the_field(values, field):
    with pytest.raises(ApiError) as refused:
        fix_from_osmand(values, NOW)
    assert refused_fields(refused) == {field}


def test_traccar_json_without_coordinates_is_refused():
    with pytest.raises(ApiError) as refused:
        fix_from_traccar_json({"device_id": "x", "location": {}}, NOW)
    assert refused_fields(refused) == {"location"}


@pytest.mark.parametrize(
    "values, field",
    [
        ({"lat": 91, "lon": 106.8}, "lat"),
        ({"lat": -6.2, "lon": 181}, "lon"),
        ({"lat": -6.2, "lon": 106.8, "accuracy": -1}, "accuracy"),
        (
            {"lat": -6.2, "lon": 106.8, "timestamp": (NOW + timedelta(minutes=5)).isoformat()},
            "timestamp",
        ),
        (
            {"lat": -6.2, "lon": 106.8, "timestamp": (NOW - timedelta(minutes=6)).isoformat()},
            "timestamp",
        ),
    ],
)
def test_impossible_or_stale_positions_are_refused(values, field):
    with pytest.raises(ApiError) as refused:
        check_fix(fix_from_api(values, NOW), NOW, FIVE_MINUTES)
    assert refused_fields(refused) == {field}


def test_a_phone_clock_a_little_ahead_is_accepted():
    ahead = fix_from_api(
        {"lat": -6.2, "lon": 106.8, "timestamp": (NOW + timedelta(seconds=30)).isoformat()}, NOW
    )
    assert check_fix(ahead, NOW, FIVE_MINUTES) == ahead
