"""The dispatch plugin's table: each officer's duty state and tracking device."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
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
