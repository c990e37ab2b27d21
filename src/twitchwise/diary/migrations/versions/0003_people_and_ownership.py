"""People own their rows: accounts, sessions, tokens, import jobs, and a person on every row.

Twitches and assessments also get the sender's `client_id`, unique per person, so a request
retried after a lost answer (a server killed mid-request, a phone's offline queue) stores once.

Every diary row gets `person_id`. Rows written before this revision belong to person 1, the
local person (no email, no password), so a diary kept on one computer carries on unchanged. On
PostgreSQL the owned tables get row-level security: a transaction sees and writes only the rows of
the person named in its `twitchwise.person_id` setting (the Diary sets it), a second fence
behind the queries' own filter. It binds every role but superusers and BYPASSRLS roles, which is
why a server with accounts refuses to run as one.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

OWNED = ("twitches", "checkins", "day_values", "assessments", "experiments")
RLS = (*OWNED, "import_jobs", "upload_chunks")
PERSON = "NULLIF(current_setting('twitchwise.person_id', true), '')::integer"


def upgrade() -> None:
    _create_people()
    _create_auth_tables()
    _create_job_tables()
    _own_diary_tables()
    if op.get_bind().dialect.name == "postgresql":
        for table in RLS:
            op.execute(f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY')
            op.execute(f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY')
            op.execute(
                f'CREATE POLICY "{table}_by_person" ON "{table}" '
                f"USING (person_id = {PERSON}) WITH CHECK (person_id = {PERSON})"
            )


def _create_people() -> None:
    people = op.create_table(
        "people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("password_changed_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_people"),
        sa.UniqueConstraint("email", name="uq_people_email"),
    )
    op.execute(people.insert().values(id=1, created_at=sa.func.current_timestamp()))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("SELECT setval(pg_get_serial_sequence('people', 'id'), 1)")


def _create_auth_tables() -> None:
    op.create_table(
        "auth_sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("user_agent", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name="fk_auth_sessions_person_id_people",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_hash", name="pk_auth_sessions"),
    )
    op.create_index("ix_auth_sessions_person_id", "auth_sessions", ["person_id"])
    op.create_table(
        "access_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("hint", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name="fk_access_tokens_person_id_people",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_access_tokens"),
        sa.UniqueConstraint("token_hash", name="uq_access_tokens_token_hash"),
    )
    op.create_index("ix_access_tokens_person_id", "access_tokens", ["person_id"])
    op.create_table(
        "sign_in_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sign_in_attempts"),
    )
    op.create_index("ix_sign_in_attempts_key_at", "sign_in_attempts", ["key", "at"])


def _create_job_tables() -> None:
    op.create_table(
        "import_jobs",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=True),
        sa.Column("label", sa.String(length=64), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("done", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("summary", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name="fk_import_jobs_person_id_people",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_import_jobs"),
    )
    op.create_index(
        "ix_import_jobs_person_id_created_at", "import_jobs", ["person_id", "created_at"]
    )
    op.create_table(
        "upload_chunks",
        sa.Column("job_id", sa.String(length=32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["import_jobs.id"],
            name="fk_upload_chunks_job_id_import_jobs",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name="fk_upload_chunks_person_id_people",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("job_id", "seq", name="pk_upload_chunks"),
    )


def _own_diary_tables() -> None:
    """Add the owner to each diary table (existing rows: person 1), then drop the default, so
    a row written without a person is an error, never silently someone's."""
    for table in OWNED:
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("person_id", sa.Integer(), server_default="1", nullable=False)
            )
            batch.create_foreign_key(
                f"fk_{table}_person_id_people",
                "people",
                ["person_id"],
                ["id"],
                ondelete="CASCADE",
            )
        with op.batch_alter_table(table) as batch:
            batch.alter_column("person_id", server_default=None)
    for table in ("twitches", "assessments"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("client_id", sa.String(length=64), nullable=True))
            batch.create_unique_constraint(
                f"uq_{table}_person_id_client_id", ["person_id", "client_id"]
            )
    with op.batch_alter_table("twitches") as batch:
        batch.drop_index("ix_twitches_local_day")
        batch.create_index("ix_twitches_person_id_local_day", ["person_id", "local_day"])
        batch.create_index("ix_twitches_person_id_at_utc_id", ["person_id", "at_utc", "id"])
    with op.batch_alter_table("checkins") as batch:
        batch.drop_constraint("pk_checkins", type_="primary")
        batch.create_primary_key("pk_checkins", ["person_id", "day"])
    with op.batch_alter_table("day_values") as batch:
        batch.drop_constraint("uq_day_values_day_metric_source", type_="unique")
        batch.drop_index("ix_day_values_day")
        batch.create_unique_constraint(
            "uq_day_values_person_id_day_metric_source", ["person_id", "day", "metric", "source"]
        )
        batch.create_index("ix_day_values_person_id_day", ["person_id", "day"])
    for table in ("assessments", "experiments"):
        with op.batch_alter_table(table) as batch:
            batch.create_index(f"ix_{table}_person_id", ["person_id"])


def downgrade() -> None:
    """Back to one diary: only the local person's rows are kept."""
    if op.get_bind().dialect.name == "postgresql":
        for table in RLS:
            op.execute(f'DROP POLICY IF EXISTS "{table}_by_person" ON "{table}"')
            op.execute(f'ALTER TABLE "{table}" NO FORCE ROW LEVEL SECURITY')
            op.execute(f'ALTER TABLE "{table}" DISABLE ROW LEVEL SECURITY')
    for table in OWNED:
        op.execute(f'DELETE FROM "{table}" WHERE person_id <> 1')
    for table in ("assessments", "experiments"):
        with op.batch_alter_table(table) as batch:
            batch.drop_index(f"ix_{table}_person_id")
    for table in ("twitches", "assessments"):
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(f"uq_{table}_person_id_client_id", type_="unique")
            batch.drop_column("client_id")
    with op.batch_alter_table("day_values") as batch:
        batch.drop_index("ix_day_values_person_id_day")
        batch.drop_constraint("uq_day_values_person_id_day_metric_source", type_="unique")
        batch.create_unique_constraint(
            "uq_day_values_day_metric_source", ["day", "metric", "source"]
        )
        batch.create_index("ix_day_values_day", ["day"])
    with op.batch_alter_table("checkins") as batch:
        batch.drop_constraint("pk_checkins", type_="primary")
        batch.create_primary_key("pk_checkins", ["day"])
    with op.batch_alter_table("twitches") as batch:
        batch.drop_index("ix_twitches_person_id_at_utc_id")
        batch.drop_index("ix_twitches_person_id_local_day")
        batch.create_index("ix_twitches_local_day", ["local_day"])
    for table in OWNED:
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(f"fk_{table}_person_id_people", type_="foreignkey")
            batch.drop_column("person_id")
    op.drop_table("upload_chunks")
    op.drop_index("ix_import_jobs_person_id_created_at", table_name="import_jobs")
    op.drop_table("import_jobs")
    op.drop_index("ix_sign_in_attempts_key_at", table_name="sign_in_attempts")
    op.drop_table("sign_in_attempts")
    op.drop_index("ix_access_tokens_person_id", table_name="access_tokens")
    op.drop_table("access_tokens")
    op.drop_index("ix_auth_sessions_person_id", table_name="auth_sessions")
    op.drop_table("auth_sessions")
    op.drop_table("people")
