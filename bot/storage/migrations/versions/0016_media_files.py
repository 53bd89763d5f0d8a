"""media files: pictures and files sent in conversations

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 21:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "media_files",
        sa.Column("id", sa.String(length=48), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("backend", sa.String(length=10), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=True),
        sa.Column("sender", sa.String(length=128), nullable=True),
        sa.Column("uploaded_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("media_files") as batch:
        batch.create_index("ix_media_files_owner", ["channel", "sender"])


def downgrade() -> None:
    op.drop_table("media_files")
