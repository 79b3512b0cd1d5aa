"""The ``[open311]`` settings, checked at start: a mistake stops the start, not a request."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app

EXTENSION = "open311"


@dataclass(frozen=True)
class Open311Settings:
    # The city's clock: every datetime Open311 shows is local time with its offset.
    timezone: ZoneInfo
    # Set: a request naming another jurisdiction_id is answered 404. Empty: any is accepted.
    jurisdiction_id: str = ""
    # Discovery's "contact" and "key_service"; empty: a sentence of ours, in the caller's
    # language.
    contact: str = ""
    key_service: str = ""


def open311_settings(settings: Mapping[str, Any]) -> Open311Settings:
    section = dict(settings.get("open311", {}))
    known = {field.name for field in fields(Open311Settings)} - {"timezone"}
    unknown = set(section) - known
    if unknown:
        raise RuntimeError(f"[open311] has unknown keys: {sorted(unknown)}")
    for key, value in section.items():
        if not isinstance(value, str):
            raise RuntimeError(f"[open311] {key} must be a text, not {value!r}")
    return Open311Settings(timezone=ZoneInfo(settings["timezone"]), **section)


def open311_state() -> Open311Settings:
    found: Open311Settings = current_app.extensions[EXTENSION]
    return found
