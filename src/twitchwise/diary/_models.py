"""The tables. Times are naive UTC plus the offset they were given in; a day is the local day.

Every diary row belongs to one person (`person_id`). The single-person app on a computer is
person 1 (`LOCAL_PERSON`, no email, no password); a server with accounts has one person per
account. The Alembic migrations in `migrations/versions/` create exactly these tables; a test
compares them. On PostgreSQL the owned tables also have row-level security (migration 0003).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from ._entries import LOCAL_PERSON as LOCAL_PERSON  # defined there: the quick path needs it

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "pk": "pk_%(table_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def owner() -> Mapped[int]:
    """The person a row belongs to; deleting the person deletes their rows."""
    return mapped_column(ForeignKey("people.id", ondelete="CASCADE"))


class PersonRow(Base):
    """Someone with a diary. `email` and `password_hash` are empty for the local person."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime)


class SessionRow(Base):
    """A signed-in browser. The cookie holds a random token; only its SHA-256 is stored, so a
    copy of the database cannot be used to sign in."""

    __tablename__ = "auth_sessions"
    __table_args__ = (Index("ix_auth_sessions_person_id", "person_id"),)

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    person_id: Mapped[int] = owner()
    created_at: Mapped[datetime] = mapped_column(DateTime)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    user_agent: Mapped[str | None] = mapped_column(String(200))


class AccessTokenRow(Base):
    """A personal access token for the JSON API (scripts, integrations); stored hashed."""

    __tablename__ = "access_tokens"
    __table_args__ = (Index("ix_access_tokens_person_id", "person_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = owner()
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hint: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)


class PasskeyRow(Base):
    """A passkey (WebAuthn credential): its id and public key, never a secret (migration 0004)."""

    __tablename__ = "passkeys"
    __table_args__ = (Index("ix_passkeys_person_id", "person_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = owner()
    name: Mapped[str] = mapped_column(String(100))
    credential_id: Mapped[bytes] = mapped_column(LargeBinary(1024), unique=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    sign_count: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)


class SignInAttemptRow(Base):
    """A failed sign-in, by a hashed key (the email, the client address), kept in the database
    so the limit holds across every server process."""

    __tablename__ = "sign_in_attempts"
    __table_args__ = (Index("ix_sign_in_attempts_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime)


class ImportJobRow(Base):
    """An import of an uploaded export, run by a worker; its progress is read by any server."""

    __tablename__ = "import_jobs"
    __table_args__ = (Index("ix_import_jobs_person_id_created_at", "person_id", "created_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    person_id: Mapped[int] = owner()
    filename: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str | None] = mapped_column(String(32))
    label: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16))
    done: Mapped[int] = mapped_column(BigInteger, server_default="0")
    total: Mapped[int | None] = mapped_column(BigInteger)
    error: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class UploadChunkRow(Base):
    """An uploaded file, in pieces, so a worker on any machine can read what a server received."""

    __tablename__ = "upload_chunks"

    job_id: Mapped[str] = mapped_column(
        ForeignKey("import_jobs.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = owner()
    data: Mapped[bytes] = mapped_column(LargeBinary)


class TwitchRow(Base):
    __tablename__ = "twitches"
    __table_args__ = (
        CheckConstraint("intensity BETWEEN 1 AND 5", name="intensity_range"),
        CheckConstraint("count >= 1", name="count_positive"),
        CheckConstraint("duration_s >= 0", name="duration_nonnegative"),
        Index("ix_twitches_person_id_local_day", "person_id", "local_day"),
        Index("ix_twitches_person_id_at_utc_id", "person_id", "at_utc", "id"),
        UniqueConstraint("person_id", "client_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = owner()
    at_utc: Mapped[datetime] = mapped_column(DateTime)
    utc_offset_min: Mapped[int] = mapped_column(Integer)
    explicit_offset: Mapped[bool] = mapped_column()
    local_day: Mapped[date] = mapped_column(Date)
    site: Mapped[str] = mapped_column(String(32))
    intensity: Mapped[int | None] = mapped_column(Integer)
    count: Mapped[int] = mapped_column(Integer)
    duration_s: Mapped[float | None] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    # The sender's own id for this entry (an app's offline queue, a script that retries): the
    # same id sent twice stores one twitch, so a retried request is never a double.
    client_id: Mapped[str | None] = mapped_column(String(64))


class CheckInRow(Base):
    __tablename__ = "checkins"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    sleep_hours: Mapped[float | None] = mapped_column(Float)
    caffeine_mg: Mapped[float | None] = mapped_column(Float)
    alcohol_drinks: Mapped[float | None] = mapped_column(Float)
    water_litres: Mapped[float | None] = mapped_column(Float)
    stress_level: Mapped[float | None] = mapped_column(Float)
    exercise_minutes: Mapped[float | None] = mapped_column(Float)
    hard_exercise: Mapped[bool | None] = mapped_column()
    symptoms: Mapped[list[str]] = mapped_column(JSON)
    medications: Mapped[list[str]] = mapped_column(JSON)
    notes: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    # The drinks as counted ({drink id: count}), so an edit shows them again; caffeine_mg is the
    # total (drinks plus any other caffeine) that statistics read.
    drinks: Mapped[dict[str, float] | None] = mapped_column(JSON)
    # "No twitches today": the person says the day had none, so a zero is a tracked zero.
    no_twitches: Mapped[bool] = mapped_column(server_default=false())


class DayValueRow(Base):
    __tablename__ = "day_values"
    __table_args__ = (
        UniqueConstraint("person_id", "day", "metric", "source"),
        Index("ix_day_values_person_id_day", "person_id", "day"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = owner()
    day: Mapped[date] = mapped_column(Date)
    metric: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(64))
    value: Mapped[float] = mapped_column(Float)
    imported_at: Mapped[datetime] = mapped_column(DateTime)


class AssessmentRow(Base):
    __tablename__ = "assessments"
    __table_args__ = (
        Index("ix_assessments_person_id", "person_id"),
        UniqueConstraint("person_id", "client_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = owner()
    created_at: Mapped[datetime] = mapped_column(DateTime)
    origin: Mapped[str] = mapped_column(String(32))
    triage: Mapped[str | None] = mapped_column(String(16))
    case: Mapped[dict[str, Any]] = mapped_column(JSON)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    client_id: Mapped[str | None] = mapped_column(String(64))


class ExperimentRow(Base):
    __tablename__ = "experiments"
    __table_args__ = (Index("ix_experiments_person_id", "person_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = owner()
    created_at: Mapped[datetime] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(16))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)
    plan: Mapped[dict[str, Any]] = mapped_column(JSON)


class PushSubscriptionRow(Base):
    """A browser's Web Push subscription, for the person signed in on it (migration 0005)."""

    __tablename__ = "push_subscriptions"
    __table_args__ = (UniqueConstraint("person_id", "endpoint"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = owner()
    endpoint: Mapped[str] = mapped_column(String(2000))
    p256dh: Mapped[str] = mapped_column(String(200))
    auth: Mapped[str] = mapped_column(String(100))
    times: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime)


OWNED_TABLES = ("twitches", "checkins", "day_values", "assessments", "experiments")
"""The diary's own tables: what a person's backup holds and what erasing a diary deletes."""

RLS_TABLES = (*OWNED_TABLES, "import_jobs", "upload_chunks", "push_subscriptions")
"""Tables PostgreSQL's row-level security limits to the person set for the transaction."""
