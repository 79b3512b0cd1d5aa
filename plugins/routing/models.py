"""The routing plugin's tables: the city's district polygons, and its background jobs' leases."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from core.models import Base, UTCDateTime, utcnow

LEVELS = ("city", "district", "subdistrict")


class District(Base):
    """One administrative area: a city, a district (kecamatan) or a subdistrict (kelurahan).

    The geometry is stored as WKB rather than WKT: it round-trips every coordinate
    exactly, is a third of the size and is what ``shapely.from_wkb`` parses fastest
    when thousands of polygons are loaded at once. The bounding box beside it lets
    SQL narrow a search without parsing any geometry.
    """

    __tablename__ = "routing_district"

    code: Mapped[str] = mapped_column(String(60), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(20))
    parent_code: Mapped[str | None] = mapped_column(
        ForeignKey("routing_district.code"), nullable=True
    )
    geometry: Mapped[bytes] = mapped_column(LargeBinary)
    min_lon: Mapped[float] = mapped_column(Float)
    min_lat: Mapped[float] = mapped_column(Float)
    max_lon: Mapped[float] = mapped_column(Float)
    max_lat: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
