"""The ``[police]`` settings: the emergency line a reporter is told to call at once."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app

from core.types import CallNow

EXTENSION = "police"
# What a phone dials: digits, an optional leading +, spaces or dashes between groups.
PHONE_NUMBER = re.compile(r"\+?[0-9][0-9 -]*")


@dataclass(frozen=True)
class PoliceSettings:
    """``call_now_number``: Indonesia's police answer 110; ``call_now_label``: the call
    button's words (empty: "Call 110 now" in the reader's language)."""

    call_now_number: str = "110"
    call_now_label: str = ""


def police_settings(settings: Mapping[str, Any]) -> PoliceSettings:
    """The settings from ``app.config["SMARTCITY"]``, checked: a mistake stops the start."""
    section = settings.get("police", {})
    values: dict[str, str] = {}
    if "call_now_number" in section:
        # An environment variable SMARTCITY_POLICE__CALL_NOW_NUMBER=110 arrives as a number.
        number = str(section["call_now_number"]).strip()
        if isinstance(section["call_now_number"], bool) or not PHONE_NUMBER.fullmatch(number):
            raise RuntimeError(
                f"[police] call_now_number must be a phone number such as '110', not {number!r}"
            )
        values["call_now_number"] = number
    if "call_now_label" in section:
        values["call_now_label"] = str(section["call_now_label"]).strip()
    return PoliceSettings(**values)


def emergency_line() -> CallNow:
    """The line as configured, read whenever a form or page shows it."""
    settings: PoliceSettings = current_app.extensions[EXTENSION]
    return CallNow(number=settings.call_now_number, label=settings.call_now_label)
