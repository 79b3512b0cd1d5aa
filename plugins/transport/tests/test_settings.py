"""The ``[transport]`` settings: defaults, overrides, and mistakes that stop the start."""

from __future__ import annotations

import pytest

from plugins.transport.settings import TransportSettings, transport_settings


def test_defaults_and_overrides():
    assert transport_settings({}) == TransportSettings()
    assert TransportSettings().status_minutes == 60
    assert TransportSettings().near_m == 100
    assert TransportSettings().suggest_minutes == 30
    assert TransportSettings().camera_m == 150
    changed = transport_settings(
        {
            "transport": {
                "status_minutes": 15,
                "near_m": 50.5,
                "suggest_categories": ["congestion"],
                "camera_m": 80,
            }
        }
    )
    assert (
        changed.status_minutes,
        changed.near_m,
        changed.suggest_categories,
        changed.camera_m,
    ) == (15, 50.5, ("congestion",), 80)


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"status_minute": 10}, "unknown keys"),
        ({"status_minutes": 0}, "status_minutes must be a number > 0"),
        ({"near_m": True}, "near_m must be a number > 0"),
        ({"camera_m": 0}, "camera_m must be a number > 0"),
        ({"camera_m": "150 m"}, "camera_m must be a number > 0"),
        ({"suggest_categories": "congestion"}, "must be a list of category codes"),
    ],
)
def test_a_mistake_stops_the_start(section, message):
    with pytest.raises(RuntimeError, match=message):
        transport_settings({"transport": section})
