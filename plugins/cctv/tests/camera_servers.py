"""Real HTTP cameras on 127.0.0.1 for the tests: each counts the requests it served.

``CameraServer(behaviour)`` serves, on a free port, at any path:

- ``jpeg``: a new JPEG frame on every request (its frame number drawn in);
- ``mjpeg``: multipart/x-mixed-replace JPEG frames, one every 0.1 s, until the client leaves;
- ``slow``: a JPEG after ``delay`` seconds (default 3);
- ``frozen``: the very same JPEG bytes on every request;
- ``broken``: HTTP 500;
- ``html``: a 200 that is not an image.

``dead_url()`` is a URL on a port nothing listens on. ``server.fail = True`` makes any server
answer 503 until set back, to take a camera down and up again.
"""

from __future__ import annotations

import io
import socket
from collections.abc import Iterator

import gevent
from gevent.pywsgi import WSGIServer
from PIL import Image, ImageDraw

BOUNDARY = "frame"


def jpeg_frame(number: int, size: tuple[int, int] = (160, 120)) -> bytes:
    image = Image.new("RGB", size, (30 + number * 37 % 200, 90, 140))
    ImageDraw.Draw(image).text((10, 10), f"frame {number}", fill=(255, 255, 255))
    output = io.BytesIO()
    image.save(output, "JPEG", quality=70)
    return output.getvalue()


FROZEN_FRAME = jpeg_frame(0)


class CameraServer:
    def __init__(self, behaviour: str, delay: float = 3.0) -> None:
        self.behaviour = behaviour
        self.delay = delay
        self.requests = 0
        self.fail = False
        self.frames_sent = 0
        self._server = WSGIServer(("127.0.0.1", 0), self._app, log=None, error_log=None)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}/camera"

    def start(self) -> CameraServer:
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop(timeout=1)

    def _next_frame(self) -> bytes:
        self.frames_sent += 1
        return jpeg_frame(self.frames_sent)

    def _app(self, environ: dict, start_response) -> Iterator[bytes] | list[bytes]:  # type: ignore[type-arg, no-untyped-def]
        self.requests += 1
        if self.fail or self.behaviour == "broken":
            start_response(
                "503 Service Unavailable" if self.fail else "500 Internal Server Error", []
            )
            return [b"down"]
        if self.behaviour == "html":
            start_response("200 OK", [("Content-Type", "text/html")])
            return [b"<html>login</html>"]
        if self.behaviour == "frozen":
            return self._jpeg(start_response, FROZEN_FRAME)
        if self.behaviour == "slow":
            gevent.sleep(self.delay)
            return self._jpeg(start_response, self._next_frame())
        if self.behaviour == "mjpeg":
            start_response(
                "200 OK", [("Content-Type", f"multipart/x-mixed-replace; boundary={BOUNDARY}")]
            )
            return self._mjpeg()
        return self._jpeg(start_response, self._next_frame())

    @staticmethod
    def _jpeg(start_response, data: bytes) -> list[bytes]:  # type: ignore[no-untyped-def]
        start_response(
            "200 OK", [("Content-Type", "image/jpeg"), ("Content-Length", str(len(data)))]
        )
        return [data]

    def _mjpeg(self) -> Iterator[bytes]:
        while True:
            frame = self._next_frame()
            yield (
                (
                    f"--{BOUNDARY}\r\nContent-Type: image/jpeg\r\n"
                    f"Content-Length: {len(frame)}\r\n\r\n"
                ).encode()
                + frame
                + b"\r\n"
            )
            gevent.sleep(0.1)


def dead_url() -> str:
    """A URL whose port refuses connections (bound a moment ago, now closed)."""
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return f"http://127.0.0.1:{port}/camera"
