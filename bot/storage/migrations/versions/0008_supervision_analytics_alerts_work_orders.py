"""supervision analytics alerts work orders

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 14:33:16.423910
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('analytics_state',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_table('job_leases',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('holder', sa.String(length=80), nullable=False),
    sa.Column('until', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_table('analytics_contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('sender', sa.String(length=128), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('first_message_id', sa.Integer(), nullable=False),
    sa.Column('last_message_id', sa.Integer(), nullable=False),
    sa.Column('messages', sa.Integer(), nullable=False),
    sa.Column('user_messages', sa.Integer(), nullable=False),
    sa.Column('first_text', sa.Text(), nullable=True),
    sa.Column('question_id', sa.String(length=32), nullable=True),
    sa.Column('category', sa.String(length=64), nullable=True),
    sa.Column('product_line', sa.String(length=20), nullable=True),
    sa.Column('tree_id', sa.String(length=64), nullable=True),
    sa.Column('tier', sa.Integer(), nullable=True),
    sa.Column('complaint', sa.Boolean(), nullable=False),
    sa.Column('answered', sa.Integer(), nullable=False),
    sa.Column('clarified', sa.Integer(), nullable=False),
    sa.Column('unmatched', sa.Integer(), nullable=False),
    sa.Column('clarify_ok', sa.Integer(), nullable=False),
    sa.Column('bot_answered', sa.Boolean(), nullable=False),
    sa.Column('transferred', sa.Boolean(), nullable=False),
    sa.Column('handoff_id', sa.Integer(), nullable=True),
    sa.Column('handoff_status', sa.String(length=12), nullable=True),
    sa.Column('queue', sa.String(length=40), nullable=True),
    sa.Column('agent', sa.String(length=64), nullable=True),
    sa.Column('wait_s', sa.Float(), nullable=True),
    sa.Column('first_response_s', sa.Float(), nullable=True),
    sa.Column('handle_s', sa.Float(), nullable=True),
    sa.Column('rating', sa.Integer(), nullable=True),
    sa.Column('negative_max', sa.Float(), nullable=True),
    sa.Column('recontact_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('self_service', sa.Boolean(), nullable=False),
    sa.Column('fcr', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('conversation_id', 'seq', name='uq_analytics_contact_seq')
    )
    with op.batch_alter_table('analytics_contacts', schema=None) as batch_op:
        batch_op.create_index('ix_analytics_contacts_customer', ['customer_id', 'started_at'], unique=False)
        batch_op.create_index('ix_analytics_contacts_started', ['started_at'], unique=False)

    op.create_table('alerts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('rule_id', sa.String(length=64), nullable=False),
    sa.Column('severity', sa.String(length=12), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('review', sa.String(length=12), nullable=True),
    sa.Column('reviewed_by', sa.String(length=64), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('conversation_id', sa.Integer(), nullable=True),
    sa.Column('message_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.String(length=20), nullable=True),
    sa.Column('role', sa.String(length=10), nullable=True),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.Column('first_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], ),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], ),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('rule_id', 'message_id', name='uq_alert_rule_message')
    )
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.create_index('ix_alerts_created', ['created_at'], unique=False)
        batch_op.create_index('ix_alerts_key', ['key', 'last_at'], unique=False)

    op.create_table('analytics_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tree_id', sa.String(length=64), nullable=False),
    sa.Column('node_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['analytics_contacts.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('analytics_steps', schema=None) as batch_op:
        batch_op.create_index('ix_analytics_steps_at', ['at'], unique=False)
        batch_op.create_index('ix_analytics_steps_contact', ['contact_id'], unique=False)

    op.create_table('analytics_turns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('decision', sa.String(length=12), nullable=False),
    sa.Column('question_id', sa.String(length=32), nullable=True),
    sa.Column('category', sa.String(length=64), nullable=True),
    sa.Column('product_line', sa.String(length=20), nullable=True),
    sa.Column('intent', sa.String(length=40), nullable=True),
    sa.Column('text', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['contact_id'], ['analytics_contacts.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('analytics_turns', schema=None) as batch_op:
        batch_op.create_index('ix_analytics_turns_at', ['at'], unique=False)
        batch_op.create_index('ix_analytics_turns_contact', ['contact_id'], unique=False)
        batch_op.create_index('ix_analytics_turns_question', ['question_id', 'at'], unique=False)

    op.create_table('workorder_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('author', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('workorder_notes', schema=None) as batch_op:
        batch_op.create_index('ix_workorder_notes_ticket', ['ticket_id', 'id'], unique=False)

    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=20), nullable=False, server_default='customer_request'))
        batch_op.add_column(sa.Column('severity', sa.String(length=12), nullable=False, server_default='normal'))
        batch_op.add_column(sa.Column('owner_kind', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('due_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('reminded', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('escalated_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('closing_cause', sa.String(length=20), nullable=True))
    # Tickets so far came from customers (handoff) or from the delivery of an answer.
    op.execute("UPDATE tickets SET source = 'delivery' WHERE kind <> 'handoff'")



def downgrade() -> None:
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_column('closing_cause')
        batch_op.drop_column('escalated_at')
        batch_op.drop_column('reminded')
        batch_op.drop_column('due_at')
        batch_op.drop_column('owner_kind')
        batch_op.drop_column('severity')
        batch_op.drop_column('source')

    with op.batch_alter_table('workorder_notes', schema=None) as batch_op:
        batch_op.drop_index('ix_workorder_notes_ticket')

    op.drop_table('workorder_notes')
    with op.batch_alter_table('analytics_turns', schema=None) as batch_op:
        batch_op.drop_index('ix_analytics_turns_question')
        batch_op.drop_index('ix_analytics_turns_contact')
        batch_op.drop_index('ix_analytics_turns_at')

    op.drop_table('analytics_turns')
    with op.batch_alter_table('analytics_steps', schema=None) as batch_op:
        batch_op.drop_index('ix_analytics_steps_contact')
        batch_op.drop_index('ix_analytics_steps_at')

    op.drop_table('analytics_steps')
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.drop_index('ix_alerts_key')
        batch_op.drop_index('ix_alerts_created')

    op.drop_table('alerts')
    with op.batch_alter_table('analytics_contacts', schema=None) as batch_op:
        batch_op.drop_index('ix_analytics_contacts_started')
        batch_op.drop_index('ix_analytics_contacts_customer')

    op.drop_table('analytics_contacts')
    op.drop_table('job_leases')
    op.drop_table('analytics_state')
