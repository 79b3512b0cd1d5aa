"""Routing rules: each kind of condition, their order, config rules, and the explain endpoint."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from core import hookimpl
from core.app import create_app
from core.catalog import Catalog
from core.testing import in_tree_plugins
from core.types import AgencySpec, CategorySpec, ComplaintDraft, RoutingRule
from plugins.routing.rules import Place, RoutingEngine, ordered_rules, rule_from_config, try_rule

JAKARTA = ZoneInfo("Asia/Jakarta")
NOON = datetime(2026, 11, 28, 12, 0, tzinfo=JAKARTA)
MONAS = {"lat": -6.1754, "lon": 106.8272}
CATALOG = Catalog(
    agencies={code: AgencySpec(code, name) for code, name in [("dlh", "DLH"), ("dpu", "PU")]},
    categories={
        "garbage": CategorySpec("garbage", "dlh", "Sampah menumpuk", "Garbage"),
        "flooding": CategorySpec("flooding", "dpu", "Banjir", "Flooding"),
    },
)


def draft(category="garbage", description="Sampah di depan pasar", **point):
    where = {**MONAS, **point}
    return ComplaintDraft(category, description, where["lat"], where["lon"], category_name="X")


GAMBIR = Place((("gambir", "Kecamatan Gambir"), ("jkt-pusat", "Jakarta Pusat")))


# --- each condition --------------------------------------------------------------------------


def test_category_condition():
    rule = RoutingRule("r", "dlh", categories=("garbage",))
    assert try_rule(rule, draft(), GAMBIR, NOON).matched
    refused = try_rule(rule, draft(category="flooding"), GAMBIR, NOON)
    assert not refused.matched
    assert refused.reasons == ("category 'flooding' is not one of garbage",)


def test_district_condition_matches_any_level():
    assert try_rule(
        RoutingRule("r", "dlh", districts=("jkt-pusat",)), draft(), GAMBIR, NOON
    ).matched
    elsewhere = try_rule(RoutingRule("r", "dlh", districts=("menteng",)), draft(), GAMBIR, NOON)
    assert not elsewhere.matched
    assert "not in menteng" in elsewhere.reasons[0]
    nowhere = try_rule(RoutingRule("r", "dlh", districts=("menteng",)), draft(), Place(), NOON)
    assert "no known district" in nowhere.reasons[0]


def test_keyword_condition_is_case_insensitive_and_any_suffices():
    rule = RoutingRule("r", "dpu", keywords=("kali", "sungai"))
    assert try_rule(rule, draft(description="Sampah di SUNGAI Ciliwung"), GAMBIR, NOON).matched
    assert not try_rule(rule, draft(description="Sampah di jalan"), GAMBIR, NOON).matched


@pytest.mark.parametrize(
    "window, hour, holds",
    [
        ((8, 17), 8, True),
        ((8, 17), 17, False),
        ((22, 6), 23, True),
        ((22, 6), 5, True),
        ((22, 6), 12, False),
    ],
)
def test_hours_condition_wraps_midnight(window, hour, holds):
    rule = RoutingRule("r", "dlh", hours=window)
    at = NOON.replace(hour=hour)
    assert try_rule(rule, draft(), GAMBIR, at).matched is holds


def test_every_failed_condition_is_named():
    rule = RoutingRule("r", "dpu", categories=("flooding",), keywords=("banjir",), hours=(0, 6))
    verdict = try_rule(rule, draft(), GAMBIR, NOON)
    assert len(verdict.reasons) == 3


# --- order -----------------------------------------------------------------------------------


def test_rules_are_ordered_by_priority_then_specificity_then_name():
    rules = [
        RoutingRule("b.general", "dlh", categories=("garbage",)),
        RoutingRule("a.general", "dlh", categories=("garbage",)),
        RoutingRule("specific", "dpu", categories=("garbage",), keywords=("kali",)),
        RoutingRule("urgent", "dpu", priority=5),
    ]
    names = [rule.name for rule in ordered_rules(rules, CATALOG)]
    assert names == ["urgent", "specific", "a.general", "b.general"]


def test_the_first_rule_that_holds_decides_and_says_why():
    rules = ordered_rules(
        [
            RoutingRule("sanitation.garbage", "dlh", categories=("garbage",)),
            RoutingRule("pu.river", "dpu", categories=("garbage",), keywords=("kali",)),
        ],
        CATALOG,
    )
    engine = RoutingEngine(rules, lambda lat, lon: GAMBIR)
    river = engine.decide(draft(description="Sampah di kali"), NOON, CATALOG)
    assert (river.agency, river.rule, river.district) == ("dpu", "pu.river", "gambir")
    assert river.reason == "X · Kecamatan Gambir → PU (pu.river)"
    street = engine.decide(draft(), NOON, CATALOG)
    assert street.rule == "sanitation.garbage"
    assert engine.decide(draft(category="flooding"), NOON, CATALOG) is None


@pytest.mark.parametrize(
    "rules, message",
    [
        ([RoutingRule("x", "dlh"), RoutingRule("x", "dpu")], "two routing rules are named 'x'"),
        ([RoutingRule("x", "nowhere")], "unknown agency 'nowhere'"),
        ([RoutingRule("x", "dlh", categories=("unicorns",))], "unknown categories"),
        ([RoutingRule("x", "dlh", hours=(8, 25))], "hours must be within 0-24"),
    ],
)
def test_bad_rules_stop_the_start(rules, message):
    with pytest.raises(RuntimeError, match=message):
        ordered_rules(rules, CATALOG)


def test_config_rules_refuse_unknown_keys():
    assert rule_from_config({"name": "n", "agency": "dlh", "hours": [22, 6]}).hours == (22, 6)
    with pytest.raises(RuntimeError, match="unknown"):
        rule_from_config({"name": "n", "agency": "dlh", "colour": "red"})


# --- through the app -------------------------------------------------------------------------


@pytest.fixture
def app_settings():
    return {
        "routing": {
            "rules": [
                {
                    # A keyword too, so that no other test's garbage meets it at night.
                    "name": "city.night-garbage",
                    "agency": "dpu",
                    "categories": ["garbage"],
                    "keywords": ["malam"],
                    "hours": [22, 5],
                    "priority": 5,
                }
            ]
        }
    }


@pytest.mark.needs_plugins("public_works", "sanitation", "transport")
def test_hook_register_routing_rules(client):
    response = client.post(
        "/api/v1/complaints",
        json={"category": "traffic_light", "description": "Lampu merah mati total", **MONAS},
    )
    assert response.status_code == 201
    assert response.json["routing"]["rule"] == "transport.traffic-lights"
    assert response.json["routing"]["reason"].startswith("Lampu lalu lintas mati")
    assert "Dinas Perhubungan" in response.json["routing"]["reason"]


@pytest.mark.needs_plugins("public_works", "sanitation")
def test_every_category_has_a_rule_so_none_goes_to_triage_by_accident(client):
    for category in client.get("/api/v1/categories").json:
        body = {"category": category["code"], "description": "Laporan warga", **MONAS}
        routed = client.post("/api/v1/complaints", json=body).json["routing"]
        assert routed["agency"] == category["agency"], category["code"]


@pytest.mark.needs_plugins("public_works", "sanitation")
def test_a_category_no_rule_covers_goes_to_triage_visibly(client, register_plugin):
    class Stray:
        @hookimpl
        def register_categories(self):
            return [CategorySpec("stray_dogs", "dlh", "Anjing liar", "Stray dogs")]

    register_plugin(Stray(), "stray")
    routed = client.post(
        "/api/v1/complaints", json={"category": "stray_dogs", "description": "Anjing", **MONAS}
    ).json
    assert routed["agency"] == "triage"
    assert routed["routing"]["rule"] == "core.triage"


@pytest.mark.needs_plugins("public_works", "sanitation")
def test_explain_shows_the_decision_and_every_rule(client, make_account):
    staff = make_account("staff", agency="dlh")
    night = datetime(2026, 11, 28, 23, 30, tzinfo=JAKARTA).isoformat()
    body = {"category": "garbage", "description": "Sampah malam", "at": night, **MONAS}
    explained = client.post("/api/v1/routing/explain", json=body, headers=staff.headers).json
    assert explained["decision"]["rule"] == "city.night-garbage"
    assert explained["triage"] is False
    rules = explained["rules"]
    assert rules[0] == {
        "rule": "city.night-garbage",
        "agency": "dpu",
        "unit": None,
        "priority": 5,
        "specificity": 3,
        "matched": True,
        "reasons": [],
    }
    garbage = next(rule for rule in rules if rule["rule"] == "sanitation.garbage")
    assert garbage["matched"] is True
    pothole = next(rule for rule in rules if rule["rule"] == "public_works.roads")
    assert pothole["reasons"] == ["category 'garbage' is not one of pothole"]
    by_day = client.post(
        "/api/v1/routing/explain",
        json={**body, "at": NOON.isoformat()},
        headers=staff.headers,
    ).json
    assert by_day["decision"]["rule"] == "sanitation.garbage"
    assert "outside 22:00-05:00" in by_day["rules"][0]["reasons"][0]


@pytest.mark.needs_plugins("public_works", "sanitation")
def test_rule_hours_are_the_city_s_local_time(client, make_account):
    """16:30 UTC is 23:30 in Jakarta: the night rule holds."""
    staff = make_account("staff", agency="dlh")
    body = {"category": "garbage", "description": "Sampah malam", "at": "2026-11-28T16:30:00+00:00"}
    explained = client.post(
        "/api/v1/routing/explain", json={**body, **MONAS}, headers=staff.headers
    ).json
    assert explained["at"] == "2026-11-28T23:30:00+07:00"
    assert explained["decision"]["rule"] == "city.night-garbage"


@pytest.mark.needs_plugins("public_works", "sanitation")
@pytest.mark.parametrize("role, status", [(None, 401), ("resident", 403), ("officer", 403)])
def test_explain_is_for_staff(client, make_account, role, status):
    headers = (
        make_account(role, agency="dlh" if role == "officer" else None).headers if role else {}
    )
    body = {"category": "garbage", "description": "Sampah", **MONAS}
    assert client.post("/api/v1/routing/explain", json=body, headers=headers).status_code == status


@pytest.mark.needs_plugins("public_works", "sanitation")
def test_explain_refuses_an_unknown_category(client, make_account):
    staff = make_account("staff", agency="dlh")
    response = client.post(
        "/api/v1/routing/explain",
        json={"category": "unicorns", **MONAS},
        headers=staff.headers,
    )
    assert response.status_code == 400
    assert "category" in response.json["error"]["fields"]


def test_a_bad_config_rule_stops_the_start(tmp_path, database_url):
    settings = {
        "instance_path": str(tmp_path),
        "database_url": database_url,
        "routing": {"rules": [{"name": "x", "agency": "atlantis"}]},
    }
    with pytest.raises(RuntimeError, match="unknown agency 'atlantis'"):
        create_app(config=settings, plugins=in_tree_plugins())


@pytest.mark.needs_plugins("public_works", "sanitation", "transport")
def test_intake_names_the_district_and_district_rules_apply(client, runner, app):
    from core.cli import main

    assert runner.invoke(main, ["demo"]).exit_code == 0  # loads the demo districts
    light = client.post(
        "/api/v1/complaints",
        json={"category": "traffic_light", "description": "Lampu merah mati", **MONAS},
    ).json["routing"]
    assert light == {
        "agency": "dishub",
        "rule": "transport.traffic-lights",
        "reason": (
            "Lampu lalu lintas mati · Gambir → Dinas Perhubungan (transport.traffic-lights)"
        ),
        "district": "jkt-pusat-gambir",
    }
    state = app.extensions["routing"]
    north_floods = RoutingRule(
        "city.north-floods", "dlh", categories=("flooding",), districts=("jkt-utara",)
    )
    rules = ordered_rules((*state.engine.rules, north_floods), app.extensions["smartcity.catalog"])
    app.extensions["routing"] = type(state)(
        type(state.engine)(rules, state.engine.locate), state.timezone, state.clock
    )
    pluit = {"lat": -6.1170, "lon": 106.7900}
    flood = {"category": "flooding", "description": "Banjir"}
    north = client.post("/api/v1/complaints", json={**flood, **pluit}).json["routing"]
    assert (north["rule"], north["district"]) == ("city.north-floods", "jkt-utara-penjaringan")
    centre = client.post("/api/v1/complaints", json={**flood, **MONAS}).json["routing"]
    assert centre["rule"] == "public_works.sudin-jakpus"


def test_rules_without_a_category_apply_to_every_category_in_order():
    rules = ordered_rules(
        [
            RoutingRule("sanitation.garbage", "dlh", categories=("garbage",)),
            RoutingRule("city.fire", "dpu", keywords=("api", "kebakaran"), priority=9),
        ],
        CATALOG,
    )
    engine = RoutingEngine(rules, lambda lat, lon: GAMBIR)
    burning = engine.decide(draft(description="Sampah terbakar, ada api"), NOON, CATALOG)
    assert burning.rule == "city.fire"
    assert engine.decide(draft(), NOON, CATALOG).rule == "sanitation.garbage"
    flood_fire = draft(category="flooding", description="api di gardu")
    assert engine.decide(flood_fire, NOON, CATALOG).rule == "city.fire"
    assert engine.decide(draft(category="flooding"), NOON, CATALOG) is None


def test_deciding_fast_agrees_with_the_explanation_rule_by_rule():
    """decide() checks compiled sets, explain() builds sentences: they must pick the same rule."""
    import random

    generator = random.Random(7)
    places = [GAMBIR, Place((("menteng", "Menteng"), ("jkt-pusat", "Jakarta Pusat"))), Place()]
    words = ("sampah", "Kali", "SUNGAI", "pasar", "banjir")
    rules = [
        RoutingRule(
            f"r{number}",
            generator.choice(["dlh", "dpu"]),
            categories=tuple(generator.sample(["garbage", "flooding"], generator.randint(0, 1))),
            districts=tuple(
                generator.sample(["gambir", "menteng", "jkt-pusat"], generator.randint(0, 1))
            ),
            keywords=tuple(generator.sample(words, generator.randint(0, 2))),
            hours=generator.choice([None, (6, 18), (22, 5)]),
            priority=generator.randint(0, 3),
        )
        for number in range(40)
    ]
    for _ in range(300):
        place = generator.choice(places)
        engine = RoutingEngine(ordered_rules(rules, CATALOG), lambda lat, lon, place=place: place)
        complaint = draft(
            category=generator.choice(["garbage", "flooding"]),
            description=" ".join(generator.sample(words, 2)).lower(),
        )
        now = NOON.replace(hour=generator.randrange(24))
        _place, verdicts = engine.explain(complaint, now)
        first = next((verdict.rule.name for verdict in verdicts if verdict.matched), None)
        decision = engine.decide(complaint, now, CATALOG)
        assert (decision.rule if decision else None) == first
