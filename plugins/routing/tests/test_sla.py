"""The SLA watch: breaches on a frozen clock, the waiting pause, escalations, auto-closing,
and one worker's round per deployment."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import gevent
import pytest
from sqlalchemy import select

from core import db
from core.models import Complaint, ComplaintEvent
from core.plugins import hooks
from plugins.routing import sla
from plugins.routing.sla import (
    WATCH_EXTENSION,
    Escalation,
    SweepCounts,
    run_round,
    sweep,
    watch_settings,
)
from plugins.routing.state import EXTENSION

MONAS = {"lat": -6.1754, "lon": 106.8272}
# Garbage (sanitation): acknowledged within 60 minutes, resolved within 24 hours.
GARBAGE = {"category": "garbage", "description": "Sampah menumpuk di trotoar", **MONAS}
HEAD_AFTER_4H = {"name": "city.unacknowledged-4h", "after_hours": 4, "notify": "head"}
CITY_AFTER_8H = {"name": "city.unacknowledged-8h", "after_hours": 8, "notify": ["city", "head"]}


@pytest.fixture
def app_settings():
    return {"routing": {"escalations": [HEAD_AFTER_4H, CITY_AFTER_8H], "auto_close_days": 7}}


@pytest.fixture
def settings(app):
    return watch_settings(app.config["SMARTCITY"])


def report(client, headers=None):
    response = client.post("/api/v1/complaints", json=GARBAGE, headers=headers or {})
    assert response.status_code == 201
    return response.json


def move(client, url, status, account):
    response = client.patch(url, json={"status": status}, headers=account.headers)
    assert response.status_code == 200, response.json


def stored(app, complaint_id):
    """The complaint as the database has it now, and its history."""
    with app.app_context():
        session = db.session()
        complaint = session.get(Complaint, complaint_id)
        history = select(ComplaintEvent).where(ComplaintEvent.complaint_id == complaint_id)
        events = list(session.scalars(history.order_by(ComplaintEvent.id)))
    return complaint, events


def kinds(events):
    return [event.kind for event in events]


def sweep_at(app, now):
    with app.app_context():
        return sweep(now)


def freeze_clock(app, moment):
    app.extensions[EXTENSION] = dataclasses.replace(app.extensions[EXTENSION], clock=lambda: moment)


def change(app, complaint_id, **values):
    """Set columns directly: the past a test needs, or a state no API call here reaches."""
    with app.app_context():
        complaint = db.session().get(Complaint, complaint_id)
        for name, value in values.items():
            setattr(complaint, name, value)
        db.session().commit()


def move_into_the_past(app, complaint_id, by):
    """As if everything so far had happened ``by`` earlier."""
    complaint, _ = stored(app, complaint_id)
    columns = ("created_at", "updated_at", "assigned_at", "acknowledged_at", "resolved_at")
    columns += ("acknowledge_due_at", "expected_at", "sla_paused_at")
    moved = {name: getattr(complaint, name) for name in columns if getattr(complaint, name)}
    change(app, complaint_id, **{name: value - by for name, value in moved.items()})


# --- breaches --------------------------------------------------------------------------------


@pytest.mark.needs_plugins("sanitation")
def test_breach_with_a_frozen_clock_marks_the_complaint_and_tells_the_agency_head(
    app, client, make_account, live_client, settings
):
    created = report(client)
    complaint, _ = stored(app, created["id"])
    assert complaint.acknowledge_due_at is not None, "core sets the deadlines at intake"
    head = live_client(token=make_account("head", agency=created["agency"]).token)
    admin = live_client(token=make_account("admin").token)
    staff = live_client(token=make_account("staff", agency=created["agency"]).token)
    freeze_clock(app, complaint.acknowledge_due_at + timedelta(minutes=1))

    assert run_round(app, "worker-a", settings) == SweepCounts(breached=1)

    [heard] = head.wait_for("sla.breached")
    assert heard["deadline"] == "acknowledge"
    assert heard["complaint"]["id"] == created["id"]
    assert datetime.fromisoformat(heard["due_at"]) == complaint.acknowledge_due_at
    assert len(admin.wait_for("sla.breached")) == 1
    assert staff.named("sla.breached") == []
    complaint, events = stored(app, created["id"])
    assert complaint.overdue == "acknowledge"
    [breach] = events
    assert (breach.kind, breach.actor_role, breach.public) == ("sla_breached", "system", False)
    assert breach.note.startswith("Not acknowledged by ")


@pytest.mark.needs_plugins("sanitation")
def test_no_breach_before_the_deadline(app, client):
    created = report(client)
    complaint, _ = stored(app, created["id"])

    counts = sweep_at(app, complaint.acknowledge_due_at - timedelta(seconds=1))

    assert counts == SweepCounts()
    complaint, events = stored(app, created["id"])
    assert (complaint.overdue, events) == (None, [])


@pytest.mark.needs_plugins("sanitation")
def test_a_breach_is_marked_once_however_many_rounds_see_it(app, client):
    created = report(client)
    complaint, _ = stored(app, created["id"])
    late = complaint.acknowledge_due_at + timedelta(minutes=1)

    assert sweep_at(app, late) == SweepCounts(breached=1)
    assert sweep_at(app, late + timedelta(minutes=30)) == SweepCounts()
    assert kinds(stored(app, created["id"])[1]) == ["sla_breached"]


@pytest.mark.needs_plugins("sanitation")
def test_the_resolve_deadline_is_breached_later_even_after_an_acknowledge_breach(
    app, client, make_account
):
    created = report(client)
    complaint, _ = stored(app, created["id"])
    staff = make_account("staff", agency=created["agency"])
    assert sweep_at(app, complaint.acknowledge_due_at + timedelta(minutes=1)).breached == 1
    url = f"/api/v1/complaints/{created['id']}"
    move(client, url, "acknowledged", staff)

    assert sweep_at(app, complaint.expected_at - timedelta(minutes=1)) == SweepCounts()
    assert sweep_at(app, complaint.expected_at + timedelta(minutes=1)) == SweepCounts(breached=1)

    complaint, events = stored(app, created["id"])
    assert complaint.overdue == "resolve"
    breaches = [event.note for event in events if event.kind == "sla_breached"]
    assert [note.split(" by ")[0] for note in breaches] == ["Not acknowledged", "Not resolved"]
    assert client.get(url, headers=staff.headers).json["sla"]["overdue"] == "resolve"


@pytest.mark.needs_plugins("sanitation")
def test_a_waiting_complaint_is_not_breached_and_its_deadline_moves_back_when_it_resumes(
    app, client, make_account
):
    created = report(client)
    staff = make_account("staff", agency=created["agency"])
    url = f"/api/v1/complaints/{created['id']}"
    move(client, url, "waiting", staff)
    move_into_the_past(app, created["id"], by=timedelta(hours=30))
    waiting, _ = stored(app, created["id"])
    now = datetime.now(UTC)
    assert waiting.expected_at < now - timedelta(hours=5)  # long past, had the clock run

    assert sweep_at(app, now) == SweepCounts()

    move(client, url, "in_progress", staff)
    resumed, events = stored(app, created["id"])
    pushed_back = resumed.expected_at - waiting.expected_at
    assert timedelta(hours=30) <= pushed_back < timedelta(hours=30, minutes=1)
    assert "sla_breached" not in kinds(events)
    assert sweep_at(app, resumed.expected_at - timedelta(minutes=1)) == SweepCounts()
    assert sweep_at(app, resumed.expected_at + timedelta(minutes=1)) == SweepCounts(breached=1)
    assert stored(app, created["id"])[0].overdue == "resolve"


# --- escalations -----------------------------------------------------------------------------


@pytest.mark.needs_plugins("sanitation")
def test_each_escalation_fires_once_when_its_hours_have_passed(app, client):
    created = report(client)
    complaint, _ = stored(app, created["id"])
    got_it = complaint.assigned_at

    assert sweep_at(app, got_it + timedelta(hours=3, minutes=59)).escalated == 0
    assert sweep_at(app, got_it + timedelta(hours=4, minutes=1)).escalated == 1
    assert sweep_at(app, got_it + timedelta(hours=7)).escalated == 0
    assert sweep_at(app, got_it + timedelta(hours=8, minutes=1)).escalated == 1
    assert sweep_at(app, got_it + timedelta(hours=20)).escalated == 0

    _, events = stored(app, created["id"])
    escalations = [event.note for event in events if event.kind == "escalated"]
    assert escalations == [
        "city.unacknowledged-4h: still open 4 hours after its agency got it.",
        "city.unacknowledged-8h: still open 8 hours after its agency got it.",
    ]


@pytest.mark.needs_plugins("sanitation")
def test_an_escalation_skips_complaints_no_longer_in_its_statuses(app, client, make_account):
    created = report(client)
    staff = make_account("staff", agency=created["agency"])
    url = f"/api/v1/complaints/{created['id']}"
    move(client, url, "acknowledged", staff)
    complaint, _ = stored(app, created["id"])

    assert sweep_at(app, complaint.assigned_at + timedelta(hours=9)).escalated == 0


@pytest.mark.needs_plugins("sanitation")
def test_an_escalation_tells_the_head_live(app, client, make_account, live_client):
    created = report(client)
    head = live_client(token=make_account("head", agency=created["agency"]).token)
    complaint, _ = stored(app, created["id"])

    sweep_at(app, complaint.assigned_at + timedelta(hours=4, minutes=1))

    heard = head.wait_for("sla.breached", count=2)
    escalated = [event for event in heard if event["deadline"] == "escalation"]
    assert [event["escalation"] for event in escalated] == ["city.unacknowledged-4h"]
    assert escalated[0]["complaint"]["id"] == created["id"]


def test_escalation_rooms_follow_notify():
    complaint = Complaint(agency_code="dlh")
    assert Escalation("x", 1, notify=("head",)).rooms(complaint) == ["head:dlh"]
    assert Escalation("x", 1, notify=("admin", "city")).rooms(complaint) == ["city"]
    assert Escalation("x", 1, notify=("city", "head")).rooms(complaint) == ["city", "head:dlh"]


@pytest.mark.parametrize(
    ("routing", "message"),
    [
        ({"escalations": [{"name": "x"}]}, "needs name and after_hours"),
        ({"escalations": [{"name": "x", "after_hours": 1, "to": "head"}]}, "unknown: \\['to'\\]"),
        ({"escalations": [{"name": "x", "after_hours": 0}]}, "after_hours must be > 0"),
        ({"escalations": [{"name": "x", "after_hours": 1, "statuses": ["lost"]}]}, "statuses"),
        ({"escalations": [{"name": "x", "after_hours": 1, "notify": "mayor"}]}, "notify"),
        ({"escalations": [HEAD_AFTER_4H, HEAD_AFTER_4H]}, "names repeat"),
        ({"sla_check_seconds": "often"}, "must be a number"),
        ({"auto_close_days": -1}, "auto_close_days >= 0"),
    ],
)
def test_bad_watch_settings_stop_the_start(routing, message):
    with pytest.raises(RuntimeError, match=message):
        watch_settings({"routing": routing})


def test_watch_settings_default_without_a_routing_section():
    assert watch_settings({}) == sla.WatchSettings(30.0, 7.0, ())


# --- auto-closing ----------------------------------------------------------------------------


def resolved_complaint(app, client, headers=None):
    """A complaint its agency resolved now (set directly: the API asks for an after-photo)."""
    created = report(client, headers)
    now = datetime.now(UTC)
    change(app, created["id"], status="resolved", acknowledged_at=now, resolved_at=now)
    return created, now


@pytest.mark.needs_plugins("sanitation")
def test_a_resolved_complaint_closes_itself_after_the_configured_days_and_not_before(app, client):
    created, resolved_at = resolved_complaint(app, client)

    assert sweep_at(app, resolved_at + timedelta(days=7, minutes=-1)) == SweepCounts()
    assert stored(app, created["id"])[0].status == "resolved"
    assert sweep_at(app, resolved_at + timedelta(days=7, minutes=1)) == SweepCounts(closed=1)

    complaint, events = stored(app, created["id"])
    assert complaint.status == "closed"
    [closing] = events
    assert (closing.kind, closing.actor_role) == ("status", "system")
    assert (closing.from_status, closing.to_status) == ("resolved", "closed")
    assert client.get(f"/api/v1/complaints/{created['id']}").json["status"] == "closed"


@pytest.mark.needs_plugins("sanitation")
def test_a_complaint_its_reporter_reopened_is_not_closed(app, client, make_account):
    reporter = make_account("resident")
    created, resolved_at = resolved_complaint(app, client, reporter.headers)
    reopened = client.post(
        f"/api/v1/complaints/{created['id']}/reopen",
        json={"reason": "Masih ada sampahnya"},
        headers=reporter.headers,
    )
    assert reopened.status_code == 200

    counts = sweep_at(app, resolved_at + timedelta(days=8))

    assert counts.closed == 0
    assert stored(app, created["id"])[0].status == "open"


@pytest.mark.needs_plugins("sanitation")
def test_auto_close_days_zero_never_closes(app, client):
    app.config["SMARTCITY"]["routing"] = {"auto_close_days": 0}
    created, resolved_at = resolved_complaint(app, client)

    assert sweep_at(app, resolved_at + timedelta(days=365)) == SweepCounts()
    assert stored(app, created["id"])[0].status == "resolved"


# --- one worker per deployment ---------------------------------------------------------------


@pytest.mark.needs_plugins("sanitation")
def test_two_workers_sweeping_the_same_breach_record_it_once(app, client, settings):
    created = report(client)
    complaint, _ = stored(app, created["id"])
    freeze_clock(app, complaint.acknowledge_due_at + timedelta(minutes=1))

    assert run_round(app, "worker-a", settings) == SweepCounts(breached=1)
    assert run_round(app, "worker-b", settings) is None  # worker-a holds the lease

    assert kinds(stored(app, created["id"])[1]) == ["sla_breached"]


@pytest.mark.needs_plugins("sanitation")
def test_a_breach_another_worker_marked_meanwhile_is_left_to_it(app, client, monkeypatch):
    """Without the lease (one ran out mid-round), the version column still keeps one event."""
    created = report(client)
    complaint, _ = stored(app, created["id"])
    late = complaint.acknowledge_due_at + timedelta(minutes=1)
    mark_overdue = sla.mark_overdue

    def other_worker_first(complaint, deadline, now):
        def other_worker():
            with app.app_context():
                mark_overdue(db.session().get(Complaint, complaint.id), deadline, now)

        gevent.spawn(other_worker).get()
        return mark_overdue(complaint, deadline, now)

    monkeypatch.setattr(sla, "mark_overdue", other_worker_first)

    assert sweep_at(app, late) == SweepCounts(lost=1)
    complaint, events = stored(app, created["id"])
    assert (complaint.overdue, kinds(events)) == ("acknowledge", ["sla_breached"])


def test_a_failing_round_is_logged_and_the_watch_goes_on(app, settings, monkeypatch, caplog):
    def broken(now, settings):
        raise RuntimeError("database went away")

    monkeypatch.setattr(sla, "sweep", broken)

    assert run_round(app, "worker-a", settings) is None
    assert "SLA watch round failed" in caplog.text


@pytest.mark.needs_plugins("sanitation")
def test_serving_starts_the_sla_watch(app, client):
    """The routing plugin starts the watch when the server starts, and it keeps watching."""
    created = report(client)
    complaint, _ = stored(app, created["id"])
    app.config["SMARTCITY"]["routing"] = {"sla_check_seconds": 0.02}
    freeze_clock(app, complaint.acknowledge_due_at + timedelta(minutes=1))

    hooks(app).server_started(app=app)
    watch = app.extensions[WATCH_EXTENSION]
    try:
        with gevent.Timeout(5, False):
            while stored(app, created["id"])[0].overdue is None:
                gevent.sleep(0.02)
        gevent.sleep(0.1)  # a few more rounds
        assert not watch.greenlet.dead
    finally:
        watch.stop(timeout=5)
    assert watch.greenlet.dead

    complaint, events = stored(app, created["id"])
    assert (complaint.overdue, kinds(events)) == ("acknowledge", ["sla_breached"])
