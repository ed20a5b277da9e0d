"""search_finding.recipients, search_finding.unmapped_recipients: who got the subject's data

The search records which register recipients received the subject's rows (a table's or
file's `disclosures`) and the disclosure column's values the register maps to nobody; the
access letter names those recipients. Findings from before this revision get empty lists.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('search_finding', schema=None) as batch_op:
        for name in ('recipients', 'unmapped_recipients'):
            batch_op.add_column(
                sa.Column(name, sa.JSON(), server_default=sa.text("'[]'"), nullable=False)
            )


def downgrade():
    with op.batch_alter_table('search_finding', schema=None) as batch_op:
        batch_op.drop_column('unmapped_recipients')
        batch_op.drop_column('recipients')
