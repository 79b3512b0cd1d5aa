"""Accountability figures on a known data set: counts, SLA, medians, reopen rate, score, rank."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from plugins.routing.stats import RANKING_FORMULA
from plugins.routing.tests.factories import START, add_complaints, add_districts, complaint

B = START + timedelta(days=1)
WINDOW = {"since": START.isoformat(), "until": (START + timedelta(days=10)).isoformat()}
LATER = datetime.now(UTC) + timedelta(days=1)


def minutes(count: float) -> timedelta:
    return timedelta(minutes=count)


def hours(count: float) -> timedelta:
    return timedelta(hours=count)


GAMBIR = {"district": "jkt-pusat-gambir"}
ACKNOWLEDGE_IN_30 = {"acknowledge_due_at": B + minutes(30), "expected_at": B + hours(48)}
SANITATION = [
    # acknowledged and resolved in time, closed
    complaint(
        created_at=B,
        acknowledged_at=B + minutes(10),
        resolved_at=B + hours(10),
        status="closed",
        **ACKNOWLEDGE_IN_30,
        **GAMBIR,
    ),
    # both late, and reopened once
    complaint(
        created_at=B,
        acknowledged_at=B + minutes(50),
        resolved_at=B + hours(60),
        status="resolved",
        reopen_count=1,
        **ACKNOWLEDGE_IN_30,
        **GAMBIR,
    ),
    # acknowledged in time, its resolution overdue
    complaint(
        created_at=B,
        acknowledged_at=B + minutes(20),
        status="in_progress",
        **ACKNOWLEDGE_IN_30,
        **GAMBIR,
    ),
    # never acknowledged, both deadlines missed
    complaint(created_at=B, **ACKNOWLEDGE_IN_30, **GAMBIR),
    # rejected: received, outside the SLA rates
    complaint(created_at=B, status="rejected", **ACKNOWLEDGE_IN_30, **GAMBIR),
    # nothing due yet
    complaint(created_at=B, acknowledge_due_at=LATER, expected_at=LATER + hours(48), **GAMBIR),
    # an old row without deadlines: counted, timed, outside the SLA rates
    complaint(
        created_at=B,
        acknowledged_at=B + minutes(30),
        resolved_at=B + hours(5),
        status="resolved",
        **GAMBIR,
    ),
    # reported before the window
    complaint(created_at=START - timedelta(days=1), **ACKNOWLEDGE_IN_30, **GAMBIR),
]
CONFIDENTIAL = complaint(
    created_at=B,
    public=False,
    acknowledged_at=B + minutes(5),
    resolved_at=B + hours(2),
    status="closed",
    **ACKNOWLEDGE_IN_30,
    **GAMBIR,
)
PUBLIC_WORKS = [
    complaint(
        "pothole",
        created_at=B,
        acknowledged_at=B + minutes(15),
        acknowledge_due_at=B + minutes(60),
        resolved_at=B + hours(12),
        expected_at=B + hours(72),
        status="resolved",
        district="jkt-utara-penjaringan",
    )
    for _ in range(6)
]
TRANSPORT = [
    complaint(
        "traffic_light",
        created_at=B,
        acknowledged_at=B + hours(1),
        acknowledge_due_at=B + hours(2),
        expected_at=B + hours(48),
        status="acknowledged",
    )
    for _ in range(2)
]
POLICE = complaint("crime", created_at=B, district="jkt-pusat-gambir")


@pytest.fixture
def app_settings():
    return {"routing": {"ranking_min_sample": 5}}


@pytest.fixture
def city(app):
    add_districts(app, {"jkt-pusat-gambir": "Gambir", "jkt-utara-penjaringan": "Penjaringan"})
    add_complaints(app, *SANITATION, CONFIDENTIAL, *PUBLIC_WORKS, *TRANSPORT, POLICE)


def stats(client, headers=None, **params):
    response = client.get(
        "/api/v1/routing/stats", query_string={**WINDOW, **params}, headers=headers or {}
    )
    assert response.status_code == 200, response.json
    return response.json


def by_code(units):
    return {unit["code"]: unit for unit in units}


SANITATION_FIGURES = {
    "code": "dlh",
    "name": "Dinas Lingkungan Hidup",
    "received": 7,
    "acknowledged": 4,
    "acknowledge_due": 4,
    "acknowledged_within_sla": 2,
    "acknowledged_within_sla_rate": 0.5,
    "resolved": 3,
    "resolve_due": 4,
    "resolved_within_sla": 1,
    "resolved_within_sla_rate": 0.25,
    "median_minutes_to_acknowledge": 25.0,  # 10, 20, 30, 50
    "median_hours_to_resolve": 10.0,  # 5, 10, 60
    "reopened": 1,
    "reopen_rate": 0.3333,
    "score": 43.3,  # 100 * (0.4 * 0.5 + 0.4 * 0.25 + 0.2 * (1 - 1/3))
    "rank": 2,
    "note": None,
}


@pytest.mark.needs_plugins("police", "public_works", "sanitation", "transport")
def test_figures_of_a_known_data_set_per_agency(client, city):
    agencies = stats(client)["agencies"]
    assert [unit["code"] for unit in agencies] == ["dpu", "dlh", "dishub"]
    assert agencies[1] == SANITATION_FIGURES
    public_works = agencies[0]
    assert public_works["received"] == public_works["acknowledged_within_sla"] == 6
    assert public_works["resolved_within_sla_rate"] == 1.0
    assert public_works["median_minutes_to_acknowledge"] == 15.0
    assert public_works["median_hours_to_resolve"] == 12.0
    assert (public_works["reopen_rate"], public_works["score"], public_works["rank"]) == (
        0.0,
        100.0,
        1,
    )


@pytest.mark.needs_plugins("police", "public_works", "sanitation", "transport")
def test_a_unit_under_the_minimum_sample_has_a_score_but_no_rank(client, city):
    transport = by_code(stats(client)["agencies"])["dishub"]
    assert transport["received"] == 2
    assert (transport["acknowledged_within_sla"], transport["acknowledge_due"]) == (2, 2)
    assert (transport["resolved_within_sla"], transport["resolve_due"]) == (0, 2)
    assert transport["reopen_rate"] is None  # nothing resolved: counts as 0 in the score
    assert transport["score"] == 60.0
    assert transport["rank"] is None
    assert transport["note"] == "not ranked: fewer than 5 complaints"


@pytest.mark.needs_plugins("police", "public_works", "sanitation", "transport")
@pytest.mark.parametrize("app_settings", [{}])
def test_the_minimum_sample_is_twenty_by_default(client, city):
    body = stats(client)
    assert body["ranking"]["min_sample"] == 20
    for unit in [*body["agencies"], *body["districts"]]:
        assert unit["rank"] is None
        assert unit["note"] in (
            "not ranked: fewer than 20 complaints",
            "not ranked: not located in a district",
        )


@pytest.mark.needs_plugins("police", "public_works", "sanitation", "transport")
def test_figures_per_district_carry_its_name(client, city):
    districts = stats(client)["districts"]
    assert [(unit["code"], unit["name"], unit["rank"]) for unit in districts] == [
        ("jkt-utara-penjaringan", "Penjaringan", 1),
        ("jkt-pusat-gambir", "Gambir", 2),
        (None, "Not in any district", None),
    ]
    assert {**districts[1], "code": "dlh", "name": "Dinas Lingkungan Hidup"} == SANITATION_FIGURES
    assert districts[2]["received"] == 2
    assert districts[2]["note"] == "not ranked: not located in a district"


@pytest.mark.needs_plugins("police", "public_works", "sanitation", "transport")
def test_the_formula_and_the_window_are_published(client, city):
    body = stats(client)
    assert body["ranking"]["formula"] == RANKING_FORMULA
    assert RANKING_FORMULA == (
        "score = 100 × (0.4 × acknowledged-within-SLA rate + 0.4 × resolved-within-SLA rate"  # noqa: RUF001
        " + 0.2 × (1 − reopen rate))"  # noqa: RUF001
    )
    assert {"acknowledge_due", "resolve_due", "reopen_rate", "rank"} <= set(
        body["ranking"]["definitions"]
    )
    assert datetime.fromisoformat(body["window"]["since"]) == START
    assert datetime.fromisoformat(body["window"]["until"]) == START + timedelta(days=10)


@pytest.mark.needs_plugins("public_works", "sanitation", "transport")
def test_equal_scores_share_a_rank(client, app):
    add_complaints(
        app,
        *(
            complaint(category, created_at=B, status="resolved", resolved_at=B + hours(1))
            for category in ("garbage", "pothole")
            for _ in range(5)
        ),
        *(complaint("traffic_light", created_at=B) for _ in range(5)),
    )
    # Old rows without deadlines: nothing is due, so nobody can be scored.
    assert {unit["note"] for unit in stats(client)["agencies"]} == {
        "not ranked: no complaint has reached its deadlines yet"
    }
    add_complaints(
        app,
        *(
            complaint(
                category,
                created_at=B,
                acknowledged_at=B + minutes(1),
                acknowledge_due_at=B + minutes(30),
                expected_at=B + hours(48),
                resolved_at=B + hours(1),
                status="resolved",
            )
            for category in ("garbage", "pothole", "traffic_light")
        ),
        complaint(
            "traffic_light",
            created_at=B,
            acknowledge_due_at=B + minutes(30),
            expected_at=B + hours(48),
        ),
    )
    ranks = {unit["code"]: (unit["score"], unit["rank"]) for unit in stats(client)["agencies"]}
    assert ranks == {"dlh": (100.0, 1), "dpu": (100.0, 1), "dishub": (60.0, 3)}


# --- who sees what ---------------------------------------------------------------------------


@pytest.mark.needs_plugins("police", "public_works", "sanitation", "transport")
def test_a_confidential_complaint_counts_only_for_those_who_may_see_it(client, city, make_account):
    assert by_code(stats(client)["agencies"])["dlh"]["received"] == 7
    resident = make_account("resident")
    assert by_code(stats(client, resident.headers)["agencies"])["dlh"]["received"] == 7
    staff = make_account("staff", agency="dlh")
    sanitation = by_code(stats(client, staff.headers)["agencies"])["dlh"]
    assert sanitation == {
        **SANITATION_FIGURES,
        "received": 8,
        "acknowledged": 5,
        "acknowledge_due": 5,
        "acknowledged_within_sla": 3,
        "acknowledged_within_sla_rate": 0.6,
        "resolved": 4,
        "resolve_due": 5,
        "resolved_within_sla": 2,
        "resolved_within_sla_rate": 0.4,
        "median_minutes_to_acknowledge": 20.0,  # 5, 10, 20, 30, 50
        "median_hours_to_resolve": 7.5,  # 2, 5, 10, 60
        "reopen_rate": 0.25,
        "score": 55.0,
        "rank": 2,
    }


@pytest.mark.needs_plugins("police", "public_works", "sanitation", "transport")
def test_police_complaints_count_only_for_police_staff(client, city, make_account):
    assert "polda" not in by_code(stats(client)["agencies"])
    police = make_account("staff", agency="polda")
    assert by_code(stats(client, police.headers)["agencies"])["polda"]["received"] == 1


# --- filters ---------------------------------------------------------------------------------


@pytest.mark.needs_plugins("police", "public_works", "sanitation", "transport")
def test_filters_narrow_the_figures(client, city):
    only = stats(client, agency="dpu")
    assert [unit["code"] for unit in only["agencies"]] == ["dpu"]
    assert only["filters"] == {"agency": "dpu", "category": None}
    assert [unit["code"] for unit in stats(client, category="garbage")["agencies"]] == ["dlh"]
    early = {"until": (B - timedelta(seconds=1)).isoformat()}
    assert stats(client, **early)["agencies"] == []


@pytest.mark.needs_plugins("sanitation")
def test_the_window_is_the_last_thirty_days_by_default(client, app):
    add_complaints(
        app,
        complaint(created_at=datetime.now(UTC) - timedelta(days=29)),
        complaint(created_at=datetime.now(UTC) - timedelta(days=31)),
    )
    response = client.get("/api/v1/routing/stats")
    assert response.status_code == 200
    [sanitation] = response.json["agencies"]
    assert sanitation["received"] == 1
    window = response.json["window"]
    since, until = (datetime.fromisoformat(window[end]) for end in ("since", "until"))
    assert until - since == timedelta(days=30)


@pytest.mark.parametrize(
    "params",
    [
        {"since": "2026-01-02T00:00:00+00:00", "until": "2026-01-01T00:00:00+00:00"},
        {"since": "2026-01-01T00:00:00"},  # no time zone
        {"since": "yesterday"},
    ],
)
def test_a_bad_window_is_refused(client, params):
    response = client.get("/api/v1/routing/stats", query_string=params)
    assert response.status_code == 400
    assert response.json["error"]["code"] == "validation_failed"
    assert "since" in response.json["error"]["fields"]


def test_stats_are_documented_in_openapi(client):
    paths = client.get("/api/openapi.json").json["paths"]
    operation = paths["/api/v1/routing/stats"]["get"]
    assert {parameter["name"] for parameter in operation["parameters"]} == {
        "since",
        "until",
        "agency",
        "category",
    }
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/Stats"}


# --- the dashboard ---------------------------------------------------------------------------

JAKARTA = ZoneInfo("Asia/Jakarta")
NONE = "\N{EN DASH}"  # what a table shows for a figure that has no value


def dashboard(client, headers=None, **params):
    days = {
        "since": START.astimezone(JAKARTA).date().isoformat(),
        "until": (START + timedelta(days=9)).astimezone(JAKARTA).date().isoformat(),
    }
    return client.get("/routing/dashboard", query_string={**days, **params}, headers=headers)


def table_rows(html: str, table_id: str) -> list[str]:
    table = re.search(rf'<table class="figures" id="{table_id}">(.*?)</table>', html, re.S)
    assert table, f"no table {table_id}"
    rows = re.findall(r"<tr data-code=\"[^\"]*\">(.*?)</tr>", table.group(1), re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in rows]


@pytest.mark.needs_plugins("police", "public_works", "sanitation", "transport")
def test_dashboard_shows_the_figures_without_scripts(client, city):
    response = dashboard(client)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert table_rows(html, "agencies") == [
        "1 Dinas Pekerjaan Umum dpu 6 6 6 of 6 (100.0 %) 6 6 of 6 (100.0 %) 15.0 12.0 0.0 % 100.0",
        "2 Dinas Lingkungan Hidup dlh 7 4 2 of 4 (50.0 %) 3 1 of 4 (25.0 %) 25.0 10.0 33.3 % 43.3",
        f"{NONE} Dinas Perhubungan dishub not ranked: fewer than 5 complaints"
        f" 2 2 2 of 2 (100.0 %) 0 0 of 2 (0.0 %) 60.0 {NONE} {NONE} 60.0",
    ]
    assert table_rows(html, "districts")[1].startswith("2 Gambir jkt-pusat-gambir 7 4")
    assert RANKING_FORMULA in html
    assert "at least <strong>5</strong> complaints" in html
    assert "<script src" not in html and 'type="module"' not in html


@pytest.mark.needs_plugins("police", "public_works", "sanitation", "transport")
def test_dashboard_links_the_exports_with_its_filters(client, city):
    html = dashboard(client, agency="dlh").get_data(as_text=True)
    links = re.findall(r'href="(/api/v1/routing/exports/complaints\.(?:csv|geojson)[^"]*)"', html)
    assert len(links) == 2
    assert all("agency=dlh" in link and "since=" in link for link in links)


def test_dashboard_form_controls_have_labels(client):
    html = dashboard(client).get_data(as_text=True)
    controls = set(re.findall(r'<(?:input|select)[^>]* id="([^"]+)"', html))
    labelled = set(re.findall(r'<label for="([^"]+)"', html))
    assert controls == {"since", "until", "agency", "category"}
    assert controls <= labelled


@pytest.mark.needs_plugins("police", "public_works", "sanitation", "transport")
def test_dashboard_counts_what_the_visitor_may_see(client, city, make_account):
    staff = make_account("staff", agency="dlh")
    rows = table_rows(dashboard(client, headers=staff.headers).get_data(as_text=True), "agencies")
    assert rows[1].startswith("2 Dinas Lingkungan Hidup dlh 8 5")


def test_dashboard_refuses_a_reversed_window(client):
    response = client.get("/routing/dashboard?since=2026-01-02&until=2026-01-01")
    assert response.status_code == 400
    assert "text/html" in response.content_type
