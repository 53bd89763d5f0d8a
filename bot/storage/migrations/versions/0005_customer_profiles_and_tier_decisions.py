"""customer profiles and tier decisions

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'customer_devices',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('customer_id', sa.Integer(), nullable=False),
        sa.Column('line', sa.String(length=20), nullable=False),
        sa.Column('model', sa.String(length=32), nullable=False),
        sa.Column('serial', sa.String(length=40), nullable=True),
        sa.Column('purchased_on', sa.Date(), nullable=True),
        sa.Column('channel', sa.String(length=40), nullable=True),
        sa.Column('warranty_until', sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(['customer_id'], ['customers.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('customer_devices', schema=None) as batch_op:
        batch_op.create_index('ix_customer_devices_customer_id', ['customer_id'])
        batch_op.create_index('ix_customer_devices_serial', ['serial'])

    op.create_table(
        'customer_orders',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('customer_id', sa.Integer(), nullable=False),
        sa.Column('order_no', sa.String(length=40), nullable=False),
        sa.Column('placed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('amount', sa.Float(), nullable=False),
        sa.Column('items', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['customer_id'], ['customers.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('order_no'),
    )
    with op.batch_alter_table('customer_orders', schema=None) as batch_op:
        batch_op.create_index('ix_customer_orders_customer_id', ['customer_id'])

    op.create_table(
        'binding_codes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=20), nullable=False),
        sa.Column('sender', sa.String(length=128), nullable=False),
        sa.Column('customer_id', sa.Integer(), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['customer_id'], ['customers.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('binding_codes', schema=None) as batch_op:
        batch_op.create_index('ix_binding_codes_channel_sender', ['channel', 'sender'])

    op.create_table(
        'tier_decisions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('conversation_id', sa.Integer(), nullable=True),
        sa.Column('message_id', sa.Integer(), nullable=True),
        sa.Column('customer_id', sa.Integer(), nullable=True),
        sa.Column('tier', sa.Integer(), nullable=False),
        sa.Column('route', sa.String(length=120), nullable=False),
        sa.Column('priority', sa.Integer(), nullable=False),
        sa.Column('rule', sa.String(length=64), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('inputs', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id']),
        sa.ForeignKeyConstraint(['message_id'], ['messages.id']),
        sa.ForeignKeyConstraint(['customer_id'], ['customers.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('tier_decisions', schema=None) as batch_op:
        batch_op.create_index('ix_tier_decisions_conversation', ['conversation_id', 'id'])
        batch_op.create_index('ix_tier_decisions_customer_id', ['customer_id'])


def downgrade() -> None:
    op.drop_table('tier_decisions')
    op.drop_table('binding_codes')
    op.drop_table('customer_orders')
    op.drop_table('customer_devices')
