"""manual findings: what a manual source holds (rows or extracts), its outcome, owner upload links

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('manual_task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outcome', sa.Enum('found', 'nothing_found', name='manualoutcome', native_enum=False, create_constraint=False, length=32), nullable=True))

    op.create_table('manual_finding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=64), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('rows', sa.JSON(), nullable=False),
    sa.Column('file_id', sa.Integer(), nullable=True),
    sa.Column('added_by', sa.String(length=320), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['file_id'], ['stored_file.id'], name=op.f('fk_manual_finding_file_id_stored_file')),
    sa.ForeignKeyConstraint(['request_id'], ['request.id'], name=op.f('fk_manual_finding_request_id_request')),
    sa.ForeignKeyConstraint(['task_id'], ['manual_task.id'], name=op.f('fk_manual_finding_task_id_manual_task')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_manual_finding'))
    )
    with op.batch_alter_table('manual_finding', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_manual_finding_request_id'), ['request_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_manual_finding_task_id'), ['task_id'], unique=False)

    op.create_table('manual_upload_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('owner_email', sa.String(length=320), nullable=False),
    sa.Column('created_by', sa.String(length=320), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('owner_found_nothing', sa.Boolean(), nullable=True),
    sa.Column('owner_note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['request_id'], ['request.id'], name=op.f('fk_manual_upload_link_request_id_request')),
    sa.ForeignKeyConstraint(['task_id'], ['manual_task.id'], name=op.f('fk_manual_upload_link_task_id_manual_task')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_manual_upload_link')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_manual_upload_link_token_hash'))
    )
    with op.batch_alter_table('manual_upload_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_manual_upload_link_request_id'), ['request_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_manual_upload_link_task_id'), ['task_id'], unique=False)


def downgrade():
    with op.batch_alter_table('manual_upload_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_manual_upload_link_task_id'))
        batch_op.drop_index(batch_op.f('ix_manual_upload_link_request_id'))
    op.drop_table('manual_upload_link')
    with op.batch_alter_table('manual_finding', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_manual_finding_task_id'))
        batch_op.drop_index(batch_op.f('ix_manual_finding_request_id'))
    op.drop_table('manual_finding')
    with op.batch_alter_table('manual_task', schema=None) as batch_op:
        batch_op.drop_column('outcome')
