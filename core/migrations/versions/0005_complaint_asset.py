"""Complaints about a registered asset (a streetlight, a drain): its id, indexed for duplicates.

Revision ID: 0005_complaint_asset
Revises: 0004_discussion
Create Date: 2026-11-28

"""

import sqlalchemy as sa
from alembic import op

revision = "0005_complaint_asset"
down_revision = "0004_discussion"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("complaint") as batch:
        batch.add_column(sa.Column("asset_id", sa.String(length=80), nullable=True))
        batch.create_index(batch.f("ix_complaint_asset_id"), ["asset_id"])


def downgrade() -> None:
    with op.batch_alter_table("complaint") as batch:
        batch.drop_index(batch.f("ix_complaint_asset_id"))
        batch.drop_column("asset_id")
