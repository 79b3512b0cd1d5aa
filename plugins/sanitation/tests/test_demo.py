"""The demo city's garbage: three hot spots this week the moment the demo is loaded, each report
routed to its city's office, with a history that matches its status."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from core import db
from core.cli import main
from core.models import Complaint, ComplaintEvent
from plugins.sanitation.agency import CATEGORY_CODES
from plugins.sanitation.demo import SPOTS, STRAYS


def load_demo(runner: Any) -> None:
    result = runner.invoke(main, ["demo"])
    assert result.exit_code == 0, result.output


@pytest.mark.needs_plugins("routing")
def test_the_demo_shows_three_hot_spots_this_week(client, runner, make_account):
    """The market worse every week, the river mouth slowly better, the canal road new."""
    load_demo(runner)
    admin = make_account("admin")
    answer = client.get("/api/v1/sanitation/hot-spots", headers=admin.headers).json
    assert [
        (spot["rank"], spot["area"]["name"], spot["count"], spot["previous_count"])
        for spot in answer["hot_spots"]
    ] == [(1, "Tanah Abang", 6, 4), (2, "Penjaringan", 4, 5), (3, "Cakung", 3, 2)]


@pytest.mark.needs_plugins("routing")
def test_demo_reports_are_routed_to_their_city_s_office(app, runner):
    load_demo(runner)
    with app.app_context():
        rows = db.session().execute(
            select(Complaint.unit_code, Complaint.district, func.count())
            .where(Complaint.category_code.in_(CATEGORY_CODES))
            .group_by(Complaint.unit_code, Complaint.district)
        )
        by_district = {district: (unit, count) for unit, district, count in rows}
        db.database().session.remove()
    assert by_district["jkt-pusat-tanah-abang"] == ("jakpus", sum(SPOTS[0].weekly))
    assert by_district["jkt-utara-penjaringan"] == ("jakut", sum(SPOTS[1].weekly))
    assert by_district["jkt-timur-cakung"] == ("jaktim", sum(SPOTS[2].weekly))
    total = sum(sum(spot.weekly) for spot in (*SPOTS, *STRAYS))
    assert sum(count for _unit, count in by_district.values()) == total


def test_demo_reports_have_the_history_of_their_status(app, runner):
    load_demo(runner)
    with app.app_context():
        complaints = list(db.session().scalars(select(Complaint)))
        events = list(db.session().scalars(select(ComplaintEvent).order_by(ComplaintEvent.id)))
        db.database().session.remove()
    by_complaint: dict[int, list[ComplaintEvent]] = {}
    for event in events:
        by_complaint.setdefault(event.complaint_id, []).append(event)
    statuses = set()
    for complaint in complaints:
        history = by_complaint.get(complaint.id, [])
        chain = ["open", *(event.to_status for event in history)]
        assert chain[-1] == complaint.status
        assert all(
            event.from_status == before for event, before in zip(history, chain, strict=False)
        )
        assert all(complaint.created_at < event.at for event in history)
        assert complaint.updated_at == (history[-1].at if history else complaint.created_at)
        if complaint.status in ("resolved", "closed"):
            assert complaint.resolved_at is not None
            assert complaint.resolved_at - complaint.created_at < timedelta(hours=8)
        statuses.add(complaint.status)
    assert "closed" in statuses
