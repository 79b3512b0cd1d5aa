"""The dispatch plugin's per-app state: where officers are, and how old a position may be."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import Flask, current_app

from plugins.dispatch.positions import PositionStore, build_position_store

EXTENSION = "dispatch"


@dataclass(frozen=True)
class DispatchState:
    positions: PositionStore
    # Older than this, an officer's position is unknown: never offered work as "available".
    max_position_age: timedelta


def build_state(app: Flask) -> DispatchState:
    settings: dict[str, Any] = app.config["SMARTCITY"]
    seconds = settings.get("dispatch", {}).get("max_position_age_seconds", 300)
    return DispatchState(build_position_store(settings), timedelta(seconds=seconds))


def dispatch_state() -> DispatchState:
    state: DispatchState = current_app.extensions[EXTENSION]
    return state
