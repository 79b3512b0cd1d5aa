"""Fixtures of the dispatch tests: a clock they move, a watch round they run, officers on duty."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core import db
from plugins.dispatch.tests.helpers import MONAS, north_of, on_duty, report
from plugins.dispatch.watch import run_round


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock(app):
    clock = Clock()
    app.extensions["dispatch"].clock = clock
    return clock


@pytest.fixture
def watch_round(app, clock):
    def run():
        with app.app_context():
            counts = run_round(clock())
            db.database().session.remove()
        return counts

    return run


@pytest.fixture
def officers(client, make_account):
    """Three dlh officers on duty, 100 m, 400 m and 900 m north of Monas."""

    def make(*distances):
        made = []
        for metres in distances:
            officer = make_account("officer", agency="dlh")
            on_duty(client, officer)
            assert report(client, officer, north_of(MONAS, metres)).status_code == 200
            made.append(officer)
        return made

    return make
