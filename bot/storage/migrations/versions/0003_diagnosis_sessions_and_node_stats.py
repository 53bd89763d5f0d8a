"""diagnosis sessions and node stats

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'diagnosis_sessions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('conversation_id', sa.Integer(), nullable=True),
        sa.Column('tree_id', sa.String(length=64), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('node_id', sa.String(length=64), nullable=False),
        sa.Column('path', sa.JSON(), nullable=False),
        sa.Column('handoff', sa.JSON(), nullable=True),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('diagnosis_sessions', schema=None) as batch_op:
        batch_op.create_index('ix_diagnosis_sessions_conversation_id', ['conversation_id'])
        batch_op.create_index('ix_diagnosis_sessions_tree_id', ['tree_id'])
    op.create_table(
        'diagnosis_node_stats',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('tree_id', sa.String(length=64), nullable=False),
        sa.Column('node_id', sa.String(length=64), nullable=False),
        sa.Column('entered', sa.Integer(), nullable=False),
        sa.Column('answered', sa.Integer(), nullable=False),
        sa.Column('solved', sa.Integer(), nullable=False),
        sa.Column('escalated', sa.Integer(), nullable=False),
        sa.Column('abandoned', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('tree_id', 'node_id', name='uq_diagnosis_node'),
    )


def downgrade() -> None:
    op.drop_table('diagnosis_node_stats')
    with op.batch_alter_table('diagnosis_sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_diagnosis_sessions_tree_id')
        batch_op.drop_index('ix_diagnosis_sessions_conversation_id')
    op.drop_table('diagnosis_sessions')
