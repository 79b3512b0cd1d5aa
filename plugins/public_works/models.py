"""The city's assets a complaint can be about: streetlights, drains and bridges, each with its
GeoJSON geometry and its bounding box."""

from __future__ import annotations

from sqlalchemy import Float, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.models import Base

KINDS = ("streetlight", "drain", "bridge")


class CityAsset(Base):
    __tablename__ = "pw_asset"
    # "Near this point" filters on the kind and the bounding box before measuring the geometry.
    __table_args__ = (
        Index("ix_pw_asset_bbox", "kind", "min_lat", "max_lat", "min_lon", "max_lon"),
    )

    # The feature's id in the imported file, such as pju-0042.
    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    # A GeoJSON Point, LineString or MultiLineString, as JSON text.
    geometry: Mapped[str] = mapped_column(Text)
    min_lat: Mapped[float] = mapped_column(Float)
    min_lon: Mapped[float] = mapped_column(Float)
    max_lat: Mapped[float] = mapped_column(Float)
    max_lon: Mapped[float] = mapped_column(Float)
    # A district code of the city's map, when the file names one.
    district: Mapped[str | None] = mapped_column(String(60), nullable=True)
