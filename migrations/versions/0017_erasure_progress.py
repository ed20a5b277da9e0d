"""erasure_progress: how far each step of an erasure got, committed per batch

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'erasure_progress',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('source', sa.String(length=200), nullable=False),
        sa.Column('part', sa.String(length=200), nullable=False),
        sa.Column('action', sa.String(length=120), nullable=False),
        sa.Column(
            'status',
            sa.Enum(
                'pending', 'running', 'done', 'failed',
                name='progressstatus', native_enum=False, create_constraint=False, length=16,
            ),
            nullable=False,
        ),
        sa.Column('rows_done', sa.Integer(), nullable=False),
        sa.Column('last_key', sa.JSON(), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['request_id'], ['request.id'], name=op.f('fk_erasure_progress_request_id_request')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_erasure_progress')),
        sa.UniqueConstraint(
            'request_id', 'source', 'part', 'action',
            name=op.f('uq_erasure_progress_request_id_source_part_action'),
        ),
    )


def downgrade():
    op.drop_table('erasure_progress')
