"""Fixtures of the sanitation tests."""

from __future__ import annotations

from importlib import resources
from typing import Any

import pytest

from core.cli import main


@pytest.fixture
def demo_districts(runner: Any) -> None:
    """The demo city's districts, imported as an operator would: the routing plugin names
    them (Tanah Abang, Penjaringan, Cakung, Gambir). A test using it needs the routing plugin
    (``needs_plugins("routing")``)."""
    with resources.as_file(resources.files("config") / "demo/districts.geojson") as path:
        result = runner.invoke(main, ["import", "districts", str(path)])
    assert result.exit_code == 0, result.output
