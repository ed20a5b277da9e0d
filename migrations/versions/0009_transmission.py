"""transmission: portability exports are sent to another controller by a job, after the commit

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('transmission',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('export_id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=False),
    sa.Column('actor', sa.String(length=320), nullable=False),
    sa.Column('status', sa.Enum('queued', 'sent', 'failed', name='transmissionstatus', native_enum=False, create_constraint=False, length=32), nullable=False),
    sa.Column('http_status', sa.Integer(), nullable=True),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['export_id'], ['export.id'], name=op.f('fk_transmission_export_id_export')),
    sa.ForeignKeyConstraint(['request_id'], ['request.id'], name=op.f('fk_transmission_request_id_request')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transmission'))
    )
    with op.batch_alter_table('transmission', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_transmission_request_id'), ['request_id'], unique=False)


def downgrade():
    with op.batch_alter_table('transmission', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_transmission_request_id'))
    op.drop_table('transmission')
