"""restriction and processing_stop: a request's restriction (Art. 18) and the activities
stopped for its subject (Art. 7(3), Art. 21), carried out through the erasure's writers

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

RESTRICTION = ('placing', 'partial', 'active', 'lifting', 'lift_partial', 'lifted')
STOP = ('approved', 'partial', 'done', 'continued')


def _status(values, name):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=False, length=16)


def upgrade():
    op.create_table(
        'restriction',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('ground', sa.String(length=16), nullable=False),
        sa.Column('end_condition', sa.Text(), nullable=False),
        sa.Column('sources', sa.JSON(), nullable=True),
        sa.Column('plans', sa.JSON(), nullable=False),
        sa.Column('manual', sa.JSON(), nullable=False),
        sa.Column('status', _status(RESTRICTION, 'restrictionstatus'), nullable=False),
        sa.Column('placed_by', sa.String(length=320), nullable=False),
        sa.Column('placed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('reports', sa.JSON(), nullable=False),
        sa.Column('runs', sa.Integer(), nullable=False),
        sa.Column('active_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('lift_by', sa.String(length=320), nullable=True),
        sa.Column('lift_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('lift_plans', sa.JSON(), nullable=True),
        sa.Column('lift_reports', sa.JSON(), nullable=True),
        sa.Column('lifted_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['request_id'], ['request.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('restriction', schema=None) as batch_op:
        batch_op.create_index('ix_restriction_request_id', ['request_id'], unique=False)
    op.create_table(
        'processing_stop',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('basis', sa.String(length=16), nullable=False),
        sa.Column('activities', sa.JSON(), nullable=False),
        sa.Column('outcome', sa.String(length=16), nullable=False),
        sa.Column('grounds', sa.Text(), nullable=True),
        sa.Column('plans', sa.JSON(), nullable=False),
        sa.Column('manual', sa.JSON(), nullable=False),
        sa.Column('status', _status(STOP, 'stopstatus'), nullable=False),
        sa.Column('decided_by', sa.String(length=320), nullable=False),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('reports', sa.JSON(), nullable=False),
        sa.Column('runs', sa.Integer(), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['request_id'], ['request.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('processing_stop', schema=None) as batch_op:
        batch_op.create_index('ix_processing_stop_request_id', ['request_id'], unique=False)


def downgrade():
    with op.batch_alter_table('processing_stop', schema=None) as batch_op:
        batch_op.drop_index('ix_processing_stop_request_id')
    op.drop_table('processing_stop')
    with op.batch_alter_table('restriction', schema=None) as batch_op:
        batch_op.drop_index('ix_restriction_request_id')
    op.drop_table('restriction')
