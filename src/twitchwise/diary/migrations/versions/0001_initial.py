"""The first diary schema: twitches, check-ins, imported day values, assessments, experiments.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "twitches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at_utc", sa.DateTime(), nullable=False),
        sa.Column("utc_offset_min", sa.Integer(), nullable=False),
        sa.Column("explicit_offset", sa.Boolean(), nullable=False),
        sa.Column("local_day", sa.Date(), nullable=False),
        sa.Column("site", sa.String(length=32), nullable=False),
        sa.Column("intensity", sa.Integer(), nullable=True),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("duration_s", sa.Float(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("intensity BETWEEN 1 AND 5", name="ck_twitches_intensity_range"),
        sa.CheckConstraint("count >= 1", name="ck_twitches_count_positive"),
        sa.CheckConstraint("duration_s >= 0", name="ck_twitches_duration_nonnegative"),
        sa.PrimaryKeyConstraint("id", name="pk_twitches"),
    )
    op.create_index("ix_twitches_local_day", "twitches", ["local_day"])
    op.create_table(
        "checkins",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("sleep_hours", sa.Float(), nullable=True),
        sa.Column("caffeine_mg", sa.Float(), nullable=True),
        sa.Column("alcohol_drinks", sa.Float(), nullable=True),
        sa.Column("water_litres", sa.Float(), nullable=True),
        sa.Column("stress_level", sa.Float(), nullable=True),
        sa.Column("exercise_minutes", sa.Float(), nullable=True),
        sa.Column("hard_exercise", sa.Boolean(), nullable=True),
        sa.Column("symptoms", sa.JSON(), nullable=False),
        sa.Column("medications", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("day", name="pk_checkins"),
    )
    op.create_table(
        "day_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("metric", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_day_values"),
        sa.UniqueConstraint("day", "metric", "source", name="uq_day_values_day_metric_source"),
    )
    op.create_index("ix_day_values_day", "day_values", ["day"])
    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("origin", sa.String(length=32), nullable=False),
        sa.Column("triage", sa.String(length=16), nullable=True),
        sa.Column("case", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_assessments"),
    )
    op.create_table(
        "experiments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_experiments"),
    )


def downgrade() -> None:
    op.drop_table("experiments")
    op.drop_table("assessments")
    op.drop_index("ix_day_values_day", table_name="day_values")
    op.drop_table("day_values")
    op.drop_table("checkins")
    op.drop_index("ix_twitches_local_day", table_name="twitches")
    op.drop_table("twitches")
