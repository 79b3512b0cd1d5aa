"""The dashboard's top: today's figures, the 14-day trend, overdue complaints, and the live
parts an agency head gets (officers on a map, SLA breaches as they happen)."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests
from playwright.sync_api import expect

from core import live
from core.testing import fits_width, in_tree_plugins, sign_in, unlabelled_controls
from core.types import Actor
from plugins.routing.state import EXTENSION
from plugins.routing.stats import daily_trend, overdue_complaints, todays_figures
from plugins.routing.tests.factories import add_complaints, complaint
from plugins.routing.views import trend_chart

JAKARTA = ZoneInfo("Asia/Jakarta")
PHONE = {"width": 360, "height": 740}
GARBAGE = {"category": "garbage", "description": "Sampah menumpuk", "lat": -6.2, "lon": 106.8}
# Noon in Jakarta (UTC+7): the city's day began at 17:00 UTC the day before.
NOW = datetime(2026, 3, 10, 5, 0, tzinfo=UTC)
MIDNIGHT = datetime(2026, 3, 9, 17, 0, tzinfo=UTC)
ADMIN = Actor(user_id=1, role="admin")
DLH_HEAD = Actor(user_id=2, role="head", agency="dlh")
ANYONE = Actor()


def hours(count: float) -> timedelta:
    return timedelta(hours=count)


# --- today's figures -------------------------------------------------------------------------

LATER = NOW + hours(48)
NOT_DUE = {"acknowledge_due_at": LATER, "expected_at": LATER}
TODAY = [
    # reported just after midnight, nothing due yet: received, open
    complaint(created_at=MIDNIGHT + hours(0.5), **NOT_DUE),
    # reported just before midnight: open, not received today
    complaint(created_at=MIDNIGHT - hours(0.5), **NOT_DUE),
    # acknowledged this morning, in time
    complaint(
        created_at=MIDNIGHT + hours(8),
        acknowledged_at=MIDNIGHT + hours(9),
        acknowledge_due_at=MIDNIGHT + hours(10),
        expected_at=LATER,
        status="acknowledged",
    ),
    # acknowledged this morning, late (reported yesterday)
    complaint(
        created_at=MIDNIGHT - hours(3),
        acknowledged_at=MIDNIGHT + hours(9),
        acknowledge_due_at=MIDNIGHT + hours(1),
        expected_at=LATER,
        status="in_progress",
    ),
    # its acknowledgement deadline passed this morning, unmet: due today, overdue
    complaint(
        created_at=MIDNIGHT + hours(1),
        acknowledge_due_at=MIDNIGHT + hours(2),
        expected_at=LATER,
    ),
    # its acknowledgement deadline passed yesterday: overdue, but not today's to answer
    complaint(
        created_at=MIDNIGHT - hours(10),
        acknowledge_due_at=MIDNIGHT - hours(9),
        expected_at=LATER,
    ),
    # rejected this morning: received, but no SLA to meet
    complaint(
        created_at=MIDNIGHT + hours(1),
        acknowledge_due_at=MIDNIGHT + hours(2),
        expected_at=LATER,
        status="rejected",
    ),
    # resolved this morning
    complaint(
        created_at=MIDNIGHT - hours(30),
        acknowledged_at=MIDNIGHT - hours(29),
        acknowledge_due_at=MIDNIGHT - hours(29),
        resolved_at=MIDNIGHT + hours(3),
        expected_at=LATER,
        status="resolved",
    ),
    # resolved yesterday evening, closed since
    complaint(
        created_at=MIDNIGHT - hours(30),
        resolved_at=MIDNIGHT - hours(1),
        status="closed",
    ),
    # resolved this morning, reopened since: open, not resolved today
    complaint(
        created_at=MIDNIGHT - hours(50),
        acknowledged_at=MIDNIGHT - hours(49),
        resolved_at=MIDNIGHT + hours(2),
        expected_at=LATER,
        status="open",
        reopen_count=1,
    ),
    # past its resolution deadline but waiting (the clock stopped): open, not overdue
    complaint(
        created_at=MIDNIGHT - hours(100),
        acknowledged_at=MIDNIGHT - hours(99),
        expected_at=MIDNIGHT - hours(2),
        sla_paused_at=MIDNIGHT - hours(50),
        status="waiting",
    ),
    # past its resolution deadline: overdue
    complaint(
        created_at=MIDNIGHT - hours(100),
        acknowledged_at=MIDNIGHT - hours(99),
        expected_at=MIDNIGHT - hours(2),
        status="in_progress",
        address="Jl. Pasar Baru 1",
    ),
    # confidential, reported this morning: only the agency sees it
    complaint(created_at=MIDNIGHT + hours(2), public=False, **NOT_DUE),
    # another agency's, overdue
    complaint("pothole", created_at=MIDNIGHT + hours(1), acknowledge_due_at=MIDNIGHT + hours(2)),
]


@pytest.fixture
def today(app):
    return add_complaints(app, *TODAY)


def figures(app, actor, **filters):
    with app.app_context():
        return todays_figures(actor, filters, NOW, JAKARTA)


def counts(found):
    names = ("received", "open", "acknowledged_within_sla", "acknowledge_due", "resolved")
    return {name: found[name] for name in (*names, "overdue")}


@pytest.mark.needs_plugins("public_works", "sanitation")
def test_todays_figures_of_an_agency_in_the_citys_day(app, today):
    found = figures(app, DLH_HEAD, agency="dlh")
    assert counts(found) == {
        "received": 5,  # after midnight, the rejected one and the confidential one included
        "open": 10,
        "acknowledged_within_sla": 1,
        "acknowledge_due": 3,  # in time, late, and the one missed this morning
        "resolved": 1,
        "overdue": 3,  # missed this morning, missed yesterday, past its resolution deadline
    }
    assert found["acknowledged_within_sla_rate"] == pytest.approx(1 / 3)
    assert (found["since"], found["until"]) == (MIDNIGHT, NOW)


@pytest.mark.needs_plugins("public_works", "sanitation")
def test_todays_figures_of_the_city_count_only_what_the_visitor_may_see(app, today):
    assert counts(figures(app, ANYONE)) == {
        "received": 5,  # the confidential one aside, the pothole in
        "open": 10,
        "acknowledged_within_sla": 1,
        "acknowledge_due": 4,  # the pothole's deadline passed this morning too
        "resolved": 1,
        "overdue": 4,
    }
    assert figures(app, ADMIN)["received"] == 6


def test_nothing_today_has_no_rate(app):
    found = figures(app, ADMIN)
    assert found["acknowledge_due"] == 0
    assert found["acknowledged_within_sla_rate"] is None


@pytest.mark.needs_plugins("public_works", "sanitation")
def test_overdue_complaints_longest_waiting_first_with_the_deadline_missed(app, today):
    with app.app_context():
        found = overdue_complaints(DLH_HEAD, {"agency": "dlh"}, NOW)
    assert [(row["id"], row["missed"], row["due_at"]) for row in found] == [
        (today[11], "resolve", MIDNIGHT - hours(2)),
        (today[5], "acknowledge", MIDNIGHT - hours(9)),
        (today[4], "acknowledge", MIDNIGHT + hours(2)),
    ]
    assert found[0]["category_name"]["en"] and found[0]["address"] == "Jl. Pasar Baru 1"
    with app.app_context():
        assert len(overdue_complaints(ADMIN, {}, NOW, limit=2)) == 2


# --- the trend -------------------------------------------------------------------------------


@pytest.fixture
def fortnight(app):
    return add_complaints(
        app,
        # the first day's first minute, in Jakarta; resolved the day after
        complaint(
            created_at=MIDNIGHT - timedelta(days=13),
            resolved_at=MIDNIGHT - timedelta(days=12) + hours(1),
            status="resolved",
        ),
        # the minute before: the day before the fortnight, resolved inside it and closed since
        complaint(
            created_at=MIDNIGHT - timedelta(days=13, minutes=1),
            resolved_at=MIDNIGHT - timedelta(days=13) + hours(5),
            status="closed",
        ),
        # two today, one of them resolved within the hour
        complaint(created_at=MIDNIGHT + hours(1)),
        complaint(
            created_at=MIDNIGHT + hours(2), resolved_at=MIDNIGHT + hours(3), status="resolved"
        ),
        # resolved yesterday, reopened since: received, not counted as resolved
        complaint(
            created_at=MIDNIGHT - timedelta(days=3),
            resolved_at=MIDNIGHT - hours(2),
            status="open",
            reopen_count=1,
        ),
        # another agency's, three days ago
        complaint("pothole", created_at=MIDNIGHT - timedelta(days=3) + hours(4)),
    )


def trend(app, actor, **filters):
    with app.app_context():
        return daily_trend(actor, filters, NOW, JAKARTA)


@pytest.mark.needs_plugins("public_works", "sanitation")
def test_the_trend_counts_received_and_resolved_per_day_of_the_city(app, fortnight):
    days = trend(app, ADMIN, agency="dlh")
    assert len(days) == 14
    assert (days[0]["day"], days[-1]["day"]) == (date(2026, 2, 25), date(2026, 3, 10))
    assert {
        row["day"]: (row["received"], row["resolved"])
        for row in days
        if row["received"] or row["resolved"]
    } == {
        date(2026, 2, 25): (1, 1),  # one reported at midnight; the one from the 24th resolved
        date(2026, 2, 26): (0, 1),
        date(2026, 3, 7): (1, 0),
        date(2026, 3, 10): (2, 1),
    }


@pytest.mark.needs_plugins("public_works", "sanitation")
def test_the_trend_of_the_city_has_every_agency(app, fortnight):
    days = {row["day"]: row["received"] for row in trend(app, ADMIN)}
    assert days[date(2026, 3, 7)] == 2
    assert sum(days.values()) == 5


def test_the_trend_chart_scales_to_round_ticks_and_reads_out_its_numbers():
    days = [
        {"day": date(2026, 2, 25) + timedelta(days=offset), "received": 0, "resolved": 0}
        for offset in range(14)
    ]
    days[4]["received"], days[5]["resolved"] = 17, 9
    chart = trend_chart(days)
    assert [tick["text"] for tick in chart["ticks"]] == ["0", "5", "10", "15", "20"]
    received = [bar for bar in chart["bars"] if bar["figure"] == "received"]
    assert len(received) == 14
    tallest = max(received, key=lambda bar: bar["height"])
    assert tallest["title"] == "1 March 2026: 17 received"
    assert tallest["y"] + tallest["height"] == chart["plot"]["bottom"]
    assert [label["text"] for label in chart["labels"]][:6] == [25, 26, 27, 28, 1, 2]
    assert chart["days"] == "25 February 2026 to 10 March 2026"
    assert chart["summary"] == (
        "Complaints received and resolved per day, 14 days from 25 February 2026 to"
        " 10 March 2026: 17 received and 9 resolved in all; most received in a day: 17,"
        " on 1 March 2026."
    )


def test_an_empty_fortnight_still_draws_its_axis():
    days = [
        {"day": date(2026, 3, 1) + timedelta(days=offset), "received": 0, "resolved": 0}
        for offset in range(14)
    ]
    chart = trend_chart(days)
    assert [tick["text"] for tick in chart["ticks"]] == ["0", "1"]
    assert {bar["height"] for bar in chart["bars"]} == {0}
    assert chart["summary"].endswith("0 received and 0 resolved in all.")


# --- the page --------------------------------------------------------------------------------


@pytest.fixture
def frozen(app):
    """The city's clock stopped at NOW, so "today" is a known day."""
    state = app.extensions[EXTENSION]
    app.extensions[EXTENSION] = dataclasses.replace(state, clock=lambda: NOW)


def page_html(client, headers=None):
    response = client.get("/routing/dashboard", headers=headers or {})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def figure(html, name):
    found = re.search(rf'data-figure="{name}"><dt>[^<]*</dt><dd>(\d+)', html)
    assert found, f"no figure {name}"
    return int(found.group(1))


@pytest.mark.needs_plugins("public_works", "sanitation")
def test_a_head_sees_his_agencys_day_and_fortnight_and_the_live_parts(
    app, client, frozen, make_account
):
    ids = add_complaints(
        app,
        complaint(created_at=NOW - hours(1)),
        complaint(created_at=NOW - timedelta(days=3), acknowledge_due_at=NOW - hours(1)),
        complaint("pothole", created_at=NOW - hours(1)),
    )
    head = make_account("head", agency="dlh")
    html = page_html(client, head.headers)
    assert "Today at Dinas Lingkungan Hidup" in html
    assert (figure(html, "received"), figure(html, "open"), figure(html, "overdue")) == (1, 2, 1)
    svg = re.search(r'<svg class="trend-chart"[^>]*role="img" aria-label="([^"]+)"', html)
    assert svg and "2 received and 0 resolved in all" in svg.group(1)
    assert html.count('<tr><th scope="row">') == 14
    assert "<summary>Show the numbers</summary>" in html
    assert f'<a href="/complaints/{ids[1]}">' in html  # the overdue one, listed and on the map
    assert f'data-complaint="{ids[0]}"' not in html
    assert '<ol class="breach-list" id="breaches" aria-live="polite"' in html
    assert 'id="field-map"' in html and "dashboard.js" in html
    assert 'id="officers-agency"' not in html  # his own agency's officers: nothing to choose


@pytest.mark.needs_plugins("sanitation")
def test_staff_get_the_map_but_not_the_heads_alerts(client, make_account):
    html = page_html(client, make_account("staff", agency="dlh").headers)
    assert 'id="field-map"' in html and 'id="breaches"' not in html


def test_an_admin_sees_the_city_and_chooses_whose_officers_to_see(client, make_account):
    html = page_html(client, make_account("admin").headers)
    assert "Today at the city" in html
    assert 'id="breaches"' in html
    assert '<label for="officers-agency">' in html and '<select id="officers-agency">' in html


@pytest.mark.needs_plugins("sanitation")
def test_a_resident_sees_the_citys_figures_without_scripts(app, client, frozen, make_account):
    add_complaints(app, complaint(created_at=NOW - hours(1)))
    html = page_html(client, make_account("resident").headers)
    assert "Today at the city" in html and figure(html, "received") == 1
    assert 'role="img"' in html
    assert "<script src" not in html and 'id="breaches"' not in html and "field-map" not in html


# --- in a browser (SQLite only, as tests/test_browser.py) ------------------------------------

in_the_browser = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
def app_plugins(request):
    """Every in-tree plugin; ``parametrize("app_plugins", [False], indirect=True)``: all but
    dispatch."""
    with_dispatch = getattr(request, "param", True)
    return [pair for pair in in_tree_plugins() if with_dispatch or pair[0] != "dispatch"]


def open_dashboard(open_page, live_server, email):
    page = open_page(viewport=PHONE)
    sign_in(page, live_server, email, start="/login?next=/routing/dashboard")
    expect(page).to_have_url(f"{live_server}/routing/dashboard")
    return page


@pytest.mark.needs_plugins("dispatch", "sanitation")
@in_the_browser
def test_a_head_sees_his_officers_and_hears_breaches_live(
    app, live_server, open_page, make_account
):
    head = make_account("head", agency="dlh")
    officer = make_account("officer", agency="dlh")
    me = f"{live_server}/api/v1/dispatch/officers/me"
    duty = requests.put(me, json={"state": "available"}, headers=officer.headers, timeout=5)
    assert duty.status_code == 200
    where = {"lat": -6.2009, "lon": 106.8}
    moved = requests.put(f"{me}/position", json=where, headers=officer.headers, timeout=5)
    assert moved.status_code == 200
    reported = requests.post(f"{live_server}/api/v1/complaints", json=GARBAGE, timeout=5).json()

    page = open_dashboard(open_page, live_server, head.email)
    expect(page.locator("[data-figure=received] dd")).to_have_text("1")
    expect(page.locator("[data-figure=open] dd")).to_have_text("1")
    expect(page.locator("[data-figure=overdue] dd")).to_have_text("0")
    chart = page.get_by_role("img", name=re.compile("^Complaints received and resolved per day"))
    expect(chart).to_be_visible()
    expect(chart).to_have_attribute("aria-label", re.compile("1 received and 0 resolved in all"))
    pin = page.locator(f".officer-pin[data-officer='{officer.id}']")
    expect(pin).to_be_visible()
    expect(pin).to_have_attribute("data-state", "available")
    expect(page.locator("#officers")).to_contain_text("available")
    expect(page.locator("[data-live-indicator]")).to_have_text("Live")

    # The officer takes a break: his pin says so at once.
    requests.put(me, json={"state": "busy"}, headers=officer.headers, timeout=5)
    expect(pin).to_have_attribute("data-state", "busy")

    with app.app_context():
        due_at = reported["sla"]["acknowledge_due_at"]
        breach = {"deadline": "acknowledge", "due_at": due_at, "complaint": reported}
        live.publish(f"head:{head.agency}", "sla.breached", breach)
    entry = page.locator("#breaches li").first
    expect(entry).to_contain_text("Not acknowledged in time")
    expect(entry.get_by_role("link")).to_have_attribute("href", f"/complaints/{reported['id']}")
    expect(page.locator("#breaches-empty")).to_be_hidden()
    # It is overdue now: on the map, in the list and in the count.
    expect(page.locator(f".overdue-marker[data-complaint='{reported['id']}']")).to_be_visible()
    expect(page.locator("[data-figure=overdue] dd")).to_have_text("1")
    expect(page.locator("#overdue li")).to_have_count(1)
    with app.app_context():
        alert = {"reason": "unanswered", "refusals": 2, "complaint": reported}
        live.publish(f"head:{head.agency}", "dispatch.alert", alert)
    expect(page.locator("#breaches li")).to_have_count(2)
    expect(page.locator("#breaches li").first).to_contain_text("No field officer took it")

    assert unlabelled_controls(page) == []
    assert fits_width(page, PHONE["width"])


@pytest.mark.needs_plugins("dispatch", "sanitation")
@in_the_browser
def test_an_admin_chooses_an_agency_to_see_its_officers(live_server, open_page, make_account):
    admin = make_account("admin")
    officer = make_account("officer", agency="dlh")
    me = f"{live_server}/api/v1/dispatch/officers/me"
    requests.put(me, json={"state": "available"}, headers=officer.headers, timeout=5)

    page = open_dashboard(open_page, live_server, admin.email)
    expect(page.get_by_role("heading", name="Today at the city")).to_be_visible()
    expect(page.locator("#officers-state")).to_have_text("Choose an agency to see its officers.")
    page.get_by_label("Show the officers of").select_option("dlh")
    expect(page.locator("#officers")).to_contain_text("available, position unknown")
    assert unlabelled_controls(page) == []
    assert fits_width(page, PHONE["width"])


@pytest.mark.needs_plugins("sanitation")
@in_the_browser
@pytest.mark.parametrize("app_plugins", [False], indirect=True)
def test_without_dispatch_the_officers_map_is_hidden(live_server, open_page, make_account):
    head = make_account("head", agency="dlh")
    requests.post(f"{live_server}/api/v1/complaints", json=GARBAGE, timeout=5)
    page = open_dashboard(open_page, live_server, head.email)
    expect(page.locator("[data-figure=received] dd")).to_have_text("1")
    expect(page.locator("#field-work")).to_be_hidden()
    expect(page.get_by_role("img", name=re.compile("per day"))).to_be_visible()
    assert fits_width(page, PHONE["width"])
