"""erasure: a request's planned, approved (four eyes) and carried-out erasure with its reports

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

STATUSES = ('planned', 'approved', 'partial', 'done', 'cancelled')


def upgrade():
    op.create_table(
        'erasure',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('scope', sa.JSON(), nullable=True),
        sa.Column('plans', sa.JSON(), nullable=False),
        sa.Column('manual', sa.JSON(), nullable=False),
        sa.Column(
            'status',
            sa.Enum(
                *STATUSES, name='erasurestatus', native_enum=False, create_constraint=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column('planned_by', sa.String(length=320), nullable=False),
        sa.Column('planned_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('approved_by', sa.String(length=320), nullable=True),
        sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('reports', sa.JSON(), nullable=False),
        sa.Column('runs', sa.Integer(), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['request_id'], ['request.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('erasure', schema=None) as batch_op:
        batch_op.create_index('ix_erasure_request_id', ['request_id'], unique=False)


def downgrade():
    with op.batch_alter_table('erasure', schema=None) as batch_op:
        batch_op.drop_index('ix_erasure_request_id')
    op.drop_table('erasure')
