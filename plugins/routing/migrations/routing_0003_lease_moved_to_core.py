"""The job lease moved to core (``job_lease``) so every plugin's background job can use it.

Revision ID: routing_0003
Revises: routing_0002_job_lease
Create Date: 2026-11-28

"""

import sqlalchemy as sa
from alembic import op

revision = "routing_0003"
down_revision = "routing_0002_job_lease"
branch_labels = None
depends_on = "0003_job_lease"


def upgrade() -> None:
    op.drop_table("routing_job_lease")


def downgrade() -> None:
    op.create_table(
        "routing_job_lease",
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("holder", sa.String(length=200), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_routing_job_lease")),
    )
