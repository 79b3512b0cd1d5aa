"""CCTV: the city's camera registry (demo cameras in this release; snapshots and health follow)."""

from __future__ import annotations

import csv
import io
from importlib import resources
from pathlib import Path

from sqlalchemy.orm import Session

from core import hookimpl
from plugins.cctv.models import Camera


@hookimpl
def register_migrations() -> list[str]:
    return [str(Path(__file__).parent / "migrations")]


@hookimpl
def load_demo(session: Session) -> None:
    text = resources.files("config").joinpath("demo/cameras.csv").read_text(encoding="utf-8")
    for row in csv.DictReader(io.StringIO(text)):
        session.add(
            Camera(
                id=row["id"],
                name=row["name"],
                lat=float(row["lat"]),
                lon=float(row["lon"]),
                agency_code=row["agency"] or None,
                snapshot_url=row["snapshot_url"] or None,
                stream_url=row["stream_url"] or None,
                visibility=row["visibility"] or "public",
                heading=float(row["heading"]) if row["heading"] else None,
                fov_deg=float(row["fov_deg"]) if row["fov_deg"] else None,
                tags=[tag for tag in row["tags"].split(";") if tag],
            )
        )
