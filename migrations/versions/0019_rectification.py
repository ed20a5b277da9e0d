"""rectification: a request's items mapped to columns, approved, applied and read back

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

STATUSES = ('planned', 'approved', 'partial', 'failed', 'done', 'cancelled')


def upgrade():
    op.create_table(
        'rectification',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('subject', sa.JSON(), nullable=False),
        sa.Column('anchors', sa.JSON(), nullable=False),
        sa.Column('items', sa.JSON(), nullable=False),
        sa.Column(
            'status',
            sa.Enum(
                *STATUSES, name='rectificationstatus', native_enum=False,
                create_constraint=False, length=16,
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
    with op.batch_alter_table('rectification', schema=None) as batch_op:
        batch_op.create_index('ix_rectification_request_id', ['request_id'], unique=False)


def downgrade():
    with op.batch_alter_table('rectification', schema=None) as batch_op:
        batch_op.drop_index('ix_rectification_request_id')
    op.drop_table('rectification')
