"""representation: a request made on someone else's behalf (docs/representatives.md)

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-07

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = "0034"
down_revision = "0033"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'representation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('email', sa.String(length=320), nullable=True),
        sa.Column('relation', sa.Enum('parent', 'lawyer', 'carer', 'other', name='relationship', native_enum=False, create_constraint=False, length=32), nullable=False),
        sa.Column('relation_note', sa.Text(), nullable=True),
        sa.Column('subject_email', sa.String(length=320), nullable=True),
        sa.Column('subject_address', sa.Text(), nullable=True),
        sa.Column('proof_file_id', sa.Integer(), nullable=True),
        sa.Column('identity', sa.Enum('pending', 'verified', 'refused', name='check', native_enum=False, create_constraint=False, length=32), nullable=False),
        sa.Column('identity_by', sa.String(length=320), nullable=True),
        sa.Column('identity_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('identity_note', sa.Text(), nullable=True),
        sa.Column('authority', sa.Enum('pending', 'verified', 'refused', name='check', native_enum=False, create_constraint=False, length=32), nullable=False),
        sa.Column('authority_by', sa.String(length=320), nullable=True),
        sa.Column('authority_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('authority_note', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['proof_file_id'], ['stored_file.id'], name=op.f('fk_representation_proof_file_id_stored_file')),
        sa.ForeignKeyConstraint(['request_id'], ['request.id'], name=op.f('fk_representation_request_id_request')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_representation')),
        sa.UniqueConstraint('request_id', name=op.f('uq_representation_request_id')),
    )


def downgrade():
    op.drop_table('representation')
