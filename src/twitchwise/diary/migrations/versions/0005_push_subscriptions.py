"""Web Push subscriptions belong to a person and live in the database.

With accounts, a browser subscribes for the person signed in on it, and the reminders are sent
by `twitchwise worker` (one sender, whatever the number of server processes), which reads them
here. On PostgreSQL the table has the same row-level security as the diary's tables. (Without
accounts, on SQLite, the app keeps its subscriptions in a file beside its key, see web/_push.py.)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TABLE = "push_subscriptions"
PERSON = "NULLIF(current_setting('twitchwise.person_id', true), '')::integer"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("endpoint", sa.String(length=2000), nullable=False),
        sa.Column("p256dh", sa.String(length=200), nullable=False),
        sa.Column("auth", sa.String(length=100), nullable=False),
        sa.Column("times", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name="fk_push_subscriptions_person_id_people",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_push_subscriptions"),
        sa.UniqueConstraint(
            "person_id", "endpoint", name="uq_push_subscriptions_person_id_endpoint"
        ),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f'ALTER TABLE "{TABLE}" ENABLE ROW LEVEL SECURITY')
        op.execute(f'ALTER TABLE "{TABLE}" FORCE ROW LEVEL SECURITY')
        op.execute(
            f'CREATE POLICY "{TABLE}_by_person" ON "{TABLE}" '
            f"USING (person_id = {PERSON}) WITH CHECK (person_id = {PERSON})"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f'DROP POLICY IF EXISTS "{TABLE}_by_person" ON "{TABLE}"')
    op.drop_table(TABLE)
