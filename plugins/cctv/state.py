"""The cctv plugin's per-app state: its settings and the snapshot cache every request shares."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app

from plugins.cctv.models import Camera
from plugins.cctv.settings import CctvSettings, cctv_settings
from plugins.cctv.snapshots import SnapshotCache
from plugins.cctv.sources import Source, source_of

EXTENSION = "cctv"


@dataclass(frozen=True)
class CctvState:
    settings: CctvSettings
    cache: SnapshotCache


def build_state(app: Flask) -> CctvState:
    settings = cctv_settings(app.config["SMARTCITY"])
    return CctvState(settings, SnapshotCache(settings))


def cctv_state() -> CctvState:
    state: CctvState = current_app.extensions[EXTENSION]
    return state


def camera_source(camera: Camera) -> Source | None:
    """How to read the camera, or None when its registry fields name no usable source."""
    try:
        return source_of(
            camera.source_kind, camera.snapshot_url, camera.stream_url, camera.source_name
        )
    except ValueError:
        return None
