"""suppression_entry, erasure_tombstone: the suppression list and what erasures did, as hashes

The suppression list keeps lookup values a controller must not use again (marketing
objections, erasures) as salted HMACs; an erasure tombstone keeps the key hashes and the parts
an erasure touched, so that it can be replayed after a backup is restored. Both outlive the
request (request_id nullable, cut by the purge). docs/suppression.md.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('suppression_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('controller_id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.Enum('marketing', 'erased', name='suppressionscope', native_enum=False, create_constraint=False, length=16), nullable=False),
    sa.Column('lookup_key', sa.String(length=64), nullable=False),
    sa.Column('hmac', sa.String(length=64), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['controller_id'], ['controller.id'], name=op.f('fk_suppression_entry_controller_id_controller')),
    sa.ForeignKeyConstraint(['request_id'], ['request.id'], name=op.f('fk_suppression_entry_request_id_request')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_suppression_entry')),
    # Also the index `check` uses: (controller_id, hmac) lead it.
    sa.UniqueConstraint('controller_id', 'hmac', 'lookup_key', 'scope', name=op.f('uq_suppression_entry_controller_id_hmac_lookup_key_scope'))
    )
    with op.batch_alter_table('suppression_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_suppression_entry_request_id'), ['request_id'], unique=False)

    op.create_table('erasure_tombstone',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('controller_id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('executed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('key_hashes', sa.JSON(), nullable=False),
    sa.Column('parts', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['controller_id'], ['controller.id'], name=op.f('fk_erasure_tombstone_controller_id_controller')),
    sa.ForeignKeyConstraint(['request_id'], ['request.id'], name=op.f('fk_erasure_tombstone_request_id_request')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_erasure_tombstone'))
    )
    with op.batch_alter_table('erasure_tombstone', schema=None) as batch_op:
        batch_op.create_index('ix_erasure_tombstone_controller_id_executed_at', ['controller_id', 'executed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_erasure_tombstone_request_id'), ['request_id'], unique=False)


def downgrade():
    with op.batch_alter_table('erasure_tombstone', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_erasure_tombstone_request_id'))
        batch_op.drop_index('ix_erasure_tombstone_controller_id_executed_at')
    op.drop_table('erasure_tombstone')
    with op.batch_alter_table('suppression_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_suppression_entry_request_id'))
    op.drop_table('suppression_entry')
