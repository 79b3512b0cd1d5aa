"""Officers' duty states and tracking devices.

Revision ID: dispatch_0001
Revises:
Create Date: 2026-11-28

"""

import sqlalchemy as sa
from alembic import op

revision = "dispatch_0001"
down_revision = None
branch_labels = ("dispatch",)
depends_on = "0001_core"


def upgrade() -> None:
    op.create_table(
        "dispatch_officer",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("device_id", sa.String(length=100), nullable=True),
        sa.Column("state_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_dispatch_officer_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_dispatch_officer")),
        sa.UniqueConstraint("device_id", name=op.f("uq_dispatch_officer_device_id")),
    )
    with op.batch_alter_table("dispatch_officer") as batch_op:
        batch_op.create_index(batch_op.f("ix_dispatch_officer_state"), ["state"], unique=False)


def downgrade() -> None:
    op.drop_table("dispatch_officer")
