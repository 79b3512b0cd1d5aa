"""Fixtures of the CCTV tests: real cameras on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from plugins.cctv.tests.camera_servers import CameraServer


@pytest.fixture
def camera_server() -> Iterator[Callable[..., CameraServer]]:
    """Start cameras: ``camera_server("jpeg")``, ``camera_server("slow", delay=2)``; all are
    stopped after the test."""
    started: list[CameraServer] = []

    def start(behaviour: str, **options: float) -> CameraServer:
        server = CameraServer(behaviour, **options).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
