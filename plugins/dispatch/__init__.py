"""Dispatch: field officers' duty and positions, the nearest free ones, and the live room each
officer's phone listens on for offers."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask_smorest import Blueprint

from core import hookimpl
from core.types import Actor
from plugins.dispatch.state import EXTENSION, build_state


@hookimpl
def register_migrations() -> list[str]:
    return [str(Path(__file__).parent / "migrations")]


@hookimpl
def register_blueprints() -> list[Blueprint]:
    from plugins.dispatch.views import api

    return [api]


@hookimpl
def app_started(app: Flask) -> None:
    app.extensions[EXTENSION] = build_state(app)


@hookimpl
def live_rooms(actor: Actor) -> list[str]:
    if actor.role == "officer" and actor.user_id is not None:
        return [f"officer:{actor.user_id}"]
    return []
