"""Offers, assignments and officers' track samples.

Revision ID: dispatch_0002
Revises: dispatch_0001
Create Date: 2026-11-28

"""

import sqlalchemy as sa
from alembic import op

revision = "dispatch_0002"
down_revision = "dispatch_0001"
branch_labels = None
depends_on = "0002_accountability"


def upgrade() -> None:
    op.create_table(
        "dispatch_assignment",
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("agency_code", sa.String(length=40), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=True),
        sa.Column("refusals", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaint.id"],
            name=op.f("fk_dispatch_assignment_complaint_id_complaint"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["officer_id"],
            ["user_account.id"],
            name=op.f("fk_dispatch_assignment_officer_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("complaint_id", name=op.f("pk_dispatch_assignment")),
    )
    with op.batch_alter_table("dispatch_assignment") as batch_op:
        batch_op.create_index(batch_op.f("ix_dispatch_assignment_state"), ["state"], unique=False)

    op.create_table(
        "dispatch_offer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("offered_by_id", sa.Integer(), nullable=True),
        sa.Column("distance_m", sa.Float(), nullable=True),
        sa.Column("offered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answer", sa.String(length=20), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaint.id"],
            name=op.f("fk_dispatch_offer_complaint_id_complaint"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["officer_id"],
            ["user_account.id"],
            name=op.f("fk_dispatch_offer_officer_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["offered_by_id"],
            ["user_account.id"],
            name=op.f("fk_dispatch_offer_offered_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispatch_offer")),
    )
    with op.batch_alter_table("dispatch_offer") as batch_op:
        batch_op.create_index("ix_dispatch_offer_open", ["answer", "expires_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_dispatch_offer_complaint_id"), ["complaint_id"], unique=False
        )

    op.create_table(
        "dispatch_track_point",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("accuracy_m", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["officer_id"],
            ["user_account.id"],
            name=op.f("fk_dispatch_track_point_officer_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispatch_track_point")),
    )
    with op.batch_alter_table("dispatch_track_point") as batch_op:
        batch_op.create_index(
            "ix_dispatch_track_point_officer_at", ["officer_id", "at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_dispatch_track_point_at"), ["at"], unique=False)


def downgrade() -> None:
    op.drop_table("dispatch_track_point")
    op.drop_table("dispatch_offer")
    op.drop_table("dispatch_assignment")
