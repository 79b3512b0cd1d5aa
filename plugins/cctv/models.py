"""The camera registry's table."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from core.models import Base

VISIBILITIES = ("public", "staff", "restricted")


class Camera(Base):
    __tablename__ = "cctv_camera"
    __table_args__ = (Index("ix_cctv_camera_lat_lon", "lat", "lon"),)

    id: Mapped[str] = mapped_column(String(60), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    agency_code: Mapped[str | None] = mapped_column(ForeignKey("agency.code"), nullable=True)
    snapshot_url: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    stream_url: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    visibility: Mapped[str] = mapped_column(String(20), default="public")
    heading: Mapped[float | None] = mapped_column(Float, nullable=True)
    fov_deg: Mapped[float | None] = mapped_column(Float, nullable=True)
    tags: Mapped[list[Any]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default="unknown")
