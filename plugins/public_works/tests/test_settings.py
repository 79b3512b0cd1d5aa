"""The ``[public_works]`` settings: defaults, values an operator gives, and mistakes that stop
the start."""

from __future__ import annotations

import pytest

from core.app import create_app
from core.testing import in_tree_plugins
from plugins.public_works.agency import DEFAULT_UNIT_DISTRICTS
from plugins.public_works.settings import public_works_settings


def test_defaults():
    settings = public_works_settings({})
    assert (settings.asset_radius_m, settings.flood_hours) == (60.0, 6)
    assert settings.unit_districts == DEFAULT_UNIT_DISTRICTS


def test_an_operator_s_values():
    section = {"asset_radius_m": 25, "flood_hours": 24, "unit_districts": {"jakpus": ["a", "b"]}}
    settings = public_works_settings({"public_works": section})
    assert (settings.asset_radius_m, settings.flood_hours) == (25.0, 24)
    assert settings.unit_districts == {"jakpus": ("a", "b")}


@pytest.mark.parametrize(
    "section, problem",
    [
        ({"asset_radius_m": 0}, "asset_radius_m"),
        ({"asset_radius_m": 5000}, "asset_radius_m"),
        ({"asset_radius_m": True}, "asset_radius_m"),
        ({"flood_hours": 0}, "flood_hours"),
        ({"flood_hours": 73}, "flood_hours"),
        ({"flood_hours": 1.5}, "flood_hours"),
        ({"unit_districts": {"jakpus": "jkt-pusat"}}, "unit_districts"),
        ({"unit_districts": ["jkt-pusat"]}, "unit_districts"),
        ({"unit_districts": {"jakarta-raya": ["jkt-pusat"]}}, "no unit 'jakarta-raya'"),
        ({"flood_days": 3}, "unknown keys"),
    ],
)
def test_wrong_settings_stop_the_start(tmp_path, section, problem):
    settings = {"instance_path": str(tmp_path), "public_works": section}
    with pytest.raises(RuntimeError, match=problem):
        create_app(config=settings, plugins=in_tree_plugins())
