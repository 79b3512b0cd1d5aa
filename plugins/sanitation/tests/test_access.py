"""Who sees the hot spots: the staff and heads of the agency owning the sanitation categories,
and admins; in the API, on the page and in the navigation. Hot spots count only complaints the
viewer may see."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from plugins.sanitation.tests.factories import add_complaints, complaint, set_clock

HOT_SPOTS = "/api/v1/sanitation/hot-spots"
PAGE = "/sanitation/hot-spots"


def account_headers(make_account: Any, role: str | None, agency: str | None) -> dict[str, str]:
    if role is None:
        return {}
    headers: dict[str, str] = make_account(role, agency=agency).headers
    return headers


@pytest.mark.needs_plugins("police", "transport")
@pytest.mark.parametrize(
    "role, agency, status",
    [
        (None, None, 401),
        ("resident", None, 403),
        ("officer", "dlh", 403),
        ("staff", "dishub", 403),
        ("head", "polda", 403),
        ("staff", "dlh", 200),
        ("head", "dlh", 200),
        ("admin", None, 200),
    ],
)
def test_the_api_is_for_the_sanitation_agency_s_staff_and_heads_and_admins(
    client, make_account, role, agency, status
):
    response = client.get(HOT_SPOTS, headers=account_headers(make_account, role, agency))
    assert response.status_code == status
    if status == 403 and role in ("staff", "head"):
        assert response.json["error"] == {
            "code": "forbidden",
            "message": "Hot spots are for the staff and heads of Dinas Lingkungan Hidup, "
            "and admins.",
        }


def test_the_page_sends_a_visitor_to_sign_in_first(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/sanitation/hot-spots"


@pytest.mark.needs_plugins("transport")
@pytest.mark.parametrize(
    "role, agency, status",
    [
        ("resident", None, 403),
        ("officer", "dlh", 403),
        ("staff", "dishub", 403),
        ("staff", "dlh", 200),
        ("head", "dlh", 200),
        ("admin", None, 200),
    ],
)
def test_the_page_is_for_the_same_people_as_the_api(client, make_account, role, agency, status):
    response = client.get(PAGE, headers=account_headers(make_account, role, agency))
    assert response.status_code == status
    if status == 200:
        assert "Garbage hot spots" in response.text
        assert 'name="week"' in response.text


def test_the_page_refuses_a_week_that_is_not_one(client, make_account):
    response = client.get(f"{PAGE}?week=soon", headers=make_account("head", "dlh").headers)
    assert response.status_code == 400


@pytest.mark.needs_plugins("transport")
@pytest.mark.parametrize(
    "role, agency, shown",
    [
        (None, None, False),
        ("resident", None, False),
        ("officer", "dlh", False),
        ("staff", "dishub", False),
        ("staff", "dlh", True),
        ("head", "dlh", True),
        ("admin", None, True),
    ],
)
def test_the_navigation_links_the_page_for_those_who_may_open_it(
    client, make_account, role, agency, shown
):
    home = client.get("/", headers=account_headers(make_account, role, agency)).text
    assert (f'href="{PAGE}"' in home) is shown


@pytest.mark.needs_plugins("public_works")
def test_hot_spots_count_only_complaints_the_viewer_may_see(app, client, make_account):
    """Confidential garbage reports another agency owns: a hot spot for admins, not for DLH."""
    set_clock(app, datetime(2026, 11, 26, 5, tzinfo=UTC))
    add_complaints(
        app,
        [
            complaint(datetime(2026, 11, 25, hour, tzinfo=UTC), "jkt-pusat-gambir", public=False)
            | {"agency_code": "dpu"}
            for hour in (1, 2, 3)
        ],
    )
    admin = make_account("admin")
    dlh = make_account("staff", agency="dlh")
    assert [
        spot["count"] for spot in client.get(HOT_SPOTS, headers=admin.headers).json["hot_spots"]
    ] == [3]
    assert client.get(HOT_SPOTS, headers=dlh.headers).json["hot_spots"] == []
