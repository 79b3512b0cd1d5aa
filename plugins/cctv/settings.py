"""The ``[cctv]`` settings, checked at start: a mistake stops the start, not a snapshot."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any


@dataclass(frozen=True)
class CctvSettings:
    # Snapshots through the server.
    snapshot_timeout_seconds: float = 4.0
    snapshot_cache_seconds: float = 5.0
    # A dead camera's last good frame is served (with its age) for this long, then 503.
    serve_stale_seconds: float = 600.0
    max_snapshot_bytes: int = 5_000_000
    snapshot_cache_cameras: int = 1000
    # The health monitor.
    health_check_seconds: float = 60.0
    health_concurrency: int = 64
    slow_ms: float = 2000.0
    frozen_after: int = 3
    offline_after_failures: int = 3
    outage_complaint_minutes: float = 30.0
    # Nearest and covering cameras.
    cover_range_m: float = 150.0
    nearest_radius_m: float = 500.0
    # New complaints in these categories get the nearest covering camera's frame as evidence.
    evidence_categories: tuple[str, ...] = ("traffic_light", "congestion", "accident", "flooding")


def cctv_settings(settings: Mapping[str, Any]) -> CctvSettings:
    section = dict(settings.get("cctv", {}))
    known = {field.name: field for field in fields(CctvSettings)}
    unknown = set(section) - set(known)
    if unknown:
        raise RuntimeError(f"[cctv] has unknown keys: {sorted(unknown)}")
    values: dict[str, Any] = {}
    for key, value in section.items():
        if key == "evidence_categories":
            if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
                raise RuntimeError("[cctv] evidence_categories must be a list of category codes")
            values[key] = tuple(value)
            continue
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise RuntimeError(f"[cctv] {key} must be a number > 0, not {value!r}")
        values[key] = int(value) if known[key].type == "int" else float(value)
    return CctvSettings(**values)
