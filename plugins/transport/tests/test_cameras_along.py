"""The cameras along the road segments, from the cctv plugin through the ``cameras_along`` hook:
in the segments' payload as the asker may see them, and voting with their tags in the
suggestion (the worse of the complaints' status and the worst camera vote wins)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event

from core import db
from plugins.transport.tests.conftest import add_camera, add_complaint, east_of_thamrin
from plugins.transport.tests.test_status_api import put_status, suggestion

pytestmark = pytest.mark.needs_plugins("cctv")


def cameras_of(response: Any, segment_id: str) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.json
    segments = response.json.get("segments", [response.json])
    cameras: list[dict[str, Any]] = next(s for s in segments if s["id"] == segment_id)["cameras"]
    return cameras


def test_each_segment_lists_the_cameras_along_it_nearest_first(client, make_account, segments):
    admin = make_account("admin")
    add_camera(client, admin, "Kamera Sarinah", east_of_thamrin(40), tags=["traffic", "Macet"])
    add_camera(client, admin, "Kamera Kebon Sirih", east_of_thamrin(-120))
    add_camera(client, admin, "Kamera jauh", east_of_thamrin(160))
    add_camera(client, admin, "Kamera Semanggi", (-6.2330, 106.8265))

    listed = client.get("/api/v1/transport/segments")
    thamrin = cameras_of(listed, "thamrin")
    assert [camera["id"] for camera in thamrin] == ["Kamera Sarinah", "Kamera Kebon Sirih"]
    sarinah = thamrin[0]
    assert sarinah["distance_m"] == pytest.approx(40, abs=0.5)
    assert sarinah["tags"] == ["traffic", "Macet"]
    assert sarinah["snapshot"] == "/api/v1/cctv/cameras/Kamera Sarinah/snapshot"
    assert (sarinah["lat"], sarinah["lon"]) == pytest.approx(east_of_thamrin(40))
    assert set(sarinah) == {"id", "name", "lat", "lon", "status", "distance_m", "snapshot", "tags"}
    assert [camera["id"] for camera in cameras_of(listed, "gatot-subroto")] == ["Kamera Semanggi"]

    one = client.get("/api/v1/transport/segments/thamrin")
    assert cameras_of(one, "thamrin") == thamrin


def test_the_list_asks_for_every_segment_s_cameras_at_once(app, client, make_account, segments):
    """One camera query for the whole list, not one a road."""
    admin = make_account("admin")
    add_camera(client, admin, "Kamera Sarinah", east_of_thamrin(40))
    asked: list[int] = []

    def count_camera_queries(conn, cursor, statement, *args) -> None:
        if "FROM cctv_camera" in statement:
            asked.append(1)

    with app.app_context():
        engine = db.session().get_bind()
    event.listen(engine, "before_cursor_execute", count_camera_queries)
    try:
        listed = client.get("/api/v1/transport/segments")
    finally:
        event.remove(engine, "before_cursor_execute", count_camera_queries)

    assert len(listed.json["segments"]) > 1
    assert [camera["id"] for camera in cameras_of(listed, "thamrin")] == ["Kamera Sarinah"]
    assert len(asked) == 1


def test_a_visitor_sees_public_cameras_and_dishub_its_own_restricted_ones(
    client, make_account, segments
):
    admin = make_account("admin")
    add_camera(client, admin, "public", east_of_thamrin(10))
    add_camera(client, admin, "staff-only", east_of_thamrin(20), visibility="staff")
    add_camera(
        client, admin, "dishub-only", east_of_thamrin(30), visibility="restricted", agency="dishub"
    )

    def seen(headers: dict[str, str] | None = None) -> list[str]:
        response = client.get("/api/v1/transport/segments/thamrin", headers=headers or {})
        return [camera["id"] for camera in cameras_of(response, "thamrin")]

    assert seen() == ["public"]
    assert seen(make_account("resident").headers) == ["public"]
    dishub = make_account("staff", agency="dishub")
    assert seen(dishub.headers) == ["public", "staff-only", "dishub-only"]
    # A change goes live to everyone: its payload (the PUT's answer) names no camera.
    changed = put_status(client, dishub, "padat")
    assert changed.status_code == 200
    assert "cameras" not in changed.json


@pytest.mark.parametrize("app_settings", [{"transport": {"camera_m": 30}}])
def test_camera_m_says_how_close_a_camera_is_along(client, make_account, segments):
    admin = make_account("admin")
    add_camera(client, admin, "near", east_of_thamrin(20))
    add_camera(client, admin, "farther", east_of_thamrin(40))
    listed = client.get("/api/v1/transport/segments")
    assert [camera["id"] for camera in cameras_of(listed, "thamrin")] == ["near"]


# --- the cameras' tags in the suggestion --------------------------------------------------------


def test_a_camera_tagged_macet_suggests_macet_without_any_complaint(client, make_account, segments):
    admin = make_account("admin")
    add_camera(client, admin, "Kamera Sarinah", east_of_thamrin(40), tags=["traffic", "MACET"])
    found = suggestion(client, make_account("staff", agency="dishub"), "thamrin").json
    assert (found["status"], found["complaints"], found["complaints_status"]) == (
        "macet",
        0,
        "lancar",
    )
    assert found["camera_votes"] == [
        {
            "id": "Kamera Sarinah",
            "name": "Kamera Sarinah",
            "tag": "MACET",
            "status": "macet",
            "distance_m": pytest.approx(40, abs=0.5),
        }
    ]
    assert found["camera_m"] == 150


def test_the_worst_of_complaints_and_cameras_wins(app, client, make_account, segments, clock):
    admin = make_account("admin")
    staff = make_account("staff", agency="dishub")
    add_complaint(app, east_of_thamrin(10), clock.now - timedelta(minutes=2))
    # One complaint says padat; a camera tagged lancar does not make it better.
    add_camera(client, admin, "lancar-cam", east_of_thamrin(20), tags=["Lancar"])
    found = suggestion(client, staff, "thamrin").json
    assert (found["status"], found["complaints_status"]) == ("padat", "padat")
    assert [vote["status"] for vote in found["camera_votes"]] == ["lancar"]

    # A camera tagged macet makes it worse; of a camera's own status words its worst counts.
    add_camera(client, admin, "macet-cam", east_of_thamrin(-30), tags=["padat", "macet"])
    found = suggestion(client, staff, "thamrin").json
    assert found["status"] == "macet"
    assert [(vote["id"], vote["tag"]) for vote in found["camera_votes"]] == [
        ("lancar-cam", "Lancar"),
        ("macet-cam", "macet"),
    ]

    # Three complaints say macet already: a camera tagged padat changes nothing.
    for metres in (30, 40):
        add_complaint(app, east_of_thamrin(metres), clock.now - timedelta(minutes=2))
    # Thamrin's cameras are nowhere near Gatot Subroto.
    assert suggestion(client, staff, "gatot-subroto").json["status"] == "lancar"
    found = suggestion(client, staff, "thamrin").json
    assert (found["status"], found["complaints"], found["complaints_status"]) == (
        "macet",
        3,
        "macet",
    )


def test_tags_that_are_no_status_word_and_cameras_too_far_do_not_vote(
    client, make_account, segments
):
    admin = make_account("admin")
    add_camera(client, admin, "tagged-otherwise", east_of_thamrin(10), tags=["traffic", "macet?"])
    add_camera(client, admin, "too-far", east_of_thamrin(400), tags=["macet"])
    add_camera(client, admin, "untagged", east_of_thamrin(20), tags=[])
    found = suggestion(client, make_account("staff", agency="dishub"), "thamrin").json
    assert (found["status"], found["camera_votes"]) == ("lancar", [])


@pytest.mark.needs_plugins("police")
def test_a_camera_the_asker_may_not_see_does_not_vote(client, make_account, segments):
    """The suggestion asks for the cameras as the staff member asking may see them: a camera
    restricted to the police does not vote for Dishub's staff, but does for the city's admin."""
    admin = make_account("admin")
    add_camera(
        client,
        admin,
        "polda-cam",
        east_of_thamrin(10),
        tags=["macet"],
        visibility="restricted",
        agency="polda",
    )
    dishub = suggestion(client, make_account("staff", agency="dishub"), "thamrin").json
    assert (dishub["status"], dishub["camera_votes"]) == ("lancar", [])
    assert suggestion(client, admin, "thamrin").json["status"] == "macet"
