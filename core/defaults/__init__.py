"""What core does when no plugin speaks, written as ordinary ``trylast`` plugins."""

from __future__ import annotations

from core.defaults import permissions, rooms, triage

DEFAULT_PLUGINS = (
    ("core.triage", triage),
    ("core.permissions", permissions),
    ("core.rooms", rooms),
)
