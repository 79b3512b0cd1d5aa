"""The routing plugin's per-app state: its ordered rules, the city's clock and its districts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app

from core.catalog import catalog
from core.plugins import hooks
from plugins.routing.rules import Place, RoutingEngine, ordered_rules, rule_from_config

EXTENSION = "routing"


@dataclass(frozen=True)
class RoutingState:
    engine: RoutingEngine
    timezone: ZoneInfo
    clock: Callable[[], datetime]

    def now(self) -> datetime:
        return self.clock().astimezone(self.timezone)


def build_state(app: Flask, locate: Callable[[float, float], Place]) -> RoutingState:
    """Plugins' rules and the operator's (``[[routing.rules]]``), checked and ordered."""
    settings = app.config["SMARTCITY"]
    configured = settings.get("routing", {}).get("rules", [])
    with app.app_context():
        rules = [*hooks(app).register_routing_rules(), *map(rule_from_config, configured)]
        engine = RoutingEngine(ordered_rules(rules, catalog()), locate)
    return RoutingState(engine, ZoneInfo(settings["timezone"]), lambda: datetime.now(UTC))


def routing_state() -> RoutingState:
    state: RoutingState = current_app.extensions[EXTENSION]
    return state
