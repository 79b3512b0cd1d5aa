"""The ``cameras_along`` hook: the cameras within a distance of a point or a line, nearest first,
each as the asking actor may see it, with its frame's API path and its tags."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event

from core import db
from core.plugins import hooks
from core.types import Actor, CameraSighting
from plugins.cctv.tests.test_api import add_camera

# The restricted cameras belong to Dishub and Polda (the transport and police plugins' agencies);
# staff of DLH (sanitation's) see staff cameras only.
pytestmark = pytest.mark.needs_plugins("transport", "sanitation", "police")

# Jl. M.H. Thamrin, straight north to south along longitude 106.8228 (GeoJSON: lon, lat).
THAMRIN_LINE = {"type": "LineString", "coordinates": [[106.8228, -6.1815], [106.8228, -6.1948]]}
METRE_IN_LONGITUDE = 1 / (111_320 * 0.9945)  # at Thamrin's latitude
METRE_IN_LATITUDE = 1 / 111_195


def east_of_thamrin(metres: float, lat: float = -6.1880) -> tuple[float, float]:
    return lat, 106.8228 + metres * METRE_IN_LONGITUDE


def along(app: Flask, geometry: dict[str, Any], within_m: float, actor: Actor) -> list[Any]:
    """Ask every plugin about one geometry: each answers a list for it."""
    with app.app_context():
        answers = hooks(app).pm.hook.cameras_along(
            geometries=[geometry], within_m=within_m, actor=actor
        )
    return [sighting for [answer] in answers for sighting in answer]


def ids(sightings: list[CameraSighting]) -> list[str]:
    return [sighting.id for sighting in sightings]


def test_hook_cameras_along(app):
    add_camera(app, "sarinah", east_of_thamrin(40), tags=["traffic", "Macet"], status="online")
    add_camera(app, "west", east_of_thamrin(-120))
    add_camera(app, "on-the-line", east_of_thamrin(0, lat=-6.1900))
    add_camera(app, "too-far", east_of_thamrin(160))
    # Beyond the line's north end by 100 m: the distance is to the end point, not to the
    # line's extension.
    add_camera(app, "past-the-end", (-6.1815 + 100 * METRE_IN_LATITUDE, 106.8228))
    add_camera(app, "far-past-the-end", (-6.1815 + 200 * METRE_IN_LATITUDE, 106.8228))

    found = along(app, THAMRIN_LINE, 150, Actor())

    assert ids(found) == ["on-the-line", "sarinah", "past-the-end", "west"]
    by_id = {sighting.id: sighting for sighting in found}
    assert by_id["on-the-line"].distance_m == pytest.approx(0, abs=0.5)
    assert by_id["sarinah"].distance_m == pytest.approx(40, abs=0.5)
    assert by_id["past-the-end"].distance_m == pytest.approx(100, abs=0.5)
    assert by_id["west"].distance_m == pytest.approx(120, abs=0.5)
    assert by_id["sarinah"].tags == ("traffic", "Macet")
    assert by_id["sarinah"].status == "online"
    assert by_id["sarinah"].name == "Camera sarinah"
    assert (by_id["sarinah"].lat, by_id["sarinah"].lon) == east_of_thamrin(40)
    assert ids(along(app, THAMRIN_LINE, 30, Actor())) == ["on-the-line"]


def test_the_box_around_the_line_is_wide_enough_for_the_distance(app):
    """The SQL prefilter grows the line's box by the distance; a camera just within it east of
    the line (where a degree of longitude is shorter than one of latitude) is still found."""
    add_camera(app, "just-within", east_of_thamrin(148))
    add_camera(app, "just-beyond", east_of_thamrin(152))
    assert ids(along(app, THAMRIN_LINE, 150, Actor())) == ["just-within"]


def test_each_actor_gets_the_cameras_they_may_see(app, make_account):
    add_camera(app, "public", east_of_thamrin(10))
    add_camera(app, "staff-only", east_of_thamrin(20), visibility="staff")
    add_camera(
        app, "dishub-only", east_of_thamrin(30), visibility="restricted", agency_code="dishub"
    )
    add_camera(app, "polda-only", east_of_thamrin(40), visibility="restricted", agency_code="polda")

    def seen_by(role: str, agency: str | None = None) -> list[str]:
        account = make_account(role, agency=agency) if role != "anonymous" else None
        actor = Actor(user_id=account.id, role=role, agency=agency) if account else Actor()
        return ids(along(app, THAMRIN_LINE, 150, actor))

    assert seen_by("anonymous") == ["public"]
    assert seen_by("resident") == ["public"]
    assert seen_by("staff", "dlh") == ["public", "staff-only"]
    assert seen_by("officer", "dishub") == ["public", "staff-only", "dishub-only"]
    assert seen_by("staff", "dishub") == ["public", "staff-only", "dishub-only"]
    assert seen_by("admin") == ["public", "staff-only", "dishub-only", "polda-only"]


def test_a_point_and_a_multilinestring_are_measured_too(app):
    # Jl. Gatot Subroto in two pieces; the camera is beside the second one only.
    gatot_subroto = {
        "type": "MultiLineString",
        "coordinates": [
            [[106.8150, -6.2200], [106.8225, -6.2290]],
            [[106.8225, -6.2290], [106.8300, -6.2365]],
        ],
    }
    add_camera(app, "semanggi", (-6.2330, 106.8265))
    add_camera(app, "sarinah", east_of_thamrin(40))

    beside_gatot = along(app, gatot_subroto, 100, Actor())
    assert ids(beside_gatot) == ["semanggi"]
    assert beside_gatot[0].distance_m < 100

    point = {"type": "Point", "coordinates": [106.8228, -6.1880]}
    assert ids(along(app, point, 50, Actor())) == ["sarinah"]
    assert along(app, point, 50, Actor())[0].distance_m == pytest.approx(40, abs=0.5)
    assert along(app, point, 30, Actor()) == []

    polygon = {"type": "Polygon", "coordinates": [[[106.82, -6.18], [106.83, -6.18]]]}
    with pytest.raises(ValueError, match="Point, LineString or MultiLineString"):
        along(app, polygon, 50, Actor())


def test_a_sighting_names_the_frame_the_api_gives_and_never_the_source(app, client):
    add_camera(app, "with-frames", east_of_thamrin(10), snapshot_url="http://10.1.2.3/snap.jpg")
    add_camera(
        app,
        "hls-only",
        east_of_thamrin(20),
        source_kind="hls",
        stream_url="http://10.1.2.3/live.m3u8",
    )

    found = {sighting.id: sighting for sighting in along(app, THAMRIN_LINE, 150, Actor())}

    listed = {camera["id"]: camera for camera in client.get("/api/v1/cctv/cameras").json}
    assert found["with-frames"].snapshot == "/api/v1/cctv/cameras/with-frames/snapshot"
    assert found["with-frames"].snapshot == listed["with-frames"]["snapshot"]
    assert listed["hls-only"]["snapshot"] is None
    assert found["hls-only"].snapshot is None
    assert "10.1.2.3" not in repr(list(found.values()))


def test_several_geometries_are_answered_in_order_with_one_query(app):
    add_camera(app, "sarinah", east_of_thamrin(40))
    add_camera(app, "semanggi", (-6.2330, 106.8265))
    gatot_subroto = {
        "type": "LineString",
        "coordinates": [[106.8225, -6.2290], [106.8300, -6.2365]],
    }
    far_away = {"type": "Point", "coordinates": [106.70, -6.10]}
    queries: list[str] = []

    def count(conn, cursor, statement, *args) -> None:
        if "cctv_camera" in statement:
            queries.append(statement)

    with app.app_context():
        engine = db.session().get_bind()
        event.listen(engine, "before_cursor_execute", count)
        try:
            [answer] = hooks(app).pm.hook.cameras_along(
                geometries=[gatot_subroto, THAMRIN_LINE, far_away], within_m=100, actor=Actor()
            )
        finally:
            event.remove(engine, "before_cursor_execute", count)

    assert [ids(found) for found in answer] == [["semanggi"], ["sarinah"], []]
    assert len(queries) == 1
