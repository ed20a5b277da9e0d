"""audit: each event's hash scheme (plain SHA-256 before, HMAC-SHA256 from now on) and the
signed checkpoints of every chain's head; sign_in_throttle.account_key: failures counted per
e-mail address and client address

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None


def upgrade():
    # Every event stored so far was hashed with plain SHA-256: the server default says so.
    for table in ('request_event', 'staff_event'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('hash_scheme', sa.String(length=16), server_default='sha256', nullable=False))
    op.create_table('audit_checkpoint',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('body', sa.JSON(), nullable=False),
    sa.Column('mac', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_checkpoint'))
    )
    with op.batch_alter_table('audit_checkpoint', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_checkpoint_kind'), ['kind'], unique=False)
    with op.batch_alter_table('sign_in_throttle', schema=None) as batch_op:
        batch_op.add_column(sa.Column('account_key', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_sign_in_throttle_account_key'), ['account_key'], unique=False)


def downgrade():
    with op.batch_alter_table('sign_in_throttle', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_throttle_account_key'))
        batch_op.drop_column('account_key')
    with op.batch_alter_table('audit_checkpoint', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_checkpoint_kind'))
    op.drop_table('audit_checkpoint')
    for table in ('staff_event', 'request_event'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('hash_scheme')
