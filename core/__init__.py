"""smartcity core: the small, stable centre every plugin builds on.

The public surface a plugin may import is exactly:

- ``core.hookimpl``: the marker for hook implementations;
- ``core.types``: the plain data classes hooks receive and return
  (``Actor``, ``AgencySpec``, ``CategorySpec``, ``ComplaintDraft``,
  ``RoutingDecision``, ``RoutingRule``, ``Asset``, ``CameraSighting``, ...);
- ``core.models``: ``Base`` for a plugin's own tables, and core's tables to query;
- ``core.db.session``: the current request's (or command's) database session;
- ``core.catalog.catalog``: the registered agencies and categories;
- ``core.plugins.hooks``: call other plugins' hooks (typed);
- ``core.auth``: ``current_actor`` and ``require_roles`` for a plugin's views;
- ``core.errors.ApiError``: an error in the contract's shape;
- ``core.schemas``: the contract's marshmallow schemas, to reuse in a plugin's API;
- ``core.live.publish``: send a live event to a room;
- ``core.complaints``: ``visible_complaints`` / ``filtered_complaints`` (the
  one visibility-checked query to build on);
- ``core.changes``: ``update_complaint`` (status and notes, with the rights checked),
  ``new_event`` + ``record_change`` (a plugin's own event in a complaint's history),
  ``require_right``, and the scheduled changes ``mark_overdue``, ``escalate``, ``auto_close``;
- ``core.serialize.complaint_payload``: a complaint in the API's shape, for live events;
- ``core.media``: ``check_image`` and ``add_media`` (a plugin's image kept on a complaint);
- ``core.leases``: ``take_lease`` and ``worker_name`` (one worker per deployment for a job);
- ``core.sla.missed_deadline``: which SLA deadline a complaint has missed;
- ``core.geo``: distances in metres (``haversine_m``, ``distance_to_lines_m``);
- ``core.geojson``: reading a GeoJSON FeatureCollection to import, all or nothing,
  every problem named by its feature;
- ``core.offices``: routing rules per office of an agency from ``unit_districts``.

This module imports nothing that opens sockets, so an entry point can still
monkey-patch gevent after ``import core``.
"""

from __future__ import annotations

import pluggy

PROJECT_NAME = "smartcity"

hookimpl = pluggy.HookimplMarker(PROJECT_NAME)
hookspec = pluggy.HookspecMarker(PROJECT_NAME)

__version__ = "0.1.0"
__all__ = ["PROJECT_NAME", "__version__", "hookimpl", "hookspec"]
