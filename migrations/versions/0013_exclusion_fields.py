"""exclusion.field, exclusion.reason_code, export.contents: review every row and field

Staff leave out a whole row (field '') or one field of a row, with a reason from a short
list (Art. 15(4)) besides the free text; earlier exclusions were rows of someone else's
data ('third_party'). An export records which data files its ZIP holds, for the letters;
exports from before this revision get NULL.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

REASONS = ('third_party', 'confidential', 'intellectual_property', 'not_subject', 'other')


def upgrade():
    with op.batch_alter_table('exclusion', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('field', sa.String(length=128), server_default='', nullable=False)
        )
        batch_op.add_column(
            sa.Column(
                'reason_code',
                sa.Enum(
                    *REASONS,
                    name='exclusionreason',
                    native_enum=False,
                    create_constraint=False,
                    length=32,
                ),
                server_default='third_party',
                nullable=False,
            )
        )
        batch_op.drop_constraint('uq_exclusion_request_id_source_id_part_row_key', type_='unique')
        batch_op.create_unique_constraint(
            batch_op.f('uq_exclusion_request_id_source_id_part_row_key_field'),
            ['request_id', 'source_id', 'part', 'row_key', 'field'],
        )
    with op.batch_alter_table('export', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contents', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('export', schema=None) as batch_op:
        batch_op.drop_column('contents')
    op.execute("DELETE FROM exclusion WHERE field != ''")
    with op.batch_alter_table('exclusion', schema=None) as batch_op:
        batch_op.drop_constraint(
            'uq_exclusion_request_id_source_id_part_row_key_field', type_='unique'
        )
        batch_op.create_unique_constraint(
            batch_op.f('uq_exclusion_request_id_source_id_part_row_key'),
            ['request_id', 'source_id', 'part', 'row_key'],
        )
        batch_op.drop_column('reason_code')
        batch_op.drop_column('field')
