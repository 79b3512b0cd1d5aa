"""The database tables of core: agencies, categories, complaints and their history, media, users."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

STATUSES = ("open", "acknowledged", "in_progress", "waiting", "resolved", "closed", "rejected")
# Still someone's work: counted against the SLA, offered as duplicates, followed live.
OPEN_STATUSES = ("open", "acknowledged", "in_progress", "waiting")
PRIVACY_LEVELS = ("public", "anonymous", "confidential")


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite hands back naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime; use an aware UTC datetime")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Agency(Base):
    __tablename__ = "agency"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(60), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    external: Mapped[bool] = mapped_column(Boolean, default=False)
    # Sub-units a complaint can be disposed to: [{"code": ..., "name": ...}].
    units: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    sla_acknowledge_minutes: Mapped[int] = mapped_column(Integer, default=60)
    sla_resolve_hours: Mapped[int] = mapped_column(Integer, default=72)


class Category(Base):
    __tablename__ = "category"

    code: Mapped[str] = mapped_column(String(60), primary_key=True)
    agency_code: Mapped[str] = mapped_column(ForeignKey("agency.code"))
    name_id: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    sla_acknowledge_minutes: Mapped[int] = mapped_column(Integer, default=60)
    sla_resolve_hours: Mapped[int] = mapped_column(Integer, default=72)
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    group: Mapped[str] = mapped_column(String(100), default="")
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    attributes: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    field_work: Mapped[bool] = mapped_column(Boolean, default=True)
    duplicate_radius_m: Mapped[int] = mapped_column(Integer, default=50)
    duplicate_window_hours: Mapped[int] = mapped_column(Integer, default=168)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20))
    agency_code: Mapped[str | None] = mapped_column(ForeignKey("agency.code"), nullable=True)
    unit_code: Mapped[str | None] = mapped_column(String(60), nullable=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ApiToken(Base):
    """A bearer token; only its SHA-256 is stored, so a database leak reveals no token."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="joined")


class Complaint(Base):
    __tablename__ = "complaint"
    __table_args__ = (
        Index("ix_complaint_lat_lon", "lat", "lon"),
        Index("ix_complaint_agency_status", "agency_code", "status"),
        # The SLA watch's rounds read the few open (or resolved) complaints among many
        # closed ones. One index: each one written costs every report.
        Index("ix_complaint_status_expected_at", "status", "expected_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Optimistic concurrency: an UPDATE names the version it read, so two staff changing
    # the same complaint at once cannot overwrite each other unseen.
    version: Mapped[int] = mapped_column(Integer, default=1)
    category_code: Mapped[str] = mapped_column(ForeignKey("category.code"), index=True)
    description: Mapped[str] = mapped_column(Text)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    address: Mapped[str | None] = mapped_column(String(500), nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="open")
    agency_code: Mapped[str] = mapped_column(ForeignKey("agency.code"))
    unit_code: Mapped[str | None] = mapped_column(String(60), nullable=True)
    routing_agency: Mapped[str] = mapped_column(String(40))
    routing_rule: Mapped[str] = mapped_column(String(120))
    routing_reason: Mapped[str] = mapped_column(Text)
    district: Mapped[str | None] = mapped_column(String(60), nullable=True)
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The asset (streetlight, drain, ...) it is about, as a plugin's ``find_asset`` knows it.
    asset_id: Mapped[str | None] = mapped_column(String(80), nullable=True, index=True)
    reporter_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id"), nullable=True, index=True
    )
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    # The role the report was made in ("anonymous" when so reported): the creation's actor.
    reporter_role: Mapped[str] = mapped_column(String(20), default="anonymous")
    contact_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    contact_email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    contact_phone: Mapped[str | None] = mapped_column(String(40), nullable=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(200), nullable=True, unique=True)
    request_fingerprint: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # When the current owner (agency or unit) received it: after-photos must be newer.
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # SLA deadlines, pushed back by the time spent in a waiting status (see core.sla).
    acknowledge_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    expected_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    sla_paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # The last deadline missed: None, "acknowledge" or "resolve" (set by the SLA watch).
    overdue: Mapped[str | None] = mapped_column(String(20), nullable=True)
    reopen_count: Mapped[int] = mapped_column(Integer, default=0)
    rating: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # How many residents said "me too" (core.discussion keeps it in step with the votes): a
    # column, so lists show it without counting, and changed without a version bump, so a
    # vote never makes a staff change fail as "changed meanwhile".
    vote_count: Mapped[int] = mapped_column(Integer, default=0)
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("complaint.id"), nullable=True, index=True
    )

    photos: Mapped[list[Media]] = relationship(order_by="Media.id", lazy="selectin")
    involved: Mapped[list[Involvement]] = relationship(
        order_by="Involvement.agency_code", lazy="selectin", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def privacy(self) -> str:
        """public (anyone sees it and who sent it to staff), anonymous, or confidential."""
        if not self.public:
            return "confidential"
        return "anonymous" if self.anonymous else "public"


class Involvement(Base):
    """Another agency working on a complaint beside its owner, as a routing rule asked."""

    __tablename__ = "complaint_involvement"

    complaint_id: Mapped[int] = mapped_column(
        ForeignKey("complaint.id", ondelete="CASCADE"), primary_key=True
    )
    agency_code: Mapped[str] = mapped_column(
        ForeignKey("agency.code"), primary_key=True, index=True
    )


class Follower(Base):
    """A resident told of a complaint's changes besides its reporter: the reporters of
    duplicates merged into it, and residents who said "me too" (core.discussion)."""

    __tablename__ = "complaint_follower"

    complaint_id: Mapped[int] = mapped_column(
        ForeignKey("complaint.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Notification(Base):
    """A message to one resident about a complaint they reported or follow."""

    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ComplaintEvent(Base):
    """One change to a complaint, with who made it: the audit trail.

    The creation itself is the complaint row (created_at, reporter, routing):
    the history shows it first without storing it twice, which keeps intake
    at one insert.
    """

    __tablename__ = "complaint_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(
        ForeignKey("complaint.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(30))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    actor_role: Mapped[str] = mapped_column(String(20), default="anonymous")
    from_status: Mapped[str | None] = mapped_column(String(20), nullable=True)
    to_status: Mapped[str | None] = mapped_column(String(20), nullable=True)
    from_agency: Mapped[str | None] = mapped_column(String(40), nullable=True)
    to_agency: Mapped[str | None] = mapped_column(String(40), nullable=True)
    from_unit: Mapped[str | None] = mapped_column(String(60), nullable=True)
    to_unit: Mapped[str | None] = mapped_column(String(60), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    public: Mapped[bool] = mapped_column(Boolean, default=True)


class Media(Base):
    """A checked, EXIF-stripped photo stored under the instance's media folder, with a thumbnail."""

    __tablename__ = "media"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int | None] = mapped_column(
        ForeignKey("complaint.id", ondelete="CASCADE"), nullable=True, index=True
    )
    # "photo" from the reporter, "after" from the agency as proof of the fix.
    kind: Mapped[str] = mapped_column(String(20), default="photo")
    captured_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    path: Mapped[str] = mapped_column(String(300))
    content_type: Mapped[str] = mapped_column(String(60))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class JobLease(Base):
    """Which worker process runs a once-per-deployment job (the SLA watch, the camera health
    monitor), and until when.

    A holder renews its lease every round; when it stops (the process died),
    the lease runs out and another worker takes the job over.
    """

    __tablename__ = "job_lease"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Comment(Base):
    """A message in a complaint's public discussion; hidden (by its author or a moderator),
    never deleted, so what was said and who took it down stay on record."""

    __tablename__ = "complaint_comment"
    __table_args__ = (Index("ix_complaint_comment_complaint_id_id", "complaint_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    # The role the author wrote in, as the history keeps an event's actor role.
    author_role: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)

    author: Mapped[User] = relationship(foreign_keys=[author_id], lazy="joined")


class Vote(Base):
    """A resident's "me too": they have the same problem as the complaint describes."""

    __tablename__ = "complaint_vote"

    complaint_id: Mapped[int] = mapped_column(
        ForeignKey("complaint.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
