"""The dispatch plugin's table: each officer's duty state and tracking device."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.models import Base, UTCDateTime, utcnow

# Off duty and available are the officer's own choice; offered, en route and on site follow
# a dispatch offer; busy is the officer's "not now" while on duty.
DUTY_STATES = ("off_duty", "available", "offered", "en_route", "on_site", "busy")
SELF_CHOSEN_STATES = ("off_duty", "available", "busy")


class Officer(Base):
    __tablename__ = "dispatch_officer"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    state: Mapped[str] = mapped_column(String(20), default="off_duty", index=True)
    # The identifier a Traccar Client (OsmAnd protocol) app sends as ``id``.
    device_id: Mapped[str | None] = mapped_column(String(100), unique=True, nullable=True)
    state_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# An assignment's states: while "offering" one officer has the offer; "accepted" and "on_site"
# hold an officer; the rest hold none and may be dispatched again.
ASSIGNMENT_STATES = ("offering", "accepted", "on_site", "unanswered", "finished", "withdrawn")
ACTIVE_STATES = ("offering", "accepted", "on_site")
OFFER_ANSWERS = ("accepted", "declined", "expired", "withdrawn")


class Assignment(Base):
    """Who is sent to a complaint: one row per complaint, so two dispatchers cannot both
    start a chain of offers (the second insert, or the second versioned update, fails)."""

    __tablename__ = "dispatch_assignment"

    complaint_id: Mapped[int] = mapped_column(
        ForeignKey("complaint.id", ondelete="CASCADE"), primary_key=True
    )
    agency_code: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(20), index=True)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    # Refusals (declines and unanswered offers) since the chain started; the head is alerted
    # when they reach the configured number.
    refusals: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class Offer(Base):
    """One officer asked to take one complaint, and the answer (none yet while it is open)."""

    __tablename__ = "dispatch_offer"
    __table_args__ = (Index("ix_dispatch_offer_open", "answer", "expires_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(
        ForeignKey("complaint.id", ondelete="CASCADE"), index=True
    )
    officer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    # None: offered automatically (an urgent category, or the next after a refusal).
    offered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    distance_m: Mapped[float | None] = mapped_column(Float, nullable=True)
    offered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answer: Mapped[str | None] = mapped_column(String(20), nullable=True)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class TrackPoint(Base):
    """A sample of an officer's track, kept for history (one per officer per sample interval,
    not one per ping)."""

    __tablename__ = "dispatch_track_point"
    __table_args__ = (Index("ix_dispatch_track_point_officer_at", "officer_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    accuracy_m: Mapped[float | None] = mapped_column(Float, nullable=True)
