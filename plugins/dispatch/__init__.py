"""Dispatch: field officers, and the live room each officer's phone listens on for offers."""

from __future__ import annotations

from core import hookimpl
from core.types import Actor


@hookimpl
def live_rooms(actor: Actor) -> list[str]:
    if actor.role == "officer" and actor.user_id is not None:
        return [f"officer:{actor.user_id}"]
    return []
