"""The Open311 plugin's tables: clients' API keys, what a client sent with a request that a
complaint has no column for, the updates agencies' systems sent, and the services' changesets."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.models import Base, Complaint, ComplaintEvent, UTCDateTime, utcnow


class ApiKey(Base):
    """An Open311 client's key; only its SHA-256 is stored, so it is shown once, when created.

    A key with an agency belongs to that agency's own system: it may post updates to the
    agency's complaints, which it changes as ``user`` (an account no one signs in with), so
    that the history says who changed what.
    """

    __tablename__ = "open311_api_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    agency_code: Mapped[str | None] = mapped_column(ForeignKey("agency.code"), nullable=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class FiledRequest(Base):
    """A complaint filed through Open311: the key that filed it, its token, and the client's
    fields the complaint has no column for. ``device_id`` and ``account_id`` are personal
    data: kept for the agency, never shown."""

    __tablename__ = "open311_request"

    complaint_id: Mapped[int] = mapped_column(
        ForeignKey("complaint.id", ondelete="CASCADE"), primary_key=True
    )
    api_key_id: Mapped[int] = mapped_column(ForeignKey("open311_api_key.id"), index=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    device_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    account_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # A link the client gave (http or https), never fetched.
    media_url: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    address_id: Mapped[str | None] = mapped_column(String(100), nullable=True)

    complaint: Mapped[Complaint] = relationship()


class ReceivedUpdate(Base):
    """An update an agency's system posted, by the id it gave it: the same id again is the
    same update (answered again, applied once)."""

    __tablename__ = "open311_update"
    __table_args__ = (UniqueConstraint("api_key_id", "update_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    api_key_id: Mapped[int] = mapped_column(ForeignKey("open311_api_key.id"))
    update_id: Mapped[str] = mapped_column(String(100))
    complaint_id: Mapped[int] = mapped_column(
        ForeignKey("complaint.id", ondelete="CASCADE"), index=True
    )
    event_id: Mapped[int] = mapped_column(
        ForeignKey("complaint_event.id", ondelete="CASCADE"), index=True
    )
    media_url: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[ComplaintEvent] = relationship()


class ServicesChangeset(Base):
    """When the services (categories and their questions) came to look as they do: discovery's
    changeset, the same in every process and after restarts."""

    __tablename__ = "open311_changeset"

    fingerprint: Mapped[str] = mapped_column(String(64), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
