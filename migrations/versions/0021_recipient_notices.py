"""recipient notices (Art. 19) tracked until confirmed or closed; an erasure's tasks by hand
(manual sources, Art. 17(2) published data)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

KINDS = ('manual', 'published')


def upgrade():
    op.create_table(
        'recipient_notice',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('recipient_id', sa.String(length=64), nullable=False),
        sa.Column('action', sa.String(length=16), nullable=False),
        sa.Column('done_on', sa.Date(), nullable=False),
        sa.Column('letter_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('confirmed_on', sa.Date(), nullable=True),
        sa.Column('closed_reason', sa.Text(), nullable=True),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('settled_by', sa.String(length=320), nullable=True),
        sa.Column('settled_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ['letter_id'], ['letter.id'], name=op.f('fk_recipient_notice_letter_id_letter')
        ),
        sa.ForeignKeyConstraint(
            ['request_id'], ['request.id'], name=op.f('fk_recipient_notice_request_id_request')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_recipient_notice')),
        sa.UniqueConstraint(
            'request_id', 'recipient_id', 'action',
            name=op.f('uq_recipient_notice_request_id_recipient_id_action'),
        ),
    )
    with op.batch_alter_table('recipient_notice', schema=None) as batch_op:
        batch_op.create_index('ix_recipient_notice_request_id', ['request_id'], unique=False)
    op.create_table(
        'erasure_task',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('erasure_id', sa.Integer(), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column(
            'kind',
            sa.Enum(
                *KINDS, name='erasuretaskkind', native_enum=False, create_constraint=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column('ref', sa.String(length=64), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('instruction', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('done_by', sa.String(length=320), nullable=True),
        sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('evidence_file_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ['erasure_id'], ['erasure.id'], name=op.f('fk_erasure_task_erasure_id_erasure')
        ),
        sa.ForeignKeyConstraint(
            ['evidence_file_id'], ['stored_file.id'], name=op.f('fk_erasure_task_evidence_file_id_stored_file')
        ),
        sa.ForeignKeyConstraint(
            ['request_id'], ['request.id'], name=op.f('fk_erasure_task_request_id_request')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_erasure_task')),
        sa.UniqueConstraint(
            'erasure_id', 'kind', 'ref', name=op.f('uq_erasure_task_erasure_id_kind_ref')
        ),
    )
    with op.batch_alter_table('erasure_task', schema=None) as batch_op:
        batch_op.create_index('ix_erasure_task_erasure_id', ['erasure_id'], unique=False)
        batch_op.create_index('ix_erasure_task_request_id', ['request_id'], unique=False)


def downgrade():
    with op.batch_alter_table('erasure_task', schema=None) as batch_op:
        batch_op.drop_index('ix_erasure_task_request_id')
        batch_op.drop_index('ix_erasure_task_erasure_id')
    op.drop_table('erasure_task')
    with op.batch_alter_table('recipient_notice', schema=None) as batch_op:
        batch_op.drop_index('ix_recipient_notice_request_id')
    op.drop_table('recipient_notice')
