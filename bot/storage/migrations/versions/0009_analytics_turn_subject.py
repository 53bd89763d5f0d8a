"""analytics turn subject

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The subject word of an unmatched question, worked out once by the rollup (spike detection
    # groups by it every few minutes).
    with op.batch_alter_table('analytics_turns', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject', sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('analytics_turns', schema=None) as batch_op:
        batch_op.drop_column('subject')
