"""Streetlights, drains and bridges: the assets a complaint can be about.

Revision ID: public_works_0001
Revises:
Create Date: 2026-12-01

"""

import sqlalchemy as sa
from alembic import op

revision = "public_works_0001"
down_revision = None
branch_labels = ("public_works",)
depends_on = "0001_core"


def upgrade() -> None:
    op.create_table(
        "pw_asset",
        sa.Column("id", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("geometry", sa.Text(), nullable=False),
        sa.Column("min_lat", sa.Float(), nullable=False),
        sa.Column("min_lon", sa.Float(), nullable=False),
        sa.Column("max_lat", sa.Float(), nullable=False),
        sa.Column("max_lon", sa.Float(), nullable=False),
        sa.Column("district", sa.String(length=60), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pw_asset")),
    )
    op.create_index(
        "ix_pw_asset_bbox",
        "pw_asset",
        ["kind", "min_lat", "max_lat", "min_lon", "max_lon"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_pw_asset_bbox", table_name="pw_asset")
    op.drop_table("pw_asset")
