"""Road segments with their traffic status.

Revision ID: transport_0001
Revises:
Create Date: 2026-11-28

"""

import sqlalchemy as sa
from alembic import op

revision = "transport_0001"
down_revision = None
branch_labels = ("transport",)
depends_on = "0001_core"


def upgrade() -> None:
    op.create_table(
        "transport_segment",
        sa.Column("id", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("geometry", sa.Text(), nullable=False),
        sa.Column("min_lat", sa.Float(), nullable=False),
        sa.Column("min_lon", sa.Float(), nullable=False),
        sa.Column("max_lat", sa.Float(), nullable=False),
        sa.Column("max_lon", sa.Float(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("status_source", sa.String(length=20), nullable=True),
        sa.Column("status_set_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("set_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["set_by_id"],
            ["user_account.id"],
            name=op.f("fk_transport_segment_set_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transport_segment")),
    )
    op.create_index(
        "ix_transport_segment_bbox",
        "transport_segment",
        ["min_lat", "max_lat", "min_lon", "max_lon"],
        unique=False,
    )
    op.create_index(
        op.f("ix_transport_segment_status_set_at"),
        "transport_segment",
        ["status_set_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_transport_segment_status_set_at"), table_name="transport_segment")
    op.drop_index("ix_transport_segment_bbox", table_name="transport_segment")
    op.drop_table("transport_segment")
