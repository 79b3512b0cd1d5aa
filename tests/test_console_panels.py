"""The ``register_console_panels`` hook: a plugin's panel on the console of the agencies it
names (and the admins'), rendered from the plugin's own template, asked on each console."""

from __future__ import annotations

from functools import cached_property

import pytest
from flask import Blueprint
from jinja2 import BaseLoader, DictLoader

from core import hookimpl
from core.testing import in_tree_plugins
from core.types import AgencySpec, ConsolePanel

PANEL = '<section id="meter-panel">Meters of {{ actor.agency or "the city" }}</section>'


class PanelBlueprint(Blueprint):
    """A blueprint whose templates live in memory, as a plugin's would in its folder."""

    @cached_property
    def jinja_loader(self) -> BaseLoader:  # type: ignore[override]
        return DictLoader({"water/panel.html": PANEL})


class WaterUtility:
    def __init__(self) -> None:
        self.asked = 0

    @hookimpl
    def register_agencies(self):
        return [AgencySpec("pam", "PAM Jaya"), AgencySpec("pln", "PLN")]

    @hookimpl
    def register_blueprints(self):
        return [PanelBlueprint("water_pages", __name__)]

    @hookimpl
    def register_console_panels(self):
        self.asked += 1
        return [ConsolePanel("water/panel.html", agencies=("pam",))]


@pytest.fixture
def water() -> WaterUtility:
    return WaterUtility()


@pytest.fixture
def app_plugins(water):
    return [*in_tree_plugins(), ("water", water)]


def console_of(client, make_account, role: str, agency: str | None) -> str:
    response = client.get("/console", headers=make_account(role, agency=agency).headers)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_hook_register_console_panels(client, make_account, water):
    html = console_of(client, make_account, "staff", "pam")
    assert '<div class="console-panels" id="console-panels">' in html
    assert '<section id="meter-panel">Meters of pam</section>' in html
    # After the selected report, inside the console.
    assert html.index('id="detail"') < html.index('id="meter-panel"')
    assert water.asked == 1


@pytest.mark.parametrize(
    "role, agency, shown",
    [("head", "pam", True), ("admin", None, True), ("staff", "pln", False), ("head", "pln", False)],
)
def test_a_panel_shows_on_the_consoles_of_its_agencies_and_the_admins(
    client, make_account, role, agency, shown
):
    html = console_of(client, make_account, role, agency)
    assert ('id="meter-panel"' in html) is shown
    assert ('id="console-panels"' in html) is shown
    assert ('href="#console-panels"' in html) is shown  # the phone's way down to them
