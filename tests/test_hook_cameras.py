"""The ``cameras_along`` hook as core calls it: every plugin's cameras, nearest first."""

from __future__ import annotations

from core import hookimpl
from core.plugins import hooks
from core.types import ANONYMOUS, Actor, CameraSighting

ROAD = {"type": "LineString", "coordinates": [[106.80, -6.20], [106.81, -6.20]]}


def sighting(camera_id: str, distance_m: float) -> CameraSighting:
    return CameraSighting(camera_id, camera_id, -6.2, 106.8, "online", distance_m, f"/{camera_id}")


class CityCameras:
    def __init__(self) -> None:
        self.asked: list[tuple[dict, float, Actor]] = []

    @hookimpl
    def cameras_along(self, geometry, within_m, actor):
        self.asked.append((geometry, within_m, actor))
        return [sighting("city-far", 90.0), sighting("city-near", 5.0)]


class TollCameras:
    @hookimpl
    def cameras_along(self, geometry, within_m, actor):
        return [sighting("toll-1", 40.0)]


def test_hook_cameras_along(app, register_plugin):
    city = CityCameras()
    register_plugin(city, "city_cameras")
    register_plugin(TollCameras(), "toll_cameras")

    with app.app_context():
        found = hooks().cameras_along(geometry=ROAD, within_m=100.0, actor=ANONYMOUS)

    assert [camera.id for camera in found] == ["city-near", "toll-1", "city-far"]
    assert city.asked == [(ROAD, 100.0, ANONYMOUS)]
    assert found[0].as_dict()["snapshot"] == "/city-near"
