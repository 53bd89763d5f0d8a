"""access audit: who read or changed which conversation, handoff or ticket

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 18:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "access_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("target_type", sa.String(length=20), nullable=False),
        sa.Column("target_id", sa.String(length=128), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("access_audit") as batch:
        batch.create_index("ix_access_audit_at", ["at"])
        batch.create_index("ix_access_audit_actor", ["actor"])
        batch.create_index("ix_access_audit_action", ["action"])
        batch.create_index("ix_access_audit_target", ["target_type", "target_id"])


def downgrade() -> None:
    op.drop_table("access_audit")
