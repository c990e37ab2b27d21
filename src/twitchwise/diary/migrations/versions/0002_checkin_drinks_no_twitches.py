"""Check-ins keep the drinks as counted and a "no twitches today" marker.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("checkins") as batch:
        batch.add_column(sa.Column("drinks", sa.JSON(), nullable=True))
        batch.add_column(
            sa.Column("no_twitches", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("checkins") as batch:
        batch.drop_column("no_twitches")
        batch.drop_column("drinks")
