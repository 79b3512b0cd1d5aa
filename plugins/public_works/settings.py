"""The ``[public_works]`` settings, checked at start, and the plugin's per-app state.

In the config file (or ``SMARTCITY_PUBLIC_WORKS__<KEY>`` in the environment)::

    [public_works]
    asset_radius_m = 60   # the report form offers the assets this close to the pin
    flood_hours = 6       # /floods shows the flood reports of this many hours by default
    # Every office (PU unit) with the district codes it serves; replaces the demo's map.
    unit_districts = { jakpus = ["jkt-pusat"], jakut = ["jkt-utara"] }
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import Any

from flask import Flask, current_app

from core.offices import parse_unit_districts
from plugins.public_works.agency import AGENCY_SPEC, DEFAULT_UNIT_DISTRICTS

EXTENSION = "public_works"
MAX_ASSET_RADIUS_M = 1000
MAX_FLOOD_HOURS = 72


@dataclass(frozen=True)
class PublicWorksSettings:
    # The assets within this many metres of the reported point are offered on the form.
    asset_radius_m: float = 60.0
    # The flood view's window by default, in hours (at most MAX_FLOOD_HOURS).
    flood_hours: int = 6
    # Which district codes each PU office (unit) serves: {unit: [district codes]}.
    unit_districts: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: dict(DEFAULT_UNIT_DISTRICTS)
    )


def public_works_settings(settings: Mapping[str, Any]) -> PublicWorksSettings:
    section = dict(settings.get("public_works", {}))
    unknown = set(section) - {each.name for each in fields(PublicWorksSettings)}
    if unknown:
        raise RuntimeError(f"[public_works] has unknown keys: {sorted(unknown)}")
    values: dict[str, Any] = {}
    if "asset_radius_m" in section:
        radius = section["asset_radius_m"]
        if (
            isinstance(radius, bool)
            or not isinstance(radius, int | float)
            or not 0 < radius <= MAX_ASSET_RADIUS_M
        ):
            raise RuntimeError(
                f"[public_works] asset_radius_m must be a number of metres, more than 0 and at "
                f"most {MAX_ASSET_RADIUS_M}, not {radius!r}"
            )
        values["asset_radius_m"] = float(radius)
    if "flood_hours" in section:
        hours = section["flood_hours"]
        if (
            isinstance(hours, bool)
            or not isinstance(hours, int)
            or not 1 <= hours <= MAX_FLOOD_HOURS
        ):
            raise RuntimeError(
                f"[public_works] flood_hours must be a whole number of hours from 1 to "
                f"{MAX_FLOOD_HOURS}, not {hours!r}"
            )
        values["flood_hours"] = hours
    if "unit_districts" in section:
        values["unit_districts"] = parse_unit_districts(
            "public_works", section["unit_districts"], AGENCY_SPEC
        )
    return PublicWorksSettings(**values)


@dataclass(frozen=True)
class PublicWorksState:
    settings: PublicWorksSettings
    # Tests replace the clock to move the flood window.
    clock: Callable[[], datetime]

    def now(self) -> datetime:
        return self.clock()


def build_state(app: Flask) -> PublicWorksState:
    return PublicWorksState(
        settings=public_works_settings(app.config["SMARTCITY"]), clock=lambda: datetime.now(UTC)
    )


def public_works_state() -> PublicWorksState:
    state: PublicWorksState = current_app.extensions[EXTENSION]
    return state
