"""kb import jobs: imports of the knowledge editor, run in the background

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 22:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kb_import_jobs",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("author", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("job", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("kb_import_jobs") as batch:
        batch.create_index("ix_kb_import_jobs_created_at", ["created_at"])


def downgrade() -> None:
    op.drop_table("kb_import_jobs")
