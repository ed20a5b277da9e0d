"""export.revoked_at, revoked_reason, revoked_by: a download link ended before it expired

A rebuilt export supersedes the earlier ones; a withdrawal, a refusal or a failed identity
ends every link of the request; staff revoke one (docs/download-links.md). Exports from before
this revision get NULL: their links live until they expire, as they did.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('export', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column(
                'revoked_reason',
                sa.Enum(
                    'superseded',
                    'withdrawn',
                    'refused',
                    'identity_failed',
                    'staff',
                    name='linkend',
                    native_enum=False,
                    length=32,
                ),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column('revoked_by', sa.String(length=320), nullable=True))


def downgrade():
    with op.batch_alter_table('export', schema=None) as batch_op:
        batch_op.drop_column('revoked_by')
        batch_op.drop_column('revoked_reason')
        batch_op.drop_column('revoked_at')
