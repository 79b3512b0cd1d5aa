"""The ``cameras_along`` hook as core calls it: every plugin's cameras near each geometry, merged
geometry by geometry, nearest first."""

from __future__ import annotations

import pytest

from core import hookimpl
from core.plugins import hooks
from core.types import ANONYMOUS, Actor, CameraSighting

ROAD = {"type": "LineString", "coordinates": [[106.80, -6.20], [106.81, -6.20]]}
CROSSING = {"type": "Point", "coordinates": [106.85, -6.25]}


def sighting(camera_id: str, distance_m: float) -> CameraSighting:
    return CameraSighting(camera_id, camera_id, -6.2, 106.8, "online", distance_m, f"/{camera_id}")


class CityCameras:
    def __init__(self) -> None:
        self.asked: list[tuple[list[dict], float, Actor]] = []

    @hookimpl
    def cameras_along(self, geometries, within_m, actor):
        self.asked.append((geometries, within_m, actor))
        return [[sighting("city-far", 90.0), sighting("city-near", 5.0)], []]


class TollCameras:
    @hookimpl
    def cameras_along(self, geometries, within_m, actor):
        return [[sighting("toll-1", 40.0)], [sighting("toll-2", 12.0)]]


class BrokenCameras:
    @hookimpl
    def cameras_along(self, geometries, within_m, actor):
        return [[sighting("lost", 1.0)]]


def test_hook_cameras_along(app, register_plugin):
    city = CityCameras()
    register_plugin(city, "city_cameras")
    register_plugin(TollCameras(), "toll_cameras")

    with app.app_context():
        along_road, at_crossing = hooks().cameras_along(
            geometries=[ROAD, CROSSING], within_m=100.0, actor=ANONYMOUS
        )

    assert [camera.id for camera in along_road] == ["city-near", "toll-1", "city-far"]
    assert [camera.id for camera in at_crossing] == ["toll-2"]
    assert city.asked == [([ROAD, CROSSING], 100.0, ANONYMOUS)]
    assert along_road[0].as_dict()["snapshot"] == "/city-near"


def test_an_answer_that_loses_a_geometry_is_refused(app, register_plugin):
    register_plugin(BrokenCameras(), "broken_cameras")

    with app.app_context(), pytest.raises(ValueError, match="one list for each geometry"):
        hooks().cameras_along(geometries=[ROAD, CROSSING], within_m=100.0, actor=ANONYMOUS)
