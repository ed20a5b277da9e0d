"""request.merged_into_id: a duplicate merged into another request of the same subject and right

The new status "merged" needs no change: statuses are stored as VARCHAR(32) without a CHECK
constraint. Requests from before this revision get NULL: none was merged.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None

FK = 'fk_request_merged_into_id_request'


def upgrade():
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite adds a column with its reference in place; a batch copy of `request` would
        # have to rebuild its partial and expression indexes.
        op.execute(
            f'ALTER TABLE request ADD COLUMN merged_into_id INTEGER '
            f'CONSTRAINT {FK} REFERENCES request (id)'
        )
    else:
        op.add_column('request', sa.Column('merged_into_id', sa.Integer(), nullable=True))
        op.create_foreign_key(FK, 'request', 'request', ['merged_into_id'], ['id'])
    op.create_index('ix_request_merged_into_id', 'request', ['merged_into_id'], unique=False)


def downgrade():
    op.drop_index('ix_request_merged_into_id', table_name='request')
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE request DROP COLUMN merged_into_id')
    else:
        op.drop_constraint(FK, 'request', type_='foreignkey')
        op.drop_column('request', 'merged_into_id')
