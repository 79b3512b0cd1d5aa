"""Leases for once-per-deployment background jobs, in core for every plugin.

Revision ID: 0003_job_lease
Revises: 0002_accountability
Create Date: 2026-11-28

"""

import sqlalchemy as sa
from alembic import op

revision = "0003_job_lease"
down_revision = "0002_accountability"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "job_lease",
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("holder", sa.String(length=200), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_job_lease")),
    )


def downgrade() -> None:
    op.drop_table("job_lease")
