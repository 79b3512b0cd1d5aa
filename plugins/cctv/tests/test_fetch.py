"""fetch_frame against real cameras on 127.0.0.1: one JPEG or a named reason, within its timeout
and size bound, and an MJPEG stream left as soon as its first frame is in."""

from __future__ import annotations

import hashlib
import io
import time
from collections.abc import Callable, Iterator

import gevent
import pytest
from gevent.pywsgi import WSGIServer
from PIL import Image

from plugins.cctv.fetch import FetchError, fetch_frame
from plugins.cctv.sources import Source
from plugins.cctv.tests.camera_servers import CameraServer, dead_url

PLAYLIST = b"#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\nsegment0.ts\n"


class PlaylistServer:
    """An HLS camera's playlist (``.m3u8``) on 127.0.0.1, counting its requests."""

    def __init__(self) -> None:
        self.requests = 0
        self._server = WSGIServer(("127.0.0.1", 0), self._app, log=None, error_log=None)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}/live/index.m3u8"

    def start(self) -> PlaylistServer:
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop(timeout=1)

    def _app(
        self, environ: dict[str, object], start_response: Callable[..., object]
    ) -> list[bytes]:
        self.requests += 1
        start_response("200 OK", [("Content-Type", "application/vnd.apple.mpegurl")])
        return [PLAYLIST]


@pytest.fixture
def playlist_server() -> Iterator[PlaylistServer]:
    server = PlaylistServer().start()
    yield server
    server.stop()


def assert_whole_jpeg(data: bytes) -> None:
    assert data.startswith(b"\xff\xd8") and data.endswith(b"\xff\xd9")
    image = Image.open(io.BytesIO(data))
    image.load()  # decodes every byte: a truncated frame raises here
    assert image.format == "JPEG" and image.size == (160, 120)


def failure_of(source: Source, timeout: float = 2.0, max_bytes: int = 1_000_000) -> FetchError:
    with pytest.raises(FetchError) as caught:
        fetch_frame(source, timeout, max_bytes)
    return caught.value


def test_jpeg_camera_gives_one_whole_frame(camera_server: Callable[..., CameraServer]) -> None:
    camera = camera_server("jpeg")
    frame = fetch_frame(Source("jpeg", frame_url=camera.url), 2.0, 1_000_000)
    assert_whole_jpeg(frame.data)
    assert frame.sha256 == hashlib.sha256(frame.data).hexdigest()
    assert 0 < frame.latency_s < 2.0
    assert camera.requests == 1


def test_mjpeg_camera_gives_its_first_frame_and_is_left(
    camera_server: Callable[..., CameraServer],
) -> None:
    camera = camera_server("mjpeg")
    frame = fetch_frame(Source("mjpeg", mjpeg_url=camera.url), 2.0, 1_000_000)
    assert_whole_jpeg(frame.data)
    assert camera.requests == 1
    # The stream sends a frame every 0.1 s for as long as the client stays.
    gevent.sleep(0.3)
    sent_after_leaving = camera.frames_sent
    gevent.sleep(0.3)
    assert camera.frames_sent == sent_after_leaving <= 3


def test_slow_camera_times_out_on_time(camera_server: Callable[..., CameraServer]) -> None:
    camera = camera_server("slow", delay=1.0)
    started = time.monotonic()
    assert failure_of(Source("jpeg", frame_url=camera.url), timeout=0.3).reason == "timeout"
    assert time.monotonic() - started < 0.3 + 0.5


def test_stalled_mjpeg_stream_times_out_on_time(
    camera_server: Callable[..., CameraServer],
) -> None:
    camera = camera_server("slow", delay=1.0)
    started = time.monotonic()
    assert failure_of(Source("mjpeg", mjpeg_url=camera.url), timeout=0.3).reason == "timeout"
    assert time.monotonic() - started < 0.3 + 0.5


def test_dead_camera_is_unreachable() -> None:
    started = time.monotonic()
    assert failure_of(Source("jpeg", frame_url=dead_url())).reason == "unreachable"
    assert time.monotonic() - started < 1.0


@pytest.mark.parametrize(
    ("behaviour", "reason"), [("broken", "http_500"), ("html", "not_an_image")]
)
def test_camera_answering_no_jpeg_names_why(
    camera_server: Callable[..., CameraServer], behaviour: str, reason: str
) -> None:
    camera = camera_server(behaviour)
    assert failure_of(Source("jpeg", frame_url=camera.url)).reason == reason
    assert camera.requests == 1


def test_camera_answering_errors_is_asked_afresh_each_time(
    camera_server: Callable[..., CameraServer],
) -> None:
    camera = camera_server("broken")
    source = Source("jpeg", frame_url=camera.url)
    assert [failure_of(source).reason for _ in range(4)] == ["http_500"] * 4
    assert camera.requests == 4


def test_camera_taken_down_answers_503(camera_server: Callable[..., CameraServer]) -> None:
    camera = camera_server("jpeg")
    camera.fail = True
    assert failure_of(Source("jpeg", frame_url=camera.url)).reason == "http_503"


@pytest.mark.parametrize("kind", ["jpeg", "mjpeg"])
def test_frame_over_max_bytes_is_too_large(
    camera_server: Callable[..., CameraServer], kind: str
) -> None:
    camera = camera_server(kind)
    source = (
        Source("jpeg", frame_url=camera.url)
        if kind == "jpeg"
        else Source("mjpeg", mjpeg_url=camera.url)
    )
    assert failure_of(source, max_bytes=200).reason == "too_large"


def test_hls_camera_without_snapshot_url_is_checked_but_has_no_frames(
    playlist_server: PlaylistServer,
) -> None:
    source = Source("hls", playlist_url=playlist_server.url)
    assert failure_of(source).reason == "no_frames"
    assert playlist_server.requests == 1


def test_hls_playlist_url_answering_html_is_not_a_playlist(
    camera_server: Callable[..., CameraServer],
) -> None:
    camera = camera_server("html")
    assert failure_of(Source("hls", playlist_url=camera.url)).reason == "not_an_image"


def test_dead_hls_camera_is_unreachable() -> None:
    assert failure_of(Source("hls", playlist_url=dead_url())).reason == "unreachable"


def test_hls_camera_with_snapshot_url_gives_frames_from_it(
    camera_server: Callable[..., CameraServer], playlist_server: PlaylistServer
) -> None:
    camera = camera_server("jpeg")
    source = Source("hls", frame_url=camera.url, playlist_url=playlist_server.url)
    assert_whole_jpeg(fetch_frame(source, 2.0, 1_000_000).data)
    assert (camera.requests, playlist_server.requests) == (1, 0)
