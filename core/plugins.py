"""The plugin manager: hook specs, entry-point loading, and a typed facade over the hooks."""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable, Mapping, Sequence
from importlib import metadata
from typing import TYPE_CHECKING, Any

import pluggy

from core import PROJECT_NAME, hookspecs

if TYPE_CHECKING:
    from flask import Flask

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "smartcity.plugins"
# Hooks whose exceptions are logged and isolated: the thing already happened.
EVENT_HOOKS = ("complaint_created", "complaint_status_changed", "complaint_forwarded")


def entry_points() -> list[metadata.EntryPoint]:
    return sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda ep: ep.name)


def build_manager(
    plugins: Sequence[tuple[str, object]] | None,
    load: Iterable[str] = (),
    disable: Iterable[str] = (),
) -> pluggy.PluginManager:
    """Create the manager with core's defaults, then the given plugins or the entry points.

    ``plugins`` (name, module) pairs replace entry-point discovery (tests use
    this); ``load`` is an allow-list of entry names and ``disable`` a deny-list.
    """
    from core.defaults import DEFAULT_PLUGINS

    pm = pluggy.PluginManager(PROJECT_NAME)
    pm.add_hookspecs(hookspecs)
    for name, module in DEFAULT_PLUGINS:
        pm.register(module, name=name)
    allowed, disabled = set(load), set(disable)
    if plugins is None:
        plugins = [(ep.name, ep) for ep in entry_points()]
    for name, plugin in plugins:
        if (allowed and name not in allowed) or name in disabled:
            continue
        if isinstance(plugin, metadata.EntryPoint):
            plugin = plugin.load()
        pm.register(plugin, name=name)
    unknown = allowed - {name for name, _ in plugins}
    if unknown:
        raise RuntimeError(f"SMARTCITY_LOAD_PLUGINS names unknown plugins: {sorted(unknown)}")
    pm.check_pending()
    return pm


def plugin_version(plugin: object) -> str:
    """The version of the distribution that ships the plugin, else its ``__version__``."""
    top_package = getattr(plugin, "__name__", "").split(".")[0]
    for distribution in _distributions_by_package().get(top_package, []):
        return metadata.version(distribution)
    return str(getattr(plugin, "__version__", "unknown"))


@functools.cache
def _distributions_by_package() -> Mapping[str, list[str]]:
    return metadata.packages_distributions()


class Hooks:
    """Typed call sites for the hooks; always called with keywords."""

    def __init__(self, pm: pluggy.PluginManager) -> None:
        self.pm = pm

    def _collect(self, name: str, **kwargs: Any) -> list[Any]:
        results: list[Any] = []
        for result in getattr(self.pm.hook, name)(**kwargs):
            if result:
                results.extend(result)
        return results

    def register_agencies(self) -> list[Any]:
        return self._collect("register_agencies")

    def register_categories(self) -> list[Any]:
        return self._collect("register_categories")

    def register_routing_rules(self) -> list[Any]:
        return self._collect("register_routing_rules")

    def register_blueprints(self) -> list[Any]:
        return self._collect("register_blueprints")

    def register_nav_links(self) -> list[Any]:
        return self._collect("register_nav_links")

    def register_console_panels(self) -> list[Any]:
        return self._collect("register_console_panels")

    def register_commands(self) -> list[Any]:
        return self._collect("register_commands")

    def register_migrations(self) -> list[str]:
        return self._collect("register_migrations")

    def register_translations(self) -> list[str]:
        return self._collect("register_translations")

    def register_live_events(self, reserved: Iterable[str] = ()) -> dict[str, Any]:
        """Every plugin's Socket.IO event handlers by event name; a name taken twice (or one
        of ``reserved``, core's own) is a start-up error."""
        handlers: dict[str, Any] = {}
        taken = set(reserved)
        for impl in self.pm.hook.register_live_events.get_hookimpls():
            contributed: dict[str, Any] = impl.function() or {}  # type: ignore[assignment]
            for name, handler in contributed.items():
                if name in taken:
                    raise RuntimeError(f"plugin {impl.plugin_name!r}: live event {name!r} is taken")
                taken.add(name)
                handlers[name] = handler
        return handlers

    def load_demo(self, session: Any) -> None:
        self.pm.hook.load_demo(session=session)

    def app_started(self, app: Flask) -> None:
        self.pm.hook.app_started(app=app)

    def locate_address(
        self, address_string: str | None, address_id: str | None
    ) -> tuple[float, float] | None:
        found = self.pm.hook.locate_address(address_string=address_string, address_id=address_id)
        return None if found is None else (float(found[0]), float(found[1]))

    def assets_near(self, category: str, point: tuple[float, float], limit: int) -> list[Any]:
        """Every plugin's assets near the point, nearest first, at most ``limit``."""
        found = self._collect("assets_near", category=category, point=point, limit=limit)
        return sorted(found, key=lambda asset: asset.distance_m)[:limit]

    def find_asset(self, category: str, asset_id: str) -> Any:
        return self.pm.hook.find_asset(category=category, asset_id=asset_id)

    def find_district_names(self, codes: list[str]) -> dict[str, str]:
        """Every plugin's names of the districts with these codes; the first answer wins."""
        if not codes:
            return {}
        names: dict[str, str] = {}
        for answer in self.pm.hook.find_district_names(codes=codes):
            for code, name in answer.items():
                names.setdefault(code, name)
        return names

    def cameras_along(
        self, geometries: list[dict[str, Any]], within_m: float, actor: Any
    ) -> list[list[Any]]:
        """Every plugin's cameras near each geometry: one list a geometry, nearest first."""
        answers = self.pm.hook.cameras_along(geometries=geometries, within_m=within_m, actor=actor)
        merged: list[list[Any]] = [[] for _ in geometries]
        for answer in answers:
            if len(answer) != len(geometries):
                raise ValueError("cameras_along must answer one list for each geometry")
            for found, sightings in zip(merged, answer, strict=True):
                found.extend(sightings)
        return [
            sorted(found, key=lambda camera: (camera.distance_m, camera.id)) for found in merged
        ]

    def route_complaint(self, draft: Any) -> Any:
        return self.pm.hook.route_complaint(draft=draft)

    def complaint_visibility(self, actor: Any) -> list[Any]:
        return self._collect("complaint_visibility", actor=actor)

    def complaint_visibility_limits(self, actor: Any) -> list[Any]:
        return self._collect("complaint_visibility_limits", actor=actor)

    def server_started(self, app: Flask) -> None:
        self.pm.hook.server_started(app=app)

    def can_change_complaint(self, actor: Any, complaint: Any, action: str) -> bool:
        votes = self.pm.hook.can_change_complaint(actor=actor, complaint=complaint, action=action)
        return False not in votes and True in votes

    def live_rooms(self, actor: Any) -> list[str]:
        return sorted(set(self._collect("live_rooms", actor=actor)))

    def complaint_api_extra(self, complaint: Any, actor: Any) -> dict[str, Any]:
        extra: dict[str, Any] = {}
        impls = self.pm.hook.complaint_api_extra.get_hookimpls()
        for impl in impls:
            value = impl.function(complaint=complaint, actor=actor)
            if value:
                extra[impl.plugin_name] = value
        return extra

    def notify(self, name: str, **kwargs: Any) -> None:
        """Call an event hook on each plugin alone, so one that raises cannot stop the others."""
        assert name in EVENT_HOOKS, name
        for impl in reversed(getattr(self.pm.hook, name).get_hookimpls()):
            accepted = {arg: kwargs[arg] for arg in impl.argnames}
            try:
                impl.function(**accepted)
            except Exception:
                log.exception("plugin %r failed in %s; the change stands", impl.plugin_name, name)


def hooks(app: Flask | None = None) -> Hooks:
    """The typed hook caller of the given app, or of the current one."""
    from flask import current_app

    found: Hooks = (app or current_app).extensions["smartcity.hooks"]
    return found


def describe_plugins(pm: pluggy.PluginManager, app: Flask) -> list[dict[str, Any]]:
    """Each loaded plugin with its version, the hooks it implements and the routes it mounts."""
    routes_by_blueprint: dict[str, list[str]] = {}
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.rpartition(".")[0]
        routes_by_blueprint.setdefault(blueprint, []).append(rule.rule)
    described = []
    for name, plugin in sorted(pm.list_name_plugin(), key=lambda item: item[0]):
        if name.startswith("core."):
            continue
        hooks = sorted(caller.name for caller in pm.get_hookcallers(plugin) or [])
        described.append(
            {
                "name": name,
                "version": plugin_version(plugin),
                "hooks": hooks,
                "routes": sorted(routes_by_blueprint.get(name, [])),
            }
        )
    return described
