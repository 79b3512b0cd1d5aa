"""The road segments' table: each segment's line, its bounding box and its current status."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.models import Base, UTCDateTime

# The traffic words Jakarta uses: flowing, busy, jammed; unknown once a status is stale.
STATUSES = ("lancar", "padat", "macet")
UNKNOWN = "unknown"
# staff: set by Dishub from what they see; suggested: staff confirmed the suggestion (from the
# complaints and the cameras' tags along the segment).
SOURCES = ("staff", "suggested")


class RoadSegment(Base):
    __tablename__ = "transport_segment"
    # The bounding box is what "near this point" queries filter on before measuring the line.
    __table_args__ = (
        Index("ix_transport_segment_bbox", "min_lat", "max_lat", "min_lon", "max_lon"),
    )

    id: Mapped[str] = mapped_column(String(60), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # A GeoJSON LineString or MultiLineString, as JSON text.
    geometry: Mapped[str] = mapped_column(Text)
    min_lat: Mapped[float] = mapped_column(Float)
    min_lon: Mapped[float] = mapped_column(Float)
    max_lat: Mapped[float] = mapped_column(Float)
    max_lon: Mapped[float] = mapped_column(Float)
    # The status as last set; after status_expires_at it reads ``unknown``.
    status: Mapped[str] = mapped_column(String(20), default=UNKNOWN)
    status_source: Mapped[str | None] = mapped_column(String(20), nullable=True)
    status_set_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    status_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    set_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True
    )
