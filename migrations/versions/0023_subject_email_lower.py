"""ix_request_subject_email_lower: the same subject's other requests by normalised e-mail

The case page lists a subject's other requests within 12 months and marks possible
duplicates, the queue flags them (dsar/requests/repeats.py); both read lower(subject_email).

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        'ix_request_subject_email_lower', 'request', [sa.text('lower(subject_email)')]
    )


def downgrade():
    op.drop_index('ix_request_subject_email_lower', table_name='request')
