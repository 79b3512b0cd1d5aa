"""The demo city's garbage: four weeks of complaints piling up at three Jakarta spots (and a few
strays), routed like any report, so the hot-spot map has a story to tell from the first start."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import sla
from core.catalog import catalog
from core.changes import new_event
from core.models import Complaint, ComplaintEvent, Involvement, User
from core.plugins import hooks
from core.types import SYSTEM, Actor
from plugins.sanitation.agency import AGENCY
from plugins.sanitation.hotspots import week_window
from plugins.sanitation.settings import sanitation_state

# About 40 m: reports of one pile do not all fall on one point.
JITTER_DEGREES = 0.0004
# Fixed, so every demo city tells the same story.
SEED = 2014


@dataclass(frozen=True)
class DemoSpot:
    """A place where garbage keeps coming back: ``weekly`` complaints a week, from three weeks
    ago to the current week, each of the next category and description in turn."""

    lat: float
    lon: float
    address: str
    categories: tuple[str, ...]
    descriptions: tuple[str, ...]
    weekly: tuple[int, ...]


SPOTS = (
    # The market's waste: worse every week.
    DemoSpot(
        -6.1870,
        106.8135,
        "Jl. Jatibaru Raya, Tanah Abang",
        ("garbage", "missed_collection"),
        (
            "Sampah pasar menumpuk di pinggir jalan, baunya sampai ke halte.",
            "Truk sampah tidak datang, sampah meluber ke trotoar.",
            "Tumpukan sampah sisa dagangan belum diangkut sejak pagi.",
            "Bak sampah penuh, pedagang membuang sampah di sampingnya.",
            "Sampah plastik dan kardus menutup sebagian jalan di depan blok F.",
            "Sampah sayur busuk menumpuk dekat pintu masuk pasar.",
        ),
        (2, 3, 4, 6),
    ),
    # A river mouth that collects the city's plastic: still bad, slowly better.
    DemoSpot(
        -6.1065,
        106.7745,
        "Jl. Muara Angke, Penjaringan",
        ("river_trash", "river_trash", "illegal_dumping"),
        (
            "Sampah plastik menyumbat kali dekat jembatan, air tidak mengalir.",
            "Styrofoam mengapung di muara, perahu nelayan susah lewat.",
            "Ada yang membuang puing dan sampah rumah tangga ke pinggir kali malam hari.",
            "Kali penuh sampah lagi setelah hujan semalam.",
            "Tumpukan sampah liar di lahan kosong dekat tempat pelelangan ikan.",
        ),
        (6, 5, 5, 4),
    ),
    # Dumping along a canal road: a new hot spot.
    DemoSpot(
        -6.1950,
        106.9350,
        "Jl. Inspeksi Kanal Banjir Timur, Cakung",
        ("illegal_dumping",),
        (
            "Puing bangunan dibuang di jalan inspeksi Kanal Banjir Timur.",
            "Sampah rumah tangga dibuang liar di bantaran kanal, dibakar sore hari.",
            "Kasur bekas dan karung sampah dibuang di pinggir kanal.",
        ),
        (1, 2, 2, 3),
    ),
)
# One-off reports elsewhere: below any threshold, never a hot spot.
STRAYS = (
    DemoSpot(
        -6.2443,
        106.7990,
        "Jl. Melawai, Kebayoran Baru",
        ("garbage",),
        ("Sampah berserakan di trotoar depan halte.",),
        (0, 0, 0, 1),
    ),
    DemoSpot(
        -6.1667,
        106.7900,
        "Jl. Tawakal, Grogol",
        ("missed_collection",),
        ("Sampah komplek belum diangkut dua hari.",),
        (0, 0, 1, 0),
    ),
    DemoSpot(
        -6.1963,
        106.8326,
        "Taman Menteng",
        ("garbage",),
        ("Tong sampah taman penuh, sampah tercecer di rumput.",),
        (0, 1, 0, 1),
    ),
)


@dataclass(frozen=True)
class DemoReport:
    category: str
    description: str
    point: tuple[float, float]
    address: str
    reported_at: datetime


def add_demo_complaints(session: Session) -> None:
    """Add the demo's sanitation complaints to the session, each routed, with the history of
    the status it has reached by now."""
    now = sanitation_state().now()
    staff = _demo_staff(session)
    stored = [_complaint(report) for report in demo_reports(now)]
    session.add_all(stored)
    session.flush()
    for complaint in stored:
        session.add_all(_work_done(complaint, staff, now))


def demo_reports(now: datetime) -> Iterator[DemoReport]:
    """Every spot's reports, spread over each past week's days and over the current week so far."""
    this_week = week_window(None, now, sanitation_state().timezone).since
    jitter = random.Random(SEED)
    for spot in (*SPOTS, *STRAYS):
        turn = 0
        for weeks_ago, count in zip(range(len(spot.weekly) - 1, -1, -1), spot.weekly, strict=True):
            start = this_week - timedelta(weeks=weeks_ago)
            for index in range(count):
                point = (
                    spot.lat + jitter.uniform(-JITTER_DEGREES, JITTER_DEGREES),
                    spot.lon + jitter.uniform(-JITTER_DEGREES, JITTER_DEGREES),
                )
                yield DemoReport(
                    spot.categories[turn % len(spot.categories)],
                    spot.descriptions[turn % len(spot.descriptions)],
                    point,
                    spot.address,
                    _reported_at(start, now, weeks_ago, index, count),
                )
                turn += 1


def _reported_at(
    start: datetime, now: datetime, weeks_ago: int, index: int, count: int
) -> datetime:
    """A past week's reports a day or more apart in the daytime; the current week's spread
    over the time it has had so far."""
    if weeks_ago == 0:
        return start + (now - start) * (index + 1) / (count + 1)
    day = 7 * (index + 0.5) / count
    return start + timedelta(days=int(day), hours=7 + (index * 5) % 12, minutes=17 * index % 60)


def _complaint(report: DemoReport) -> Complaint:
    category = catalog().categories[report.category]
    draft = catalog().draft(
        category, report.description, report.point, report.reported_at, report.address
    )
    decision = hooks().route_complaint(draft=draft)
    complaint = Complaint(
        category_code=category.code,
        description=report.description,
        lat=report.point[0],
        lon=report.point[1],
        address=report.address,
        status="open",
        agency_code=decision.agency,
        unit_code=decision.unit,
        involved=[
            Involvement(agency_code=code)
            for code in dict.fromkeys(decision.involved)
            if code != decision.agency
        ],
        routing_agency=decision.agency,
        routing_rule=decision.rule,
        routing_reason=decision.reason,
        district=decision.district,
        public=category.public,
        attributes={},
        anonymous=True,
        reporter_role="anonymous",
        created_at=report.reported_at,
        updated_at=report.reported_at,
    )
    sla.start_clock(complaint, category, report.reported_at)
    return complaint


def _demo_staff(session: Session) -> Actor:
    """The demo's DLH staff account does the work (the city itself, if there is none)."""
    staff = session.scalar(
        select(User).where(User.agency_code == AGENCY, User.role == "staff").order_by(User.id)
    )
    if staff is None:
        return SYSTEM
    return Actor(user_id=staff.id, role=staff.role, agency=staff.agency_code, email=staff.email)


def _work_done(complaint: Complaint, staff: Actor, now: datetime) -> list[ComplaintEvent]:
    """Acknowledged within the hour, cleaned up the same day, closed days later: as far as the
    complaint's age allows. Sets the complaint's status and times to match."""
    reported = complaint.created_at
    age = now - reported
    steps: list[tuple[Actor, str, timedelta, str | None]] = []
    if age >= timedelta(hours=3):
        steps.append((staff, "acknowledged", timedelta(minutes=40), None))
    if age >= timedelta(days=1):
        steps.append((staff, "resolved", timedelta(hours=7), "Sampah sudah diangkut petugas."))
    if age >= timedelta(days=4):
        closing = "Closed automatically: resolved and not reopened."
        steps.append((SYSTEM, "closed", timedelta(days=3, hours=7), closing))
    events = []
    for actor, status, after, note in steps:
        at = reported + after
        events.append(
            new_event(
                complaint,
                actor,
                "status",
                from_status=complaint.status,
                to_status=status,
                note=note,
                at=at,
            )
        )
        complaint.status = status
        complaint.updated_at = at
        if status == "acknowledged":
            complaint.acknowledged_at = at
        if status == "resolved":
            complaint.resolved_at = at
    return events
