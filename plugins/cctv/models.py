"""The camera registry's tables: cameras with their source and health, and snapshots kept as
evidence on complaints."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.models import Base, UTCDateTime

# public: anyone sees its snapshots; staff: signed-in agency people; restricted: the owning
# agency (and admins) only.
VISIBILITIES = ("public", "staff", "restricted")
# How the server gets a frame: a snapshot JPEG URL, the first frame of an MJPEG stream, an HLS
# stream (its playlist is checked; frames need a snapshot URL beside it), or a restreamer's
# documented snapshot URL built from its base URL and the camera's name there.
SOURCE_KINDS = ("jpeg", "mjpeg", "hls", "go2rtc", "frigate", "zoneminder", "shinobi")
STATUSES = ("unknown", "online", "degraded", "offline")


class Camera(Base):
    __tablename__ = "cctv_camera"
    __table_args__ = (Index("ix_cctv_camera_lat_lon", "lat", "lon"),)

    id: Mapped[str] = mapped_column(String(60), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    # The part of the city it watches ("Jakarta Pusat"): the cameras page lists them by area.
    area: Mapped[str | None] = mapped_column(String(100), nullable=True)
    agency_code: Mapped[str | None] = mapped_column(ForeignKey("agency.code"), nullable=True)
    # Source URLs may carry credentials: they stay on the server, never in a response.
    snapshot_url: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    stream_url: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    source_kind: Mapped[str] = mapped_column(String(20), default="jpeg")
    # The camera's name at its restreamer (go2rtc stream, Frigate camera, ZoneMinder monitor,
    # Shinobi "api_key/group_key/monitor_id").
    source_name: Mapped[str | None] = mapped_column(String(300), nullable=True)
    visibility: Mapped[str] = mapped_column(String(20), default="public")
    heading: Mapped[float | None] = mapped_column(Float, nullable=True)
    fov_deg: Mapped[float | None] = mapped_column(Float, nullable=True)
    tags: Mapped[list[Any]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default="unknown")
    # Why: ok, slow, frozen, or the failure (timeout, unreachable, http_500, ...).
    status_reason: Mapped[str | None] = mapped_column(String(40), nullable=True)
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    latency_ms: Mapped[float | None] = mapped_column(Float, nullable=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    # The same frame again and again is a frozen camera.
    frame_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    same_frames: Mapped[int] = mapped_column(Integer, default=0)
    offline_since: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # The internal complaint opened when the camera stayed offline too long.
    outage_complaint_id: Mapped[int | None] = mapped_column(
        ForeignKey("complaint.id", ondelete="SET NULL"), nullable=True
    )


class Evidence(Base):
    """A camera's frame kept on a complaint: the media row holds the stored file and its hash;
    this says which camera, when, who took it (None: automatically) and the frame's hash as the
    camera sent it."""

    __tablename__ = "cctv_evidence"

    media_id: Mapped[int] = mapped_column(
        ForeignKey("media.id", ondelete="CASCADE"), primary_key=True
    )
    camera_id: Mapped[str] = mapped_column(ForeignKey("cctv_camera.id"), index=True)
    complaint_id: Mapped[int] = mapped_column(
        ForeignKey("complaint.id", ondelete="CASCADE"), index=True
    )
    captured_at: Mapped[datetime] = mapped_column(UTCDateTime)
    taken_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    frame_sha256: Mapped[str] = mapped_column(String(64))
