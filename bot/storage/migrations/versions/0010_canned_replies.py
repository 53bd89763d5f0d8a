"""canned replies

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 16:05:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('canned_replies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('queue', sa.String(length=64), nullable=True),
    sa.Column('title', sa.String(length=60), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_canned_replies_queue'), 'canned_replies', ['queue'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_canned_replies_queue'), table_name='canned_replies')
    op.drop_table('canned_replies')
