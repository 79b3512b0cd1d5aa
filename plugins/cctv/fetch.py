"""Reading one frame from a camera, bounded in time and size: a hung or dribbling camera costs
a request at most ``timeout`` seconds, never a worker."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

import gevent
import urllib3

from plugins.cctv.sources import Source

JPEG_START, JPEG_END = b"\xff\xd8", b"\xff\xd9"
CHUNK = 16 * 1024
_pool = urllib3.PoolManager(num_pools=64, maxsize=4, retries=False)


class FetchError(Exception):
    """The camera gave no frame: ``reason`` is ``timeout``, ``unreachable``, ``http_<status>``,
    ``not_an_image``, ``too_large`` or ``no_frames``."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


@dataclass(frozen=True)
class Frame:
    data: bytes
    sha256: str
    latency_s: float  # from the request to the last byte


def fetch_frame(source: Source, timeout: float, max_bytes: int) -> Frame:
    """One JPEG from the source (its snapshot URL, else the first frame of its MJPEG stream);
    for an HLS-only camera the playlist is fetched to prove it alive, and ``no_frames`` raised."""
    started = time.perf_counter()
    try:
        with gevent.Timeout(timeout, FetchError("timeout", f"no frame within {timeout:g} s")):
            if source.frame_url:
                data = _read_jpeg(source.frame_url, timeout, max_bytes)
            elif source.mjpeg_url:
                data = _first_mjpeg_frame(source.mjpeg_url, timeout, max_bytes)
            elif source.playlist_url:
                _read_playlist(source.playlist_url, timeout)
                raise FetchError("no_frames", "an HLS camera without a snapshot URL")
            else:
                raise FetchError("no_frames", "the camera has no source")
    except urllib3.exceptions.NewConnectionError as error:  # a TimeoutError subclass: first
        raise FetchError("unreachable", "connection refused or no route") from error
    except urllib3.exceptions.TimeoutError as error:
        raise FetchError("timeout", type(error).__name__) from error
    except urllib3.exceptions.HTTPError as error:
        raise FetchError("unreachable", type(error).__name__) from error
    return Frame(data, hashlib.sha256(data).hexdigest(), time.perf_counter() - started)


def _open(url: str, timeout: float) -> urllib3.BaseHTTPResponse:
    response = _pool.request(
        "GET",
        url,
        preload_content=False,
        timeout=urllib3.Timeout(connect=timeout, read=timeout),
        headers={"Accept": "image/jpeg, multipart/x-mixed-replace, */*"},
    )
    if response.status != 200:
        response.close()  # its body unread: the connection cannot serve another request
        raise FetchError(f"http_{response.status}")
    return response


def _read_jpeg(url: str, timeout: float, max_bytes: int) -> bytes:
    response = _open(url, timeout)
    data = bytearray()
    try:
        for chunk in response.stream(CHUNK):
            data += chunk
            if len(data) > max_bytes:
                raise FetchError("too_large", f"over {max_bytes} bytes")
    except BaseException:
        response.close()  # half read: the connection cannot serve another request
        raise
    response.release_conn()
    if not data.startswith(JPEG_START):
        raise FetchError("not_an_image", "the answer is not a JPEG")
    return bytes(data)


def _first_mjpeg_frame(url: str, timeout: float, max_bytes: int) -> bytes:
    """The first complete JPEG of a multipart/x-mixed-replace stream, found by its start and end
    markers (cameras disagree on boundaries and part headers, never on JPEG markers)."""
    response = _open(url, timeout)
    try:
        buffer = bytearray()
        for chunk in response.stream(CHUNK):
            buffer += chunk
            start = buffer.find(JPEG_START)
            if start >= 0:
                end = buffer.find(JPEG_END, start + 2)
                if end >= 0:
                    if end + 2 - start > max_bytes:
                        raise FetchError("too_large", f"a frame over {max_bytes} bytes")
                    return bytes(buffer[start : end + 2])
            if len(buffer) > max_bytes:
                raise FetchError("too_large", f"no whole frame in {max_bytes} bytes")
        raise FetchError("no_frames", "the stream ended before a whole frame")
    finally:
        # Closing, not returning the connection: the stream would go on forever.
        response.close()


def _read_playlist(url: str, timeout: float) -> None:
    response = _open(url, timeout)
    try:
        head = response.read(7)
    finally:
        response.close()
    if head != b"#EXTM3U":
        raise FetchError("not_an_image", "the answer is not an HLS playlist")
