"""Leases that let one worker of the deployment run a background job (the SLA watch).

Revision ID: routing_0002_job_lease
Revises: routing_0001
Create Date: 2026-11-28

"""

import sqlalchemy as sa
from alembic import op

revision = "routing_0002_job_lease"
down_revision = "routing_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "routing_job_lease",
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("holder", sa.String(length=200), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_routing_job_lease")),
    )


def downgrade() -> None:
    op.drop_table("routing_job_lease")
