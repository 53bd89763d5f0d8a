"""analytics rollups: contacts summed per day / per hour / per diagnosis step, and indexes

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 21:18:20.097095
"""
from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def _slice() -> list[sa.Column]:
    """What a rollup row is summed by (bot.storage.supervision._Slice)."""
    return [
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('channel', sa.String(length=20), nullable=False),
        sa.Column('product_line', sa.String(length=20), nullable=True),
        sa.Column('category', sa.String(length=64), nullable=True),
        sa.Column('tier', sa.Integer(), nullable=True),
        sa.Column('queue', sa.String(length=40), nullable=True),
    ]


def _measures() -> list[sa.Column]:
    """The sums every rollup row keeps (bot.storage.supervision._Measures)."""
    return [
        sa.Column('contacts', sa.Integer(), nullable=False),
        sa.Column('self_service', sa.Integer(), nullable=False),
        sa.Column('transferred', sa.Integer(), nullable=False),
        sa.Column('fcr', sa.Integer(), nullable=False),
        sa.Column('answered', sa.Integer(), nullable=False),
        sa.Column('clarified', sa.Integer(), nullable=False),
        sa.Column('unmatched', sa.Integer(), nullable=False),
        sa.Column('clarify_ok', sa.Integer(), nullable=False),
        sa.Column('rated', sa.Integer(), nullable=False),
        sa.Column('rating_sum', sa.Integer(), nullable=False),
        sa.Column('satisfied', sa.Integer(), nullable=False),
        sa.Column('waited', sa.Integer(), nullable=False),
        sa.Column('wait_sum', sa.BigInteger(), nullable=False),
        sa.Column('in_service_level', sa.Integer(), nullable=False),
        sa.Column('complaints', sa.Integer(), nullable=False),
        sa.Column('with_answer', sa.Integer(), nullable=False),
        sa.Column('with_clarify', sa.Integer(), nullable=False),
        sa.Column('with_none', sa.Integer(), nullable=False),
        sa.Column('response_n', sa.Integer(), nullable=False),
        sa.Column('response_sum', sa.BigInteger(), nullable=False),
        sa.Column('handle_n', sa.Integer(), nullable=False),
        sa.Column('handle_sum', sa.BigInteger(), nullable=False),
    ]


def upgrade() -> None:
    # Sums of analytics_contacts that the dashboard reads (bot.analytics.cubes). They start
    # empty: the rollup job's next run builds them for every day the facts hold.
    op.create_table('analytics_daily',
    sa.Column('id', sa.Integer(), nullable=False),
    *_slice(),
    sa.Column('agent', sa.String(length=64), nullable=True),
    *_measures(),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('analytics_daily', schema=None) as batch_op:
        batch_op.create_index('ix_analytics_daily_day', ['day'], unique=False)

    op.create_table('analytics_funnel',
    sa.Column('id', sa.Integer(), nullable=False),
    *_slice(),
    sa.Column('tree_id', sa.String(length=64), nullable=False),
    sa.Column('node_id', sa.String(length=64), nullable=True),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('contacts', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('analytics_funnel', schema=None) as batch_op:
        batch_op.create_index('ix_analytics_funnel_day', ['day'], unique=False)

    op.create_table('analytics_hourly',
    sa.Column('id', sa.Integer(), nullable=False),
    *_slice(),
    sa.Column('hour', sa.Integer(), nullable=False),
    *_measures(),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('analytics_hourly', schema=None) as batch_op:
        batch_op.create_index('ix_analytics_hourly_day', ['day'], unique=False)

    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.create_index('ix_alerts_last', ['last_at'], unique=False)

    with op.batch_alter_table('analytics_contacts', schema=None) as batch_op:
        batch_op.create_index('ix_analytics_contacts_ended', ['ended_at'], unique=False)

    with op.batch_alter_table('analytics_steps', schema=None) as batch_op:
        batch_op.create_index('ix_analytics_steps_node', ['tree_id', 'node_id', 'kind', 'contact_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('analytics_steps', schema=None) as batch_op:
        batch_op.drop_index('ix_analytics_steps_node')

    with op.batch_alter_table('analytics_contacts', schema=None) as batch_op:
        batch_op.drop_index('ix_analytics_contacts_ended')

    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.drop_index('ix_alerts_last')

    with op.batch_alter_table('analytics_hourly', schema=None) as batch_op:
        batch_op.drop_index('ix_analytics_hourly_day')

    op.drop_table('analytics_hourly')
    with op.batch_alter_table('analytics_funnel', schema=None) as batch_op:
        batch_op.drop_index('ix_analytics_funnel_day')

    op.drop_table('analytics_funnel')
    with op.batch_alter_table('analytics_daily', schema=None) as batch_op:
        batch_op.drop_index('ix_analytics_daily_day')

    op.drop_table('analytics_daily')
