"""Fixtures of the sanitation tests."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def with_routing(app: Any) -> None:
    """Skip a test of what the routing plugin does with the sanitation rules when the app
    runs without it (districts, offices, named areas); the rest must pass either way."""
    if "routing" not in dict(app.extensions["smartcity.pm"].list_name_plugin()):
        pytest.skip("routing rules are evaluated by the routing plugin, not loaded here")
