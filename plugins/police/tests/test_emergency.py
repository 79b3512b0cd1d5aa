"""The police's emergencies: routed straight to the police (never the triage queue), offered to
the nearest patrol the moment they are reported, and their reporters told whom to call."""

from __future__ import annotations

import pytest

from core import hookimpl
from core.testing import in_tree_plugins
from core.types import CallNow, CategorySpec
from plugins.dispatch.tests.helpers import MONAS, me, north_of, on_duty, report
from plugins.police.settings import PoliceSettings, police_settings

AT_MONAS = {"lat": MONAS[0], "lon": MONAS[1]}
EVERYTHING_TO_TRIAGE = {
    "routing": {"rules": [{"name": "city.all-to-triage", "agency": "triage", "priority": 100}]}
}


def file(client, category, description="Jambret di halte bus", headers=None, **point):
    body = {"category": category, "description": description, **(point or AT_MONAS)}
    response = client.post("/api/v1/complaints", json=body, headers=headers or {})
    assert response.status_code == 201, response.json
    return response.json


def categories(client):
    return {category["code"]: category for category in client.get("/api/v1/categories").json}


@pytest.mark.needs_plugins("routing", "transport")
def test_emergencies_go_straight_to_the_police_by_their_rules(client):
    crime = file(client, "crime")
    accident = file(client, "accident", "Tabrakan motor di perempatan")

    assert (crime["agency"], crime["routing"]["rule"]) == ("polda", "police.crime")
    assert (accident["agency"], accident["routing"]["rule"]) == ("polda", "police.accidents")
    assert accident["involved"] == ["dishub"]


@pytest.mark.needs_plugins("sanitation")
@pytest.mark.parametrize("app_settings", [EVERYTHING_TO_TRIAGE])
def test_an_emergency_skips_triage_even_when_a_rule_sends_everything_there(client):
    assert file(client, "garbage", "Sampah menumpuk")["agency"] == "triage"
    assert file(client, "disturbance", "Tawuran pelajar")["agency"] == "triage"

    crime = file(client, "crime")

    assert crime["agency"] == "polda"
    assert crime["routing"]["rule"] == "police.emergency"
    assert crime["routing"]["reason"] == (
        "Tindak kejahatan → Kepolisian Daerah Metro Jaya (police.emergency)"
    )


@pytest.mark.needs_plugins("transport")
@pytest.mark.parametrize(
    "app_plugins", [[plugin for plugin in in_tree_plugins() if plugin[0] != "routing"]]
)
def test_without_the_routing_plugin_emergencies_still_reach_the_police(client):
    accident = file(client, "accident", "Tabrakan beruntun")

    assert (accident["agency"], accident["routing"]["rule"]) == ("polda", "police.emergency")
    assert accident["involved"] == ["dishub"]
    assert file(client, "disturbance", "Ribut tetangga")["agency"] == "triage"


@pytest.mark.needs_plugins("dispatch")
def test_the_nearest_patrol_is_offered_an_emergency_at_once(client, make_account):
    near, far = make_account("officer", agency="polda"), make_account("officer", agency="polda")
    for patrol, metres in ((far, 600), (near, 150)):
        on_duty(client, patrol)
        assert report(client, patrol, north_of(MONAS, metres)).status_code == 200

    crime = file(client, "crime", headers=make_account("resident").headers)

    offer = me(client, near)["offer"]
    assert (offer["complaint_id"], offer["automatic"]) == (crime["id"], True)
    assert offer["distance_m"] == pytest.approx(150, abs=1)
    assert me(client, far)["offer"] is None


@pytest.mark.needs_plugins("dispatch", "sanitation")
def test_the_patrol_s_phone_and_the_duty_room_hear_an_emergency_live(
    client, make_account, live_client
):
    patrol = make_account("officer", agency="polda")
    on_duty(client, patrol)
    report(client, patrol, north_of(MONAS, 200))
    phone = live_client(token=patrol.token)
    duty_room = live_client(token=make_account("staff", agency="polda").token)
    other_agency = live_client(token=make_account("staff", agency="dlh").token)

    crime = file(client, "crime")

    [offered] = phone.wait_for("dispatch.offer")
    assert offered["complaint"]["id"] == crime["id"]
    assert offered["offer"]["automatic"] is True
    assert [created["id"] for created in duty_room.wait_for("complaint.created")] == [crime["id"]]
    assert duty_room.wait_for("dispatch.updated")[0]["state"] == "offering"
    assert other_agency.named("complaint.created") == []


@pytest.mark.needs_plugins("sanitation")
def test_emergency_categories_name_the_line_to_call(client):
    listed = categories(client)

    assert listed["crime"]["urgent"] is True
    assert listed["crime"]["call_now"] == {"number": "110", "label": ""}
    assert listed["accident"]["call_now"] == {"number": "110", "label": ""}
    assert listed["disturbance"]["call_now"] is None
    assert listed["garbage"]["call_now"] is None


@pytest.mark.parametrize(
    "app_settings", [{"police": {"call_now_number": "112", "call_now_label": "Polisi: 112"}}]
)
def test_the_line_to_call_comes_from_the_police_settings(client):
    assert categories(client)["crime"]["call_now"] == {"number": "112", "label": "Polisi: 112"}


@pytest.mark.needs_plugins("sanitation")
def test_a_category_may_name_a_fixed_line_of_its_own(client, register_plugin):
    class Ambulance:
        @hookimpl
        def register_categories(self):
            line = CallNow("118", "Ambulans 118")
            return [CategorySpec("injured", "dlh", "Orang terluka", "Injured", call_now=line)]

    register_plugin(Ambulance(), "ambulance")

    assert categories(client)["injured"]["call_now"] == {"number": "118", "label": "Ambulans 118"}


def test_police_settings_take_a_number_from_the_environment_and_refuse_a_wrong_one():
    assert police_settings({}) == PoliceSettings("110", "")
    # SMARTCITY_POLICE__CALL_NOW_NUMBER=110 reads as a TOML integer.
    assert police_settings({"police": {"call_now_number": 110}}).call_now_number == "110"
    assert police_settings({"police": {"call_now_number": "+62 21 110"}}).call_now_number
    with pytest.raises(RuntimeError, match="call_now_number"):
        police_settings({"police": {"call_now_number": "ring the station"}})
