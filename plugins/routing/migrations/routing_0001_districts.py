"""Routing district polygons.

Revision ID: routing_0001
Revises:
Create Date: 2026-11-28

"""

import sqlalchemy as sa
from alembic import op

revision = "routing_0001"
down_revision = None
branch_labels = ("routing",)
depends_on = "0001_core"


def upgrade() -> None:
    op.create_table(
        "routing_district",
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("parent_code", sa.String(length=60), nullable=True),
        sa.Column("geometry", sa.LargeBinary(), nullable=False),
        sa.Column("min_lon", sa.Float(), nullable=False),
        sa.Column("min_lat", sa.Float(), nullable=False),
        sa.Column("max_lon", sa.Float(), nullable=False),
        sa.Column("max_lat", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_code"],
            ["routing_district.code"],
            name=op.f("fk_routing_district_parent_code_routing_district"),
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_routing_district")),
    )


def downgrade() -> None:
    op.drop_table("routing_district")
