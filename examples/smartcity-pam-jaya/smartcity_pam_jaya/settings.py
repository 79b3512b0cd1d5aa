"""The ``[pamjaya]`` settings, checked at start: a misspelt key stops the start, not a page."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any


@dataclass(frozen=True)
class PamJayaSettings:
    # The customer line shown on the page; empty: none shown.
    hotline: str = ""
    # How far back the page counts reports.
    recent_days: int = 7


def read_settings(section: Mapping[str, Any]) -> PamJayaSettings:
    """The section from the config file (``[pamjaya]``) or the environment
    (``SMARTCITY_PAMJAYA__HOTLINE``), each value converted to its field's type."""
    known = {field.name: field for field in fields(PamJayaSettings)}
    unknown = set(section) - set(known)
    if unknown:
        raise RuntimeError(f"[pamjaya] has unknown keys: {sorted(unknown)}")
    # Environment values arrive parsed as TOML: a number-only hotline comes in as an int.
    converters = {"str": str, "int": int}
    return PamJayaSettings(
        **{key: converters[str(known[key].type)](value) for key, value in section.items()}
    )
