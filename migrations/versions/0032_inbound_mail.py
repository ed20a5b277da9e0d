"""inbound_mail: messages read from each controller's IMAP mailbox (docs/mailbox.md)

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-07

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('inbound_mail',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('controller_id', sa.Integer(), nullable=False),
    sa.Column('uidvalidity', sa.BigInteger(), nullable=False),
    sa.Column('uid', sa.BigInteger(), nullable=False),
    sa.Column('message_id', sa.String(length=500), nullable=True),
    sa.Column('arrived_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('fetched_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sender', sa.String(length=320), nullable=True),
    sa.Column('sender_name', sa.String(length=200), nullable=True),
    sa.Column('subject', sa.Text(), nullable=True),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('guessed_type', sa.Enum('access', 'rectification', 'erasure', 'restriction', 'portability', 'objection', 'consent_withdrawal', name='requesttype', native_enum=False, length=32), nullable=True),
    sa.Column('guessed_language', sa.String(length=8), nullable=True),
    sa.Column('mentioned_reference', sa.String(length=32), nullable=True),
    sa.Column('problems', sa.JSON(), nullable=False),
    sa.Column('file_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.Enum('draft', 'confirmed', 'discarded', 'joined', name='inboundstate', native_enum=False, length=32), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('decided_by', sa.String(length=320), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('discard_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['controller_id'], ['controller.id'], name=op.f('fk_inbound_mail_controller_id_controller')),
    sa.ForeignKeyConstraint(['file_id'], ['stored_file.id'], name=op.f('fk_inbound_mail_file_id_stored_file')),
    sa.ForeignKeyConstraint(['request_id'], ['request.id'], name=op.f('fk_inbound_mail_request_id_request')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inbound_mail')),
    sa.UniqueConstraint('controller_id', 'message_id', name=op.f('uq_inbound_mail_controller_id_message_id')),
    sa.UniqueConstraint('controller_id', 'uidvalidity', 'uid', name=op.f('uq_inbound_mail_controller_id_uidvalidity_uid'))
    )
    with op.batch_alter_table('inbound_mail', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inbound_mail_controller_id'), ['controller_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inbound_mail_request_id'), ['request_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inbound_mail_state'), ['state'], unique=False)


def downgrade():
    with op.batch_alter_table('inbound_mail', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inbound_mail_state'))
        batch_op.drop_index(batch_op.f('ix_inbound_mail_request_id'))
        batch_op.drop_index(batch_op.f('ix_inbound_mail_controller_id'))

    op.drop_table('inbound_mail')
