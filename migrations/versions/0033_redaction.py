"""redaction_job, redaction: redacted copies of documents and each redaction's reason

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-07

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'redaction_job',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('original_file_id', sa.Integer(), nullable=False),
        sa.Column('redacted_file_id', sa.Integer(), nullable=True),
        sa.Column('pending', sa.Boolean(), nullable=False),
        sa.Column('created_by', sa.String(length=320), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('applied_by', sa.String(length=320), nullable=True),
        sa.Column('applied_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['original_file_id'], ['stored_file.id'], name=op.f('fk_redaction_job_original_file_id_stored_file')),
        sa.ForeignKeyConstraint(['redacted_file_id'], ['stored_file.id'], name=op.f('fk_redaction_job_redacted_file_id_stored_file')),
        sa.ForeignKeyConstraint(['request_id'], ['request.id'], name=op.f('fk_redaction_job_request_id_request')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_redaction_job')),
        sa.UniqueConstraint('original_file_id', name=op.f('uq_redaction_job_original_file_id')),
    )
    with op.batch_alter_table('redaction_job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_redaction_job_request_id'), ['request_id'], unique=False)
    op.create_table(
        'redaction',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('job_id', sa.Integer(), nullable=False),
        sa.Column('page', sa.Integer(), nullable=True),
        sa.Column('x0', sa.Double(), nullable=True),
        sa.Column('y0', sa.Double(), nullable=True),
        sa.Column('x1', sa.Double(), nullable=True),
        sa.Column('y1', sa.Double(), nullable=True),
        sa.Column('term', sa.String(length=200), nullable=True),
        sa.Column('matches', sa.Integer(), nullable=False),
        sa.Column('reason', sa.Enum('third_party', 'trade_secret', 'other', name='redactionreason', native_enum=False, length=32), nullable=False),
        sa.Column('reason_text', sa.Text(), nullable=False),
        sa.Column('added_by', sa.String(length=320), nullable=False),
        sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['job_id'], ['redaction_job.id'], name=op.f('fk_redaction_job_id_redaction_job')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_redaction')),
    )
    with op.batch_alter_table('redaction', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_redaction_job_id'), ['job_id'], unique=False)


def downgrade():
    with op.batch_alter_table('redaction', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_redaction_job_id'))
    op.drop_table('redaction')
    with op.batch_alter_table('redaction_job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_redaction_job_request_id'))
    op.drop_table('redaction_job')
