"""The dispatch plugin's per-app state: its settings, its clock, where officers are, and what
of their movement is streamed and kept."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, current_app

from core.models import utcnow
from plugins.dispatch.positions import PositionStore, build_position_store
from plugins.dispatch.streaming import StreamGate, build_stream_gate
from plugins.dispatch.tracks import TrackRecorder

EXTENSION = "dispatch"


@dataclass(frozen=True)
class DispatchSettings:
    """The ``[dispatch]`` keys (seconds, metres and counts in config; see default.toml)."""

    # Older than this, an officer's position is unknown: never offered work as "available".
    max_position_age: timedelta = timedelta(seconds=300)
    answer_time: timedelta = timedelta(seconds=60)
    alert_after_refusals: int = 3
    on_site_radius_m: float = 50.0
    # Ranking by workload: each complaint an officer accepted within the window counts as
    # this many metres farther away (0: distance alone decides).
    workload_penalty_m: float = 0.0
    workload_window: timedelta = timedelta(hours=8)
    check_seconds: float = 5.0
    stream_interval: timedelta = timedelta(seconds=3)
    track_sample_interval: timedelta = timedelta(seconds=60)
    track_keep: timedelta = timedelta(days=30)


SECONDS_KEYS = {
    "max_position_age_seconds": "max_position_age",
    "answer_seconds": "answer_time",
    "stream_interval_seconds": "stream_interval",
    "track_sample_seconds": "track_sample_interval",
}


def dispatch_settings(settings: Mapping[str, Any]) -> DispatchSettings:
    """The settings from ``app.config["SMARTCITY"]``, checked: a mistake stops the start."""
    section = settings.get("dispatch", {})
    values: dict[str, Any] = {}
    for key, name in SECONDS_KEYS.items():
        if key in section:
            values[name] = timedelta(seconds=_positive(section, key))
    if "workload_window_hours" in section:
        values["workload_window"] = timedelta(hours=_positive(section, "workload_window_hours"))
    if "track_keep_days" in section:
        values["track_keep"] = timedelta(days=_positive(section, "track_keep_days"))
    for key in ("on_site_radius_m", "check_seconds"):
        if key in section:
            values[key] = _positive(section, key)
    if "workload_penalty_m" in section:
        values["workload_penalty_m"] = _positive(section, "workload_penalty_m", zero=True)
    if "alert_after_refusals" in section:
        values["alert_after_refusals"] = int(_positive(section, "alert_after_refusals"))
    return DispatchSettings(**values)


def _positive(section: Mapping[str, Any], key: str, zero: bool = False) -> float:
    value = section[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise RuntimeError(f"[dispatch] {key} must be a number >= 0, not {value!r}")
    if value == 0 and not zero:
        raise RuntimeError(f"[dispatch] {key} must be more than 0")
    return float(value)


@dataclass
class DispatchState:
    positions: PositionStore
    settings: DispatchSettings
    stream_gate: StreamGate
    tracks: TrackRecorder
    # Tests move time on by replacing the clock.
    clock: Callable[[], datetime] = field(default=utcnow)

    def now(self) -> datetime:
        return self.clock()


def build_state(app: Flask) -> DispatchState:
    settings: dict[str, Any] = app.config["SMARTCITY"]
    chosen = dispatch_settings(settings)
    return DispatchState(
        positions=build_position_store(settings),
        settings=chosen,
        stream_gate=build_stream_gate(settings, chosen.stream_interval),
        tracks=TrackRecorder(chosen.track_sample_interval),
    )


def dispatch_state() -> DispatchState:
    state: DispatchState = current_app.extensions[EXTENSION]
    return state
