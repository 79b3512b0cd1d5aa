"""Fixtures of the routing tests."""

from __future__ import annotations

import pytest
from flask import Flask

from core import db
from plugins.routing.importer import load_demo_districts


@pytest.fixture
def demo_districts(app: Flask) -> Flask:
    """The app with the demo city's districts stored."""
    with app.app_context():
        load_demo_districts(db.session())
        db.session().commit()
        db.database().session.remove()
    return app
