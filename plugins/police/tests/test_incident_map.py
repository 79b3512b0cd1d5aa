"""Who may open the incident map, and who sees the link to it.

Only SQLite: the pages are the subject here."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

INCIDENTS = "/police/incidents"


def test_a_visitor_signs_in_before_the_incident_map(client):
    response = client.get(INCIDENTS)

    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/police/incidents"


@pytest.mark.needs_plugins("sanitation", "transport")
@pytest.mark.parametrize(
    ("role", "agency"),
    [("resident", None), ("staff", "dlh"), ("head", "dishub"), ("officer", "polda")],
)
def test_the_incident_map_is_refused_to_anyone_but_police_staff_and_admins(
    client, make_account, role, agency
):
    response = client.get(INCIDENTS, headers=make_account(role, agency=agency).headers)

    assert response.status_code == 403
    assert b"The incident map is for police staff, heads and admins." in response.data


@pytest.mark.parametrize(
    ("role", "agency"), [("staff", "polda"), ("head", "polda"), ("admin", None)]
)
def test_police_staff_heads_and_admins_open_the_incident_map(client, make_account, role, agency):
    response = client.get(INCIDENTS, headers=make_account(role, agency=agency).headers)

    assert response.status_code == 200
    assert b'id="incident-map"' in response.data
    assert b'data-agency="polda"' in response.data


@pytest.mark.needs_plugins("sanitation")
@pytest.mark.parametrize(
    ("role", "agency", "linked"),
    [
        (None, None, False),
        ("resident", None, False),
        ("staff", "dlh", False),
        ("officer", "polda", False),
        ("staff", "polda", True),
        ("head", "polda", True),
        ("admin", None, True),
    ],
)
def test_only_those_who_may_open_it_see_the_link_to_the_incident_map(
    client, make_account, role, agency, linked
):
    headers = make_account(role, agency=agency).headers if role else {}

    page = client.get("/report", headers=headers).get_data(as_text=True)

    assert (f'href="{INCIDENTS}"' in page) is linked
