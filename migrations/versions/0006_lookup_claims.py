"""lookup_claim: a typed lookup key is a claim until verified (docs/lookup-keys.md)

Requests from before this revision get their claims when they are next searched; until then
their typed keys find nothing.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('lookup_claim',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.String(length=200), nullable=False),
    sa.Column('state', sa.Enum('unverified', 'verified', 'set_aside', 'not_found', name='claimstate', native_enum=False, create_constraint=False, length=32), nullable=False),
    sa.Column('method', sa.Enum('row_carries_email', 'code_to_contact_on_file', 'document_compared', name='claimmethod', native_enum=False, create_constraint=False, length=32), nullable=True),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.Column('finding', sa.Text(), nullable=True),
    sa.Column('conflict', sa.Boolean(), nullable=False),
    sa.Column('decided_by', sa.String(length=320), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('code_hash', sa.String(length=64), nullable=True),
    sa.Column('code_sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('code_expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('code_attempts', sa.Integer(), nullable=False),
    sa.Column('codes_sent', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['request.id'], name=op.f('fk_lookup_claim_request_id_request')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lookup_claim')),
    sa.UniqueConstraint('request_id', 'key', name=op.f('uq_lookup_claim_request_id_key'))
    )
    with op.batch_alter_table('lookup_claim', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lookup_claim_request_id'), ['request_id'], unique=False)


def downgrade():
    with op.batch_alter_table('lookup_claim', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lookup_claim_request_id'))
    op.drop_table('lookup_claim')
