"""Camera sources and health; snapshots kept as evidence.

Revision ID: cctv_0002
Revises: cctv_0001
Create Date: 2026-11-28

"""

import sqlalchemy as sa
from alembic import op

revision = "cctv_0002"
down_revision = "cctv_0001"
branch_labels = None
depends_on = "0002_accountability"


def upgrade() -> None:
    with op.batch_alter_table("cctv_camera") as batch_op:
        batch_op.add_column(sa.Column("area", sa.String(length=100), nullable=True))
        batch_op.add_column(
            sa.Column("source_kind", sa.String(length=20), nullable=False, server_default="jpeg")
        )
        batch_op.add_column(sa.Column("source_name", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("status_reason", sa.String(length=40), nullable=True))
        batch_op.add_column(
            sa.Column("status_changed_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("latency_ms", sa.Float(), nullable=True))
        batch_op.add_column(
            sa.Column("failures", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("frame_sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("same_frames", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("offline_since", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("outage_complaint_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_cctv_camera_outage_complaint_id_complaint"),
            "complaint",
            ["outage_complaint_id"],
            ["id"],
            ondelete="SET NULL",
        )

    op.create_table(
        "cctv_evidence",
        sa.Column("media_id", sa.Integer(), nullable=False),
        sa.Column("camera_id", sa.String(length=60), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("captured_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("taken_by_id", sa.Integer(), nullable=True),
        sa.Column("frame_sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["camera_id"], ["cctv_camera.id"], name=op.f("fk_cctv_evidence_camera_id_cctv_camera")
        ),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaint.id"],
            name=op.f("fk_cctv_evidence_complaint_id_complaint"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["media_id"],
            ["media.id"],
            name=op.f("fk_cctv_evidence_media_id_media"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["taken_by_id"],
            ["user_account.id"],
            name=op.f("fk_cctv_evidence_taken_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("media_id", name=op.f("pk_cctv_evidence")),
    )
    with op.batch_alter_table("cctv_evidence") as batch_op:
        batch_op.create_index(batch_op.f("ix_cctv_evidence_camera_id"), ["camera_id"])
        batch_op.create_index(batch_op.f("ix_cctv_evidence_complaint_id"), ["complaint_id"])


def downgrade() -> None:
    op.drop_table("cctv_evidence")
    with op.batch_alter_table("cctv_camera") as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_cctv_camera_outage_complaint_id_complaint"), type_="foreignkey"
        )
        for column in (
            "outage_complaint_id",
            "offline_since",
            "same_frames",
            "frame_sha256",
            "failures",
            "latency_ms",
            "checked_at",
            "status_changed_at",
            "status_reason",
            "source_name",
            "source_kind",
            "area",
        ):
            batch_op.drop_column(column)
