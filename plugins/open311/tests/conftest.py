"""Fixtures of the Open311 tests: both formats, keys made with the CLI, and a
category asking every kind of question the spec knows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from plugins.open311.tests.helpers import FORMATS, FallenTreePlugin, create_key


@pytest.fixture(params=FORMATS)
def fmt(request: pytest.FixtureRequest) -> str:
    """Each test taking ``fmt`` runs in XML and in JSON."""
    return str(request.param)


@pytest.fixture
def api_key(runner: Any) -> str:
    """A partner application's key, made as an operator would: ``smartcity open311 keys create``."""
    return create_key(runner, "partner-app")


@pytest.fixture
def agency_key(runner: Any) -> Callable[[str], str]:
    """``agency_key("dlh")``: the key of an agency's own system (``--agency``)."""

    def make(agency: str) -> str:
        return create_key(runner, f"{agency}-crm", agency)

    return make


@pytest.fixture
def fallen_tree(register_plugin: Callable[[object, str], None]) -> str:
    register_plugin(FallenTreePlugin(), "fallen-tree")
    return FallenTreePlugin.code
