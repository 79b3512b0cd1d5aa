"""The ``[transport]`` settings, checked at start, and the plugin's per-app state.

In the config file (or ``SMARTCITY_TRANSPORT__<KEY>`` in the environment)::

    [transport]
    status_minutes = 60    # a status set by Dishub reads "unknown" after this long
    near_m = 100           # complaints this close to a segment count for its suggestion
    suggest_minutes = 30   # ... if they were filed this recently
    suggest_categories = ["congestion", "accident"]
    camera_m = 150         # cameras this close to a segment are along it (and their tags vote)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Any

from flask import Flask, current_app

EXTENSION = "transport"


@dataclass(frozen=True)
class TransportSettings:
    status_minutes: float = 60.0
    near_m: float = 100.0
    suggest_minutes: float = 30.0
    # The categories whose recent complaints say a road is jammed.
    suggest_categories: tuple[str, ...] = ("congestion", "accident")
    # Cameras this close to a segment are along it: listed with it, their tags vote.
    camera_m: float = 150.0


def transport_settings(settings: Mapping[str, Any]) -> TransportSettings:
    section = dict(settings.get("transport", {}))
    known = {field.name for field in fields(TransportSettings)}
    unknown = set(section) - known
    if unknown:
        raise RuntimeError(f"[transport] has unknown keys: {sorted(unknown)}")
    values: dict[str, Any] = {}
    for key, value in section.items():
        if key == "suggest_categories":
            if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
                raise RuntimeError(
                    "[transport] suggest_categories must be a list of category codes"
                )
            values[key] = tuple(value)
            continue
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise RuntimeError(f"[transport] {key} must be a number > 0, not {value!r}")
        values[key] = float(value)
    return TransportSettings(**values)


@dataclass
class TransportState:
    settings: TransportSettings
    # Tests replace the clock to make statuses expire.
    clock: Callable[[], datetime]

    def now(self) -> datetime:
        return self.clock()


def build_state(app: Flask) -> TransportState:
    return TransportState(
        settings=transport_settings(app.config["SMARTCITY"]), clock=lambda: datetime.now(UTC)
    )


def transport_state() -> TransportState:
    state: TransportState = current_app.extensions[EXTENSION]
    return state
