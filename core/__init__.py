"""smartcity core: the small, stable centre every plugin builds on.

The public surface a plugin may import is exactly:

- ``core.hookimpl``: the marker for hook implementations;
- ``core.types``: the plain data classes hooks receive and return
  (``Actor``, ``AgencySpec``, ``CategorySpec``, ``RoutingDecision``, ``ComplaintDraft``);
- ``core.live.publish``: send a live event to a room.

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
