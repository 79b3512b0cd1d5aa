"""Residents' discussion of a complaint: comments, "me too" votes and their count.

Revision ID: 0004_discussion
Revises: 0003_job_lease
Create Date: 2026-11-29

"""

import sqlalchemy as sa
from alembic import op

revision = "0004_discussion"
down_revision = "0003_job_lease"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "complaint_comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("author_role", sa.String(length=20), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("hidden_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("hidden_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaint.id"],
            name=op.f("fk_complaint_comment_complaint_id_complaint"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user_account.id"],
            name=op.f("fk_complaint_comment_author_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["hidden_by_id"],
            ["user_account.id"],
            name=op.f("fk_complaint_comment_hidden_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_comment")),
    )
    op.create_index(
        "ix_complaint_comment_complaint_id_id", "complaint_comment", ["complaint_id", "id"]
    )
    op.create_index(
        op.f("ix_complaint_comment_author_id"), "complaint_comment", ["author_id"]
    )

    op.create_table(
        "complaint_vote",
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaint.id"],
            name=op.f("fk_complaint_vote_complaint_id_complaint"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_complaint_vote_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("complaint_id", "user_id", name=op.f("pk_complaint_vote")),
    )
    op.create_index(op.f("ix_complaint_vote_user_id"), "complaint_vote", ["user_id"])

    with op.batch_alter_table("complaint") as batch_op:
        batch_op.add_column(
            sa.Column("vote_count", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("complaint") as batch_op:
        batch_op.drop_column("vote_count")
    op.drop_index(op.f("ix_complaint_vote_user_id"), table_name="complaint_vote")
    op.drop_table("complaint_vote")
    op.drop_index(op.f("ix_complaint_comment_author_id"), table_name="complaint_comment")
    op.drop_index("ix_complaint_comment_complaint_id_id", table_name="complaint_comment")
    op.drop_table("complaint_comment")
