"""Where the server gets a camera's frame: the URL for each source kind, from the forms the
restreamers document. These URLs may carry credentials and never leave the server."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlsplit

# Snapshot URL forms, from each project's documentation:
# go2rtc: GET /api/frame.jpeg?src=<stream>
# Frigate: GET /api/<camera>/latest.jpg
# ZoneMinder: GET /cgi-bin/nph-zms?mode=single&monitor=<id> (under its web path, e.g. /zm)
# Shinobi: GET /<api key>/jpeg/<group key>/<monitor id>/s.jpg
RESTREAMER_FORMS = {
    "go2rtc": "{base}/api/frame.jpeg?src={name}",
    "frigate": "{base}/api/{name}/latest.jpg",
    "zoneminder": "{base}/cgi-bin/nph-zms?mode=single&monitor={name}",
    "shinobi": "{base}/{name}/s.jpg",
}


@dataclass(frozen=True)
class Source:
    """How to read one camera: ``frame_url`` answers a JPEG, else ``mjpeg_url`` streams
    multipart JPEG frames (the first is taken), else ``playlist_url`` (HLS) can only be checked
    for health."""

    kind: str
    frame_url: str | None = None
    mjpeg_url: str | None = None
    playlist_url: str | None = None

    @property
    def has_frames(self) -> bool:
        return bool(self.frame_url or self.mjpeg_url)


def source_of(
    kind: str, snapshot_url: str | None, stream_url: str | None, name: str | None
) -> Source:
    """The camera's source from its registry fields (``snapshot_url`` is the restreamer's base
    URL for the restreamer kinds)."""
    if kind in RESTREAMER_FORMS:
        if not snapshot_url or not name:
            raise ValueError(f"a {kind} camera needs snapshot_url (the {kind} base URL) and a name")
        base = snapshot_url.rstrip("/")
        if kind == "shinobi":
            parts = name.split("/")
            if len(parts) != 3 or not all(parts):
                raise ValueError("a shinobi camera's name is api_key/group_key/monitor_id")
            api_key, group_key, monitor = (quote(part, safe="") for part in parts)
            name_in_url = f"{api_key}/jpeg/{group_key}/{monitor}"
        else:
            name_in_url = quote(name, safe="")
        return Source(kind, frame_url=RESTREAMER_FORMS[kind].format(base=base, name=name_in_url))
    if kind == "jpeg":
        if not snapshot_url:
            raise ValueError("a jpeg camera needs snapshot_url")
        return Source(kind, frame_url=snapshot_url)
    if kind == "mjpeg":
        if not (stream_url or snapshot_url):
            raise ValueError("an mjpeg camera needs stream_url")
        return Source(kind, frame_url=snapshot_url, mjpeg_url=stream_url)
    if kind == "hls":
        if not stream_url:
            raise ValueError("an hls camera needs stream_url (its .m3u8 playlist)")
        return Source(kind, frame_url=snapshot_url, playlist_url=stream_url)
    raise ValueError(f"unknown source kind {kind!r}")


def guess_kind(snapshot_url: str | None, stream_url: str | None) -> str:
    """The kind an import row means when it names none."""
    if stream_url and urlsplit(stream_url).path.endswith(".m3u8"):
        return "hls"
    if stream_url and not snapshot_url and stream_url.startswith(("http://", "https://")):
        return "mjpeg"
    return "jpeg"


def check_url(url: str | None, field: str, allow_rtsp: bool = False) -> None:
    """An http(s) URL (or rtsp where a stream may be one); raises ValueError naming the field."""
    if not url:
        return
    schemes = ("http", "https", "rtsp", "rtsps") if allow_rtsp else ("http", "https")
    parts = urlsplit(url)
    if parts.scheme not in schemes or not parts.hostname:
        raise ValueError(f"{field} must be an {' or '.join(schemes)} URL with a host")
