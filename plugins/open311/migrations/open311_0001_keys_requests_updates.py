"""Open311: API keys, requests filed through Open311, updates received, services' changesets.

Revision ID: open311_0001
Revises:
Create Date: 2026-11-28

"""

import sqlalchemy as sa
from alembic import op

revision = "open311_0001"
down_revision = None
branch_labels = ("open311",)
depends_on = "0001_core"


def upgrade() -> None:
    op.create_table(
        "open311_api_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("agency_code", sa.String(length=40), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["agency_code"], ["agency.code"], name=op.f("fk_open311_api_key_agency_code_agency")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_open311_api_key_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_open311_api_key")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_open311_api_key_key_hash")),
        sa.UniqueConstraint("name", name=op.f("uq_open311_api_key_name")),
    )
    op.create_table(
        "open311_request",
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("api_key_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("device_id", sa.String(length=200), nullable=True),
        sa.Column("account_id", sa.String(length=200), nullable=True),
        sa.Column("media_url", sa.String(length=1000), nullable=True),
        sa.Column("address_id", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["api_key_id"],
            ["open311_api_key.id"],
            name=op.f("fk_open311_request_api_key_id_open311_api_key"),
        ),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaint.id"],
            name=op.f("fk_open311_request_complaint_id_complaint"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("complaint_id", name=op.f("pk_open311_request")),
        sa.UniqueConstraint("token", name=op.f("uq_open311_request_token")),
    )
    with op.batch_alter_table("open311_request") as batch_op:
        batch_op.create_index(batch_op.f("ix_open311_request_api_key_id"), ["api_key_id"])
    op.create_table(
        "open311_update",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("api_key_id", sa.Integer(), nullable=False),
        sa.Column("update_id", sa.String(length=100), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("media_url", sa.String(length=1000), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["api_key_id"],
            ["open311_api_key.id"],
            name=op.f("fk_open311_update_api_key_id_open311_api_key"),
        ),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaint.id"],
            name=op.f("fk_open311_update_complaint_id_complaint"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["complaint_event.id"],
            name=op.f("fk_open311_update_event_id_complaint_event"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_open311_update")),
        sa.UniqueConstraint("api_key_id", "update_id", name=op.f("uq_open311_update_api_key_id")),
    )
    with op.batch_alter_table("open311_update") as batch_op:
        batch_op.create_index(batch_op.f("ix_open311_update_complaint_id"), ["complaint_id"])
        batch_op.create_index(batch_op.f("ix_open311_update_event_id"), ["event_id"])
    op.create_table(
        "open311_changeset",
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("fingerprint", name=op.f("pk_open311_changeset")),
    )


def downgrade() -> None:
    op.drop_table("open311_changeset")
    op.drop_table("open311_update")
    op.drop_table("open311_request")
    op.drop_table("open311_api_key")
