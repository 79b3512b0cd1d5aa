"""The demo city's public works: streetlights along central Jakarta's main road, drains where
the water stands after rain, two bridges, and the flood reports of this afternoon's downpour,
routed like any report (coordinates approximate)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import sla
from core.catalog import catalog
from core.changes import new_event
from core.models import Complaint, ComplaintEvent, User
from core.plugins import hooks
from core.types import SYSTEM, Actor
from plugins.public_works.agency import AGENCY, FLOODING, WATER_DEPTH
from plugins.public_works.importer import asset_rows_from_geojson, upsert_assets
from plugins.public_works.settings import public_works_state

# Streetlights every 60 m or so on the east side of each road, north to south: (id prefix,
# road, first (lon, lat), last (lon, lat), how many).
STREETLIGHT_ROWS = (
    ("pju-merdeka-barat", "Jl. Medan Merdeka Barat", (106.82225, -6.1705), (106.82275, -6.1810), 8),
    ("pju-thamrin", "Jl. M.H. Thamrin", (106.82275, -6.1820), (106.82305, -6.1945), 20),
)
# (id, name, [(lon, lat), ...]) along the street or channel.
DRAINS = (
    (
        "sal-kebon-sirih",
        "Saluran Jl. Kebon Sirih",
        [(106.8232, -6.1842), (106.8290, -6.1847), (106.8340, -6.1852)],
    ),
    (
        "sal-wahid-hasyim",
        "Saluran Jl. K.H. Wahid Hasyim",
        [(106.8234, -6.1868), (106.8290, -6.1873), (106.8345, -6.1880)],
    ),
    (
        "sal-jatibaru",
        "Saluran Jl. Jatibaru Raya",
        [(106.8100, -6.1862), (106.8135, -6.1868), (106.8165, -6.1874)],
    ),
    (
        "sal-latuharhari",
        "Saluran Jl. Latuharhari",
        [(106.8330, -6.2042), (106.8372, -6.2050), (106.8420, -6.2058)],
    ),
    (
        "sal-jatinegara-barat",
        "Saluran Jl. Jatinegara Barat",
        [(106.8652, -6.2195), (106.8660, -6.2230), (106.8668, -6.2265)],
    ),
    (
        "sal-kemang-raya",
        "Saluran Jl. Kemang Raya",
        [(106.8138, -6.2560), (106.8144, -6.2610), (106.8150, -6.2660)],
    ),
    (
        "sal-tawakal",
        "Saluran Jl. Tawakal, Grogol",
        [(106.7880, -6.1662), (106.7902, -6.1668), (106.7925, -6.1673)],
    ),
)
BRIDGES = (
    (
        "jbt-kampung-melayu",
        "Jembatan Kali Ciliwung, Kampung Melayu",
        {"type": "LineString", "coordinates": [[106.8660, -6.2243], [106.8672, -6.2247]]},
    ),
    (
        "jbt-dukuh-atas",
        "Jembatan Dukuh Atas",
        {"type": "Point", "coordinates": [106.8230, -6.2010]},
    ),
)


@dataclass(frozen=True)
class DemoFlood:
    """A flood report ``hours_ago`` hours before the demo starts; ``depth_cm`` None: the reporter
    left the depth question unanswered."""

    lat: float
    lon: float
    address: str
    description: str
    depth_cm: int | None
    hours_ago: float


FLOODS = (
    DemoFlood(
        -6.2240,
        106.8661,
        "Jl. Jatinegara Barat, Kampung Melayu",
        "Banjir setinggi paha, air Ciliwung meluap ke jalan.",
        70,
        0.5,
    ),
    DemoFlood(
        -6.2214,
        106.8656,
        "Jl. Jatinegara Barat, Kampung Melayu",
        "Genangan makin tinggi, motor tidak bisa lewat.",
        45,
        1.2,
    ),
    DemoFlood(
        -6.2051,
        106.8373,
        "Jl. Latuharhari, Menteng",
        "Jalan tergenang setelah hujan deras, saluran meluap.",
        30,
        2.0,
    ),
    DemoFlood(
        -6.1848,
        106.8291,
        "Jl. Kebon Sirih, Menteng",
        "Air menggenang di depan sekolah, got tersumbat.",
        20,
        2.6,
    ),
    DemoFlood(
        -6.2611,
        106.8146,
        "Jl. Kemang Raya, Mampang Prapatan",
        "Banjir di Kemang, mobil mogok di tengah jalan.",
        40,
        3.5,
    ),
    DemoFlood(
        -6.1876,
        106.8233,
        "Jl. M.H. Thamrin dekat Sarinah",
        "Genangan di jalur lambat, kendaraan melambat.",
        None,
        4.1,
    ),
    DemoFlood(
        -6.1668,
        106.7903,
        "Jl. Tawakal, Grogol",
        "Banjir masuk ke rumah warga di gang dekat kali.",
        25,
        5.0,
    ),
)
# The agency answers a flood within the half hour it has.
ACKNOWLEDGED_AFTER = timedelta(minutes=20)


def demo_geojson() -> str:
    """The demo's assets as the GeoJSON ``smartcity import assets`` reads."""
    features: list[dict[str, Any]] = []
    for prefix, road, (first_lon, first_lat), (last_lon, last_lat), count in STREETLIGHT_ROWS:
        for index in range(count):
            share = index / (count - 1)
            position = [
                round(first_lon + (last_lon - first_lon) * share, 6),
                round(first_lat + (last_lat - first_lat) * share, 6),
            ]
            features.append(
                _feature(
                    f"{prefix}-{index + 1:02d}",
                    "streetlight",
                    f"PJU {road} #{index + 1}",
                    {"type": "Point", "coordinates": position},
                )
            )
    for drain_id, name, points in DRAINS:
        line = {"type": "LineString", "coordinates": [list(point) for point in points]}
        features.append(_feature(drain_id, "drain", name, line))
    for bridge_id, name, geometry in BRIDGES:
        features.append(_feature(bridge_id, "bridge", name, geometry))
    return json.dumps({"type": "FeatureCollection", "features": features})


def _feature(asset_id: str, kind: str, name: str, geometry: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "Feature",
        "id": asset_id,
        "properties": {"kind": kind, "name": name},
        "geometry": geometry,
    }


def add_demo_assets(session: Session) -> None:
    upsert_assets(session, asset_rows_from_geojson(demo_geojson()))


def add_demo_floods(session: Session) -> None:
    """Add the afternoon's flood reports, each routed; those older than the agency's answer
    acknowledged by the demo's PU staff."""
    now = public_works_state().now()
    staff = _demo_staff(session)
    stored = [_complaint(flood, now - timedelta(hours=flood.hours_ago)) for flood in FLOODS]
    session.add_all(stored)
    session.flush()
    for complaint in stored:
        session.add_all(_acknowledged(complaint, staff, now))


def _complaint(flood: DemoFlood, reported_at: datetime) -> Complaint:
    category = catalog().categories[FLOODING]
    attributes = {} if flood.depth_cm is None else {WATER_DEPTH: flood.depth_cm}
    point = (flood.lat, flood.lon)
    draft = catalog().draft(
        category, flood.description, point, reported_at, flood.address, attributes
    )
    decision = hooks().route_complaint(draft=draft)
    complaint = Complaint(
        category_code=category.code,
        description=flood.description,
        lat=flood.lat,
        lon=flood.lon,
        address=flood.address,
        status="open",
        agency_code=decision.agency,
        unit_code=decision.unit,
        routing_agency=decision.agency,
        routing_rule=decision.rule,
        routing_reason=decision.reason,
        district=decision.district,
        public=category.public,
        attributes=attributes,
        anonymous=True,
        reporter_role="anonymous",
        created_at=reported_at,
        updated_at=reported_at,
    )
    sla.start_clock(complaint, category, reported_at)
    return complaint


def _demo_staff(session: Session) -> Actor:
    """The demo's PU staff account does the work (the city itself, if there is none)."""
    staff = session.scalar(
        select(User).where(User.agency_code == AGENCY, User.role == "staff").order_by(User.id)
    )
    if staff is None:
        return SYSTEM
    return Actor(user_id=staff.id, role=staff.role, agency=staff.agency_code, email=staff.email)


def _acknowledged(complaint: Complaint, staff: Actor, now: datetime) -> list[ComplaintEvent]:
    at = complaint.created_at + ACKNOWLEDGED_AFTER
    if at > now:
        return []
    complaint.status = "acknowledged"
    complaint.acknowledged_at = at
    complaint.updated_at = at
    event = new_event(
        complaint, staff, "status", from_status="open", to_status="acknowledged", at=at
    )
    return [event]
