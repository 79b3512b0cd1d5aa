"""CCTV camera registry.

Revision ID: cctv_0001
Revises:
Create Date: 2026-11-28

"""

import sqlalchemy as sa
from alembic import op

revision = "cctv_0001"
down_revision = None
branch_labels = ("cctv",)
depends_on = "0001_core"


def upgrade() -> None:
    op.create_table(
        "cctv_camera",
        sa.Column("id", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("agency_code", sa.String(length=40), nullable=True),
        sa.Column("snapshot_url", sa.String(length=1000), nullable=True),
        sa.Column("stream_url", sa.String(length=1000), nullable=True),
        sa.Column("visibility", sa.String(length=20), nullable=False),
        sa.Column("heading", sa.Float(), nullable=True),
        sa.Column("fov_deg", sa.Float(), nullable=True),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_code"], ["agency.code"], name=op.f("fk_cctv_camera_agency_code_agency")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cctv_camera")),
    )
    op.create_index("ix_cctv_camera_lat_lon", "cctv_camera", ["lat", "lon"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_cctv_camera_lat_lon", table_name="cctv_camera")
    op.drop_table("cctv_camera")
