"""The ``[sanitation]`` settings, checked at start, and the plugin's per-app state.

In the config file (or ``SMARTCITY_SANITATION__<KEY>`` in the environment)::

    [sanitation]
    hot_spot_min_complaints = 3   # complaints in a week that make an area a hot spot
    hot_spot_cell_m = 250         # the grid squares for complaints in no known district
    # Every office (DLH unit) with the district codes it serves; replaces the demo's map.
    unit_districts = { jakpus = ["jkt-pusat"], jakut = ["jkt-utara"] }
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, current_app

from core.offices import parse_unit_districts
from plugins.sanitation.agency import AGENCY_SPEC, DEFAULT_UNIT_DISTRICTS

EXTENSION = "sanitation"


@dataclass(frozen=True)
class SanitationSettings:
    # An area is a hot spot from this many complaints in the window.
    hot_spot_min_complaints: int = 3
    # Complaints in no known district are counted per square of this side.
    hot_spot_cell_m: float = 250.0
    # Which district codes each DLH office (unit) serves: {unit: [district codes]}.
    unit_districts: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: dict(DEFAULT_UNIT_DISTRICTS)
    )


def sanitation_settings(settings: Mapping[str, Any]) -> SanitationSettings:
    section = dict(settings.get("sanitation", {}))
    unknown = set(section) - {"hot_spot_min_complaints", "hot_spot_cell_m", "unit_districts"}
    if unknown:
        raise RuntimeError(f"[sanitation] has unknown keys: {sorted(unknown)}")
    values: dict[str, Any] = {}
    if "hot_spot_min_complaints" in section:
        minimum = section["hot_spot_min_complaints"]
        if isinstance(minimum, bool) or not isinstance(minimum, int) or minimum < 1:
            raise RuntimeError(
                f"[sanitation] hot_spot_min_complaints must be a whole number >= 1, not {minimum!r}"
            )
        values["hot_spot_min_complaints"] = minimum
    if "hot_spot_cell_m" in section:
        side = section["hot_spot_cell_m"]
        if isinstance(side, bool) or not isinstance(side, int | float) or not 10 <= side <= 5000:
            raise RuntimeError(f"[sanitation] hot_spot_cell_m must be 10-5000 metres, not {side!r}")
        values["hot_spot_cell_m"] = float(side)
    if "unit_districts" in section:
        values["unit_districts"] = parse_unit_districts(
            "sanitation", section["unit_districts"], AGENCY_SPEC
        )
    return SanitationSettings(**values)


@dataclass(frozen=True)
class SanitationState:
    settings: SanitationSettings
    timezone: ZoneInfo
    # Where the city is: grid squares are measured in degrees at this latitude.
    reference_lat: float
    clock: Callable[[], datetime]

    def now(self) -> datetime:
        return self.clock().astimezone(self.timezone)


def build_state(app: Flask) -> SanitationState:
    config = app.config["SMARTCITY"]
    return SanitationState(
        settings=sanitation_settings(config),
        timezone=ZoneInfo(config["timezone"]),
        reference_lat=float(config["map_center"][0]),
        clock=lambda: datetime.now(UTC),
    )


def sanitation_state() -> SanitationState:
    state: SanitationState = current_app.extensions[EXTENSION]
    return state
